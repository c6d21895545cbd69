//! `patchbay transcribe FILE.wav` prints a recording's timed transcript, one final segment a
//! line with its side (stereo: customer left, agent right; mono: customer), and refuses an
//! unknown engine or a file that is not a WAV with a message and a failing exit status.
//!
//! The speech is made with espeak-ng; without it the speech tests skip with a message, unless
//! PATCHBAY_REQUIRE_ASR_AUDIO is set (then they fail).

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

fn patchbay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patchbay"))
        .args(args)
        .output()
        .unwrap()
}

fn espeak_ng() -> bool {
    let have = Command::new("espeak-ng")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("PATCHBAY_REQUIRE_ASR_AUDIO").is_none(),
            "espeak-ng is missing but PATCHBAY_REQUIRE_ASR_AUDIO is set"
        );
        eprintln!("espeak-ng not installed: skipping this speech test");
    }
    have
}

/// Speaks `text` with espeak-ng; returns the samples and their rate.
fn speak(dir: &Path, text: &str) -> (Vec<i16>, u32) {
    let path = dir.join("speech.wav");
    let ok = Command::new("espeak-ng")
        .args(["-v", "en-us+f2", "-s", "130", "-w"])
        .arg(&path)
        .arg(text)
        .status()
        .unwrap()
        .success();
    assert!(ok, "espeak-ng failed");
    let mut r = hound::WavReader::open(&path).unwrap();
    let rate = r.spec().sample_rate;
    (r.samples::<i16>().map(Result::unwrap).collect(), rate)
}

/// `speech` placed at `at_ms` in a silent track of `len_ms`.
fn track(rate: u32, len_ms: u32, at_ms: u32, speech: &[i16]) -> Vec<i16> {
    let mut t = vec![0i16; (rate * len_ms / 1000) as usize];
    let start = (rate * at_ms / 1000) as usize;
    for (slot, s) in t.iter_mut().skip(start).zip(speech) {
        *slot = *s;
    }
    t
}

fn write_wav(path: &Path, rate: u32, channels: &[Vec<i16>]) {
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

/// `mm:ss.cc` to ms.
fn ms(clock: &str) -> u64 {
    let (m, rest) = clock.split_once(':').unwrap();
    let (s, c) = rest.split_once('.').unwrap();
    m.parse::<u64>().unwrap() * 60_000
        + s.parse::<u64>().unwrap() * 1000
        + c.parse::<u64>().unwrap() * 10
}

/// Parses `00:01.20-00:03.40 customer: hello there`.
fn parse(line: &str) -> (u64, u64, String, String) {
    let (times, rest) = line.split_once(' ').unwrap();
    let (start, end) = times.split_once('-').unwrap();
    let (speaker, text) = rest.split_once(": ").unwrap();
    (ms(start), ms(end), speaker.to_owned(), text.to_owned())
}

#[test]
fn a_stereo_recording_prints_each_sides_words_with_times() {
    if !espeak_ng() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (balance, rate) = speak(dir.path(), "i would like to check my account balance");
    let (hello, _) = speak(dir.path(), "thank you for calling how can i help you");
    // The agent greets at 0.5 s, the customer speaks at 5 s.
    let agent = track(rate, 10_000, 500, &hello);
    let customer = track(rate, 10_000, 5_000, &balance);
    let path = dir.path().join("call.wav");
    write_wav(&path, rate, &[customer, agent]);

    let out = patchbay(&["transcribe", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{stdout}");
    let lines: Vec<_> = stdout.lines().map(parse).collect();
    assert!(!lines.is_empty(), "no segments");
    for (start, end, speaker, text) in &lines {
        assert!(start < end && *end <= 10_000, "times {start}-{end}");
        assert!(speaker == "customer" || speaker == "agent", "{speaker}");
        assert!(!text.is_empty());
    }
    let (start, _, _, _) = lines
        .iter()
        .find(|(_, _, sp, text)| {
            sp == "customer" && (text.contains("balance") || text.contains("account"))
        })
        .unwrap_or_else(|| panic!("no customer segment about the balance: {stdout}"));
    assert!(
        start.abs_diff(5_000) <= 700,
        "customer starts at {start} ms"
    );
    let (start, _, _, _) = lines
        .iter()
        .find(|(_, _, sp, text)| sp == "agent" && (text.contains("thank") || text.contains("help")))
        .unwrap_or_else(|| panic!("no agent greeting: {stdout}"));
    assert!(start.abs_diff(500) <= 700, "agent starts at {start} ms");
}

#[test]
fn a_mono_recording_is_one_speaker() {
    if !espeak_ng() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (speech, rate) = speak(dir.path(), "please call me back tomorrow morning");
    let path = dir.path().join("mono.wav");
    write_wav(&path, rate, &[track(rate, 5_000, 1_000, &speech)]);
    let out = patchbay(&[
        "transcribe",
        path.to_str().unwrap(),
        "--engine",
        "pocketsphinx",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<_> = stdout.lines().map(parse).collect();
    assert!(!lines.is_empty(), "no segments");
    assert!(lines.iter().all(|l| l.2 == "customer"), "{stdout}");
    assert!(
        lines
            .iter()
            .any(|l| l.3.contains("call") || l.3.contains("morning") || l.3.contains("tomorrow")),
        "{stdout}"
    );
}

#[test]
fn an_unknown_engine_or_a_bad_file_fails_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("call.wav");
    write_wav(&path, 8_000, &[vec![0; 800]]);
    let out = patchbay(&["transcribe", path.to_str().unwrap(), "--engine", "whisper"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("whisper") && err.contains("pocketsphinx"),
        "{err}"
    );

    let junk = dir.path().join("junk.wav");
    std::fs::write(&junk, b"this is not a WAV file").unwrap();
    let missing = dir.path().join("missing.wav");
    for p in [&junk, &missing] {
        let out = patchbay(&["transcribe", p.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot transcribe"), "{err}");
        assert!(out.stdout.is_empty());
    }
    let out = patchbay(&["transcribe"]);
    assert!(!out.status.success(), "a file is required");
}

#[test]
fn sherpa_onnx_without_a_model_fails_saying_what_to_configure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("call.wav");
    write_wav(&path, 8_000, &[vec![0; 800]]);
    let out = Command::new(env!("CARGO_BIN_EXE_patchbay"))
        .args([
            "transcribe",
            path.to_str().unwrap(),
            "--engine",
            "sherpa-onnx",
        ])
        .env_remove("PATCHBAY_SHERPA_ONNX_MODEL_DIR")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    // A default build lacks the engine; a `--features sherpa` build lacks only the model.
    assert!(
        err.contains("--features sherpa") || err.contains("PATCHBAY_SHERPA_ONNX_MODEL_DIR"),
        "{err}"
    );
    assert!(err.contains("README"), "{err}");
}

/// Only with `--features sherpa`: a default build says the engine is missing first.
#[cfg(feature = "sherpa")]
#[test]
fn sherpa_onnx_with_a_directory_that_holds_no_model_names_the_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("call.wav");
    write_wav(&path, 8_000, &[vec![0; 800]]);
    let out = Command::new(env!("CARGO_BIN_EXE_patchbay"))
        .args([
            "transcribe",
            path.to_str().unwrap(),
            "--engine",
            "sherpa-onnx",
        ])
        .env("PATCHBAY_SHERPA_ONNX_MODEL_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lacks tokens.txt"), "{err}");
}
