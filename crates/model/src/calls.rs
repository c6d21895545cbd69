//! Call records (SPEC §6): one per call, opened when it starts and closed when it ends.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{CallId, UserId};

/// Which way a call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    /// A customer called an enterprise number.
    Inbound,
    /// An agent called out (click-to-dial from a desk phone).
    AgentOutbound,
    /// An agent's consult (咨询) during a customer's call: the colleague or number the agent
    /// called while the customer held. Its agent is the consulting agent, a consulted
    /// colleague's part is its segment, a consulted number is its callee.
    Consult,
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallResult {
    /// Still going.
    InProgress,
    /// Connected and talked.
    Answered,
    /// Never connected; `failure` says why.
    Failed,
    /// The customer hung up while queued, before any agent's phone rang.
    Abandoned,
    /// It rang agents but none answered before the customer hung up.
    Missed,
    /// It waited the group's maximum and left to the overflow target.
    Overflowed,
    /// Patchbay stopped (a crash, or a shutdown that could not wait) while the call was going:
    /// closed at the next start-up, ended at its last known activity.
    Interrupted,
}

/// Who hung up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HangupSide {
    /// The customer.
    Customer,
    /// The agent.
    Agent,
    /// Patchbay (timeout, media loss, shutdown).
    System,
}

/// A call record.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CallRecord {
    /// Id.
    pub id: CallId,
    /// Inbound or agent outbound.
    pub direction: CallDirection,
    /// The calling number.
    pub caller: String,
    /// The called number.
    pub callee: String,
    /// The call was a campaign's that masks numbers: the customer's number shows its last four
    /// digits as `****` here, in exports and in searches (it cannot be found or dialled from
    /// the log).
    pub masked: bool,
    /// The enterprise number involved (dialled inbound, shown outbound).
    pub enterprise_number: Option<String>,
    /// The agent on the call.
    pub agent_id: Option<UserId>,
    /// The agent's name, while the user exists.
    pub agent_name: Option<String>,
    /// The agent's work ID (工号), while the user exists.
    pub agent_work_id: Option<String>,
    /// The skill group it queued in.
    pub skill_group_id: Option<crate::SkillGroupId>,
    /// The skill group's name, while the group exists.
    pub skill_group_name: Option<String>,
    /// Unix ms, when it joined a queue.
    pub queued_at: Option<i64>,
    /// Unix ms.
    pub started_at: i64,
    /// Unix ms, when answered.
    pub answered_at: Option<i64>,
    /// Unix ms, when ended.
    pub ended_at: Option<i64>,
    /// Talk time in seconds (answer to end).
    pub talk_seconds: i64,
    /// Of the talk time, how long the customer was on hold, in seconds.
    pub hold_seconds: i64,
    /// Outcome.
    pub result: CallResult,
    /// Failure code (see the failure catalogue) when the call did not connect.
    pub failure: Option<String>,
    /// Who hung up.
    pub hangup_side: Option<HangupSide>,
    /// Whether a recording can be fetched at `/calls/{id}/recording`.
    pub has_recording: bool,
    /// When the recording was removed (unix ms): after the retention period
    /// (`recording_retention_days`), or because its file was gone; `null` otherwise.
    pub recording_deleted_at: Option<i64>,
    /// RTP packets received from the customer's side (from RTCP statistics).
    pub rtp_received: Option<i64>,
    /// RTP packets lost on the way in.
    pub rtp_lost: Option<i64>,
    /// Interarrival jitter, milliseconds.
    pub jitter_ms: Option<f64>,
    /// The satisfaction survey: not offered, offered and not answered, or rated.
    pub survey: SurveyOutcome,
    /// The customer's rating, 1 (very dissatisfied) to 5 (very satisfied), when they rated.
    pub satisfaction: Option<i32>,
}

/// What came of a call's satisfaction survey (满意度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SurveyOutcome {
    /// Not offered: the group has no survey, the customer hung up first, or the call was not
    /// answered.
    #[default]
    NotOffered,
    /// Offered, and the customer pressed no rating (hung up, or let it time out).
    NoAnswer,
    /// Rated: `satisfaction` holds the rating.
    Rated,
}

/// What the engine reports about a call as it happens (serialized in the call-event journal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CallEvent {
    /// A call started.
    Started {
        /// The engine's key for the call.
        key: String,
        /// Its enterprise.
        enterprise: crate::EnterpriseId,
        /// Direction.
        direction: CallDirection,
        /// Calling number.
        caller: String,
        /// Called number.
        callee: String,
        /// Enterprise number.
        enterprise_number: Option<String>,
        /// Agent.
        agent: Option<UserId>,
        /// Unix ms.
        at: i64,
    },
    /// It was answered (recording path relative to the recordings directory, if recorded).
    Answered {
        /// Key.
        key: String,
        /// Unix ms.
        at: i64,
        /// Recording file name.
        recording: Option<String>,
    },
    /// The call's recording started (before any answer: a placed call's early media is
    /// recorded too), so a record a crash leaves open still finds its recording.
    Recording {
        /// Key.
        key: String,
        /// Recording file name, relative to the recordings directory.
        file: String,
    },
    /// Media statistics of the customer's leg, when its media stops.
    Media {
        /// Key.
        key: String,
        /// Packets received.
        received: u64,
        /// Packets lost.
        lost: u64,
        /// Jitter, microseconds.
        jitter_us: u64,
    },
    /// The agent put the customer on hold (`on`) or resumed the call.
    Hold {
        /// Key.
        key: String,
        /// On hold (true) or resumed (false).
        on: bool,
        /// Unix ms.
        at: i64,
    },
    /// It joined a skill group's queue.
    Queued {
        /// Key.
        key: String,
        /// The group.
        group: crate::SkillGroupId,
        /// Unix ms.
        at: i64,
    },
    /// An agent's part of the call ended: they talked with the customer from `from` to `to`
    /// (Unix ms), then transferred the customer on (`transferred`) or the call ended.
    Segment {
        /// Key.
        key: String,
        /// The agent.
        agent: UserId,
        /// Unix ms.
        from: i64,
        /// Unix ms.
        to: i64,
        /// The agent transferred the customer on.
        transferred: bool,
    },
    /// A supervisor stepped into the call (`listen`, `whisper`, `barge`, `disconnect`) or left
    /// it (`left`).
    Supervision {
        /// Key.
        key: String,
        /// The supervisor.
        supervisor: UserId,
        /// The step.
        step: String,
        /// Unix ms.
        at: i64,
    },
    /// An agent took it (inbound): the record names the agent (`Answered` follows).
    AgentAnswered {
        /// Key.
        key: String,
        /// The agent.
        agent: UserId,
    },
    /// How a queued call ended, when it did not end answered (abandoned, missed, overflowed).
    Outcome {
        /// Key.
        key: String,
        /// The result.
        result: CallResult,
    },
    /// An agent's phone rang with it and nobody answered: a missed-call reminder for the agent.
    Missed {
        /// Key.
        key: String,
        /// The agent rung.
        agent: UserId,
        /// The customer's number.
        caller: String,
        /// The enterprise number dialed.
        enterprise_number: Option<String>,
        /// Unix ms.
        at: i64,
    },
    /// It ended.
    Ended {
        /// Key.
        key: String,
        /// Unix ms.
        at: i64,
        /// Failure code when it never connected.
        failure: Option<String>,
        /// Who hung up.
        hangup_side: HangupSide,
    },
    /// The satisfaction survey's result: a rating 1–5, or `None` when the customer offered the
    /// survey pressed no rating.
    Survey {
        /// Key.
        key: String,
        /// The rating.
        rating: Option<u8>,
    },
    /// The call is one of an outbound campaign's, to this campaign customer (sent right after
    /// `Started`): when it ends, the customer's row gets its outcome.
    Campaign {
        /// Key.
        key: String,
        /// The campaign customer's id.
        customer: i64,
    },
    /// A final transcript segment of the call, to be stored (partials are not sent here).
    Transcript {
        /// Key.
        key: String,
        /// The segment.
        segment: TranscriptSegment,
    },
}

/// Which side of a call spoke a transcript segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptSpeaker {
    /// The customer (the left channel of a recording).
    Customer,
    /// The agent (the right channel).
    Agent,
}

impl TranscriptSpeaker {
    /// The stable string stored in the database and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TranscriptSpeaker::Customer => "customer",
            TranscriptSpeaker::Agent => "agent",
        }
    }
}

/// One agent's part of a call: from answering to transferring the customer on or the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CallSegment {
    /// The agent.
    pub agent_id: UserId,
    /// Their name.
    pub agent_name: Option<String>,
    /// Their work ID.
    pub agent_work_id: Option<String>,
    /// Unix ms.
    pub started_at: i64,
    /// Unix ms.
    pub ended_at: i64,
    /// They transferred the customer on (otherwise the call ended with them).
    pub transferred: bool,
}

/// A supervisor's step into a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SupervisionStep {
    /// The supervisor.
    pub supervisor_id: UserId,
    /// Their name.
    pub supervisor_name: Option<String>,
    /// Their work ID.
    pub supervisor_work_id: Option<String>,
    /// `listen`, `whisper`, `barge`, `disconnect` or `left`.
    pub step: String,
    /// Unix ms.
    pub at: i64,
}

/// An agent's note on a call (小记): read by everyone who may see the call, changed by nobody.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CallNote {
    /// Its id.
    pub id: i64,
    /// Who wrote it.
    pub author_id: UserId,
    /// Their name.
    pub author_name: Option<String>,
    /// The text.
    pub text: String,
    /// Unix ms.
    pub created_at: i64,
}

/// Recognised speech of one side of a call (实时转文字).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TranscriptSegment {
    /// Who spoke.
    pub speaker: TranscriptSpeaker,
    /// Start of the speech, ms from the start of the call's audio.
    pub start_ms: i64,
    /// End of the speech (of a partial: of the audio decoded so far), ms from the start of the
    /// call's audio.
    pub end_ms: i64,
    /// The words.
    pub text: String,
    /// The engine's confidence, 0 to 1 (0 for partials).
    pub confidence: f32,
    /// True for an utterance's last result; a partial (`false`) is replaced by the next
    /// segment of the same speaker that starts at the same `start_ms`, and finally by its final.
    /// Only finals are stored.
    #[serde(rename = "final")]
    pub is_final: bool,
}

/// What `GET /calls` sorts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallSort {
    /// Start time (the default).
    #[default]
    StartedAt,
    /// Answer time (unanswered calls count as never answered).
    AnsweredAt,
    /// End time.
    EndedAt,
    /// Talk time (answer to end; 0 for calls never answered).
    TalkSeconds,
}

/// Which way a sort runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Smallest first.
    Asc,
    /// Largest (newest) first (the default).
    #[default]
    Desc,
}

/// Filters, sorting and paging of `GET /calls` (and of its exports). Every filter is optional;
/// given ones all apply.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallQuery {
    /// Number search: the caller or callee number contains this text.
    pub q: Option<String>,
    /// Only calls whose stored transcript contains this text (words said; case-insensitive
    /// substring, any language; at most 100 characters).
    pub keyword: Option<String>,
    /// Only calls that started at or after this time (unix ms).
    pub from: Option<i64>,
    /// Only calls that started before this time (unix ms).
    pub to: Option<i64>,
    /// Only calls of this agent (user id).
    pub agent_id: Option<i64>,
    /// Only calls that queued in this skill group.
    pub skill_group_id: Option<i64>,
    /// Only calls of this direction.
    pub direction: Option<CallDirection>,
    /// Only calls with this result.
    pub result: Option<CallResult>,
    /// Only calls that failed with this cause (failure code, exact).
    pub failure: Option<String>,
    /// Sort key; defaults to `started_at`.
    pub sort: Option<CallSort>,
    /// Sort order; defaults to `desc` (newest first).
    pub order: Option<SortOrder>,
    /// 1-based page number; defaults to 1.
    pub page: Option<u32>,
    /// Rows per page, 1–200; defaults to 20.
    pub page_size: Option<u32>,
}

impl CallQuery {
    /// The paging and number-search part.
    pub fn page_query(&self) -> crate::PageQuery {
        crate::PageQuery {
            q: self.q.clone(),
            page: self.page,
            page_size: self.page_size,
        }
    }

    /// The transcript keyword, trimmed; `None` when empty.
    pub fn keyword(&self) -> Option<&str> {
        self.keyword
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The failure code, trimmed; `None` when empty.
    pub fn failure(&self) -> Option<&str> {
        self.failure
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// File format of an export (call records, customers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Comma-separated values, UTF-8 with a byte-order mark (so spreadsheet programs read Chinese).
    #[default]
    Csv,
    /// An Excel workbook (.xlsx).
    Xlsx,
}

/// Language of an export's column titles and values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum ExportLang {
    /// Simplified Chinese (the default).
    #[default]
    #[serde(rename = "zh")]
    Zh,
    /// English.
    #[serde(rename = "en")]
    En,
}

/// `GET /calls/export`: the list's filters and sort (paging is ignored: every matching row is
/// exported), plus the file's format, language and time zone.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallExportQuery {
    /// `csv` or `xlsx`.
    pub format: ExportFormat,
    /// `zh` (default) or `en`.
    pub lang: Option<ExportLang>,
    /// Minutes east of UTC the times are written in (e.g. 480 for China); defaults to 0 (UTC).
    pub utc_offset_minutes: Option<i32>,
    /// Number search (as in the list).
    pub q: Option<String>,
    /// Words said (as in the list).
    pub keyword: Option<String>,
    /// Started at or after (unix ms).
    pub from: Option<i64>,
    /// Started before (unix ms).
    pub to: Option<i64>,
    /// Agent (user id).
    pub agent_id: Option<i64>,
    /// Skill group.
    pub skill_group_id: Option<i64>,
    /// Direction.
    pub direction: Option<CallDirection>,
    /// Result.
    pub result: Option<CallResult>,
    /// Failure code.
    pub failure: Option<String>,
    /// Sort key.
    pub sort: Option<CallSort>,
    /// Sort order.
    pub order: Option<SortOrder>,
}

impl CallExportQuery {
    /// The list query this export runs (every page).
    pub fn list_query(&self) -> CallQuery {
        CallQuery {
            q: self.q.clone(),
            keyword: self.keyword.clone(),
            from: self.from,
            to: self.to,
            agent_id: self.agent_id,
            skill_group_id: self.skill_group_id,
            direction: self.direction,
            result: self.result,
            failure: self.failure.clone(),
            sort: self.sort,
            order: self.order,
            page: None,
            page_size: None,
        }
    }
}

/// `POST /me/call/transcription`: switch live transcription of the agent's current call.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranscriptionSwitch {
    /// On or off.
    pub on: bool,
}
