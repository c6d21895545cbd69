//! Opus both ways over loopback UDP: the client (48 kHz, as a browser) sends a 1 kHz tone that
//! the leg hears as 8 kHz frames; the leg sends a 600 Hz tone that the client hears. No packet is
//! lost on loopback.

mod common;

use common::{Pair, db, exchange_tones, hear};
use webrtc::Codec;

#[tokio::test]
async fn opus_tones_flow_both_ways_without_loss() {
    let mut pair = Pair::new(Codec::Opus).await;
    assert_eq!(pair.leg.codec(), Codec::Opus);
    exchange_tones(&mut pair, 1000.0, 600.0, 100).await;

    let leg = hear(&pair.leg_audio, 10, 8000, 1000.0, 600.0);
    let client = hear(&pair.client_audio, 10, 48_000, 600.0, 1000.0);
    let (leg_stats, client_stats) = (pair.leg.stats(), pair.client.stats());
    eprintln!("leg heard {leg:?}, stats {leg_stats:?}");
    eprintln!("client heard {client:?}, stats {client_stats:?}");

    assert!(
        pair.leg_audio.iter().all(|f| f.len() == 160),
        "leg frames are 160 samples"
    );
    assert!(
        pair.client_audio.iter().all(|f| f.len() == 960),
        "client frames are 960 samples"
    );
    for (name, h) in [("leg", &leg), ("client", &client)] {
        assert!(
            (98..=102).contains(&h.frames),
            "{name} got {} frames",
            h.frames
        );
        // Sent at peak 8000: within 3 dB, and 30 dB above a frequency nobody sent.
        let level = db(h.at_tone, 8000.0);
        assert!(
            level.abs() < 3.0,
            "{name}: tone at {level:.1} dB of what was sent"
        );
        let contrast = db(h.at_tone, h.off_tone);
        assert!(
            contrast > 30.0,
            "{name}: tone only {contrast:.1} dB above another"
        );
    }
    assert_eq!(leg_stats.packets_lost, 0);
    assert_eq!(client_stats.packets_lost, 0);
    assert!(leg_stats.packets_received >= 98);
    assert_eq!(leg_stats.frames_sent, 100);
}

/// A 5 kHz tone from the browser is above the leg's 4 kHz Nyquist limit: it must be filtered
/// out, not folded back to 3 kHz.
#[tokio::test]
async fn opus_above_telephone_band_does_not_alias() {
    let mut pair = Pair::new(Codec::Opus).await;
    exchange_tones(&mut pair, 5000.0, 600.0, 50).await;
    let leg = hear(&pair.leg_audio, 10, 8000, 3000.0, 1000.0);
    eprintln!("leg heard {leg:?}");
    assert!(leg.frames >= 48);
    assert!(
        db(leg.rms, 8000.0 / std::f64::consts::SQRT_2) < -30.0,
        "5 kHz leaked into the 8 kHz leg: rms {:.0}, at 3 kHz {:.0}",
        leg.rms,
        leg.at_tone
    );
}
