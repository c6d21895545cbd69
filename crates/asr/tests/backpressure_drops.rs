//! When the decoder falls behind, the worker drops audio and says so instead of blocking the
//! caller: `feed` stays fast, the gap comes back as a `Delayed` marker in order with the
//! segments, and what was not dropped is still transcribed.

#![cfg(feature = "pocketsphinx")]
#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant};

use asr::{Event, Recognizer, StreamConfig, Worker, WorkerConfig};
use common::{Band, SENTENCES};

#[test]
fn a_decoder_that_falls_behind_drops_audio_instead_of_blocking() {
    if !common::audio_tools() {
        return;
    }
    let conv = common::conversation(SENTENCES, Band::Telephone, 1_500);
    let audio_ms = conv.pcm.len() as u64 * 1000 / 8_000;
    let stream = common::engine().stream(StreamConfig::new(8_000)).unwrap();
    let mut worker = Worker::spawn(
        stream,
        WorkerConfig {
            max_queued_ms: 2_000,
            ..Default::default()
        },
    )
    .unwrap();

    // A media loop with no pacing: 35 s of audio offered in well under a second, far faster
    // than any decoder. Every feed must return at once.
    let mut slowest = Duration::ZERO;
    let started = Instant::now();
    let mut events = Vec::new();
    for frame in conv.pcm.chunks(160) {
        let t = Instant::now();
        worker.feed(frame);
        slowest = slowest.max(t.elapsed());
        while let Some(e) = worker.poll_event() {
            events.push(e);
        }
    }
    let feeding = started.elapsed();
    worker.finish();
    let dropped_ms = worker.dropped_samples() * 1000 / 8_000;
    eprintln!(
        "fed {audio_ms} ms of audio in {feeding:?} (slowest feed {slowest:?}); dropped {dropped_ms} ms"
    );
    // A feed that waited for the decoder would take seconds (decoding 35 s of audio takes tens
    // of seconds here); a second's bound stays clear of a loaded machine's scheduling hiccups.
    assert!(slowest < Duration::from_secs(1), "a feed took {slowest:?}");
    assert!(dropped_ms > 0, "nothing dropped");
    assert!(dropped_ms < audio_ms, "everything dropped");

    // Then everything queued is decoded and the worker finishes.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !matches!(events.last(), Some(Event::Finished)) {
        assert!(Instant::now() < deadline, "no Finished: {events:?}");
        if let Some(e) = worker.wait_event(Duration::from_secs(1)) {
            events.push(e);
        }
    }

    let delayed: Vec<(u64, u64)> = events
        .iter()
        .filter_map(|e| match e {
            Event::Delayed { start_ms, end_ms } => Some((*start_ms, *end_ms)),
            _ => None,
        })
        .collect();
    eprintln!("delayed: {delayed:?}");
    assert!(!delayed.is_empty(), "no Delayed marker");
    let marked: u64 = delayed.iter().map(|(a, b)| b - a).sum();
    assert!(
        marked.abs_diff(dropped_ms) <= 10 * delayed.len() as u64,
        "{marked} vs {dropped_ms}"
    );
    // The first 2 s fitted in the queue and were decoded: the first sentence is there.
    let finals: Vec<&asr::Segment> = events
        .iter()
        .filter_map(|e| match e {
            Event::Segment(s) if s.is_final && !s.text.is_empty() => Some(s),
            _ => None,
        })
        .collect();
    eprintln!("finals: {finals:?}");
    assert!(!finals.is_empty(), "nothing transcribed");
    // Markers and segments come in stream order, and no segment reaches into dropped audio.
    let mut last = 0;
    for e in &events {
        match e {
            Event::Segment(s) if s.is_final => {
                assert!(s.start_ms >= last, "{s:?} before {last}");
                for (a, b) in &delayed {
                    assert!(
                        s.end_ms <= *a + 20 || s.start_ms >= *b,
                        "{s:?} inside {a}–{b}"
                    );
                }
                last = s.end_ms.min(last.max(s.start_ms));
            }
            Event::Delayed { start_ms, end_ms } => {
                assert!(*start_ms >= last && start_ms < end_ms && *end_ms <= audio_ms);
                last = *end_ms;
            }
            _ => {}
        }
    }
}
