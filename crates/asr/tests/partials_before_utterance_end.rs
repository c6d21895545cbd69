//! While someone talks, partial results arrive before the utterance ends, at least every
//! ~500 ms of speech, and each utterance then ends with a final.

#![cfg(feature = "pocketsphinx")]
#![allow(clippy::unwrap_used)]

mod common;

use asr::{Event, StreamConfig};
use common::{Band, SENTENCES};

#[test]
fn partials_arrive_while_the_speech_goes_on() {
    if !common::audio_tools() {
        return;
    }
    let conv = common::conversation(&SENTENCES[..4], Band::Wide(16_000), 1_500);
    let mut rec = common::engine().stream(StreamConfig::new(16_000)).unwrap();
    let events = common::run_stream(&mut rec, &conv.pcm);

    for s in &conv.sentences {
        // Partials of the utterance that covers this sentence, by when they came out.
        let partials: Vec<(u64, &asr::Segment)> = events
            .iter()
            .filter_map(|t| match &t.event {
                Event::Segment(seg)
                    if !seg.is_final && seg.start_ms < s.end_ms && seg.end_ms > s.start_ms =>
                {
                    Some((t.at_ms, seg))
                }
                _ => None,
            })
            .collect();
        let before_end: Vec<_> = partials.iter().filter(|(at, _)| *at < s.end_ms).collect();
        assert!(
            !before_end.is_empty(),
            "no partial before the end of {:?} ({}–{} ms): {partials:?}",
            s.text,
            s.start_ms,
            s.end_ms
        );
        let (first_at, first) = before_end[0];
        eprintln!(
            "{:?}: speech {}–{} ms, first partial at {first_at} ms: {:?}; {} partials",
            s.text,
            s.start_ms,
            s.end_ms,
            first.text,
            partials.len()
        );
        assert!(
            *first_at <= s.start_ms + 1_000,
            "first partial of {:?} only at {first_at} ms (speech from {} ms)",
            s.text,
            s.start_ms
        );
        // From the first partial to the end of the speech, no gap over ~500 ms (one 20 ms frame
        // of slack: events come out at frame boundaries).
        let mut last = *first_at;
        for (at, _) in partials.iter().filter(|(at, _)| *at <= s.end_ms) {
            assert!(*at - last <= 520, "{:?}: partials {last} → {at} ms", s.text);
            last = *at;
        }
        assert!(
            s.end_ms.saturating_sub(last) <= 520,
            "{:?}: last partial {last} ms",
            s.text
        );
        // And the utterance ends with a final, after the speech and the 600 ms of silence.
        let final_at = events
            .iter()
            .find_map(|t| match &t.event {
                Event::Segment(seg) if seg.is_final && seg.utterance == first.utterance => {
                    Some(t.at_ms)
                }
                _ => None,
            })
            .expect("a final for the utterance");
        assert!(
            final_at >= s.end_ms + 500 && final_at <= s.end_ms + 1_000,
            "{:?}: final at {final_at} ms, speech ended at {} ms",
            s.text,
            s.end_ms
        );
    }
}
