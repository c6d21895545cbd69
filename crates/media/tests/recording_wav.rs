//! Recordings read back with a standard WAV reader, and survive a crash after repair.

#![allow(clippy::unwrap_used)]

use std::io::Write;

use media::tone::{ToneGenerator, goertzel};
use media::wav::{RecordingWriter, repair};

#[test]
fn a_finished_recording_reads_back_with_customer_left_and_agent_right() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("call.wav");
    let mut w = RecordingWriter::create(&path).unwrap();
    let mut left = ToneGenerator::continuous(1_000.0, 8_000);
    let mut right = ToneGenerator::continuous(400.0, 8_000);
    for _ in 0..50 {
        w.write_frame(&left.next_frame(), &right.next_frame())
            .unwrap();
    }
    w.finish().unwrap();

    let mut r = hound::WavReader::open(&path).unwrap();
    let spec = r.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (2, 8_000, 16)
    );
    let samples: Vec<i16> = r.samples::<i16>().map(Result::unwrap).collect();
    assert_eq!(samples.len(), 2 * 50 * 160);
    let l: Vec<i16> = samples.iter().step_by(2).copied().collect();
    let rt: Vec<i16> = samples.iter().skip(1).step_by(2).copied().collect();
    assert!(goertzel(&l, 1_000.0, 8_000.0) > 0.01 && goertzel(&l, 400.0, 8_000.0) < 0.001);
    assert!(goertzel(&rt, 400.0, 8_000.0) > 0.01 && goertzel(&rt, 1_000.0, 8_000.0) < 0.001);
}

#[test]
fn a_recording_cut_short_by_a_crash_plays_after_repair() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crashed.wav");
    let mut w = RecordingWriter::create(&path).unwrap();
    let mut tone = ToneGenerator::continuous(1_000.0, 8_000);
    for i in 0..100 {
        let f = tone.next_frame();
        w.write_frame(&f, &f).unwrap();
        if i == 10 {
            w.flush().unwrap();
        }
    }
    // The process dies: no finish (dropping the writer does not fix the header, like a kill -9),
    // so the header still says 11 frames; a torn write leaves part of a stereo sample.
    drop(w);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(&[1, 2, 3])
        .unwrap();

    let seconds = repair(&path).unwrap();
    assert!((seconds - 2.0).abs() < 0.05, "{seconds}");
    let r = hound::WavReader::open(&path).unwrap();
    assert_eq!(
        r.len(),
        2 * 100 * 160,
        "every whole frame written before the crash plays"
    );
}

#[test]
fn a_crash_loses_only_the_frames_buffered_since_the_last_flush() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("killed.wav");
    let mut w = RecordingWriter::create(&path).unwrap();
    let mut tone = ToneGenerator::continuous(1_000.0, 8_000);
    // Two seconds flushed once a second, as the media plane does, then 30 frames more.
    for i in 1..=130 {
        let f = tone.next_frame();
        w.write_frame(&f, &f).unwrap();
        if i % 50 == 0 {
            w.flush().unwrap();
        }
    }
    // kill -9: nothing runs, not even the buffer's drop.
    std::mem::forget(w);
    let r = hound::WavReader::open(&path).unwrap();
    assert_eq!(
        r.len(),
        2 * 100 * 160,
        "the flushed seconds play as they are"
    );
    assert!((repair(&path).unwrap() - 2.0).abs() < 0.01);
}

#[test]
fn repair_refuses_files_that_are_not_recordings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        b"hello, this is not a wav file at all, really not one",
    )
    .unwrap();
    assert!(repair(&path).is_err());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"hello, this is not a wav file at all, really not one"
    );
}
