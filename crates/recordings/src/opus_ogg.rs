//! A stereo 8 kHz recording encoded as Opus in an Ogg container (RFC 7845), which browsers play
//! (`audio/ogg; codecs=opus`) and decode for the waveform player.

use std::io::{Cursor, Write};
use std::path::Path;

use ogg::writing::{PacketWriteEndInfo, PacketWriter};
use opus::{Application, Bitrate, Channels, Encoder};

use crate::RecordingError;

/// Sample rate of Patchbay's recordings.
pub const RATE: u32 = 8_000;
/// Samples per channel in one 20 ms Opus frame at 8 kHz.
const FRAME: usize = 160;
/// The same frame in Ogg Opus granule units (always 48 kHz).
const FRAME_48K: u64 = 960;
/// Opus bit rate for both channels together: speech on each side stays clear, and the file is
/// about a tenth of the WAV's 256 kbit/s.
pub const BITRATE: i32 = 24_000;
/// Frames per Ogg page: one page a second keeps seeking cheap and the overhead small.
const FRAMES_PER_PAGE: u64 = 50;
/// The stream's serial number (one stream per file).
const SERIAL: u32 = 0x5042_5243;

/// What an encoding produced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Encoded {
    /// Seconds of audio.
    pub seconds: f64,
    /// Size of the Ogg file in bytes.
    pub bytes: u64,
}

/// `OpusHead`: version 1, two channels, the encoder's pre-skip, the input rate, no gain,
/// channel mapping family 0 (mono or stereo).
fn opus_head(pre_skip: u16) -> Vec<u8> {
    let mut h = Vec::with_capacity(19);
    h.extend_from_slice(b"OpusHead");
    h.push(1);
    h.push(2);
    h.extend_from_slice(&pre_skip.to_le_bytes());
    h.extend_from_slice(&RATE.to_le_bytes());
    h.extend_from_slice(&0i16.to_le_bytes());
    h.push(0);
    h
}

/// `OpusTags` with Patchbay as the vendor and no comments.
fn opus_tags() -> Vec<u8> {
    let vendor = b"Patchbay";
    let mut t = Vec::with_capacity(16 + vendor.len());
    t.extend_from_slice(b"OpusTags");
    t.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
    t.extend_from_slice(vendor);
    t.extend_from_slice(&0u32.to_le_bytes());
    t
}

/// Encodes interleaved stereo 8 kHz samples (left, right, left, …) into an Ogg Opus file
/// written to `out`. The last page's granule position trims the padding, so the file plays
/// exactly as long as the input.
pub fn encode<W: Write>(interleaved: &[i16], out: W) -> Result<W, RecordingError> {
    let mut enc = Encoder::new(RATE, Channels::Stereo, Application::Voip)?;
    enc.set_bitrate(Bitrate::Bits(BITRATE))?;
    enc.set_vbr(true)?;
    // Lookahead at the input rate; Ogg Opus counts pre-skip at 48 kHz.
    let pre_skip = u64::try_from(enc.get_lookahead()?).unwrap_or(0) * 6;
    let mut writer = PacketWriter::new(out);
    writer.write_packet(
        opus_head(u16::try_from(pre_skip).unwrap_or(u16::MAX)),
        SERIAL,
        PacketWriteEndInfo::EndPage,
        0,
    )?;
    writer.write_packet(opus_tags(), SERIAL, PacketWriteEndInfo::EndPage, 0)?;

    let input_frames = (interleaved.len() / 2) as u64;
    // Decoded length the file must cover: the pre-skip plus every input sample, at 48 kHz.
    let end_granule = pre_skip + input_frames * 6;
    let packets = end_granule.div_ceil(FRAME_48K).max(1);
    let mut frame = [0i16; FRAME * 2];
    let mut packet = vec![0u8; 4_000];
    for n in 0..packets {
        let start = usize::try_from(n).unwrap_or(usize::MAX) * FRAME * 2;
        frame.fill(0);
        if let Some(chunk) = interleaved.get(start..) {
            let len = chunk.len().min(FRAME * 2);
            frame[..len].copy_from_slice(&chunk[..len]);
        }
        let size = enc.encode(&frame, &mut packet)?;
        let last = n + 1 == packets;
        let granule = if last {
            end_granule
        } else {
            (n + 1) * FRAME_48K
        };
        let end = if last {
            PacketWriteEndInfo::EndStream
        } else if (n + 1) % FRAMES_PER_PAGE == 0 {
            PacketWriteEndInfo::EndPage
        } else {
            PacketWriteEndInfo::NormalPacket
        };
        writer.write_packet(packet[..size].to_vec(), SERIAL, end, granule)?;
    }
    Ok(writer.into_inner())
}

/// Reads a stereo 8 kHz 16-bit WAV (as Patchbay records calls) and writes it as Ogg Opus to
/// `ogg` (through a temporary file renamed into place, so a crash never leaves half a file
/// under the final name).
pub fn wav_to_ogg(wav: &Path, ogg: &Path) -> Result<Encoded, RecordingError> {
    let reader = hound::WavReader::open(wav)?;
    let spec = reader.spec();
    if spec.channels != 2 || spec.sample_rate != RATE || spec.bits_per_sample != 16 {
        return Err(RecordingError::NotARecording(format!(
            "{} channel(s), {} Hz, {} bits: expected a stereo 8 kHz 16-bit recording",
            spec.channels, spec.sample_rate, spec.bits_per_sample
        )));
    }
    let samples: Vec<i16> = reader
        .into_samples::<i16>()
        .collect::<Result<_, hound::Error>>()?;
    let bytes = encode(&samples, Cursor::new(Vec::new()))?.into_inner();
    if let Some(dir) = ogg.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = ogg.with_extension("ogg.part");
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, ogg)?;
    Ok(Encoded {
        seconds: samples.len() as f64 / 2.0 / f64::from(RATE),
        bytes: bytes.len() as u64,
    })
}
