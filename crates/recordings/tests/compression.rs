//! A recorded call's WAV becomes Ogg Opus at least 8× smaller that decodes to the same length
//! with both sides' sound, and the encoder's speed is printed.

#![allow(clippy::unwrap_used)]

use std::io::Cursor;
use std::time::Instant;

/// `seconds` of stereo 8 kHz audio: a voice-like signal on each side (a wandering pitch with
/// harmonics, syllable-rate loudness, a little noise), different on the two sides.
fn call_audio(seconds: usize) -> Vec<i16> {
    let n = seconds * 8_000;
    let mut seed = 0x1234_5678u32;
    let mut noise = move || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        f64::from(seed >> 16) / 65_536.0 - 0.5
    };
    let mut out = Vec::with_capacity(n * 2);
    let (mut pl, mut pr) = (0.0f64, 0.0f64);
    for i in 0..n {
        let t = i as f64 / 8_000.0;
        let fl = 140.0 + 40.0 * (t * 0.7).sin();
        let fr = 210.0 + 60.0 * (t * 0.45).cos();
        pl += std::f64::consts::TAU * fl / 8_000.0;
        pr += std::f64::consts::TAU * fr / 8_000.0;
        // Each side talks half the time, in turns of about two seconds, with 4 Hz syllables.
        let turn = ((t / 2.0) as usize).is_multiple_of(2);
        let syl = (0.5 + 0.5 * (t * 4.0 * std::f64::consts::TAU).sin()).powi(2);
        let voice = |p: f64| {
            (1..8)
                .map(|h| (p * f64::from(h)).sin() / f64::from(h))
                .sum::<f64>()
        };
        let l = if turn { voice(pl) * syl * 6_000.0 } else { 0.0 } + noise() * 200.0;
        let r = if turn { 0.0 } else { voice(pr) * syl * 6_000.0 } + noise() * 200.0;
        out.push(l as i16);
        out.push(r as i16);
    }
    out
}

/// Decodes an Ogg Opus file: (channel count, sample rate in the header, decoded stereo samples
/// at 48 kHz after pre-skip and end trimming).
fn decode(bytes: &[u8]) -> (u8, u32, Vec<i16>) {
    let mut reader = ogg::PacketReader::new(Cursor::new(bytes));
    let head = reader.read_packet().unwrap().unwrap();
    assert_eq!(&head.data[..8], b"OpusHead");
    let channels = head.data[9];
    let pre_skip = usize::from(u16::from_le_bytes([head.data[10], head.data[11]]));
    let rate = u32::from_le_bytes(head.data[12..16].try_into().unwrap());
    let tags = reader.read_packet().unwrap().unwrap();
    assert_eq!(&tags.data[..8], b"OpusTags");
    let mut dec = opus::Decoder::new(48_000, opus::Channels::Stereo).unwrap();
    let mut pcm = Vec::new();
    let mut buf = vec![0i16; 5_760 * 2];
    let mut last_granule = 0;
    while let Some(p) = reader.read_packet().unwrap() {
        let n = dec.decode(&p.data, &mut buf, false).unwrap();
        pcm.extend_from_slice(&buf[..n * 2]);
        last_granule = p.absgp_page() as usize;
    }
    let end = (last_granule * 2).min(pcm.len());
    (channels, rate, pcm[pre_skip * 2..end].to_vec())
}

fn rms(samples: impl Iterator<Item = i16>) -> f64 {
    let (sum, n) = samples.fold((0.0, 0usize), |(s, n), x| (s + f64::from(x).powi(2), n + 1));
    (sum / n.max(1) as f64).sqrt()
}

#[test]
fn a_minute_of_call_is_at_least_eight_times_smaller_and_decodes_to_the_same_length() {
    let audio = call_audio(60);
    let wav_bytes = 44 + audio.len() * 2;
    let started = Instant::now();
    let cpu_before = cpu_time();
    let ogg = recordings::encode(&audio, Cursor::new(Vec::new()))
        .unwrap()
        .into_inner();
    let cpu = cpu_time() - cpu_before;
    let ratio = wav_bytes as f64 / ogg.len() as f64;
    println!(
        "60 s stereo call: WAV {wav_bytes} bytes, Ogg Opus {} bytes ({:.1}x smaller, {:.1} kbit/s), \
         encoded in {:.0} ms wall, {:.0} ms CPU",
        ogg.len(),
        ratio,
        ogg.len() as f64 * 8.0 / 60.0 / 1000.0,
        started.elapsed().as_secs_f64() * 1000.0,
        cpu * 1000.0
    );
    assert!(ratio >= 8.0, "only {ratio:.1}x smaller");

    let (channels, rate, pcm) = decode(&ogg);
    assert_eq!((channels, rate), (2, 8_000));
    // 60 s at 48 kHz, exactly: the end is trimmed by the last granule position.
    assert_eq!(pcm.len() / 2, 60 * 48_000);
    // Both sides keep their sound where they talk and stay quiet where they do not.
    let side = |ch: usize, from_s: usize, to_s: usize| {
        rms(pcm[from_s * 96_000..to_s * 96_000]
            .iter()
            .skip(ch)
            .step_by(2)
            .copied())
    };
    let (left_talks, right_talks) = (side(0, 0, 2), side(1, 2, 4));
    let (left_quiet, right_quiet) = (side(0, 2, 4), side(1, 0, 2));
    println!("rms: left {left_talks:.0}/{left_quiet:.0}, right {right_talks:.0}/{right_quiet:.0}");
    assert!(left_talks > 1_000.0 && right_talks > 1_000.0);
    assert!(left_quiet < left_talks / 4.0 && right_quiet < right_talks / 4.0);
}

#[test]
fn a_wav_that_is_not_a_stereo_8_khz_recording_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("mono.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&wav, spec).unwrap();
    w.write_sample(0i16).unwrap();
    w.finalize().unwrap();
    let err = recordings::wav_to_ogg(&wav, &dir.path().join("x.ogg")).unwrap_err();
    assert!(err.to_string().contains("stereo 8 kHz"), "{err}");
    assert!(!dir.path().join("x.ogg").exists());
}

/// CPU time of this process in seconds (user + system), from /proc.
fn cpu_time() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
