//! Call records, written from the engine's call events and read by the call-record pages.

use std::future::Future;

use futures_util::TryStreamExt;
use model::calls::{
    CallDirection, CallEvent, CallQuery, CallRecord, CallResult, CallSort, HangupSide, SortOrder,
    SurveyOutcome, TranscriptSegment, TranscriptSpeaker,
};
use model::presence::MissedCall;
use model::{CallId, Page, PageQuery, UserId};

use crate::query::{Arg, Where, bind_all};
use crate::{Result, Store, StoreError, Tenant, like_pattern, on_pool};

/// A `calls` row.
#[derive(sqlx::FromRow)]
pub(crate) struct CallRow {
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
    recording_deleted_at: Option<i64>,
    rtp_received: Option<i64>,
    rtp_lost: Option<i64>,
    jitter_us: Option<i64>,
    result: Option<String>,
    skill_group_id: Option<i64>,
    queued_at: Option<i64>,
    hold_ms: i64,
    satisfaction: Option<i32>,
    agent_name: Option<String>,
    agent_work_id: Option<String>,
    skill_group_name: Option<String>,
    /// The call was a masking campaign's: the customer's number is shown masked.
    masked: bool,
}

impl From<CallRow> for CallRecord {
    fn from(r: CallRow) -> CallRecord {
        let result = match (r.result.as_deref(), r.answered_at, r.ended_at) {
            (Some("abandoned"), ..) => CallResult::Abandoned,
            (Some("missed"), ..) => CallResult::Missed,
            (Some("overflowed"), ..) => CallResult::Overflowed,
            (Some("interrupted"), ..) => CallResult::Interrupted,
            (_, Some(_), _) => CallResult::Answered,
            (_, None, Some(_)) => CallResult::Failed,
            (_, None, None) => CallResult::InProgress,
        };
        let talk_seconds = match (r.answered_at, r.ended_at) {
            (Some(a), Some(e)) => (e - a).max(0) / 1000,
            _ => 0,
        };
        let direction = match r.direction.as_str() {
            "agent_outbound" => CallDirection::AgentOutbound,
            "consult" => CallDirection::Consult,
            _ => CallDirection::Inbound,
        };
        // A masking campaign's call: the customer's side never leaves the store in full.
        let (mut caller, mut callee) = (r.caller, r.callee);
        if r.masked {
            match direction {
                CallDirection::Inbound => caller = dialer::number::mask(&caller),
                _ => callee = dialer::number::mask(&callee),
            }
        }
        CallRecord {
            id: CallId(r.id),
            direction,
            caller,
            callee,
            masked: r.masked,
            enterprise_number: r.enterprise_number,
            agent_id: r.agent_id.map(UserId),
            agent_name: r.agent_name,
            agent_work_id: r.agent_work_id,
            skill_group_id: r.skill_group_id.map(model::SkillGroupId),
            skill_group_name: r.skill_group_name,
            queued_at: r.queued_at,
            started_at: r.started_at,
            answered_at: r.answered_at,
            ended_at: r.ended_at,
            talk_seconds,
            hold_seconds: r.hold_ms / 1000,
            result,
            failure: r.failure,
            hangup_side: r.hangup_side.as_deref().map(|s| match s {
                "customer" => HangupSide::Customer,
                "agent" => HangupSide::Agent,
                _ => HangupSide::System,
            }),
            has_recording: r.recording.is_some(),
            recording_deleted_at: r.recording_deleted_at,
            rtp_received: r.rtp_received,
            rtp_lost: r.rtp_lost,
            jitter_ms: r.jitter_us.map(|j| j as f64 / 1000.0),
            survey: match r.satisfaction {
                None => SurveyOutcome::NotOffered,
                Some(0) => SurveyOutcome::NoAnswer,
                Some(_) => SurveyOutcome::Rated,
            },
            satisfaction: r.satisfaction.filter(|s| *s > 0),
        }
    }
}

/// SQL: whether call `c` was a masking campaign's (its customer's number is shown masked).
macro_rules! masked_call {
    () => {
        "EXISTS (SELECT 1 FROM campaign_customers mc JOIN campaigns mk ON mk.enterprise_id = mc.enterprise_id \
         AND mk.id = mc.campaign_id WHERE mc.enterprise_id = c.enterprise_id AND mc.id = c.campaign_customer_id \
         AND mk.masking)"
    };
}

/// `SELECT` of every call column (table `c`) with the agent's and the group's names, and
/// whether the customer's number is masked.
pub(crate) const SELECT_CALLS: &str = concat!(
    "SELECT c.id, c.direction, c.caller, c.callee, c.enterprise_number, c.agent_id, \
     c.started_at, c.answered_at, c.ended_at, c.failure, c.hangup_side, c.recording, c.recording_deleted_at, c.rtp_received, \
     c.rtp_lost, c.jitter_us, c.result, c.skill_group_id, c.queued_at, c.hold_ms, c.satisfaction, u.name AS agent_name, \
     u.work_id AS agent_work_id, g.name AS skill_group_name, ",
    masked_call!(),
    " AS masked FROM calls c \
     LEFT JOIN users u ON u.enterprise_id = c.enterprise_id AND u.id = c.agent_id \
     LEFT JOIN skill_groups g ON g.enterprise_id = c.enterprise_id AND g.id = c.skill_group_id "
);

/// Which call records a user may see (their role's data scope, 数据范围).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallScope {
    /// Every call of the enterprise.
    Enterprise,
    /// Only calls this agent took part in (`self`).
    Agent(UserId),
    /// Calls that queued in a skill group this user belongs to, and the user's own calls.
    SkillGroupsOf(UserId),
    /// Calls taken by a user of this user's department, and the user's own calls (a user with no
    /// department sees only their own).
    DepartmentOf(UserId),
}

impl Where {
    /// The conditions of `q` and `scope` within enterprise `e`.
    pub(crate) fn of(e: i64, q: &CallQuery, scope: CallScope) -> Where {
        let mut w = Where::new();
        let ent = w.arg(Arg::Int(e));
        w.conds.push(format!("c.enterprise_id = {ent}"));
        match scope {
            CallScope::Enterprise => {}
            CallScope::Agent(me) => {
                let me = w.arg(Arg::Int(me.0));
                // A call they transferred on is still one they took part in.
                w.conds.push(format!(
                    "(c.agent_id = {me} OR c.id IN (SELECT s.call_id FROM call_segments s WHERE s.agent_id = {me}))"
                ));
            }
            CallScope::SkillGroupsOf(me) => {
                let me = w.arg(Arg::Int(me.0));
                w.conds.push(format!(
                    "(c.agent_id = {me} OR c.id IN (SELECT s.call_id FROM call_segments s WHERE s.agent_id = {me}) \
                     OR c.skill_group_id IN (SELECT m.group_id FROM skill_group_members m \
                     WHERE m.enterprise_id = {ent} AND m.user_id = {me}))"
                ));
            }
            CallScope::DepartmentOf(me) => {
                let me = w.arg(Arg::Int(me.0));
                w.conds.push(format!(
                    "(c.agent_id = {me} OR c.id IN (SELECT s.call_id FROM call_segments s WHERE s.agent_id = {me}) \
                     OR c.agent_id IN (SELECT d.id FROM users d WHERE d.enterprise_id = {ent} \
                     AND d.department = (SELECT s.department FROM users s WHERE s.enterprise_id = {ent} AND s.id = {me})))"
                ));
            }
        }
        if let Some(number) = q.page_query().search() {
            let p = w.arg(Arg::Text(like_pattern(Some(number))));
            // A masked number must not be found by its hidden digits.
            w.conds.push(format!(
                "(LOWER(c.caller) LIKE {p} ESCAPE '\\' OR LOWER(c.callee) LIKE {p} ESCAPE '\\') \
                 AND NOT {}",
                masked_call!()
            ));
        }
        if let Some(k) = q.keyword() {
            let p = w.arg(Arg::Text(like_pattern(Some(k))));
            w.conds.push(format!(
                "EXISTS (SELECT 1 FROM transcript_segments t WHERE t.enterprise_id = c.enterprise_id \
                 AND t.call_id = c.id AND LOWER(t.text) LIKE {p} ESCAPE '\\')"
            ));
        }
        if let Some(from) = q.from {
            let p = w.arg(Arg::Int(from));
            w.conds.push(format!("c.started_at >= {p}"));
        }
        if let Some(to) = q.to {
            let p = w.arg(Arg::Int(to));
            w.conds.push(format!("c.started_at < {p}"));
        }
        if let Some(agent) = q.agent_id {
            let p = w.arg(Arg::Int(agent));
            w.conds.push(format!("c.agent_id = {p}"));
        }
        if let Some(group) = q.skill_group_id {
            let p = w.arg(Arg::Int(group));
            w.conds.push(format!("c.skill_group_id = {p}"));
        }
        if let Some(d) = q.direction {
            let p = w.arg(Arg::Text(direction_str(d).to_owned()));
            w.conds.push(format!("c.direction = {p}"));
        }
        if let Some(r) = q.result {
            w.conds.push(result_condition(r).to_owned());
        }
        if let Some(f) = q.failure() {
            let p = w.arg(Arg::Text(f.to_owned()));
            w.conds.push(format!("c.failure = {p}"));
        }
        w
    }
}

/// The stored form of a direction.
fn direction_str(d: CallDirection) -> &'static str {
    match d {
        CallDirection::Inbound => "inbound",
        CallDirection::AgentOutbound => "agent_outbound",
        CallDirection::Consult => "consult",
    }
}

/// The SQL that holds exactly for the rows [`CallRecord::from`] gives result `r`.
fn result_condition(r: CallResult) -> &'static str {
    match r {
        CallResult::Abandoned => "c.result = 'abandoned'",
        CallResult::Missed => "c.result = 'missed'",
        CallResult::Overflowed => "c.result = 'overflowed'",
        CallResult::Interrupted => "c.result = 'interrupted'",
        CallResult::Answered => {
            "(c.result IS NULL OR c.result NOT IN ('abandoned', 'missed', 'overflowed', 'interrupted')) AND c.answered_at IS NOT NULL"
        }
        CallResult::Failed => {
            "(c.result IS NULL OR c.result NOT IN ('abandoned', 'missed', 'overflowed', 'interrupted')) AND c.answered_at IS NULL AND c.ended_at IS NOT NULL"
        }
        CallResult::InProgress => {
            "(c.result IS NULL OR c.result NOT IN ('abandoned', 'missed', 'overflowed', 'interrupted')) AND c.answered_at IS NULL AND c.ended_at IS NULL"
        }
    }
}

/// ` ORDER BY …` of a query: its key and order, then the id the same way so pages are stable.
fn order_by(q: &CallQuery) -> String {
    let key = match q.sort.unwrap_or_default() {
        CallSort::StartedAt => "c.started_at",
        CallSort::AnsweredAt => "COALESCE(c.answered_at, 0)",
        CallSort::EndedAt => "COALESCE(c.ended_at, 0)",
        CallSort::TalkSeconds => {
            "(CASE WHEN c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL THEN c.ended_at - c.answered_at ELSE 0 END)"
        }
    };
    let dir = match q.order.unwrap_or_default() {
        SortOrder::Asc => "ASC",
        SortOrder::Desc => "DESC",
    };
    format!(" ORDER BY {key} {dir}, c.id {dir}")
}

impl Store {
    /// Applies one engine event: opens, answers or closes a call record, or adds a final
    /// transcript segment to it. A `Missed` event adds the agent's missed-call reminder and
    /// returns it (for the agent's WebSocket). `Missed` and `Transcript` for a call key with no
    /// record answer `NotFound` and change nothing.
    pub async fn apply_call_event(&self, ev: &CallEvent) -> Result<Option<MissedCall>> {
        let missed = self.apply_event(ev).await?;
        self.note_activity(ev).await?;
        Ok(missed)
    }

    /// What [`Store::apply_call_event`] does, but for the call's last known activity.
    async fn apply_event(&self, ev: &CallEvent) -> Result<Option<MissedCall>> {
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
            CallEvent::Survey { key, rating } => {
                on_pool!(self, pool => sqlx::query("UPDATE calls SET satisfaction = $2 WHERE call_key = $1")
                    .bind(key)
                    .bind(i32::from(rating.unwrap_or(0)))
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
                    CallResult::Interrupted => "interrupted",
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
                let direction = direction_str(*direction);
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
                    // The first answer counts (a transfer answered again keeps it). A queued
                    // call an agent took (`AgentAnswered` came first): the speed of answer.
                    "UPDATE calls SET answered_at = COALESCE(answered_at, $2), recording = COALESCE(recording, $3), \
                     agent_answered_at = CASE WHEN skill_group_id IS NOT NULL AND result = 'answered' \
                     THEN COALESCE(agent_answered_at, $2) ELSE agent_answered_at END WHERE call_key = $1",
                )
                .bind(key)
                .bind(at)
                .bind(recording)
                .execute(pool)
                .await?
                .rows_affected());
                // A placed call that connects does its agent's callbacks to that number.
                self.callbacks_done_by_call(key, *at).await?;
            }
            CallEvent::Recording { key, file } => {
                on_pool!(self, pool => sqlx::query(
                    "UPDATE calls SET recording = COALESCE(recording, $2) WHERE call_key = $1",
                )
                .bind(key)
                .bind(file)
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
                    "UPDATE calls SET ended_at = $2, failure = $3, hangup_side = $4, \
                     hold_ms = hold_ms + CASE WHEN held_since IS NULL THEN 0 ELSE $2 - held_since END, \
                     held_since = NULL WHERE call_key = $1 AND ended_at IS NULL",
                )
                .bind(key)
                .bind(at)
                .bind(failure)
                .bind(side)
                .execute(pool)
                .await?
                .rows_affected());
                self.campaign_call_ended(key).await?;
            }
            CallEvent::Campaign { key, customer } => {
                self.link_campaign_call(key, *customer).await?;
            }
            CallEvent::Supervision { .. } => {
                if !self.add_supervision_step(ev).await? {
                    return Err(StoreError::NotFound);
                }
            }
            CallEvent::Segment { .. } => {
                if !self.add_segment(ev).await? {
                    return Err(StoreError::NotFound);
                }
            }
            CallEvent::Hold { key, on: true, at } => {
                on_pool!(self, pool => sqlx::query(
                    "UPDATE calls SET held_since = COALESCE(held_since, $2) WHERE call_key = $1 AND ended_at IS NULL",
                )
                .bind(key)
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected());
            }
            CallEvent::Hold { key, on: false, at } => {
                on_pool!(self, pool => sqlx::query(
                    "UPDATE calls SET hold_ms = hold_ms + ($2 - held_since), held_since = NULL \
                     WHERE call_key = $1 AND held_since IS NOT NULL",
                )
                .bind(key)
                .bind(at)
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
        let q = CallQuery {
            q: q.q.clone(),
            keyword: keyword.map(str::to_owned),
            page: q.page,
            page_size: q.page_size,
            ..CallQuery::default()
        };
        let scope = agent.map_or(CallScope::Enterprise, CallScope::Agent);
        self.list_calls(&q, scope).await
    }

    /// A page of the call records `scope` lets the user see that match every filter of `q`,
    /// in `q`'s order (default newest first), with the total across pages.
    pub async fn list_calls(&self, q: &CallQuery, scope: CallScope) -> Result<Page<CallRecord>> {
        let page = q.page_query();
        let w = Where::of(self.enterprise.0, q, scope);
        let list = format!(
            "{SELECT_CALLS}{}{} LIMIT {} OFFSET {}",
            w.sql(),
            order_by(q),
            page.page_size(),
            page.offset()
        );
        let count = format!("SELECT COUNT(*) FROM calls c{}", w.sql());
        let (rows, total): (Vec<CallRow>, i64) = on_pool!(self.store, pool => {
            let rows = bind_all!(sqlx::query_as::<_, CallRow>(sqlx::AssertSqlSafe(list)), &w.args)
                .fetch_all(pool)
                .await?;
            let total: i64 = bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(count)), &w.args)
                .fetch_one(pool)
                .await?;
            (rows, total)
        });
        Ok(Page {
            items: rows.into_iter().map(CallRecord::from).collect(),
            total,
            page: page.page(),
            page_size: page.page_size(),
        })
    }

    /// Every call record `scope` lets the user see that matches `q` (paging ignored), in `q`'s
    /// order, handed to `each` one at a time as the database streams them: memory stays flat
    /// however many rows there are. Stops early, without error, when `each` answers `false`.
    pub async fn for_each_call<F, Fut>(
        &self,
        q: &CallQuery,
        scope: CallScope,
        mut each: F,
    ) -> Result<u64>
    where
        F: FnMut(CallRecord) -> Fut,
        Fut: Future<Output = bool>,
    {
        let w = Where::of(self.enterprise.0, q, scope);
        let sql = format!("{SELECT_CALLS}{}{}", w.sql(), order_by(q));
        let mut n = 0u64;
        on_pool!(self.store, pool => {
            let mut rows = bind_all!(sqlx::query_as::<_, CallRow>(sqlx::AssertSqlSafe(sql)), &w.args)
                .fetch(pool);
            while let Some(row) = rows.try_next().await? {
                n += 1;
                if !each(CallRecord::from(row)).await {
                    break;
                }
            }
        });
        Ok(n)
    }

    /// One call record with its recording's file name.
    pub async fn call(&self, id: CallId) -> Result<(CallRecord, Option<String>)> {
        self.call_in_scope(id, CallScope::Enterprise).await
    }

    /// One call record with its recording's file name, when `scope` lets the user see it
    /// (`NotFound` otherwise, as for a call of another enterprise).
    pub async fn call_in_scope(
        &self,
        id: CallId,
        scope: CallScope,
    ) -> Result<(CallRecord, Option<String>)> {
        let mut w = Where::of(self.enterprise.0, &CallQuery::default(), scope);
        let p = w.arg(Arg::Int(id.0));
        w.conds.push(format!("c.id = {p}"));
        let sql = format!("{SELECT_CALLS}{}", w.sql());
        let row: Option<CallRow> = on_pool!(self.store, pool =>
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.args)
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

/// A finished call's recording file, for the archiver (compression and retention).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingFile {
    /// The call.
    pub call: CallId,
    /// When the call started (unix ms): it names the date folder and ages the file.
    pub started_at: i64,
    /// The file's name under the recordings directory (`NAME.wav`, or `YYYY-MM-DD/NAME.ogg`
    /// once compressed).
    pub file: String,
}

/// Rows of `(id, started_at, recording)`.
type RecordingRows = Vec<(i64, i64, String)>;

fn recording_files(rows: RecordingRows) -> Vec<RecordingFile> {
    rows.into_iter()
        .map(|(id, started_at, file)| RecordingFile {
            call: CallId(id),
            started_at,
            file,
        })
        .collect()
}

impl Store {
    /// Ended calls whose recording is still a WAV, oldest first, at most `limit` (server-wide:
    /// the archiver works for every enterprise).
    pub async fn uncompressed_recordings(&self, limit: i64) -> Result<Vec<RecordingFile>> {
        let rows: RecordingRows = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, started_at, recording FROM calls \
             WHERE recording LIKE '%.wav' AND ended_at IS NOT NULL ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?);
        Ok(recording_files(rows))
    }

    /// Recordings of calls that started before `cutoff` (unix ms), oldest first, at most `limit`.
    pub async fn recordings_started_before(
        &self,
        cutoff: i64,
        limit: i64,
    ) -> Result<Vec<RecordingFile>> {
        let rows: RecordingRows = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, started_at, recording FROM calls \
             WHERE recording IS NOT NULL AND started_at < $1 ORDER BY started_at, id LIMIT $2",
        )
        .bind(cutoff)
        .bind(limit)
        .fetch_all(pool)
        .await?);
        Ok(recording_files(rows))
    }

    /// Points a call's record at its recording's new file (after compression).
    pub async fn set_recording_file(&self, call: CallId, file: &str) -> Result<()> {
        on_pool!(self, pool => sqlx::query("UPDATE calls SET recording = $2 WHERE id = $1")
            .bind(call.0)
            .bind(file)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Says on a call's record that its recording was removed at `now` (retention, or the file
    /// was lost): the record keeps no file name.
    pub async fn recording_removed(&self, call: CallId, now: i64) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE calls SET recording = NULL, recording_deleted_at = $2 WHERE id = $1",
        )
        .bind(call.0)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }
}
