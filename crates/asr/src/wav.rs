//! Transcription of a recorded call: a mono or stereo WAV file (Patchbay's recordings put the
//! customer on the left channel and the agent on the right).

use std::fmt;
use std::path::Path;
use std::sync::mpsc;

use crate::engine::Engine;
use crate::stream::StreamConfig;
use crate::{AsrError, Event, Recognizer, Segment};

/// Who spoke a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Speaker {
    /// The left channel of a stereo recording.
    Customer,
    /// The right channel of a stereo recording.
    Agent,
    /// A mono recording: both sides mixed.
    Mixed,
}

impl fmt::Display for Speaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Speaker::Customer => "customer",
            Speaker::Agent => "agent",
            Speaker::Mixed => "mixed",
        })
    }
}

/// Samples per chunk handed to a channel's decoder thread (100 ms at 48 kHz, more at less).
const CHUNK: usize = 4_800;

/// The final segments of a WAV file (8 to 192 kHz; mono, or stereo with the customer left and
/// the agent right; 8 to 32-bit integer or 32-bit float samples), in order of start time. Each
/// channel is decoded on its own thread, while the file is read in chunks: memory does not grow
/// with the file's length. Segments with no words are left out.
pub fn transcribe_wav(
    path: impl AsRef<Path>,
    engine: &Engine,
) -> Result<Vec<(Speaker, Segment)>, AsrError> {
    let path = path.as_ref();
    let mut reader = hound::WavReader::open(path)
        .map_err(|e| AsrError::Wav(format!("{}: {e}", path.display())))?;
    let spec = reader.spec();
    let speakers: &[Speaker] = match spec.channels {
        1 => &[Speaker::Mixed],
        2 => &[Speaker::Customer, Speaker::Agent],
        n => {
            return Err(AsrError::Wav(format!(
                "{}: {n} channels (mono or stereo only)",
                path.display()
            )));
        }
    };
    // Make every decoder before reading, so a model error is reported as such.
    let mut recognizers = Vec::new();
    for _ in speakers {
        recognizers.push(engine.stream(StreamConfig::new(spec.sample_rate))?);
    }
    let channels = speakers.len();
    let samples = samples_i16(&mut reader)?;

    let results = std::thread::scope(|scope| {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for mut rec in recognizers {
            let (tx, rx) = mpsc::sync_channel::<Vec<i16>>(8);
            senders.push(tx);
            handles.push(scope.spawn(move || {
                let mut finals = Vec::new();
                let collect = |rec: &mut dyn Recognizer, finals: &mut Vec<Segment>| {
                    while let Some(e) = rec.poll_event() {
                        if let Event::Segment(s) = e
                            && s.is_final
                            && !s.text.is_empty()
                        {
                            finals.push(s);
                        }
                    }
                };
                while let Ok(chunk) = rx.recv() {
                    rec.feed(&chunk);
                    collect(&mut rec, &mut finals);
                }
                rec.finish();
                collect(&mut rec, &mut finals);
                finals
            }));
        }

        let mut bufs: Vec<Vec<i16>> = vec![Vec::with_capacity(CHUNK); channels];
        let mut read_error = None;
        for (i, s) in samples.enumerate() {
            match s {
                Ok(v) => {
                    let buf = &mut bufs[i % channels];
                    buf.push(v);
                    if buf.len() == CHUNK {
                        let full = std::mem::replace(buf, Vec::with_capacity(CHUNK));
                        if senders[i % channels].send(full).is_err() {
                            break;
                        }
                    }
                }
                Err(e) => {
                    read_error = Some(AsrError::Wav(format!("{}: {e}", path.display())));
                    break;
                }
            }
        }
        for (tx, buf) in senders.iter().zip(bufs) {
            if !buf.is_empty() {
                let _ = tx.send(buf);
            }
        }
        drop(senders);
        let per_channel: Vec<Vec<Segment>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect();
        match read_error {
            Some(e) => Err(e),
            None => Ok(per_channel),
        }
    })?;

    let mut all: Vec<(Speaker, Segment)> = speakers
        .iter()
        .zip(results)
        .flat_map(|(sp, segs)| segs.into_iter().map(move |s| (*sp, s)))
        .collect();
    all.sort_by_key(|(sp, s)| (s.start_ms, *sp));
    Ok(all)
}

/// The file's samples as 16-bit, interleaved.
fn samples_i16<'r, R: std::io::Read + 'r>(
    reader: &'r mut hound::WavReader<R>,
) -> Result<Box<dyn Iterator<Item = Result<i16, hound::Error>> + 'r>, AsrError> {
    let spec = reader.spec();
    let int = |r: &'r mut hound::WavReader<R>, shift: i32| {
        Box::new(r.samples::<i32>().map(move |v| {
            v.map(|v| {
                if shift >= 0 {
                    (v >> shift) as i16
                } else {
                    (v << -shift) as i16
                }
            })
        })) as Box<dyn Iterator<Item = Result<i16, hound::Error>> + 'r>
    };
    match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Int, 8) => Ok(int(reader, -8)),
        (hound::SampleFormat::Int, 16) => Ok(int(reader, 0)),
        (hound::SampleFormat::Int, 24) => Ok(int(reader, 8)),
        (hound::SampleFormat::Int, 32) => Ok(int(reader, 16)),
        (hound::SampleFormat::Float, 32) => {
            Ok(Box::new(reader.samples::<f32>().map(|v| {
                v.map(|v| (v * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16)
            })))
        }
        (format, bits) => Err(AsrError::Wav(format!(
            "{bits}-bit {format:?} samples (8 to 32-bit integer or 32-bit float only)"
        ))),
    }
}

/// One line of a transcript: `[00:01.20–00:03.40] customer: hello world`.
pub fn format_line(speaker: Speaker, segment: &Segment) -> String {
    format!(
        "[{}–{}] {speaker}: {}",
        clock(segment.start_ms),
        clock(segment.end_ms),
        segment.text
    )
}

/// `mm:ss.cc` (minutes go past 59 for long calls), as transcript lines show times.
pub fn clock(ms: u64) -> String {
    format!(
        "{:02}:{:02}.{:02}",
        ms / 60_000,
        (ms / 1000) % 60,
        (ms % 1000) / 10
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_format() {
        let s = Segment {
            utterance: 0,
            text: "hello world".into(),
            start_ms: 1_200,
            end_ms: 3_400,
            is_final: true,
            confidence: 0.8,
        };
        assert_eq!(
            format_line(Speaker::Customer, &s),
            "[00:01.20–00:03.40] customer: hello world"
        );
        assert_eq!(clock(3_723_456), "62:03.45");
    }
}
