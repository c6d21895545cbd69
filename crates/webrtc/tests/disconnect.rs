//! A browser that goes silent (tab closed, network gone) is reported `Disconnected` once ICE
//! consent lapses. Time is simulated: after a real connection, the leg is driven alone by its
//! own timeouts, tens of seconds pass in microseconds.

mod common;

use std::time::Duration;

use common::Pair;
use webrtc::{Codec, LegEvent};

#[tokio::test]
async fn a_silent_browser_is_reported_disconnected() {
    let mut pair = Pair::new(Codec::Opus).await;
    pair.connect().await;
    let mut now = common::clock();
    let end = now + Duration::from_secs(120);
    let mut events = Vec::new();
    while now < end {
        now = pair
            .leg
            .poll_timeout()
            .max(now + Duration::from_millis(1))
            .min(end);
        pair.leg.handle_timeout(now);
        while pair.leg.poll_transmit().is_some() {}
        events.extend(std::iter::from_fn(|| pair.leg.poll_event()));
        if events.contains(&LegEvent::Disconnected) {
            break;
        }
    }
    let waited = now - (end - Duration::from_secs(120));
    eprintln!("disconnected after {waited:?} of silence: {events:?}");
    assert!(events.contains(&LegEvent::Disconnected), "{events:?}");
    assert!(!pair.leg.is_connected());
    // Frames sent to a gone browser are dropped, not queued.
    pair.leg.send_audio(now, &[0; 160]);
    assert!(pair.leg.poll_transmit().is_none());
}
