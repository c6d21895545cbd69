//! Ids the ACD works with; the engine maps them to the store's ids.

use serde::{Deserialize, Serialize};

/// An agent (a user who takes calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AgentId(pub u64);

/// A customer call waiting for or talking to an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CallId(pub u64);

/// A skill group (技能组).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GroupId(pub u64);

/// An admin-defined custom status (会议中, 小休 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StatusId(pub u64);

/// The one device an agent's calls ring on (SPEC §2: one agent, one active device).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Device {
    /// The PC browser's phone bar (WebRTC or callback modes are the engine's business).
    Browser,
    /// The mobile client.
    Mobile,
    /// A SIP desk phone registered for the agent.
    DeskPhone,
}
