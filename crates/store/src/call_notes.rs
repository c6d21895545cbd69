//! Who talked on a call (its segments, one per agent's part) and the agents' notes on it.

use model::calls::{CallEvent, CallNote, CallSegment};
use model::{CallId, UserId};

use crate::{Result, Store, StoreError, Tenant, on_pool};

/// A `call_segments` row with the agent's name.
#[derive(sqlx::FromRow)]
struct SegmentRow {
    agent_id: i64,
    agent_name: Option<String>,
    agent_work_id: Option<String>,
    started_at: i64,
    ended_at: i64,
    transferred: bool,
}

/// A `call_notes` row with the author's name.
#[derive(sqlx::FromRow)]
struct NoteRow {
    id: i64,
    author_id: i64,
    author_name: Option<String>,
    text: String,
    created_at: i64,
}

impl From<NoteRow> for CallNote {
    fn from(r: NoteRow) -> CallNote {
        CallNote {
            id: r.id,
            author_id: UserId(r.author_id),
            author_name: r.author_name,
            text: r.text,
            created_at: r.created_at,
        }
    }
}

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;

impl Store {
    /// Writes an agent's segment of a call (`CallEvent::Segment`); false when the call has no
    /// record.
    pub(crate) async fn add_segment(&self, ev: &CallEvent) -> Result<bool> {
        let CallEvent::Segment {
            key,
            agent,
            from,
            to,
            transferred,
        } = ev
        else {
            return Ok(false);
        };
        let n = on_pool!(self, pool => sqlx::query(
            "INSERT INTO call_segments (call_id, agent_id, started_at, ended_at, transferred) \
             SELECT id, $2, $3, $4, $5 FROM calls WHERE call_key = $1",
        )
        .bind(key)
        .bind(agent.0)
        .bind(from)
        .bind(to.max(from))
        .bind(transferred)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n > 0)
    }
}

impl Tenant<'_> {
    /// The record id of the enterprise's call with the engine's `key`.
    pub async fn call_id_of_key(&self, key: &str) -> Result<CallId> {
        let id: Option<i64> = on_pool!(self.store, pool =>
            sqlx::query_scalar("SELECT id FROM calls WHERE enterprise_id = $1 AND call_key = $2")
                .bind(self.enterprise.0)
                .bind(key)
                .fetch_optional(pool)
                .await?);
        id.map(CallId).ok_or(StoreError::NotFound)
    }

    /// The agents' segments of one of the enterprise's calls, in order.
    pub async fn call_segments(&self, id: CallId) -> Result<Vec<CallSegment>> {
        let rows: Vec<SegmentRow> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT s.agent_id, u.name AS agent_name, u.work_id AS agent_work_id, s.started_at, \
             s.ended_at, s.transferred FROM call_segments s \
             JOIN calls c ON c.id = s.call_id \
             LEFT JOIN users u ON u.id = s.agent_id AND u.enterprise_id = c.enterprise_id \
             WHERE c.enterprise_id = $1 AND s.call_id = $2 ORDER BY s.started_at, s.id",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|r| CallSegment {
                agent_id: UserId(r.agent_id),
                agent_name: r.agent_name,
                agent_work_id: r.agent_work_id,
                started_at: r.started_at,
                ended_at: r.ended_at,
                transferred: r.transferred,
            })
            .collect())
    }

    /// Whether the enterprise has a call record with this id.
    pub async fn call_exists(&self, id: CallId) -> Result<bool> {
        let n: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM calls WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_one(pool)
        .await?);
        Ok(n > 0)
    }

    /// Whether `user` talked on one of the enterprise's calls: a segment of theirs, or the
    /// record's agent (the part still under way, or the one just ended before its segment is
    /// written). An agent offered a transfer they never answered did not.
    pub async fn talked_on(&self, id: CallId, user: UserId) -> Result<bool> {
        let n: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM calls c WHERE c.enterprise_id = $1 AND c.id = $2 AND \
             (c.agent_id = $3 OR EXISTS (SELECT 1 FROM call_segments s \
              WHERE s.call_id = c.id AND s.agent_id = $3))",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(user.0)
        .fetch_one(pool)
        .await?);
        Ok(n > 0)
    }

    /// The notes on one of the enterprise's calls, oldest first.
    pub async fn call_notes(&self, id: CallId) -> Result<Vec<CallNote>> {
        let rows: Vec<NoteRow> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT n.id, n.author_id, u.name AS author_name, n.text, n.created_at \
             FROM call_notes n JOIN calls c ON c.id = n.call_id \
             LEFT JOIN users u ON u.id = n.author_id AND u.enterprise_id = c.enterprise_id \
             WHERE c.enterprise_id = $1 AND n.call_id = $2 ORDER BY n.created_at, n.id",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_all(pool)
        .await?);
        Ok(rows.into_iter().map(CallNote::from).collect())
    }

    /// Adds `author`'s note to one of the enterprise's calls at `at` (Unix ms); the caller
    /// checks the text (not empty, at most [`MAX_NOTE_CHARS`]).
    pub async fn add_call_note(
        &self,
        id: CallId,
        author: UserId,
        text: &str,
        at: i64,
    ) -> Result<CallNote> {
        let note: Option<i64> = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO call_notes (call_id, author_id, text, created_at) \
             SELECT id, $3, $4, $5 FROM calls WHERE enterprise_id = $1 AND id = $2 RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(author.0)
        .bind(text)
        .bind(at)
        .fetch_optional(pool)
        .await?);
        let note = note.ok_or(StoreError::NotFound)?;
        let notes = self.call_notes(id).await?;
        notes
            .into_iter()
            .find(|n| n.id == note)
            .ok_or(StoreError::NotFound)
    }
}
