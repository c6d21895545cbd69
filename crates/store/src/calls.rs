//! Call records, written from the engine's call events and read by the call-record pages.

use model::calls::{
    CallDirection, CallEvent, CallRecord, CallResult, HangupSide, TranscriptSegment,
    TranscriptSpeaker,
};
use model::presence::MissedCall;
use model::{CallId, Page, PageQuery, UserId};

use crate::{Result, Store, StoreError, Tenant, like_pattern, on_pool};

/// A `calls` row.
#[derive(sqlx::FromRow)]
struct CallRow {
    id: i64,
    direction: String,
    caller: String,
    callee: String,
    enterprise_number: Option<String>,
    agent_id: Option<i64>,
    started_at: i64,
    answered_at: Option<i64>,
    ended_at: Option<i64>,
    failure: Option<String>,
    hangup_side: Option<String>,
    recording: Option<String>,
    rtp_received: Option<i64>,
    rtp_lost: Option<i64>,
    jitter_us: Option<i64>,
    result: Option<String>,
    skill_group_id: Option<i64>,
    queued_at: Option<i64>,
}

impl From<CallRow> for CallRecord {
    fn from(r: CallRow) -> CallRecord {
        let result = match (r.result.as_deref(), r.answered_at, r.ended_at) {
            (Some("abandoned"), ..) => CallResult::Abandoned,
            (Some("missed"), ..) => CallResult::Missed,
            (Some("overflowed"), ..) => CallResult::Overflowed,
            (_, Some(_), _) => CallResult::Answered,
            (_, None, Some(_)) => CallResult::Failed,
            (_, None, None) => CallResult::InProgress,
        };
        let talk_seconds = match (r.answered_at, r.ended_at) {
            (Some(a), Some(e)) => (e - a).max(0) / 1000,
            _ => 0,
        };
        CallRecord {
            id: CallId(r.id),
            direction: if r.direction == "agent_outbound" {
                CallDirection::AgentOutbound
            } else {
                CallDirection::Inbound
            },
            caller: r.caller,
            callee: r.callee,
            enterprise_number: r.enterprise_number,
            agent_id: r.agent_id.map(UserId),
            skill_group_id: r.skill_group_id.map(model::SkillGroupId),
            queued_at: r.queued_at,
            started_at: r.started_at,
            answered_at: r.answered_at,
            ended_at: r.ended_at,
            talk_seconds,
            result,
            failure: r.failure,
            hangup_side: r.hangup_side.as_deref().map(|s| match s {
                "customer" => HangupSide::Customer,
                "agent" => HangupSide::Agent,
                _ => HangupSide::System,
            }),
            has_recording: r.recording.is_some(),
            rtp_received: r.rtp_received,
            rtp_lost: r.rtp_lost,
            jitter_ms: r.jitter_us.map(|j| j as f64 / 1000.0),
        }
    }
}

/// `SELECT` of every call column, followed by the rest of the statement.
macro_rules! select_calls {
    ($rest:literal) => {
        concat!(
            "SELECT id, direction, caller, callee, enterprise_number, agent_id, started_at, ",
            "answered_at, ended_at, failure, hangup_side, recording, rtp_received, rtp_lost, jitter_us, ",
            "result, skill_group_id, queued_at FROM calls ",
            $rest
        )
    };
}

impl Store {
    /// Applies one engine event: opens, answers or closes a call record, or adds a final
    /// transcript segment to it. A `Missed` event adds the agent's missed-call reminder and
    /// returns it (for the agent's WebSocket). `Missed` and `Transcript` for a call key with no
    /// record answer `NotFound` and change nothing.
    pub async fn apply_call_event(&self, ev: &CallEvent) -> Result<Option<MissedCall>> {
        match ev {
            CallEvent::Queued { key, group, at } => {
                on_pool!(self, pool => sqlx::query(
                    "UPDATE calls SET skill_group_id = $2, queued_at = COALESCE(queued_at, $3) WHERE call_key = $1",
                )
                .bind(key)
                .bind(group.0)
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected());
            }
            CallEvent::AgentAnswered { key, agent } => {
                on_pool!(self, pool => sqlx::query(
                    "UPDATE calls SET agent_id = $2, result = 'answered' WHERE call_key = $1",
                )
                .bind(key)
                .bind(agent.0)
                .execute(pool)
                .await?
                .rows_affected());
            }
            CallEvent::Outcome { key, result } => {
                let r = match result {
                    CallResult::Abandoned => "abandoned",
                    CallResult::Missed => "missed",
                    CallResult::Overflowed => "overflowed",
                    CallResult::Answered => "answered",
                    CallResult::Failed | CallResult::InProgress => return Ok(None),
                };
                on_pool!(self, pool => sqlx::query("UPDATE calls SET result = $2 WHERE call_key = $1")
                    .bind(key)
                    .bind(r)
                    .execute(pool)
                    .await?
                    .rows_affected());
            }
            CallEvent::Missed {
                key,
                agent,
                caller,
                enterprise_number,
                at,
            } => {
                let enterprise: Option<i64> = on_pool!(self, pool => sqlx::query_scalar(
                    "SELECT enterprise_id FROM calls WHERE call_key = $1",
                )
                .bind(key)
                .fetch_optional(pool)
                .await?);
                let Some(e) = enterprise else {
                    return Err(StoreError::NotFound);
                };
                let m = self
                    .add_missed_call(
                        model::EnterpriseId(e),
                        *agent,
                        key,
                        caller,
                        enterprise_number.as_deref(),
                        *at,
                    )
                    .await?;
                return Ok(Some(m));
            }
            CallEvent::Started {
                key,
                enterprise,
                direction,
                caller,
                callee,
                enterprise_number,
                agent,
                at,
            } => {
                let direction = match direction {
                    CallDirection::Inbound => "inbound",
                    CallDirection::AgentOutbound => "agent_outbound",
                };
                on_pool!(self, pool => sqlx::query(
                    "INSERT INTO calls (enterprise_id, call_key, direction, caller, callee, enterprise_number, agent_id, started_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(enterprise.0)
                .bind(key)
                .bind(direction)
                .bind(caller)
                .bind(callee)
                .bind(enterprise_number)
                .bind(agent.map(|a| a.0))
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected());
            }
            CallEvent::Answered { key, at, recording } => {
                on_pool!(self, pool => sqlx::query(
                    "UPDATE calls SET answered_at = $2, recording = $3 WHERE call_key = $1",
                )
                .bind(key)
                .bind(at)
                .bind(recording)
                .execute(pool)
                .await?
                .rows_affected());
            }
            CallEvent::Media {
                key,
                received,
                lost,
                jitter_us,
            } => {
                let n = |v: &u64| i64::try_from(*v).unwrap_or(i64::MAX);
                on_pool!(self, pool => sqlx::query(
                    "UPDATE calls SET rtp_received = $2, rtp_lost = $3, jitter_us = $4 WHERE call_key = $1",
                )
                .bind(key)
                .bind(n(received))
                .bind(n(lost))
                .bind(n(jitter_us))
                .execute(pool)
                .await?
                .rows_affected());
            }
            CallEvent::Ended {
                key,
                at,
                failure,
                hangup_side,
            } => {
                let side = match hangup_side {
                    HangupSide::Customer => "customer",
                    HangupSide::Agent => "agent",
                    HangupSide::System => "system",
                };
                on_pool!(self, pool => sqlx::query(
                    "UPDATE calls SET ended_at = $2, failure = $3, hangup_side = $4 WHERE call_key = $1 AND ended_at IS NULL",
                )
                .bind(key)
                .bind(at)
                .bind(failure)
                .bind(side)
                .execute(pool)
                .await?
                .rows_affected());
            }
            CallEvent::Transcript { key, segment } => {
                // Stamped from the call's own times (answer, else start, plus the segment's
                // end), so the store never reads a clock.
                let n = on_pool!(self, pool => sqlx::query(
                    "INSERT INTO transcript_segments \
                     (enterprise_id, call_id, speaker, start_ms, end_ms, text, confidence, created_at) \
                     SELECT enterprise_id, id, $2, $3, $4, $5, $6, COALESCE(answered_at, started_at) + $4 \
                     FROM calls WHERE call_key = $1",
                )
                .bind(key)
                .bind(segment.speaker.as_str())
                .bind(segment.start_ms)
                .bind(segment.end_ms)
                .bind(&segment.text)
                .bind(segment.confidence.clamp(0.0, 1.0))
                .execute(pool)
                .await?
                .rows_affected());
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
            }
        }
        Ok(None)
    }
}

impl Tenant<'_> {
    /// A page of call records, newest first, whose caller or callee contains the search text;
    /// only `agent`'s calls when given (the `self` data scope).
    pub async fn calls(&self, q: &PageQuery, agent: Option<UserId>) -> Result<Page<CallRecord>> {
        self.search_calls(q, None, agent).await
    }

    /// Like [`calls`](Tenant::calls), and when `keyword` is given only calls whose stored
    /// transcript has a segment containing it (case-insensitive substring, any script).
    pub async fn search_calls(
        &self,
        q: &PageQuery,
        keyword: Option<&str>,
        agent: Option<UserId>,
    ) -> Result<Page<CallRecord>> {
        let e = self.enterprise.0;
        let pattern = like_pattern(q.search());
        let keyword = keyword
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| like_pattern(Some(k)));
        let agent = agent.map(|a| a.0);
        let (rows, total): (Vec<CallRow>, i64) = on_pool!(self.store, pool => {
            let rows = sqlx::query_as::<_, CallRow>(select_calls!(
                "WHERE enterprise_id = $1 AND (caller LIKE $2 ESCAPE '\\' OR callee LIKE $2 ESCAPE '\\') \
                 AND ($3 IS NULL OR agent_id = $3) AND ($6 IS NULL OR EXISTS (SELECT 1 FROM transcript_segments t \
                 WHERE t.enterprise_id = calls.enterprise_id AND t.call_id = calls.id AND LOWER(t.text) LIKE $6 ESCAPE '\\')) \
                 ORDER BY started_at DESC, id DESC LIMIT $4 OFFSET $5"
            ))
            .bind(e)
            .bind(&pattern)
            .bind(agent)
            .bind(i64::from(q.page_size()))
            .bind(q.offset())
            .bind(keyword.as_deref())
            .fetch_all(pool)
            .await?;
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM calls WHERE enterprise_id = $1 AND \
                 (caller LIKE $2 ESCAPE '\\' OR callee LIKE $2 ESCAPE '\\') AND ($3 IS NULL OR agent_id = $3) \
                 AND ($4 IS NULL OR EXISTS (SELECT 1 FROM transcript_segments t \
                 WHERE t.enterprise_id = calls.enterprise_id AND t.call_id = calls.id AND LOWER(t.text) LIKE $4 ESCAPE '\\'))",
            )
            .bind(e)
            .bind(&pattern)
            .bind(agent)
            .bind(keyword.as_deref())
            .fetch_one(pool)
            .await?;
            (rows, total)
        });
        Ok(Page {
            items: rows.into_iter().map(CallRecord::from).collect(),
            total,
            page: q.page(),
            page_size: q.page_size(),
        })
    }

    /// One call record with its recording's file name.
    pub async fn call(&self, id: CallId) -> Result<(CallRecord, Option<String>)> {
        let row: Option<CallRow> = on_pool!(self.store, pool => sqlx::query_as(select_calls!(
            "WHERE enterprise_id = $1 AND id = $2"
        ))
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        let row = row.ok_or(StoreError::NotFound)?;
        let recording = row.recording.clone();
        Ok((CallRecord::from(row), recording))
    }
}

/// A caller's earlier calls to the enterprise, for the call pops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallerHistory {
    /// How many inbound calls from the number have ended (the ringing call has not).
    pub calls: u32,
    /// When the latest of them started (unix ms); `None` when there is none.
    pub last_call_at: Option<i64>,
}

/// How many caller forms one statement matches (`caller IN (…)`); more are looked up in turns.
const FORMS_PER_QUERY: usize = 6;

impl Tenant<'_> {
    /// The earlier inbound calls from a number: `callers` are the forms it may be stored in
    /// (`13800138000`, `+8613800138000`, …; duplicates are harmless). Only ended calls count, so
    /// the call ringing now is not one of them.
    pub async fn caller_history(&self, callers: &[&str]) -> Result<CallerHistory> {
        let callers: Vec<&str> = callers
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut history = CallerHistory::default();
        for forms in callers.chunks(FORMS_PER_QUERY) {
            let bind = |i: usize| forms.get(i).or(forms.last()).copied().unwrap_or_default();
            let (count, last): (i64, Option<i64>) = on_pool!(self.store, pool => {
                let mut q = sqlx::query_as(
                    "SELECT COUNT(*), MAX(started_at) FROM calls WHERE enterprise_id = $1 \
                     AND direction = 'inbound' AND ended_at IS NOT NULL \
                     AND caller IN ($2, $3, $4, $5, $6, $7)",
                )
                .bind(self.enterprise.0);
                for i in 0..FORMS_PER_QUERY {
                    q = q.bind(bind(i));
                }
                q.fetch_one(pool).await?
            });
            history.calls = history
                .calls
                .saturating_add(u32::try_from(count).unwrap_or(u32::MAX));
            history.last_call_at = history.last_call_at.max(last);
        }
        Ok(history)
    }
}

/// A `transcript_segments` row.
#[derive(sqlx::FromRow)]
struct SegmentRow {
    speaker: String,
    start_ms: i64,
    end_ms: i64,
    text: String,
    confidence: f32,
}

impl Tenant<'_> {
    /// The stored (final) transcript of one of the enterprise's calls, by start time; `NotFound`
    /// when the enterprise has no such call.
    pub async fn call_transcript(&self, id: CallId) -> Result<Vec<TranscriptSegment>> {
        let (exists, rows): (Option<i64>, Vec<SegmentRow>) = on_pool!(self.store, pool => {
            let exists = sqlx::query_scalar("SELECT id FROM calls WHERE enterprise_id = $1 AND id = $2")
                .bind(self.enterprise.0)
                .bind(id.0)
                .fetch_optional(pool)
                .await?;
            let rows = sqlx::query_as(
                "SELECT speaker, start_ms, end_ms, text, confidence FROM transcript_segments \
                 WHERE enterprise_id = $1 AND call_id = $2 ORDER BY start_ms, id",
            )
            .bind(self.enterprise.0)
            .bind(id.0)
            .fetch_all(pool)
            .await?;
            (exists, rows)
        });
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        Ok(rows
            .into_iter()
            .map(|r| TranscriptSegment {
                speaker: if r.speaker == "agent" {
                    TranscriptSpeaker::Agent
                } else {
                    TranscriptSpeaker::Customer
                },
                start_ms: r.start_ms,
                end_ms: r.end_ms,
                text: r.text,
                confidence: r.confidence,
                is_final: true,
            })
            .collect())
    }
}
