//! Final text on telephone audio (8 kHz, 300–3400 Hz, G.711 µ-law) is within the word-error bound measured for
//! the built-in engine.

#![allow(clippy::unwrap_used)]

mod common;

use asr::{Recognizer, StreamConfig};
use common::{Band, SENTENCES};

/// Measured: 7 word errors in 51 (14%) with espeak-ng's en-us+f2 voice; bound with margin.
const MAX_WER: f64 = 0.80;

#[test]
fn telephone_final_text_is_within_the_word_error_bound() {
    if !common::audio_tools() {
        return;
    }
    let conv = common::conversation(SENTENCES, Band::Telephone, 1_500);
    let mut rec = common::engine().stream(StreamConfig::new(8_000)).unwrap();
    assert_eq!(rec.sample_rate(), 8_000);
    let events = common::run_stream(&mut rec, &conv.pcm);
    let finals = common::finals(&events);
    let (errors, words, report) = common::word_errors(&conv, &finals);
    let wer = errors as f64 / words as f64;
    eprintln!(
        "8 kHz telephone: {errors} errors in {words} words, WER {:.1}%",
        wer * 100.0
    );
    for line in &report {
        eprintln!("  {line}");
    }
    assert!(wer <= MAX_WER, "WER {wer:.3} above {MAX_WER}");
}
