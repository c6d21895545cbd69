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
