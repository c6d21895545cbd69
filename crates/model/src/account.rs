//! Users, roles, login and the signed-in user's view of themselves (SPEC §1).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::{EnterpriseId, RoleId, SessionId, SkillGroupId, UserId};
use crate::permission::{DataScope, Permission};

/// Credentials for `POST /auth/login`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The enterprise's code (企业编号), e.g. `demo`.
    pub enterprise: String,
    /// The user's work ID (工号).
    pub work_id: String,
    /// The user's password.
    pub password: String,
}

/// A successful login: the bearer token (also set as an HttpOnly cookie) and who logged in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for API clients; browsers use the cookie instead.
    pub token: String,
    /// The signed-in user.
    pub me: Me,
}

/// A skill group a user belongs to, with their level in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Membership {
    /// The group.
    pub id: SkillGroupId,
    /// The group's name.
    pub name: String,
    /// The user's skill level in the group, 1 (lowest) to 5 (highest).
    pub skill_level: i32,
}

/// The signed-in user, with everything the UI needs to decide what to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Me {
    /// The user.
    pub id: UserId,
    /// The user's enterprise.
    pub enterprise_id: EnterpriseId,
    /// The enterprise's login code.
    pub enterprise_code: String,
    /// The enterprise's display name.
    pub enterprise_name: String,
    /// Work ID (工号).
    pub work_id: String,
    /// Display name.
    pub name: String,
    /// Mobile number, if set.
    pub mobile: Option<String>,
    /// The user's role.
    pub role_id: RoleId,
    /// The role's name.
    pub role_name: String,
    /// Permissions granted by the role.
    pub permissions: Vec<Permission>,
    /// Which rows the user may see.
    pub data_scope: DataScope,
    /// Skill groups the user is a member of.
    pub skill_groups: Vec<Membership>,
}

/// `POST /me/password`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    pub old_password: String,
    /// The new password: 8 to 128 characters.
    pub new_password: String,
}

/// A login session of the signed-in user, for `GET /me/sessions`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionInfo {
    /// The session.
    pub id: SessionId,
    /// When it was created (unix ms).
    pub created_at: i64,
    /// When it expires (unix ms).
    pub expires_at: i64,
    /// The browser or client that created it.
    pub user_agent: Option<String>,
    /// True for the session making this request.
    pub current: bool,
}

/// A user as the admin console lists it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct User {
    /// The user.
    pub id: UserId,
    /// Work ID (工号), unique in the enterprise.
    pub work_id: String,
    /// Display name.
    pub name: String,
    /// Mobile number, if set.
    pub mobile: Option<String>,
    /// Department, if set (used by the `department` data scope).
    pub department: Option<String>,
    /// The user's role.
    pub role_id: RoleId,
    /// The role's name.
    pub role_name: String,
    /// Disabled users cannot log in.
    pub enabled: bool,
    /// Skill groups the user is a member of.
    pub skill_groups: Vec<Membership>,
    /// When the user was created (unix ms).
    pub created_at: i64,
    /// Set by versions that locked accounts after failed logins (unix ms); logins are now
    /// throttled per address instead and nothing sets it.
    pub locked_until: Option<i64>,
}

/// `POST /users`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreate {
    /// Work ID: 1–20 letters or digits, unique in the enterprise.
    pub work_id: String,
    /// Display name, 1–64 characters.
    pub name: String,
    /// Mobile number: digits, optionally with a leading +, 5–20 characters.
    pub mobile: Option<String>,
    /// Department, up to 64 characters.
    pub department: Option<String>,
    /// The role to grant.
    pub role_id: RoleId,
    /// Defaults to true.
    pub enabled: Option<bool>,
}

/// A created user and the initial password, shown to the admin exactly once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserCreated {
    /// The new user.
    pub user: User,
    /// The generated initial password; it is not stored in clear and cannot be shown again.
    pub initial_password: String,
}

/// `PATCH /users/{id}`: only the fields present change. A field sent as `null` is cleared.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// New display name.
    pub name: Option<String>,
    /// New mobile number; `null` clears it.
    #[serde(default, with = "crate::patch")]
    #[schema(value_type = Option<String>)]
    pub mobile: Option<Option<String>>,
    /// New department; `null` clears it.
    #[serde(default, with = "crate::patch")]
    #[schema(value_type = Option<String>)]
    pub department: Option<Option<String>>,
    /// New role.
    pub role_id: Option<RoleId>,
    /// Enable or disable the account; disabling revokes its sessions.
    pub enabled: Option<bool>,
}

/// A freshly generated password, shown once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasswordReset {
    /// The generated password.
    pub initial_password: String,
}

/// A role as listed and edited in the admin console.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Role {
    /// The role.
    pub id: RoleId,
    /// Name, unique in the enterprise.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Permissions the role grants.
    pub permissions: Vec<Permission>,
    /// Which rows holders may see.
    pub data_scope: DataScope,
    /// Built-in roles (the admin role) cannot be deleted.
    pub builtin: bool,
    /// Users holding the role.
    pub user_count: i64,
}

/// `POST /roles`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleCreate {
    /// Name, 1–64 characters, unique in the enterprise.
    pub name: String,
    /// Free text, up to 256 characters.
    pub description: Option<String>,
    /// Permissions to grant.
    pub permissions: Vec<Permission>,
    /// Which rows holders may see.
    pub data_scope: DataScope,
}

/// `PATCH /roles/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleUpdate {
    /// New name.
    pub name: Option<String>,
    /// New description; `null` clears it.
    #[serde(default, with = "crate::patch")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// New permission set (replaces the old one).
    pub permissions: Option<Vec<Permission>>,
    /// New data scope.
    pub data_scope: Option<DataScope>,
}
