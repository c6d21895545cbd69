//! Final segments carry sane times: start before end, inside the audio, in order, one per
//! sentence, roughly where the speech was, whatever the input rate.

#![cfg(feature = "pocketsphinx")]
#![allow(clippy::unwrap_used)]

mod common;

use asr::StreamConfig;
use common::{Band, SENTENCES};

/// How far a segment's edges may be from the speech's, in ms.
const SLACK_MS: u64 = 400;

fn check(band: Band) {
    let conv = common::conversation(SENTENCES, band, 1_500);
    let audio_ms = conv.pcm.len() as u64 * 1000 / u64::from(conv.rate);
    let mut rec = common::engine()
        .stream(StreamConfig::new(conv.rate))
        .unwrap();
    let finals = common::finals(&common::run_stream(&mut rec, &conv.pcm));
    for f in &finals {
        eprintln!("{band:?}: {}–{} ms {:?}", f.start_ms, f.end_ms, f.text);
    }
    for s in &conv.sentences {
        eprintln!(
            "{band:?}: speech {}–{} ms {:?}",
            s.start_ms, s.end_ms, s.text
        );
    }
    assert_eq!(
        finals.len(),
        conv.sentences.len(),
        "{band:?}: one final per sentence"
    );
    let mut prev_end = 0;
    for (f, s) in finals.iter().zip(&conv.sentences) {
        assert!(f.start_ms < f.end_ms, "{band:?}: {f:?}");
        assert!(
            f.end_ms <= audio_ms,
            "{band:?}: {f:?} past the audio ({audio_ms} ms)"
        );
        assert!(
            f.start_ms >= prev_end,
            "{band:?}: {f:?} overlaps the one before"
        );
        prev_end = f.end_ms;
        assert!(
            f.start_ms.abs_diff(s.start_ms) <= SLACK_MS && f.end_ms.abs_diff(s.end_ms) <= SLACK_MS,
            "{band:?}: segment {}–{} ms for speech {}–{} ms ({:?})",
            f.start_ms,
            f.end_ms,
            s.start_ms,
            s.end_ms,
            s.text
        );
        assert!((0.0..=1.0).contains(&f.confidence), "{f:?}");
    }
}

#[test]
fn segments_sit_on_the_speech_at_16k() {
    if common::audio_tools() {
        check(Band::Wide(16_000));
    }
}

#[test]
fn segments_sit_on_the_speech_of_8k_telephone_audio() {
    if common::audio_tools() {
        check(Band::Telephone);
    }
}
