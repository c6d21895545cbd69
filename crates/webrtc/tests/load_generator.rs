//! A load generator's clients: audio encoded once and sent as is from every client, and
//! received audio counted without being decoded.

mod common;

use common::{Pair, db, exchange, hear, tone_frame};
use webrtc::{Codec, encode_frames};

/// A 1 kHz tone encoded once (50 frames, a second) and sent twice over from the encoded packets
/// is heard by the leg as that tone; the client that does not decode hears nothing but counts
/// every packet the leg sends it.
#[tokio::test]
async fn audio_encoded_once_is_heard_and_a_client_not_decoding_still_counts_packets() {
    let mut pair = Pair::new(Codec::Opus).await;
    pair.client.set_decoding(false);
    let rate = pair.client.sample_rate();
    let pcm: Vec<Vec<i16>> = (0..50)
        .map(|i| tone_frame(1000.0, 8000.0, rate, i))
        .collect();
    let frames: Vec<&[i16]> = pcm.iter().map(Vec::as_slice).collect();
    let encoded = encode_frames(Codec::Opus, rate, &frames).expect("encode");
    assert_eq!(encoded.len(), 50);
    exchange(&mut pair, 600.0, 100, |client, now, i| {
        client.send_encoded(now, &encoded[i % encoded.len()]);
    })
    .await;

    let leg = hear(&pair.leg_audio, 10, 8000, 1000.0, 600.0);
    assert!(
        (98..=102).contains(&leg.frames),
        "leg got {} frames",
        leg.frames
    );
    let level = db(leg.at_tone, 8000.0);
    assert!(level.abs() < 3.0, "tone at {level:.1} dB of what was sent");
    assert!(db(leg.at_tone, leg.off_tone) > 30.0, "{leg:?}");
    assert_eq!(pair.client.stats().frames_sent, 100);

    assert!(pair.client_audio.is_empty(), "the client decoded nothing");
    let stats = pair.client.stats();
    assert!(stats.packets_received >= 98, "{stats:?}");
    assert_eq!(stats.packets_lost, 0);
}

#[test]
fn a_frame_the_encoder_cannot_take_is_an_error() {
    let short = [0i16; 100];
    let e = encode_frames(Codec::Opus, 48_000, &[&short]).expect_err("refused");
    assert!(e.to_string().contains("100 samples"), "{e}");
}
