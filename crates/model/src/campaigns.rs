//! Outbound campaigns (外呼任务, SPEC §5): campaigns, their customers and import reports, the
//! do-not-call list and risk-control (风控) settings.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::UserId;

/// A campaign's state at the moment of the answer (decided from its schedule and the admin's
/// actions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    /// 未开始.
    NotStarted,
    /// 进行中: the only state that dials.
    Running,
    /// 已暂停.
    Paused,
    /// 已完成.
    Completed,
    /// 已过期.
    Expired,
}

/// How a campaign's calls are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DialingMode {
    /// The agent picks a row and calls it.
    #[default]
    Preview,
    /// When an assigned agent is idle, the dialer calls the next customer.
    Progressive,
    /// The dialer calls ahead from the measured answer rate and handle time.
    Predictive,
}

/// What the last call to a customer came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignOutcome {
    /// 接通.
    Answered,
    /// 未接通 (refused or cancelled).
    NotAnswered,
    /// 忙.
    Busy,
    /// 无人接听.
    NoAnswer,
    /// 暂时无法接通.
    TemporarilyUnreachable,
    /// 停机.
    Suspended,
    /// 关机.
    PoweredOff,
    /// 空号.
    InvalidNumber,
    /// Anything else.
    Other,
}

/// A campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Campaign {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Unix ms.
    pub start_at: i64,
    /// Unix ms.
    pub end_at: i64,
    /// When it was completed, if it was (unix ms).
    pub completed_at: Option<i64>,
    /// State now.
    pub state: CampaignState,
    /// Milliseconds until the end; 0 for history.
    pub time_left_ms: i64,
    /// Enterprise numbers to call from.
    pub caller_numbers: Vec<String>,
    /// Assigned agents.
    pub agent_ids: Vec<UserId>,
    /// Numbers show their last four digits as `****`.
    pub masking: bool,
    /// Calls per customer at most.
    pub max_attempts: u32,
    /// Calling hours: first minute, `HH:MM` local.
    pub hours_from: String,
    /// Calling hours: end, `HH:MM` local (earlier than `hours_from`: across midnight).
    pub hours_to: String,
    /// IANA zone of the calling hours.
    pub time_zone: String,
    /// Dialing mode.
    pub mode: DialingMode,
    /// Predictive dialing keeps abandoned calls (answered customers no agent was free for)
    /// under this share of answered calls, in percent.
    pub abandon_cap_percent: f64,
    /// Abandoned over answered calls of the whole campaign, 0–1 (0 before any answer).
    pub abandon_rate: f64,
    /// The same over the calls of the last hour.
    pub abandon_rate_last_hour: f64,
    /// Customers imported.
    pub customers: i64,
    /// Customers called at least once.
    pub dialed: i64,
    /// Customers who answered.
    pub answered: i64,
    /// Dialed over customers, 0–1.
    pub execution_rate: f64,
    /// Answered over dialed, 0–1.
    pub connect_rate: f64,
    /// Unix ms.
    pub created_at: i64,
}

/// `POST /campaigns`, and the whole of `PUT /campaigns/{id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// Name, 1–100 characters.
    pub name: String,
    /// Description, up to 2000 characters.
    #[serde(default)]
    pub description: String,
    /// Unix ms.
    pub start_at: i64,
    /// Unix ms, after `start_at`.
    pub end_at: i64,
    /// Enterprise numbers to call from (at least one of this enterprise's numbers).
    #[serde(default)]
    pub caller_numbers: Vec<String>,
    /// Agents assigned (this enterprise's users).
    #[serde(default)]
    pub agent_ids: Vec<UserId>,
    /// Mask the last four digits.
    #[serde(default)]
    pub masking: bool,
    /// Calls per customer, 1–20; default 5.
    #[serde(default)]
    pub max_attempts: Option<u32>,
    /// Calling hours start, `HH:MM`; default `09:00`.
    #[serde(default)]
    pub hours_from: Option<String>,
    /// Calling hours end, `HH:MM`; default `20:00`.
    #[serde(default)]
    pub hours_to: Option<String>,
    /// IANA zone of the calling hours; default the enterprise's time zone (a change that leaves
    /// it out keeps the campaign's).
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Dialing mode; default preview.
    #[serde(default)]
    pub mode: DialingMode,
    /// Predictive dialing's abandon-rate cap in percent of answered calls, 0.5–20 in steps of
    /// 0.01; default 3.
    #[serde(default)]
    pub abandon_cap_percent: Option<f64>,
}

/// `POST /campaigns/{id}/actions`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignActionBody {
    /// What to do.
    pub action: CampaignAction,
}

/// An admin's action on a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignAction {
    /// Start before the scheduled start.
    Start,
    /// Pause a running campaign.
    Pause,
    /// Resume a paused campaign.
    Resume,
    /// Complete for good.
    Complete,
}

/// `GET /campaigns` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CampaignQuery {
    /// `true`: completed and expired campaigns, newest end first; otherwise the others.
    pub history: Option<bool>,
}

/// A customer of a campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CampaignCustomer {
    /// Id (dial by this id: the number may be masked).
    pub id: i64,
    /// The campaign.
    pub campaign_id: i64,
    /// Name.
    pub name: String,
    /// Number, E.164, masked when the campaign masks.
    pub number: String,
    /// Other columns of the imported row.
    pub fields: std::collections::BTreeMap<String, String>,
    /// The agent's notes.
    pub notes: String,
    /// Calls placed.
    pub attempts: u32,
    /// Calls allowed.
    pub max_attempts: u32,
    /// What the last call came to.
    pub outcome: Option<CampaignOutcome>,
    /// Unix ms of the last call.
    pub last_called_at: Option<i64>,
}

/// `GET /campaigns/{id}/customers` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CampaignCustomerQuery {
    /// Only customers whose last call came to this.
    pub outcome: Option<CampaignOutcome>,
    /// `true`: only customers not called yet.
    pub not_called: Option<bool>,
    /// Search in name or number.
    pub q: Option<String>,
    /// 1-based page.
    pub page: Option<u32>,
    /// Rows per page, 1–200.
    pub page_size: Option<u32>,
}

/// `PATCH /campaign-customers/{id}`: the agent's notes and, in preview mode, what the call came
/// to (until the engine reports outcomes itself).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignCustomerUpdate {
    /// Notes, up to 2000 characters.
    #[serde(default)]
    pub notes: Option<String>,
    /// The outcome of the last call.
    #[serde(default)]
    pub outcome: Option<CampaignOutcome>,
}

/// One row an import refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CampaignImportRowError {
    /// 1-based row of the file (the header is row 1).
    pub row: u32,
    /// The number as written.
    pub number: String,
    /// Why: `bad_number`, `duplicate`, `do_not_call`, `missing_number`, `not_allowed`.
    pub reason: String,
}

/// What an import came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CampaignImportReport {
    /// Id, for downloading the error report.
    pub id: i64,
    /// The file's name.
    pub file_name: String,
    /// Data rows read.
    pub total_rows: u32,
    /// Rows imported.
    pub imported: u32,
    /// Rows refused, with why.
    pub errors: Vec<CampaignImportRowError>,
    /// Unix ms.
    pub created_at: i64,
}

/// A number on the enterprise's do-not-call list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DoNotCallEntry {
    /// E.164.
    pub number: String,
    /// Why.
    pub reason: String,
    /// Unix ms.
    pub created_at: i64,
}

/// `POST /do-not-call`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDoNotCall {
    /// The number, in any usual form.
    pub number: String,
    /// Why, up to 200 characters.
    #[serde(default)]
    pub reason: String,
}

/// One per-number limit of risk control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RiskLimit {
    /// Window length in minutes (1–10080).
    pub window_minutes: u32,
    /// Calls allowed to the same number inside it (1–1000).
    pub max_calls: u32,
}

/// Risk-control settings of the enterprise (`GET`/`PUT /risk-control`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskSettings {
    /// Every limit must hold; default 3 in 15 minutes and 5 in 1440 minutes.
    pub limits: Vec<RiskLimit>,
    /// Allowed E.164 prefixes (`+86`), or `*` for any; default `+86`.
    pub destinations: Vec<String>,
}
