//! A call recording (stereo WAV: customer left, agent right) becomes a transcript of final
//! segments, each with its speaker, in time order; a mono file has one mixed speaker.

#![cfg(feature = "pocketsphinx")]
#![allow(clippy::unwrap_used)]

mod common;

use asr::{Speaker, format_line, transcribe_wav};
use common::Band;

/// Writes a stereo (or mono) 16-bit WAV.
fn write_wav(path: &std::path::Path, rate: u32, channels: &[Vec<i16>]) {
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let len = channels.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..len {
        for ch in channels {
            w.write_sample(ch.get(i).copied().unwrap_or(0)).unwrap();
        }
    }
    w.finalize().unwrap();
}

/// Places `speech` at `at_ms` in a silent track of `len_ms`.
fn track(rate: u32, len_ms: u32, parts: &[(u32, &[i16])]) -> Vec<i16> {
    let mut t = vec![0i16; (rate * len_ms / 1000) as usize];
    for (at_ms, speech) in parts {
        let start = (rate * at_ms / 1000) as usize;
        for (i, s) in speech.iter().enumerate() {
            if let Some(slot) = t.get_mut(start + i) {
                *slot = *s;
            }
        }
    }
    t
}

#[test]
fn a_stereo_recording_gives_a_transcript_by_speaker() {
    if !common::audio_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let band = Band::Wide(16_000);
    let hello = common::speak(dir.path(), "thank you for calling how can i help you", band);
    let balance = common::speak(dir.path(), "i would like to check my account balance", band);
    let sure = common::speak(dir.path(), "my phone number is not working", band);
    // Agent greets at 0.5 s, the customer answers at 4.5 s, the agent again at 9 s.
    let agent = track(16_000, 13_000, &[(500, &hello), (9_000, &sure)]);
    let customer = track(16_000, 13_000, &[(4_500, &balance)]);
    let path = dir.path().join("call.wav");
    write_wav(&path, 16_000, &[customer, agent]);

    let transcript = transcribe_wav(&path, &common::engine()).unwrap();
    for (speaker, segment) in &transcript {
        println!("{}", format_line(*speaker, segment));
    }
    let speakers: Vec<Speaker> = transcript.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        speakers,
        vec![Speaker::Agent, Speaker::Customer, Speaker::Agent],
        "{transcript:?}"
    );
    let starts: Vec<u64> = transcript.iter().map(|(_, s)| s.start_ms).collect();
    for (got, want) in starts.iter().zip([500u64, 4_500, 9_000]) {
        assert!(got.abs_diff(want) <= 500, "starts {starts:?}");
    }
    let (_, balance_seg) = &transcript[1];
    assert!(
        asr::wer::word_error_rate(
            "i would like to check my account balance",
            &balance_seg.text
        ) <= 0.5,
        "{balance_seg:?}"
    );
    let line = format_line(transcript[1].0, balance_seg);
    assert!(line.starts_with("[00:04."), "{line}");
    assert!(line.contains("] customer: "), "{line}");
}

#[test]
fn a_mono_8k_recording_has_one_mixed_speaker() {
    if !common::audio_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let speech = common::speak(
        dir.path(),
        "can you send me a new credit card",
        Band::Telephone,
    );
    let path = dir.path().join("mono.wav");
    write_wav(&path, 8_000, &[track(8_000, 5_000, &[(1_000, &speech)])]);
    let transcript = transcribe_wav(&path, &common::engine()).unwrap();
    for (speaker, segment) in &transcript {
        println!("{}", format_line(*speaker, segment));
    }
    assert!(!transcript.is_empty());
    assert!(transcript.iter().all(|(s, _)| *s == Speaker::Mixed));
    assert!(
        transcript[0].1.start_ms.abs_diff(1_000) <= 500,
        "{transcript:?}"
    );
}

#[test]
fn a_file_that_is_not_a_wav_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.wav");
    std::fs::write(&path, b"not a wav").unwrap();
    assert!(matches!(
        transcribe_wav(&path, &common::engine()),
        Err(asr::AsrError::Wav(_))
    ));
}
