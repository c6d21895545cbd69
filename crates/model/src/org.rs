//! Skill groups and custom statuses: how an enterprise organises its agents (SPEC §2, §7).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::{CustomStatusId, SkillGroupId, UserId};

/// A member of a skill group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SkillGroupMember {
    /// The agent.
    pub user_id: UserId,
    /// The agent's work ID.
    pub work_id: String,
    /// The agent's name.
    pub name: String,
    /// Skill level in this group, 1 (lowest) to 5 (highest).
    pub skill_level: i32,
}

/// A skill group (技能组).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SkillGroup {
    /// The group.
    pub id: SkillGroupId,
    /// Name, unique in the enterprise.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Members with their skill levels, ordered by work ID.
    pub members: Vec<SkillGroupMember>,
    /// How its queue routes calls.
    pub settings: QueueSettings,
}

/// How a skill group picks among its idle agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoutingStrategy {
    /// The agent idle the longest.
    #[default]
    LongestIdle,
    /// Agents in turn.
    RoundRobin,
    /// The agent with the fewest calls today.
    FewestCalls,
    /// The highest skill level first.
    SkillPriority,
}

/// Where a call goes when it has waited a group's maximum.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum OverflowTarget {
    /// Play the goodbye prompt and hang up.
    #[default]
    Goodbye,
    /// Queue in another skill group.
    Group {
        /// The group.
        group_id: SkillGroupId,
    },
    /// Call an external number through a trunk.
    Number {
        /// The number.
        number: String,
    },
}

/// `PUT /skill-groups/{id}/settings`: a skill group's queue settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueSettings {
    /// Routing strategy (default longest idle).
    #[serde(default)]
    pub strategy: RoutingStrategy,
    /// Seconds an offer rings before it goes to the next agent, 5–120 (default 20).
    #[serde(default = "default_ring_timeout")]
    pub ring_timeout_secs: i64,
    /// Longest wait in seconds before overflow, 10–3600; `null` waits for ever.
    #[serde(default)]
    pub max_wait_secs: Option<i64>,
    /// Where calls go at the maximum wait.
    #[serde(default)]
    pub overflow: OverflowTarget,
    /// Service level threshold (服务水平): a call answered within this many seconds of queueing
    /// counts as answered in time, 1–600 (default 20).
    #[serde(default = "default_service_level_secs")]
    pub service_level_secs: i64,
    /// The share of calls to answer in time the group aims at, percent 1–100 (default 80: with
    /// the default threshold, "80/20").
    #[serde(default = "default_service_level_target")]
    pub service_level_target: i64,
    /// Satisfaction survey (满意度调查): when the agent hangs up first, the customer hears the
    /// survey prompt and rates the call by pressing 1–5 (default off).
    #[serde(default)]
    pub survey: bool,
    /// The uploaded prompt the survey plays; `null` plays the built-in one (Chinese, then
    /// English: "rate this call from 1 to 5").
    #[serde(default)]
    pub survey_prompt_id: Option<crate::PromptId>,
}

fn default_service_level_secs() -> i64 {
    20
}

fn default_service_level_target() -> i64 {
    80
}

fn default_ring_timeout() -> i64 {
    20
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            strategy: RoutingStrategy::default(),
            ring_timeout_secs: default_ring_timeout(),
            max_wait_secs: None,
            overflow: OverflowTarget::default(),
            service_level_secs: default_service_level_secs(),
            service_level_target: default_service_level_target(),
            survey: false,
            survey_prompt_id: None,
        }
    }
}

/// `POST /skill-groups`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillGroupCreate {
    /// Name, 1–64 characters, unique in the enterprise.
    pub name: String,
    /// Free text, up to 256 characters.
    pub description: Option<String>,
}

/// `PATCH /skill-groups/{id}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillGroupUpdate {
    /// New name.
    pub name: Option<String>,
    /// New description; `null` clears it.
    #[serde(default, with = "crate::patch")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

/// One entry of `PUT /skill-groups/{id}/members`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberAssignment {
    /// The agent.
    pub user_id: UserId,
    /// Skill level, 1–5.
    pub skill_level: i32,
}

/// An admin-defined login status (会议中, 小休 …); time in it counts as busy.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustomStatus {
    /// The status.
    pub id: CustomStatusId,
    /// Name, unique in the enterprise.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Disabled statuses are not offered to agents.
    pub enabled: bool,
}

/// `POST /custom-statuses`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomStatusCreate {
    /// Name, 1–32 characters, unique in the enterprise.
    pub name: String,
    /// Free text, up to 256 characters.
    pub description: Option<String>,
}

/// `PATCH /custom-statuses/{id}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomStatusUpdate {
    /// New name.
    pub name: Option<String>,
    /// New description; `null` clears it.
    #[serde(default, with = "crate::patch")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Enable or disable.
    pub enabled: Option<bool>,
}

/// An enterprise's contact-center settings (`GET`/`PUT /enterprise/settings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseSettings {
    /// After-call work (事后整理) in seconds after each call, 0–600; 0 sends agents straight
    /// back to idle.
    pub after_call_work_secs: i64,
    /// Transcribe every call from its start (实时转文字), without agents switching it on.
    pub transcribe_all_calls: bool,
    /// The enterprise's time zone, an IANA name (default `Asia/Shanghai`): its day ends at this
    /// zone's midnight for callbacks (expired), today's figures and exported dates.
    pub time_zone: String,
}

/// A speech-to-text engine of this server, and whether it can be used
/// (`GET /enterprise/transcription-engines`). Engines and their models are the operator's
/// choice (build features and configuration), not an enterprise setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TranscriptionEngine {
    /// The engine's name: `pocketsphinx` or `sherpa-onnx`.
    pub name: String,
    /// Whether it can transcribe, and if not why.
    pub status: TranscriptionEngineStatus,
    /// Languages it transcribes (`en`, `zh`, …); empty when its model decides and Patchbay cannot
    /// tell (a sherpa-onnx model: its directory name usually says).
    pub languages: Vec<String>,
    /// Live call transcription uses this engine.
    pub live: bool,
    /// For the operator, in English: the model loaded, or what to do to make it available.
    pub detail: String,
}

/// Whether a [`TranscriptionEngine`] can transcribe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptionEngineStatus {
    /// Ready: its model loaded.
    Ready,
    /// This server was built without it.
    NotBuiltIn,
    /// Built in, but no model is configured.
    NoModel,
}

/// `PUT /enterprise/settings`: the fields to change; absent ones keep their value.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseSettingsUpdate {
    /// After-call work in seconds, 0–600.
    #[serde(default)]
    pub after_call_work_secs: Option<i64>,
    /// Transcribe every call.
    #[serde(default)]
    pub transcribe_all_calls: Option<bool>,
    /// The time zone, an IANA name such as `Asia/Shanghai` or `America/New_York`.
    #[serde(default)]
    pub time_zone: Option<String>,
}
