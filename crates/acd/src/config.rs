//! Settings of the ACD and of each skill group.

use serde::{Deserialize, Serialize};

use crate::GroupId;

/// Enterprise-wide settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcdConfig {
    /// Offset of the enterprise's local time from UTC, in minutes (China: +480). "Today's"
    /// figures restart at local midnight.
    pub utc_offset_minutes: i32,
    /// After-call work (事后整理) length in ms; `None` sends agents straight back to idle.
    pub after_call_work_ms: Option<i64>,
}

impl Default for AcdConfig {
    fn default() -> Self {
        AcdConfig {
            utc_offset_minutes: 8 * 60,
            after_call_work_ms: None,
        }
    }
}

/// How a group picks among its idle agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Strategy {
    /// The agent idle the longest.
    LongestIdle,
    /// Agents in turn: the one offered a call least recently.
    RoundRobin,
    /// The agent with the fewest calls today, then the longest idle.
    FewestCalls,
    /// The highest skill level, then the longest idle.
    SkillPriority,
}

/// Where a call goes when it has waited the group's maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Overflow {
    /// Queue in another group (keeping its place in time is the engine's choice: it re-enqueues).
    Group(GroupId),
    /// Ring an external number through a trunk.
    External(String),
    /// Play a goodbye prompt and hang up.
    Goodbye,
}

/// Settings of one skill group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupConfig {
    /// How idle agents are chosen.
    pub strategy: Strategy,
    /// How long an offer rings before it goes to the next agent (default 20 s).
    pub ring_timeout_ms: i64,
    /// Longest a call may wait before it overflows; `None` waits for ever.
    pub max_wait_ms: Option<i64>,
    /// What happens at the maximum wait.
    pub overflow: Overflow,
}

impl Default for GroupConfig {
    fn default() -> Self {
        GroupConfig {
            strategy: Strategy::LongestIdle,
            ring_timeout_ms: 20_000,
            max_wait_ms: None,
            overflow: Overflow::Goodbye,
        }
    }
}
