//! What encoding a leg's audio to Opus costs at each libopus complexity (10, libopus's default,
//! down to 0): 20 ms frames of 8 kHz voice-like audio (a gliding harmonic tone, syllable-shaped,
//! with noise), as a WebRTC leg encodes the room's audio for a browser (mono, VoIP, in-band FEC).
//! Prints the time per frame and the mean packet size per complexity, marking the one Patchbay's
//! legs use (`webrtc::OPUS_COMPLEXITY`); then, at that complexity, what in-band FEC costs with
//! the loss the encoder is told to expect (FEC frames are only made when some loss is expected);
//! last, what decoding a browser's audio to the leg's 8 kHz costs when the browser encodes full
//! band at 48 kHz, and when it honours the leg's `maxplaybackrate=8000` and encodes narrowband.
//! Asserts nothing about time.
//!
//! `cargo run --release -p webrtc --example opus_cost -- [FRAMES]` (default 5000).

#[path = "../tests/common/mod.rs"]
mod common;

use opus::{Application, Channels};

fn main() {
    let frames: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000);
    let audio = voice(frames * 160, 8_000);
    println!("{frames} frames of 20 ms, 8 kHz mono, VoIP, in-band FEC");
    println!(
        "{:>10} {:>12} {:>12}",
        "complexity", "µs/frame", "bytes/frame"
    );
    for complexity in [10, 8, 6, 5, 4, 3, 2, 0] {
        let (per, bytes) = cost(&audio, complexity, 5);
        println!(
            "{complexity:>10} {per:>12.1} {bytes:>12.1}{}",
            if complexity == webrtc::OPUS_COMPLEXITY {
                "  (Patchbay's legs)"
            } else {
                ""
            }
        );
    }
    println!(
        "at complexity {}, in-band FEC with the loss expected",
        webrtc::OPUS_COMPLEXITY
    );
    println!("{:>10} {:>12} {:>12}", "loss %", "µs/frame", "bytes/frame");
    for loss in [0, 1, 5, 10, 20] {
        let (per, bytes) = cost(&audio, webrtc::OPUS_COMPLEXITY, loss);
        println!("{loss:>10} {per:>12.1} {bytes:>12.1}");
    }
    println!("a browser's 48 kHz voice at 32 kb/s, decoded at 8 kHz by the leg");
    println!(
        "{:>22} {:>12} {:>12}",
        "browser encodes", "µs/frame", "bytes/frame"
    );
    let browser = voice(frames * 960, 48_000);
    for (name, band) in [
        ("full band", opus::Bandwidth::Fullband),
        ("narrowband (8 kHz)", opus::Bandwidth::Narrowband),
    ] {
        let mut enc =
            opus::Encoder::new(48_000, Channels::Mono, Application::Voip).expect("encoder");
        enc.set_bitrate(opus::Bitrate::Bits(32_000))
            .expect("bitrate");
        enc.set_max_bandwidth(band).expect("band");
        let packets: Vec<Vec<u8>> = browser
            .chunks(960)
            .map(|f| enc.encode_vec(f, 1_500).expect("encode"))
            .collect();
        let mut dec = opus::Decoder::new(8_000, Channels::Mono).expect("decoder");
        let mut out = [0i16; 160];
        let started = common::clock();
        for p in &packets {
            dec.decode(p, &mut out, false).expect("decode");
        }
        let per = (common::clock() - started).as_secs_f64() * 1e6 / packets.len() as f64;
        let bytes = packets.iter().map(Vec::len).sum::<usize>() as f64 / packets.len() as f64;
        println!("{name:>22} {per:>12.1} {bytes:>12.1}");
    }
}

/// Microseconds a frame and bytes a packet, encoding `audio` with in-band FEC expecting
/// `loss` % of packets lost.
fn cost(audio: &[i16], complexity: i32, loss: i32) -> (f64, f64) {
    let mut enc = opus::Encoder::new(8_000, Channels::Mono, Application::Voip).expect("encoder");
    enc.set_inband_fec(true).expect("fec");
    enc.set_packet_loss_perc(loss).expect("loss");
    enc.set_complexity(complexity).expect("complexity");
    let frames = audio.len() / 160;
    let started = common::clock();
    let mut bytes = 0;
    for f in audio.chunks(160) {
        bytes += enc.encode_vec(f, 1_500).map_or(0, |p| p.len());
    }
    let per = (common::clock() - started).as_secs_f64() * 1e6 / frames as f64;
    (per, bytes as f64 / frames as f64)
}

/// Voice-like audio at `rate` Hz: a harmonic tone gliding between 120 and 220 Hz, shaped into
/// 200 ms syllables with pauses, plus a little noise (a fixed pseudo-random sequence, which
/// reaches up to half the rate, as a microphone's hiss does).
fn voice(samples: usize, rate: u32) -> Vec<i16> {
    let rate = f64::from(rate);
    let mut noise: u32 = 0x1234_5678;
    let mut phase = 0.0f64;
    (0..samples)
        .map(|i| {
            let t = i as f64 / rate;
            let f0 = 170.0 + 50.0 * (t * 1.3).sin();
            phase += 2.0 * std::f64::consts::PI * f0 / rate;
            let tone: f64 = (1..=12)
                .map(|h| (phase * f64::from(h)).sin() / f64::from(h))
                .sum();
            let syllable = (t * 2.5 * std::f64::consts::PI).sin().max(0.0);
            noise ^= noise << 13;
            noise ^= noise >> 17;
            noise ^= noise << 5;
            let n = f64::from(noise % 2_000) - 1_000.0;
            (tone * 6_000.0 * syllable + n * 0.3) as i16
        })
        .collect()
}
