//! Permissions (权限位) and data scopes (数据范围) of SPEC §1.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One permission bit a role can hold.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Sign in to the agent client (phone bar).
    AgentLogin,
    /// Answer and dial calls.
    AnswerDial,
    /// Consult, transfer after consult, three-way calls.
    ConsultTransfer,
    /// Listen, barge in, force-disconnect (高级话务).
    Monitor,
    /// View call records.
    ViewCallRecords,
    /// Listen to recordings.
    ViewRecordings,
    /// Export data.
    Export,
    /// Manage outbound campaigns.
    ManageCampaigns,
    /// Manage users, roles, skill groups and statuses.
    ManageUsers,
    /// Manage enterprise numbers and trunks.
    ManageNumbers,
    /// Billing: tariffs, balance, invoices.
    Billing,
}

impl Permission {
    /// Every permission, in the order the admin console lists them.
    pub const ALL: [Permission; 11] = [
        Permission::AgentLogin,
        Permission::AnswerDial,
        Permission::ConsultTransfer,
        Permission::Monitor,
        Permission::ViewCallRecords,
        Permission::ViewRecordings,
        Permission::Export,
        Permission::ManageCampaigns,
        Permission::ManageUsers,
        Permission::ManageNumbers,
        Permission::Billing,
    ];

    /// The stable string stored in the database and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::AgentLogin => "agent_login",
            Permission::AnswerDial => "answer_dial",
            Permission::ConsultTransfer => "consult_transfer",
            Permission::Monitor => "monitor",
            Permission::ViewCallRecords => "view_call_records",
            Permission::ViewRecordings => "view_recordings",
            Permission::Export => "export",
            Permission::ManageCampaigns => "manage_campaigns",
            Permission::ManageUsers => "manage_users",
            Permission::ManageNumbers => "manage_numbers",
            Permission::Billing => "billing",
        }
    }

    /// Parses the stable string; `None` for anything unknown.
    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Which rows a role may see (数据范围).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataScope {
    /// Only the user's own rows.
    #[serde(rename = "self")]
    Own,
    /// Rows of the skill groups the user belongs to.
    SkillGroups,
    /// Rows of the user's department.
    Department,
    /// Every row of the enterprise.
    Enterprise,
}

impl DataScope {
    /// The stable string stored in the database and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            DataScope::Own => "self",
            DataScope::SkillGroups => "skill_groups",
            DataScope::Department => "department",
            DataScope::Enterprise => "enterprise",
        }
    }

    /// Parses the stable string; `None` for anything unknown.
    pub fn parse(s: &str) -> Option<DataScope> {
        [
            DataScope::Own,
            DataScope::SkillGroups,
            DataScope::Department,
            DataScope::Enterprise,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_round_trips_through_its_string() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
        assert_eq!(Permission::parse("root"), None);
    }

    #[test]
    fn data_scope_self_is_spelled_self_on_the_wire() {
        assert_eq!(serde_json::to_string(&DataScope::Own).unwrap(), "\"self\"");
        assert_eq!(DataScope::parse("self"), Some(DataScope::Own));
    }
}
