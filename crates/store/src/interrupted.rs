//! Call records a crash left open: each call's last known activity is kept as its events are
//! written, and at start-up every record still open is closed as `interrupted` (issue 20).

use model::CallId;
use model::calls::CallEvent;

use crate::{Result, Store, on_pool};

/// A call record left open (no `ended_at`) when Patchbay stopped.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenCall {
    /// The record.
    pub id: i64,
    /// The engine's key for the call.
    pub call_key: String,
    /// The last moment the call was known to be alive (Unix ms): its latest event, else its
    /// answer, queue or start time.
    pub last_activity_at: i64,
    /// Its recording's file name in the recordings directory, if it was recorded.
    pub recording: Option<String>,
}

impl Store {
    /// Moves a call's last known activity to the moment of `ev`, for events that carry one.
    /// A start needs no write (an open record's activity falls back to its start), nor does an
    /// end (a closed record is never repaired): one statement fewer for each, on every call.
    pub(crate) async fn note_activity(&self, ev: &CallEvent) -> Result<()> {
        let (key, at) = match ev {
            CallEvent::Queued { key, at, .. }
            | CallEvent::Answered { key, at, .. }
            | CallEvent::Hold { key, at, .. }
            | CallEvent::Supervision { key, at, .. }
            | CallEvent::Missed { key, at, .. } => (key, *at),
            CallEvent::Segment { key, to, .. } => (key, *to),
            CallEvent::Started { .. }
            | CallEvent::Ended { .. }
            | CallEvent::Media { .. }
            | CallEvent::Recording { .. }
            | CallEvent::AgentAnswered { .. }
            | CallEvent::Outcome { .. }
            | CallEvent::Survey { .. }
            | CallEvent::Campaign { .. }
            | CallEvent::Transcript { .. } => return Ok(()),
        };
        on_pool!(self, pool => sqlx::query(
            "UPDATE calls SET last_activity_at = $2 WHERE call_key = $1 \
             AND (last_activity_at IS NULL OR last_activity_at < $2)",
        )
        .bind(key)
        .bind(at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Every call record still open, in every enterprise, oldest first.
    pub async fn open_calls(&self) -> Result<Vec<OpenCall>> {
        Ok(on_pool!(self, pool => sqlx::query_as::<_, OpenCall>(
            "SELECT id, call_key, recording, \
             COALESCE(last_activity_at, answered_at, queued_at, started_at) AS last_activity_at \
             FROM calls WHERE ended_at IS NULL ORDER BY id",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Closes a record a crash left open: result `interrupted`, hung up by the system, ended
    /// at `ended_at` (never before it started); a hold still running ends then too. False if
    /// the record was closed already.
    pub async fn close_interrupted(&self, id: CallId, ended_at: i64) -> Result<bool> {
        let n = on_pool!(self, pool => sqlx::query(
            "UPDATE calls SET ended_at = CASE WHEN $2 < started_at THEN started_at ELSE $2 END, \
             result = 'interrupted', hangup_side = 'system', \
             hold_ms = hold_ms + CASE WHEN held_since IS NULL OR held_since > $2 THEN 0 ELSE $2 - held_since END, \
             held_since = NULL, last_activity_at = $2 WHERE id = $1 AND ended_at IS NULL",
        )
        .bind(id.0)
        .bind(ended_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }
}
