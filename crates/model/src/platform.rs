//! The platform administrator's view: enterprises (tenants) and their first admins (issue 21).
//!
//! A platform administrator is not a user of any enterprise: it signs in with its own user name
//! at `/platform/auth/login`, has its own sessions, and can reach only the `/platform` routes,
//! which never show an enterprise's data (users, calls …), only the enterprises themselves.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::EnterpriseId;

/// Credentials for `POST /platform/auth/login`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformLoginRequest {
    /// The platform administrator's user name (made with `patchbay admin create NAME`).
    pub username: String,
    /// Its password.
    pub password: String,
}

/// A signed-in platform administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlatformAdmin {
    /// Its id (platform administrators have their own ids, not user ids).
    pub id: i64,
    /// Its user name.
    pub username: String,
}

/// A successful platform login: the bearer token (also set as an HttpOnly cookie).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlatformLoginResponse {
    /// Bearer token for API clients; browsers use the cookie instead.
    pub token: String,
    /// Who signed in.
    pub admin: PlatformAdmin,
}

/// An enterprise as the platform administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseInfo {
    /// Id.
    pub id: EnterpriseId,
    /// Login code (企业编号), unique across the server.
    pub code: String,
    /// Display name.
    pub name: String,
    /// A disabled enterprise cannot sign in, its sessions stop working, and its numbers, trunks
    /// and desk phones are taken off the SIP endpoint.
    pub enabled: bool,
    /// How many users it has.
    pub user_count: i64,
    /// Created (unix ms).
    pub created_at: i64,
    /// Its time zone, an IANA name: where its day ends for today's figures, callbacks and
    /// exports (the enterprise's admin can change it too, in its settings).
    pub time_zone: String,
    /// What it may use at once.
    pub limits: EnterpriseLimits,
}

/// What an enterprise may use at once; an absent (null) limit is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseLimits {
    /// Agents signed in at once (its seats): one more signing in gets 409 `agent_limit`.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100000)]
    pub agents: Option<u32>,
    /// Calls at once, inbound (trunks and web widget) and placed: a call beyond it is refused
    /// (SIP `486 Call Limit Reached`; a placed call gets 409 `call_limit`).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100000)]
    pub concurrent_calls: Option<u32>,
    /// Web widget calls at once (0 turns the enterprise's widget off): one more gets 503
    /// `call_limit`.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100000)]
    pub widget_calls: Option<u32>,
}

impl EnterpriseLimits {
    /// Whether every limit is absent.
    pub fn is_unlimited(&self) -> bool {
        *self == EnterpriseLimits::default()
    }
}

/// `POST /platform/enterprises`: a new enterprise and its first administrator.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseCreate {
    /// Login code: 2–32 lower-case letters, digits or `-`, starting with a letter or digit.
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{1,31}$", min_length = 2, max_length = 32)]
    pub code: String,
    /// Display name, 1–100 characters.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Work ID of the first administrator: 1–20 letters or digits; `admin` when absent.
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub admin_work_id: Option<String>,
    /// Display name of the first administrator, 1–64 characters; "Administrator" when absent.
    #[schema(min_length = 1, max_length = 64)]
    pub admin_name: Option<String>,
    /// Time zone, an IANA name such as `Asia/Shanghai` (the default) or `America/New_York`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// What it may use at once; none when absent.
    #[serde(default)]
    pub limits: Option<EnterpriseLimits>,
}

/// A created enterprise and its first administrator's password, shown exactly once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseCreated {
    /// The enterprise.
    pub enterprise: EnterpriseInfo,
    /// The first administrator's work ID.
    pub admin_work_id: String,
    /// The first administrator's generated password; not stored in clear, never shown again.
    pub admin_password: String,
}

/// `PATCH /platform/enterprises/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseUpdate {
    /// New display name, 1–100 characters.
    pub name: Option<String>,
    /// Enable or disable the enterprise. Disabling signs every user of it out.
    pub enabled: Option<bool>,
    /// New time zone, an IANA name such as `Asia/Shanghai` or `America/New_York`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// New limits, all three at once (a limit left out or null is removed). Calls and agents
    /// already in do not end: only new ones are held to a lowered limit.
    #[serde(default)]
    pub limits: Option<EnterpriseLimits>,
}
