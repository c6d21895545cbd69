//! Final text on clean wide-band speech (16 kHz) is within the word-error bound measured for
//! the built-in engine.

#![cfg(feature = "pocketsphinx")]
#![allow(clippy::unwrap_used)]

mod common;

use asr::{Recognizer, StreamConfig};
use common::{Band, SENTENCES};

/// Measured on these 8 sentences (55 words, espeak-ng voice en-us+f2): 19 errors, 34.5%, with
/// the engine's default search (`maxhmmpf` 3000); 11 errors, 20.0%, with PocketSphinx's wider
/// default (30000). The bound leaves a margin over the default's figure.
const MAX_WER: f64 = 0.45;

#[test]
fn wideband_final_text_is_within_the_word_error_bound() {
    if !common::audio_tools() {
        return;
    }
    let conv = common::conversation(SENTENCES, Band::Wide(16_000), 1_500);
    let mut rec = common::engine().stream(StreamConfig::new(16_000)).unwrap();
    assert_eq!(rec.sample_rate(), 16_000);
    let events = common::run_stream(&mut rec, &conv.pcm);
    let finals = common::finals(&events);
    let (errors, words, report) = common::word_errors(&conv, &finals);
    let wer = errors as f64 / words as f64;
    eprintln!(
        "16 kHz: {errors} errors in {words} words, WER {:.1}%",
        wer * 100.0
    );
    for line in &report {
        eprintln!("  {line}");
    }
    assert!(wer <= MAX_WER, "WER {wer:.3} above {MAX_WER}");
}
