//! RFC 4733 digits from the client reach the leg as `LegEvent::Dtmf`, once per key press.

mod common;

use std::time::Duration;

use common::Pair;
use webrtc::{Codec, LegEvent};

#[tokio::test]
async fn dtmf_digits_are_reported_once_each() {
    let mut pair = Pair::new(Codec::Opus).await;
    pair.connect().await;
    let digits = ['1', '#', '9'];
    let mut tick = 0usize;
    let ok = pair
        .run(Duration::from_secs(5), |p, now| {
            let rate = p.client.sample_rate();
            p.client
                .send_audio(now, &common::tone_frame(440.0, 2000.0, rate, tick));
            // A digit every 200 ms (100 ms tone, 100 ms pause).
            if tick % 10 == 5 && tick / 10 < digits.len() {
                p.client.send_dtmf(now, digits[tick / 10]);
            }
            tick += 1;
            tick > 50
        })
        .await;
    assert!(ok);
    let got: Vec<LegEvent> = pair
        .leg_events
        .iter()
        .copied()
        .filter(|e| matches!(e, LegEvent::Dtmf(_)))
        .collect();
    assert_eq!(got, digits.map(LegEvent::Dtmf));
    assert_eq!(pair.leg.stats().packets_lost, 0, "{:?}", pair.leg.stats());
}
