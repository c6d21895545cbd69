//! Packets lost between the browser and the leg are counted, and Opus conceals them so the
//! room still gets a frame every 20 ms.

mod common;

use common::{Pair, db, exchange_tones, hear, is_rtp};
use webrtc::Codec;

#[tokio::test]
async fn lost_opus_packets_are_counted_and_concealed() {
    let mut pair = Pair::new(Codec::Opus).await;
    let seen = std::rc::Rc::new(std::cell::Cell::new(0));
    let counter = seen.clone();
    let mut rtp = 0;
    // Every tenth media packet from the client is lost, starting with the 15th.
    pair.lose_to_leg = Some(Box::new(move |d| {
        if !is_rtp(d) {
            return false;
        }
        rtp += 1;
        counter.set(rtp);
        rtp % 10 == 5 && rtp > 10
    }));
    exchange_tones(&mut pair, 1000.0, 600.0, 100).await;
    let stats = pair.leg.stats();
    let leg = hear(&pair.leg_audio, 10, 8000, 1000.0, 600.0);
    eprintln!(
        "leg heard {leg:?}, stats {stats:?}; {} media packets reached the leg's socket; client {:?}",
        seen.get(),
        pair.client.stats()
    );
    assert_eq!(stats.packets_lost, 9, "{stats:?}");
    assert_eq!(stats.frames_concealed, 9, "{stats:?}");
    assert_eq!(stats.packets_received, 91, "{stats:?}");
    // Concealment fills the gaps: a frame for every packet sent, the tone still there.
    assert_eq!(leg.frames, 100);
    assert!(db(leg.at_tone, 8000.0).abs() < 3.0, "{leg:?}");
    assert!(db(leg.at_tone, leg.off_tone) > 20.0, "{leg:?}");
}
