//! Start-up after a crash: call records left open are closed as `interrupted`, hung up by the
//! system, ended at their last known activity, and keep their (repaired) recording.

use std::path::Path;

use store::{OpenCall, Store};

/// Bytes per second of a Patchbay recording (8 kHz, 16-bit, stereo).
const RECORDING_BYTES_PER_SECOND: u64 = 32_000;

/// Closes every call record a crash left open. Run after the recordings were repaired: a
/// recorded call's end is the later of its last event and the end of what its recording holds
/// (the file name starts with the Unix ms the recording began). Returns how many were closed.
pub async fn close_interrupted_calls(store: &Store, recordings: &Path) -> anyhow::Result<usize> {
    let mut closed = 0;
    for call in store.open_calls().await? {
        let ended_at = ended_at(&call, recordings);
        if store
            .close_interrupted(model::CallId(call.id), ended_at)
            .await?
        {
            tracing::info!(
                record = call.id,
                key = %call.call_key,
                ended_at,
                recording = call.recording.as_deref(),
                "closed a call record left open by a crash as interrupted"
            );
            closed += 1;
        }
    }
    Ok(closed)
}

/// When an open call was last known alive.
fn ended_at(call: &OpenCall, recordings: &Path) -> i64 {
    let recorded_until = call
        .recording
        .as_deref()
        .and_then(|name| recording_end(recordings, name));
    recorded_until.map_or(call.last_activity_at, |r| r.max(call.last_activity_at))
}

/// The Unix ms a recording's audio ends: its start (from its name, `{ms}-{n}.wav`) plus what it
/// plays. `None` for a name of another shape or a file that cannot be read.
fn recording_end(dir: &Path, name: &str) -> Option<i64> {
    let started: i64 = name.split('-').next()?.parse().ok()?;
    let len = std::fs::metadata(dir.join(name)).ok()?.len();
    let ms = len.saturating_sub(44) * 1000 / RECORDING_BYTES_PER_SECOND;
    Some(started + i64::try_from(ms).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_call_ends_where_its_recording_ends() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("1000-7.wav"), vec![0u8; 44 + 64_000]).unwrap();
        let call = |recording: Option<&str>, last| OpenCall {
            id: 1,
            call_key: "k".into(),
            last_activity_at: last,
            recording: recording.map(str::to_owned),
        };
        assert_eq!(ended_at(&call(Some("1000-7.wav"), 1500), dir.path()), 3000);
        // A later event wins over the recording; a missing file leaves the last event.
        assert_eq!(ended_at(&call(Some("1000-7.wav"), 9000), dir.path()), 9000);
        assert_eq!(ended_at(&call(Some("5-1.wav"), 1500), dir.path()), 1500);
        assert_eq!(ended_at(&call(None, 1500), dir.path()), 1500);
    }
}
