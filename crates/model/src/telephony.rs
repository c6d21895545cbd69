//! Numbers and trunks (SPEC §7) and agents' SIP credentials for desk phones (SPEC §3).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{EnterpriseId, NumberId, TrunkId, UserId};

/// How a trunk reaches its carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrunkMode {
    /// The carrier is a fixed peer: calls go to its address, its calls come from allowed sources.
    Peer,
    /// Patchbay registers to the carrier with the trunk's credentials and refreshes it.
    Register,
}

/// The SIP transport used towards the carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SipTransport {
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
}

/// Where a trunk stands right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrunkState {
    /// Not checked yet.
    Unknown,
    /// Registered (register mode) or answering OPTIONS (peer mode).
    Up,
    /// Registration refused or the carrier does not answer; `reason` says why.
    Failed,
    /// Switched off by an admin.
    Disabled,
}

/// A trunk's live status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TrunkStatus {
    /// The state.
    pub state: TrunkState,
    /// Why it failed (a SIP status line or "no response").
    pub reason: Option<String>,
    /// Since when (Unix ms).
    pub since: i64,
    /// Calls on the trunk now.
    pub active_calls: u32,
}

/// A SIP trunk to a carrier (线路).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Trunk {
    /// Id.
    pub id: TrunkId,
    /// Name shown to admins.
    pub name: String,
    /// Peer or registration.
    pub mode: TrunkMode,
    /// The carrier's host name or IP address.
    pub host: String,
    /// The carrier's SIP port.
    pub port: u16,
    /// Transport towards the carrier.
    pub transport: SipTransport,
    /// User name for digest authentication (and registration).
    pub username: Option<String>,
    /// Whether a password is stored (the password itself is never returned).
    pub has_password: bool,
    /// Source IP addresses whose INVITEs are accepted as this trunk's inbound calls.
    pub allowed_sources: Vec<String>,
    /// Codecs offered, in order of preference: `PCMA`, `PCMU`.
    pub codecs: Vec<String>,
    /// Most concurrent calls (0: no limit).
    pub max_calls: u32,
    /// Registration refresh interval, seconds (register mode).
    pub register_expires: u32,
    /// Switched on.
    pub enabled: bool,
    /// Peer mode: ping the carrier with OPTIONS every 30 s to show whether it answers.
    pub keepalive: bool,
    /// The IP address Patchbay advertises to this carrier (Via, Contact, SDP), when it differs
    /// from the server's `sip_public_address`; `null`: the server's.
    pub public_address: Option<String>,
    /// Live status (absent when the SIP endpoint is not running).
    pub status: Option<TrunkStatus>,
}

/// `POST /trunks` and `PUT /trunks/{id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrunkInput {
    /// Name, 1–64 characters, unique in the enterprise.
    pub name: String,
    /// Peer or registration.
    pub mode: TrunkMode,
    /// Host name or IP address.
    pub host: String,
    /// SIP port (default 5060).
    #[serde(default = "default_sip_port")]
    pub port: u16,
    /// Transport (default UDP).
    #[serde(default = "default_transport")]
    pub transport: SipTransport,
    /// Digest user name (required for register mode).
    #[serde(default)]
    pub username: Option<String>,
    /// Digest password; on update, absent keeps the stored one and `""` clears it.
    #[serde(default)]
    pub password: Option<String>,
    /// Allowed inbound source IP addresses.
    #[serde(default)]
    pub allowed_sources: Vec<String>,
    /// Codecs, from `PCMA` and `PCMU` (default both).
    #[serde(default = "default_codecs")]
    pub codecs: Vec<String>,
    /// Most concurrent calls (0: no limit).
    #[serde(default)]
    pub max_calls: u32,
    /// Registration refresh interval, seconds, 60–86400 (default 3600).
    #[serde(default = "default_register_expires")]
    pub register_expires: u32,
    /// Switched on (default true).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Peer mode: ping the carrier with OPTIONS every 30 s (default true; some carriers refuse
    /// OPTIONS).
    #[serde(default = "default_true")]
    pub keepalive: bool,
    /// The IP address Patchbay advertises to this carrier in Via, Contact and SDP (for a carrier
    /// reached through another network or NAT than the rest); absent, `null` or `""`: the
    /// server's `sip_public_address`.
    #[serde(default)]
    #[schema(max_length = 45)]
    pub public_address: Option<String>,
}

fn default_sip_port() -> u16 {
    5060
}
fn default_transport() -> SipTransport {
    SipTransport::Udp
}
fn default_codecs() -> Vec<String> {
    vec!["PCMA".to_owned(), "PCMU".to_owned()]
}
fn default_register_expires() -> u32 {
    3600
}
fn default_true() -> bool {
    true
}

/// What an enterprise number does with an inbound call (the IVR issue adds flows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NumberService {
    /// Answer with the welcome prompt.
    Welcome,
    /// Echo the caller's audio back (a line test).
    EchoTest,
    /// Run the number's IVR flow (menus, business hours, queues).
    Ivr,
}

/// An enterprise number (码号) on a trunk.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseNumber {
    /// Id.
    pub id: NumberId,
    /// The number as the carrier sends it in the request URI (digits, optional leading +).
    pub number: String,
    /// The trunk it arrives on and outbound calls showing it leave by.
    pub trunk_id: TrunkId,
    /// What inbound calls get.
    pub service: NumberService,
    /// Note for admins.
    pub description: Option<String>,
    /// The IVR flow (JSON) for service `ivr`; see `PUT /numbers/{id}/flow`.
    #[schema(value_type = Option<Object>)]
    pub flow: Option<serde_json::Value>,
}

/// `POST /numbers` and `PUT /numbers/{id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberInput {
    /// Digits with an optional leading `+`, 3–32 characters; unique across Patchbay.
    pub number: String,
    /// The trunk.
    pub trunk_id: TrunkId,
    /// What inbound calls get (default welcome).
    #[serde(default = "default_service")]
    pub service: NumberService,
    /// Note for admins.
    #[serde(default)]
    pub description: Option<String>,
}

fn default_service() -> NumberService {
    NumberService::Welcome
}

/// A desk phone's registration.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Registration {
    /// The contact URI the phone registered.
    pub contact: String,
    /// When it lapses (Unix ms).
    pub expires_at: i64,
}

/// An agent's SIP credentials for a desk phone.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SipAccount {
    /// The agent.
    pub user_id: UserId,
    /// The SIP user name the phone registers with (unique across Patchbay).
    pub username: String,
    /// The password, only in the response that set it.
    pub password: Option<String>,
    /// The realm phones authenticate in.
    pub realm: String,
    /// Live registrations of the phone.
    pub registrations: Vec<Registration>,
}

/// `PUT /users/{id}/sip-account`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SipAccountInput {
    /// User name, 3–32 of `A–Z a–z 0–9 . _ -`.
    pub username: String,
    /// Password, 8–64 characters; absent: keep the current one, or generate one for a new
    /// account (returned once).
    #[serde(default)]
    pub password: Option<String>,
}

/// `POST /me/dial`: ring the agent's desk phone, then call the number through a trunk.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialRequest {
    /// The number to call.
    pub number: String,
    /// The enterprise number shown as caller ID (default: the first number of an enabled trunk).
    #[serde(default)]
    pub caller_number: Option<String>,
}

/// A call placed by `POST /me/dial`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DialResponse {
    /// The call's id in the engine.
    pub call_id: u64,
    /// The caller ID used.
    pub caller_number: String,
    /// The trunk used.
    pub trunk_id: TrunkId,
}

/// Everything the SIP endpoint needs from the database: every enterprise's trunks (with
/// passwords), numbers, SIP accounts and uploaded prompts. Rebuilt when an admin changes any of
/// them.
#[derive(Debug, Clone, Default)]
pub struct SipDirectory {
    /// Trunks with their enterprise and password.
    pub trunks: Vec<(EnterpriseId, Trunk, Option<String>)>,
    /// Numbers with their enterprise.
    pub numbers: Vec<(EnterpriseId, EnterpriseNumber)>,
    /// SIP accounts: enterprise, agent, user name, password.
    pub accounts: Vec<(EnterpriseId, UserId, String, String)>,
    /// Skill groups with members and queue settings.
    pub groups: Vec<(EnterpriseId, crate::org::SkillGroup)>,
    /// Each enterprise's after-call work length in seconds (0: none).
    pub after_call_work: Vec<(EnterpriseId, i64)>,
    /// Each enterprise's time zone (IANA name), for the ACD's "today".
    pub time_zones: Vec<(EnterpriseId, String)>,
    /// Enterprises that transcribe every call an agent answers.
    pub transcribe_all: Vec<EnterpriseId>,
    /// Enterprises with a limit on agents or calls, and their limits.
    pub limits: Vec<(EnterpriseId, crate::platform::EnterpriseLimits)>,
    /// Uploaded prompts with their enterprise, ready to play (a flow's `{"file": ID}`).
    pub prompts: Vec<(EnterpriseId, crate::PromptId, crate::prompts::PromptAudio)>,
    /// Enabled agents' mobile numbers (PSTN callback mode rings them through a trunk).
    pub mobiles: Vec<(EnterpriseId, UserId, String)>,
}

/// `POST /widget/calls`: a web widget visitor calls an enterprise number over WebRTC.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetCallRequest {
    /// The enterprise number to call.
    pub number: String,
    /// The browser's SDP offer, with its ICE candidates gathered.
    pub sdp: String,
}

/// A widget call Patchbay took.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WidgetCallResponse {
    /// Names the call in later requests (an unguessable token).
    pub call_id: String,
    /// The SDP answer.
    pub sdp: String,
}

/// `POST /widget/calls/{id}/dtmf`: a digit the visitor pressed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetDtmfRequest {
    /// One of 0-9, `*`, `#`, A-D.
    pub digit: String,
}

/// `GET|PUT /numbers/{id}/callers`: who may show the number as caller ID when dialing. Both
/// lists empty: every agent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallerNumbers {
    /// Agents who may show it.
    #[serde(default)]
    pub user_ids: Vec<crate::UserId>,
    /// Skill groups whose members may show it.
    #[serde(default)]
    pub group_ids: Vec<crate::SkillGroupId>,
}
