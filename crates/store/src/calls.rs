//! Call records, written from the engine's call events and read by the call-record pages.

use model::calls::{CallDirection, CallEvent, CallRecord, CallResult, HangupSide};
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
    /// Applies one engine event: opens, answers or closes a call record. A `Missed` event adds
    /// the agent's missed-call reminder and returns it (for the agent's WebSocket).
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
        }
        Ok(None)
    }
}

impl Tenant<'_> {
    /// A page of call records, newest first, whose caller or callee contains the search text;
    /// only `agent`'s calls when given (the `self` data scope).
    pub async fn calls(&self, q: &PageQuery, agent: Option<UserId>) -> Result<Page<CallRecord>> {
        let e = self.enterprise.0;
        let pattern = like_pattern(q.search());
        let agent = agent.map(|a| a.0);
        let (rows, total): (Vec<CallRow>, i64) = on_pool!(self.store, pool => {
            let rows = sqlx::query_as::<_, CallRow>(select_calls!(
                "WHERE enterprise_id = $1 AND (caller LIKE $2 ESCAPE '\\' OR callee LIKE $2 ESCAPE '\\') \
                 AND ($3 IS NULL OR agent_id = $3) ORDER BY started_at DESC, id DESC LIMIT $4 OFFSET $5"
            ))
            .bind(e)
            .bind(&pattern)
            .bind(agent)
            .bind(i64::from(q.page_size()))
            .bind(q.offset())
            .fetch_all(pool)
            .await?;
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM calls WHERE enterprise_id = $1 AND \
                 (caller LIKE $2 ESCAPE '\\' OR callee LIKE $2 ESCAPE '\\') AND ($3 IS NULL OR agent_id = $3)",
            )
            .bind(e)
            .bind(&pattern)
            .bind(agent)
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
