//! Finished call recordings (issue 21): the engine writes each call as a stereo 8 kHz WAV
//! (customer left, agent right, about 115 MB an hour); once the call has ended, the
//! [`Archiver`] encodes it to Opus in Ogg (about a tenth of the size, played by browsers), files
//! it in a folder per day (`YYYY-MM-DD/NAME.ogg`, by the call's start in UTC), points the call
//! record at it and removes the WAV. With a retention period it also removes recordings of calls
//! older than the period, and the call record says when.
//!
//! All of it runs on its own task and blocking threads, never on the SIP task or a media
//! worker: the call path only writes the WAV, as before. Decisions that depend on time
//! ([`archive_name`], [`retention_cutoff`], [`is_quiet`]) take `now` as a parameter.

mod opus_ogg;

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use store::{RecordingFile, Store};
use tokio::sync::Notify;

pub use opus_ogg::{BITRATE, Encoded, encode, wav_to_ogg};

/// What can go wrong with one recording.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    /// Reading or writing a file failed.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    /// The WAV could not be read.
    #[error("WAV: {0}")]
    Wav(#[from] hound::Error),
    /// The WAV is not a stereo 8 kHz 16-bit recording.
    #[error("not a Patchbay recording: {0}")]
    NotARecording(String),
    /// The Opus encoder refused.
    #[error("Opus: {0}")]
    Opus(#[from] opus::Error),
    /// The database refused.
    #[error("{0}")]
    Store(#[from] store::StoreError),
    /// The blocking encoder thread failed.
    #[error("encoder thread: {0}")]
    Join(String),
}

/// How long a WAV must have been left alone before it is taken as finished (the writer touches
/// it every second while the call runs).
pub const QUIET_MS: i64 = 2_000;

/// A day in milliseconds.
const DAY_MS: i64 = 86_400_000;

/// Where a call's compressed recording goes: the UTC day of the call's start, then the WAV's
/// name with `.ogg`: `2026-12-06/1765000000000-7.ogg`.
pub fn archive_name(started_at_ms: i64, wav_name: &str) -> String {
    let day = jiff::Timestamp::from_millisecond(started_at_ms)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| "undated".to_owned());
    let stem = Path::new(wav_name).file_stem().map_or_else(
        || "recording".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    format!("{day}/{stem}.ogg")
}

/// Calls that started before this instant lose their recordings; `None` keeps them forever
/// (`days == 0`).
pub fn retention_cutoff(now_ms: i64, days: u32) -> Option<i64> {
    (days > 0).then(|| now_ms - i64::from(days) * DAY_MS)
}

/// Whether a file last modified at `modified_ms` has been left alone long enough to be finished.
pub fn is_quiet(modified_ms: i64, now_ms: i64) -> bool {
    now_ms - modified_ms >= QUIET_MS
}

/// The path of a recording's stored name under `dir`, or `None` for a name that would leave it
/// (absolute, `..`, hidden parts, backslashes).
pub fn resolve(dir: &Path, name: &str) -> Option<PathBuf> {
    if name.is_empty() || name.contains('\\') {
        return None;
    }
    let rel = Path::new(name);
    let ok = rel.components().all(|c| match c {
        Component::Normal(part) => !part.to_string_lossy().starts_with('.'),
        _ => false,
    });
    ok.then(|| dir.join(rel))
}

/// The content type a recording is served with, by its name.
pub fn content_type(name: &str) -> &'static str {
    if name.ends_with(".ogg") {
        "audio/ogg; codecs=opus"
    } else {
        "audio/wav"
    }
}

/// What one pass over the finished recordings did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// WAVs compressed and removed.
    pub compressed: usize,
    /// WAVs still being written (modified too recently): try again shortly.
    pub waiting: usize,
    /// Records whose WAV was gone: they now say the recording was removed.
    pub missing: usize,
    /// WAVs that could not be compressed (left as they are, logged).
    pub failed: usize,
}

/// Milliseconds since the epoch of a file's last change.
fn modified_ms(path: &Path) -> std::io::Result<i64> {
    let m = std::fs::metadata(path)?.modified()?;
    Ok(m.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)))
}

/// Records of recordings looked at in one go.
const BATCH: i64 = 50;

/// Compresses every finished call's WAV that has been quiet for [`QUIET_MS`] at `now_ms`:
/// Ogg Opus in its date folder, the record pointed at it, the WAV removed. Encoding runs on a
/// blocking thread, one file at a time.
pub async fn compress_pending(
    store: &Store,
    dir: &Path,
    now_ms: i64,
) -> Result<Pass, RecordingError> {
    let mut pass = Pass::default();
    let mut failed: Vec<store::RecordingFile> = Vec::new();
    for rec in store.uncompressed_recordings(BATCH).await? {
        let Some(wav) = resolve(dir, &rec.file) else {
            failed.push(rec);
            continue;
        };
        let modified = match modified_ms(&wav) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(call = rec.call.0, file = %rec.file, "the recording's file is gone");
                store.recording_removed(rec.call, now_ms).await?;
                pass.missing += 1;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if !is_quiet(modified, now_ms) {
            pass.waiting += 1;
            continue;
        }
        match compress_one(store, dir, &rec, wav).await {
            Ok(()) => pass.compressed += 1,
            Err(e) => {
                tracing::warn!(call = rec.call.0, file = %rec.file, error = %e, "cannot compress a recording; the WAV stays");
                failed.push(rec);
            }
        }
    }
    pass.failed = failed.len();
    Ok(pass)
}

async fn compress_one(
    store: &Store,
    dir: &Path,
    rec: &RecordingFile,
    wav: PathBuf,
) -> Result<(), RecordingError> {
    let name = archive_name(rec.started_at, &rec.file);
    let ogg = dir.join(&name);
    let (wav2, ogg2) = (wav.clone(), ogg.clone());
    let started = std::time::Instant::now();
    let encoded = tokio::task::spawn_blocking(move || wav_to_ogg(&wav2, &ogg2))
        .await
        .map_err(|e| RecordingError::Join(e.to_string()))??;
    store.set_recording_file(rec.call, &name).await?;
    std::fs::remove_file(&wav)?;
    let wav_bytes = encoded.seconds * 32_000.0 + 44.0;
    tracing::info!(
        call = rec.call.0,
        file = %name,
        seconds = encoded.seconds,
        ratio = wav_bytes / encoded.bytes.max(1) as f64,
        cpu_ms = started.elapsed().as_millis() as u64,
        "recording compressed"
    );
    Ok(())
}

/// Removes the recordings of calls that started more than `days` days before `now_ms` (none
/// when `days` is 0) and marks their records; returns how many. A file already gone counts as
/// removed.
pub async fn remove_expired(
    store: &Store,
    dir: &Path,
    now_ms: i64,
    days: u32,
) -> Result<usize, RecordingError> {
    let Some(cutoff) = retention_cutoff(now_ms, days) else {
        return Ok(0);
    };
    let mut removed = 0;
    loop {
        let batch = store.recordings_started_before(cutoff, BATCH).await?;
        if batch.is_empty() {
            return Ok(removed);
        }
        for rec in batch {
            if let Some(path) = resolve(dir, &rec.file) {
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e.into()),
                }
            }
            store.recording_removed(rec.call, now_ms).await?;
            removed += 1;
        }
    }
}

/// Compresses until nothing is left that is still being written.
async fn compress_until_settled(store: &Store, dir: &Path) {
    loop {
        match compress_pending(store, dir, now_ms()).await {
            Ok(pass) if pass.waiting > 0 => {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "recordings: compression pass failed");
                return;
            }
        }
    }
}

/// The background worker: wakes when a call ends ([`Archiver::call_ended`]) and every 10 s,
/// compresses what has finished, and once an hour removes what is past the retention period.
#[derive(Debug, Clone)]
pub struct Archiver {
    /// Wakes the worker.
    wake: Arc<Notify>,
}

/// How often the worker looks without being woken (recordings that no call-end event announced,
/// e.g. left from before a restart), and how often retention runs.
const IDLE: Duration = Duration::from_secs(10);
const RETENTION_EVERY_MS: i64 = 3_600_000;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Archiver {
    /// Starts the worker on the current tokio runtime for recordings under `dir`, compressing
    /// them when `compress` is on, keeping them `retention_days` days (0: forever).
    pub fn start(store: Store, dir: PathBuf, retention_days: u32, compress: bool) -> Archiver {
        let wake = Arc::new(Notify::new());
        let woken = wake.clone();
        tokio::spawn(async move {
            let mut last_retention = i64::MIN;
            loop {
                if compress {
                    compress_until_settled(&store, &dir).await;
                }
                let now = now_ms();
                if retention_days > 0 && now - last_retention >= RETENTION_EVERY_MS {
                    last_retention = now;
                    match remove_expired(&store, &dir, now, retention_days).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(
                            removed = n,
                            days = retention_days,
                            "recordings past the retention period removed"
                        ),
                        Err(e) => tracing::warn!(error = %e, "recordings: retention pass failed"),
                    }
                }
                let _ = tokio::time::timeout(IDLE, woken.notified()).await;
            }
        });
        Archiver { wake }
    }

    /// A call ended: its recording can be compressed once the media thread has closed it.
    pub fn call_ended(&self) {
        self.wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_are_the_utc_day_of_the_start_and_the_wav_stem() {
        // 2026-12-06 03:48:18 UTC.
        assert_eq!(
            archive_name(1_796_528_898_000, "1796528898000-7.wav"),
            "2026-12-06/1796528898000-7.ogg"
        );
        assert_eq!(archive_name(0, "a.wav"), "1970-01-01/a.ogg");
    }

    #[test]
    fn retention_cuts_whole_days_and_zero_keeps_forever() {
        assert_eq!(retention_cutoff(10 * DAY_MS, 0), None);
        assert_eq!(retention_cutoff(10 * DAY_MS, 3), Some(7 * DAY_MS));
    }

    #[test]
    fn a_file_is_quiet_two_seconds_after_its_last_write() {
        assert!(!is_quiet(1_000, 2_999));
        assert!(is_quiet(1_000, 3_000));
    }

    #[test]
    fn stored_names_never_leave_the_directory() {
        let dir = Path::new("/rec");
        assert_eq!(resolve(dir, "a.wav"), Some(PathBuf::from("/rec/a.wav")));
        assert_eq!(
            resolve(dir, "2026-12-06/a.ogg"),
            Some(PathBuf::from("/rec/2026-12-06/a.ogg"))
        );
        for bad in [
            "",
            "../a.wav",
            "/etc/passwd",
            ".hidden",
            "x/../../a",
            "a\\b",
            "x/.y",
        ] {
            assert_eq!(resolve(dir, bad), None, "{bad}");
        }
    }

    #[test]
    fn ogg_files_are_served_as_opus_and_the_rest_as_wav() {
        assert_eq!(content_type("d/a.ogg"), "audio/ogg; codecs=opus");
        assert_eq!(content_type("a.wav"), "audio/wav");
    }
}
