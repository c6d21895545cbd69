//! Prompt uploads: the formats admins have are converted to 8 kHz mono; others are refused with
//! a reason.

#![allow(clippy::unwrap_used)]

use std::io::Cursor;

use media::g711;
use media::prompt::{PromptError, load_prompt};
use media::tone::goertzel;

fn tone(rate: u32, seconds: f64, freq: f64) -> Vec<i16> {
    (0..(f64::from(rate) * seconds) as usize)
        .map(|n| {
            ((2.0 * std::f64::consts::PI * freq * n as f64 / f64::from(rate)).sin() * 12_000.0)
                as i16
        })
        .collect()
}

fn pcm_wav(rate: u32, channels: u16, samples: &[i16]) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::new(&mut buf, spec).unwrap();
    for s in samples {
        for _ in 0..channels {
            w.write_sample(*s).unwrap();
        }
    }
    w.finalize().unwrap();
    buf.into_inner()
}

fn g711_wav(tag: u16, data: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(b"RIFF");
    v.extend_from_slice(&(4 + 8 + 18 + 8 + data.len() as u32).to_le_bytes());
    v.extend_from_slice(b"WAVEfmt ");
    v.extend_from_slice(&18u32.to_le_bytes());
    v.extend_from_slice(&tag.to_le_bytes());
    v.extend_from_slice(&1u16.to_le_bytes());
    v.extend_from_slice(&8_000u32.to_le_bytes());
    v.extend_from_slice(&8_000u32.to_le_bytes());
    v.extend_from_slice(&1u16.to_le_bytes());
    v.extend_from_slice(&8u16.to_le_bytes());
    v.extend_from_slice(&0u16.to_le_bytes());
    v.extend_from_slice(b"data");
    v.extend_from_slice(&(data.len() as u32).to_le_bytes());
    v.extend_from_slice(data);
    v
}

#[test]
fn wide_band_and_stereo_files_become_8khz_mono_with_the_same_sound() {
    for (rate, channels) in [(16_000, 1), (48_000, 2), (44_100, 1), (8_000, 2)] {
        let wav = pcm_wav(rate, channels, &tone(rate, 2.0, 1_000.0));
        let out = load_prompt(&wav).unwrap();
        assert!(
            (out.len() as i64 - 16_000).abs() <= 200,
            "{rate} Hz x{channels}: {} samples",
            out.len()
        );
        let mid = &out[4_000..12_000];
        assert!(
            goertzel(mid, 1_000.0, 8_000.0) > 0.05,
            "{rate} Hz keeps the 1 kHz tone"
        );
    }
}

#[test]
fn mu_law_and_a_law_files_are_decoded() {
    let t = tone(8_000, 1.0, 500.0);
    let u = load_prompt(&g711_wav(7, &g711::encode_ulaw(&t))).unwrap();
    let a = load_prompt(&g711_wav(6, &g711::encode_alaw(&t))).unwrap();
    assert_eq!(u.len(), 8_000);
    assert!(goertzel(&u, 500.0, 8_000.0) > 0.05 && goertzel(&a, 500.0, 8_000.0) > 0.05);
}

#[test]
fn files_that_cannot_be_prompts_are_refused_with_a_reason() {
    assert_eq!(
        load_prompt(b"ID3\x04 this is an mp3"),
        Err(PromptError::NotWav)
    );
    assert_eq!(
        load_prompt(&pcm_wav(96_000, 1, &tone(96_000, 0.1, 1_000.0))),
        Err(PromptError::Rate(96_000))
    );
    assert_eq!(
        load_prompt(&pcm_wav(8_000, 3, &tone(8_000, 0.1, 1_000.0))),
        Err(PromptError::Channels(3))
    );
    assert_eq!(
        load_prompt(&pcm_wav(8_000, 1, &[])),
        Err(PromptError::Empty)
    );
    assert_eq!(
        load_prompt(&g711_wav(2, &[0; 100])),
        Err(PromptError::Encoding(2)),
        "ADPCM"
    );
    let msg = PromptError::Rate(96_000).to_string();
    assert!(msg.contains("96000") && msg.contains("8 to 48 kHz"));
}
