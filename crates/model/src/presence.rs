//! Agent presence, queues, offers and missed calls as the API and the events WebSocket show them
//! (SPEC §2, §3, §4).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{CustomStatusId, SkillGroupId, UserId};

/// Login status (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoginState {
    /// Not signed in (尚未签入): no calls in or out.
    Offline,
    /// Signed in.
    Online,
    /// Signed in, in a custom status (`custom_status_id`): no inbound calls, counts as busy.
    Custom,
}

/// Phone status (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhoneState {
    /// May dial out, gets no inbound calls.
    Busy,
    /// Gets inbound calls.
    Idle,
    /// A call is being offered.
    Ringing,
    /// On a call.
    Talking,
    /// After-call work (事后整理).
    AfterCallWork,
}

/// The device an agent's calls ring on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentDevice {
    /// Browser audio (WebRTC).
    Browser,
    /// The agent's mobile through a trunk (callback).
    Mobile,
    /// A SIP desk phone registered to Patchbay.
    DeskPhone,
}

/// Why Patchbay made a signed-in agent busy (they receive no calls until they set idle again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BusyReason {
    /// Browser audio, and the agent's page (events socket and audio session) was gone for more
    /// than a few seconds: the tab was closed, the computer slept or the network dropped.
    BrowserGone,
    /// Desk phone, and its registration expired (or it never registered).
    PhoneUnregistered,
}

/// Today's figures (reset at the enterprise's local midnight).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TodayFigures {
    /// Talk time, seconds.
    pub talk_seconds: i64,
    /// Calls answered.
    pub calls: u32,
    /// Busy time (busy, custom statuses, after-call work), seconds.
    pub busy_seconds: i64,
    /// Idle time (idle or ringing), seconds.
    pub idle_seconds: i64,
}

/// An agent's presence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Presence {
    /// The agent.
    pub user_id: UserId,
    /// Login status.
    pub login: LoginState,
    /// The custom status, when `login` is `custom`.
    pub custom_status_id: Option<CustomStatusId>,
    /// Phone status.
    pub phone: PhoneState,
    /// When the current status began (unix ms): clients tick the timer from it.
    pub since: i64,
    /// When after-call work ends (unix ms).
    pub after_call_work_until: Option<i64>,
    /// Auto-answer switch (自动接听).
    pub auto_answer: bool,
    /// The bound device, when signed in.
    pub device: Option<AgentDevice>,
    /// Why Patchbay made the agent busy, while they stay busy for it.
    #[serde(default)]
    pub busy_reason: Option<BusyReason>,
    /// Today's figures as of `as_of`.
    pub today: TodayFigures,
    /// When `today` was computed (unix ms).
    pub as_of: i64,
}

/// `PUT /me/presence`: any of the fields; the others stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceChange {
    /// `online` signs in (busy until set idle), `offline` signs out, `custom` enters
    /// `custom_status_id`.
    pub login: Option<LoginState>,
    /// The custom status for `login: custom`.
    pub custom_status_id: Option<CustomStatusId>,
    /// `idle` or `busy` (the others are set by calls).
    pub phone: Option<PhoneState>,
    /// The device to ring; signing in without one keeps the bound device (default desk phone).
    pub device: Option<AgentDevice>,
    /// Auto-answer switch.
    pub auto_answer: Option<bool>,
}

/// A skill group's queue length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QueueLength {
    /// The group.
    pub group_id: SkillGroupId,
    /// Its name.
    pub name: String,
    /// Callers waiting (not counting those ringing an agent).
    pub waiting: u32,
    /// When the oldest waiting caller was queued (unix ms).
    pub oldest_since: Option<i64>,
    /// Members signed in and idle.
    pub idle_agents: u32,
}

/// A call offered to an agent (the ringing pop).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Offer {
    /// The engine's id for the live call (use it to answer or reject).
    pub call: String,
    /// The customer's number.
    pub caller: String,
    /// The enterprise number they dialed.
    pub enterprise_number: String,
    /// The skill group it queued in.
    pub group_id: SkillGroupId,
    /// The group's name.
    pub group_name: String,
    /// Answer at once (the agent's auto-answer switch).
    pub auto_answer: bool,
    /// The customer's name, when the number is known (customer database); `null` otherwise.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Where the number is registered (号码归属地): province, city and for mobiles the carrier
    /// of the segment, e.g. "广东 深圳市 中国移动"; `null` when unknown (short numbers, numbers
    /// from abroad).
    #[serde(default)]
    pub location: Option<String>,
    /// How many times this number called the enterprise before this call (its ended inbound
    /// calls, in any written form of the number).
    #[serde(default)]
    pub previous_calls: u32,
    /// When the latest of those calls started (unix ms); `null` for a first call.
    #[serde(default)]
    pub last_call_at: Option<i64>,
    /// A consult: the colleague who calls while their customer holds; `null` for a customer's
    /// call.
    #[serde(default)]
    pub consult_by: Option<UserId>,
    /// That colleague's name (or work id), for the pop.
    #[serde(default)]
    pub consult_from: Option<String>,
    /// The colleague who transferred the customer here; `null` for a call that was not.
    #[serde(default)]
    pub transferred_by: Option<UserId>,
    /// That colleague's name (or work id), for the pop.
    #[serde(default)]
    pub transferred_from: Option<String>,
}

/// A missed-call reminder (漏电提醒).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MissedCall {
    /// Id.
    pub id: i64,
    /// The agent it rang.
    pub agent_id: UserId,
    /// The customer's number (call back this).
    pub caller: String,
    /// The enterprise number they dialed.
    pub enterprise_number: Option<String>,
    /// When it rang (unix ms).
    pub missed_at: i64,
    /// When it was handled (called back or marked), unix ms.
    pub handled_at: Option<i64>,
}

/// The real-time monitor (SPEC §4): the agents and queues of the skill groups the supervisor's
/// data scope allows, with today's figures of those groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Monitor {
    /// Agents with a presence (signed in now, or earlier today), with work ID and name.
    pub agents: Vec<MonitorAgent>,
    /// Every visible skill group's queue.
    pub queues: Vec<QueueLength>,
    /// Today's figures of every visible skill group.
    #[serde(default)]
    pub figures: Vec<GroupFigures>,
}

/// A skill group's figures for today (since the enterprise's local midnight), counted from the
/// call records of calls that queued in the group today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GroupFigures {
    /// The group.
    pub group_id: SkillGroupId,
    /// Its name.
    pub name: String,
    /// Calls that queued in the group (进线).
    pub offered: u32,
    /// Calls an agent answered (接通).
    pub answered: u32,
    /// Callers who hung up while waiting (放弃).
    pub abandoned: u32,
    /// Calls answered within `service_level_secs` of queueing.
    pub answered_in_time: u32,
    /// Calls that left the queue (answered, or ended without an answer): what the service
    /// level divides by.
    pub left_queue: u32,
    /// Average speed of answer (平均应答时长): queueing to an agent's answer, ms; `null` before
    /// the first answer.
    pub average_answer_ms: Option<i64>,
    /// Service level (服务水平), percent rounded down: calls answered in time among the calls
    /// that left the queue (answered, or ended without an answer); `null` before the first.
    pub service_level: Option<u32>,
    /// The group's threshold, seconds.
    pub service_level_secs: i64,
    /// The group's target, percent.
    pub service_level_target: i64,
}

/// The call an agent is on, as the monitor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LiveCall {
    /// The engine's id for the live call.
    pub call: String,
    /// The customer's number.
    pub customer: String,
    /// `inbound` (queued to the agent) or `outbound` (the agent dialed).
    pub direction: LiveDirection,
    /// The skill group it queued in (inbound).
    pub group_id: Option<SkillGroupId>,
    /// `ringing`, `talking`, `held` or `consult`.
    pub state: LiveCallState,
    /// When it rang the agent (ringing) or connected (unix ms): the duration ticks from it.
    pub since: i64,
}

/// Which way a live call goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LiveDirection {
    /// A customer called in.
    Inbound,
    /// The agent called out.
    Outbound,
}

/// Where a live call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LiveCallState {
    /// Ringing the agent.
    Ringing,
    /// The agent and the customer talk.
    Talking,
    /// The customer is on hold.
    Held,
    /// The agent consults a colleague or a number (the customer holds), or talks with both in
    /// a three-way call.
    Consult,
}

/// A signed-in colleague an agent can transfer a call to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Colleague {
    /// Their user id (`agent_id` of a transfer).
    pub user_id: UserId,
    /// Work ID.
    pub work_id: String,
    /// Name.
    pub name: String,
    /// Signed in and idle: a transfer to them rings now.
    pub available: bool,
}

/// One agent in the monitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonitorAgent {
    /// Work ID.
    pub work_id: String,
    /// Name.
    pub name: String,
    /// Presence.
    pub presence: Presence,
    /// The skill groups the agent belongs to.
    #[serde(default)]
    pub groups: Vec<SkillGroupId>,
    /// The call the agent is on, if any.
    #[serde(default)]
    pub call: Option<LiveCall>,
}
