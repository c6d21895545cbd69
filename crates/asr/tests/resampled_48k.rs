//! 48 kHz input (a WebRTC leg's Opus audio) goes through the resampler to the 16 kHz decoder
//! and is recognised as well as 16 kHz input.

#![cfg(feature = "pocketsphinx")]
#![allow(clippy::unwrap_used)]

mod common;

use asr::{Recognizer, StreamConfig};
use common::{Band, SENTENCES};

/// Measured: 17 errors in 55 words, 30.9% (the 16 kHz test's audio, made at 48 kHz); the 16 kHz
/// test's bound.
const MAX_WER: f64 = 0.45;

#[test]
fn audio_at_48k_is_recognised_like_16k() {
    if !common::audio_tools() {
        return;
    }
    let conv = common::conversation(SENTENCES, Band::Wide(48_000), 1_500);
    let mut rec = common::engine().stream(StreamConfig::new(48_000)).unwrap();
    assert_eq!(rec.sample_rate(), 48_000);
    let events = common::run_stream(&mut rec, &conv.pcm);
    let finals = common::finals(&events);
    let (errors, words, report) = common::word_errors(&conv, &finals);
    let wer = errors as f64 / words as f64;
    eprintln!(
        "48 kHz: {errors} errors in {words} words, WER {:.1}%",
        wer * 100.0
    );
    for line in &report {
        eprintln!("  {line}");
    }
    assert!(wer <= MAX_WER, "WER {wer:.3} above {MAX_WER}");
    let audio_ms = conv.pcm.len() as u64 * 1000 / 48_000;
    for f in &finals {
        assert!(f.start_ms < f.end_ms && f.end_ms <= audio_ms, "{f:?}");
    }
}
