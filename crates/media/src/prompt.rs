//! Prompt files: WAV in (8–48 kHz, mono or stereo, 16-bit PCM, µ-law or A-law), 8 kHz mono
//! samples out, or a clear reason why the file is refused (for admin uploads).

use std::io::Cursor;

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

use crate::g711;

/// Longest prompt accepted: 10 minutes (hold music loops; longer files are a mistake).
const MAX_SECONDS: usize = 600;

/// Why a prompt file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromptError {
    /// Not a RIFF/WAVE file.
    #[error("not a WAV file")]
    NotWav,
    /// A format other than PCM, µ-law or A-law (e.g. MP3 in a WAV wrapper, ADPCM).
    #[error("unsupported WAV encoding (format tag {0}): use 16-bit PCM, µ-law or A-law")]
    Encoding(u16),
    /// Sample rate outside 8–48 kHz.
    #[error("unsupported sample rate {0} Hz: use 8 to 48 kHz")]
    Rate(u32),
    /// More than two channels.
    #[error("{0} channels: use mono or stereo")]
    Channels(u16),
    /// No audio in it.
    #[error("the file holds no audio")]
    Empty,
    /// Longer than the maximum.
    #[error("longer than {MAX_SECONDS} seconds")]
    TooLong,
    /// Damaged data.
    #[error("damaged WAV data: {0}")]
    Damaged(String),
}

/// The format chunk's facts.
struct Fmt {
    tag: u16,
    channels: u16,
    rate: u32,
    data: Vec<u8>,
}

/// Walks the RIFF chunks for `fmt ` and `data`.
fn riff(bytes: &[u8]) -> Result<Fmt, PromptError> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(PromptError::NotWav);
    }
    let (mut fmt, mut data) = (None, None);
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let len = u32::from_le_bytes([
            bytes[pos + 4],
            bytes[pos + 5],
            bytes[pos + 6],
            bytes[pos + 7],
        ]) as usize;
        let body = &bytes[pos + 8..(pos + 8 + len).min(bytes.len())];
        if id == b"fmt " && body.len() >= 16 {
            fmt = Some((
                u16::from_le_bytes([body[0], body[1]]),
                u16::from_le_bytes([body[2], body[3]]),
                u32::from_le_bytes([body[4], body[5], body[6], body[7]]),
            ));
        } else if id == b"data" {
            data = Some(body.to_vec());
        }
        pos += 8 + len + (len & 1);
    }
    let (tag, channels, rate) = fmt.ok_or(PromptError::NotWav)?;
    Ok(Fmt {
        tag,
        channels,
        rate,
        data: data.ok_or(PromptError::Empty)?,
    })
}

/// Decodes a prompt file to 8 kHz mono 16-bit samples.
pub fn load_prompt(bytes: &[u8]) -> Result<Vec<i16>, PromptError> {
    let f = riff(bytes)?;
    if !(8_000..=48_000).contains(&f.rate) {
        return Err(PromptError::Rate(f.rate));
    }
    if f.channels == 0 || f.channels > 2 {
        return Err(PromptError::Channels(f.channels));
    }
    let interleaved: Vec<i16> = match f.tag {
        7 => g711::decode_ulaw(&f.data),
        6 => g711::decode_alaw(&f.data),
        1 | 3 | 0xfffe => {
            let mut r = hound::WavReader::new(Cursor::new(bytes))
                .map_err(|e| PromptError::Damaged(e.to_string()))?;
            let spec = r.spec();
            match (spec.sample_format, spec.bits_per_sample) {
                (hound::SampleFormat::Int, 16) => r.samples::<i16>().collect::<Result<_, _>>(),
                (hound::SampleFormat::Int, 8) => r
                    .samples::<i8>()
                    .map(|s| s.map(|v| i16::from(v) << 8))
                    .collect(),
                (hound::SampleFormat::Int, 24 | 32) => {
                    let shift = spec.bits_per_sample - 16;
                    r.samples::<i32>()
                        .map(|s| s.map(|v| (v >> shift) as i16))
                        .collect()
                }
                (hound::SampleFormat::Float, 32) => r
                    .samples::<f32>()
                    .map(|s| s.map(|v| (v.clamp(-1.0, 1.0) * 32_767.0) as i16))
                    .collect(),
                _ => return Err(PromptError::Encoding(f.tag)),
            }
            .map_err(|e| PromptError::Damaged(e.to_string()))?
        }
        other => return Err(PromptError::Encoding(other)),
    };
    let mono: Vec<i16> = if f.channels == 2 {
        interleaved
            .chunks_exact(2)
            .map(|c| ((i32::from(c[0]) + i32::from(c[1])) / 2) as i16)
            .collect()
    } else {
        interleaved
    };
    if mono.is_empty() {
        return Err(PromptError::Empty);
    }
    if mono.len() > MAX_SECONDS * f.rate as usize {
        return Err(PromptError::TooLong);
    }
    if f.rate == 8_000 {
        return Ok(mono);
    }
    resample(&mono, f.rate as usize, 8_000)
}

/// Converts mono samples between rates with rubato's FFT resampler (anti-aliased).
pub fn resample(samples: &[i16], from: usize, to: usize) -> Result<Vec<i16>, PromptError> {
    let input: Vec<f32> = samples.iter().map(|s| f32::from(*s) / 32_768.0).collect();
    let mut r = Fft::<f32>::new(from, to, 1024, 1, FixedSync::Both)
        .map_err(|e| PromptError::Damaged(e.to_string()))?;
    let needed = r.process_all_needed_output_len(input.len());
    let mut output = vec![0.0f32; needed];
    let inp = InterleavedSlice::new(&input, 1, input.len())
        .map_err(|e| PromptError::Damaged(e.to_string()))?;
    let mut out = InterleavedSlice::new_mut(&mut output, 1, needed)
        .map_err(|e| PromptError::Damaged(e.to_string()))?;
    let (_, produced) = r
        .process_all_into_buffer(&inp, &mut out, input.len(), None)
        .map_err(|e| PromptError::Damaged(e.to_string()))?;
    output.truncate(produced);
    Ok(output
        .iter()
        .map(|v| (v * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16)
        .collect())
}
