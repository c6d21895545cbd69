//! Recording: one stereo 8 kHz 16-bit WAV per call (customer left, agent side right), written
//! while the call runs, and repair of files cut short by a crash.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::MediaError;

/// Size of the canonical 44-byte header this writer produces.
const HEADER: u64 = 44;

/// Writes a stereo recording incrementally. The header's sizes are updated at every
/// [`flush`](Self::flush), so a crash loses at most what was written since; [`repair`] fixes even that.
#[derive(Debug)]
pub struct RecordingWriter<W: Write + Seek> {
    /// The output.
    out: W,
    /// Bytes of sample data written.
    data_bytes: u64,
}

/// Bytes a recording file's buffer holds: a little over a second of stereo 8 kHz 16-bit audio,
/// so that between two once-a-second [`flush`](RecordingWriter::flush)es the frames of a call
/// reach the file in one write instead of fifty.
pub const FILE_BUFFER: usize = 32 * 1024 + 1024;

/// A recording being written to its file, buffered.
pub type RecordingFile = RecordingWriter<BufWriter<File>>;

impl RecordingFile {
    /// Creates (truncates) a recording file. Frames are buffered until the next
    /// [`flush`](RecordingWriter::flush) (a crash loses what was buffered: at most a second
    /// when flushed once a second).
    pub fn create(path: &Path) -> Result<Self, MediaError> {
        RecordingWriter::new(BufWriter::with_capacity(FILE_BUFFER, File::create(path)?))
    }
}

impl<W: Write + Seek> RecordingWriter<W> {
    /// Starts a recording on any seekable output.
    pub fn new(mut out: W) -> Result<Self, MediaError> {
        out.write_all(&header(0))?;
        Ok(RecordingWriter { out, data_bytes: 0 })
    }

    /// Appends one frame: `left` (customer) and `right` (agent side), equal length.
    pub fn write_frame(&mut self, left: &[i16], right: &[i16]) -> Result<(), MediaError> {
        let mut buf = Vec::with_capacity(left.len() * 4);
        for (l, r) in left.iter().zip(right.iter()) {
            buf.extend_from_slice(&l.to_le_bytes());
            buf.extend_from_slice(&r.to_le_bytes());
        }
        self.out.write_all(&buf)?;
        self.data_bytes += buf.len() as u64;
        Ok(())
    }

    /// Writes the current sizes into the header and flushes.
    pub fn flush(&mut self) -> Result<(), MediaError> {
        let end = self.out.stream_position()?;
        self.out.seek(SeekFrom::Start(0))?;
        self.out.write_all(&header(self.data_bytes))?;
        self.out.seek(SeekFrom::Start(end))?;
        self.out.flush()?;
        Ok(())
    }

    /// Finishes the recording and returns the output.
    pub fn finish(mut self) -> Result<W, MediaError> {
        self.flush()?;
        Ok(self.out)
    }

    /// Seconds recorded so far.
    pub fn seconds(&self) -> f64 {
        self.data_bytes as f64 / 32_000.0
    }
}

/// The 44-byte header of a stereo 8 kHz 16-bit PCM file with `data_bytes` of samples.
fn header(data_bytes: u64) -> [u8; 44] {
    let data = u32::try_from(data_bytes).unwrap_or(u32::MAX - 36);
    let mut h = [0u8; 44];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&(36 + data).to_le_bytes());
    h[8..16].copy_from_slice(b"WAVEfmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes()); // PCM
    h[22..24].copy_from_slice(&2u16.to_le_bytes()); // channels
    h[24..28].copy_from_slice(&8_000u32.to_le_bytes());
    h[28..32].copy_from_slice(&32_000u32.to_le_bytes()); // byte rate
    h[32..34].copy_from_slice(&4u16.to_le_bytes()); // block align
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data.to_le_bytes());
    h
}

/// Fixes the sizes in the header of a recording this writer started, after a crash: the data
/// length becomes what the file holds, cut to whole stereo frames. Returns the seconds it plays.
/// Files that are not such recordings are refused and left untouched.
pub fn repair(path: &Path) -> Result<f64, MediaError> {
    let mut f = OpenOptions::new().read(true).write(true).open(path)?;
    let mut head = [0u8; 44];
    f.read_exact(&mut head)
        .map_err(|_| MediaError::Wav("shorter than a WAV header".into()))?;
    if &head[0..4] != b"RIFF"
        || &head[8..16] != b"WAVEfmt "
        || &head[36..40] != b"data"
        || head[22] != 2
    {
        return Err(MediaError::Wav("not a Patchbay stereo recording".into()));
    }
    let len = f.metadata()?.len();
    let data = (len.saturating_sub(HEADER) / 4) * 4;
    f.set_len(HEADER + data)?;
    f.seek(SeekFrom::Start(0))?;
    f.write_all(&header(data))?;
    f.sync_all()?;
    Ok(data as f64 / 32_000.0)
}
