//! Call records (SPEC §6): one per call, opened when it starts and closed when it ends.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{CallId, UserId};

/// Which way a call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    /// A customer called an enterprise number.
    Inbound,
    /// An agent called out (click-to-dial from a desk phone).
    AgentOutbound,
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallResult {
    /// Still going.
    InProgress,
    /// Connected and talked.
    Answered,
    /// Never connected; `failure` says why.
    Failed,
}

/// Who hung up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HangupSide {
    /// The customer.
    Customer,
    /// The agent.
    Agent,
    /// Patchbay (timeout, media loss, shutdown).
    System,
}

/// A call record.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CallRecord {
    /// Id.
    pub id: CallId,
    /// Inbound or agent outbound.
    pub direction: CallDirection,
    /// The calling number.
    pub caller: String,
    /// The called number.
    pub callee: String,
    /// The enterprise number involved (dialled inbound, shown outbound).
    pub enterprise_number: Option<String>,
    /// The agent on the call.
    pub agent_id: Option<UserId>,
    /// Unix ms.
    pub started_at: i64,
    /// Unix ms, when answered.
    pub answered_at: Option<i64>,
    /// Unix ms, when ended.
    pub ended_at: Option<i64>,
    /// Talk time in seconds (answer to end).
    pub talk_seconds: i64,
    /// Outcome.
    pub result: CallResult,
    /// Failure code (see the failure catalogue) when the call did not connect.
    pub failure: Option<String>,
    /// Who hung up.
    pub hangup_side: Option<HangupSide>,
    /// Whether a recording can be fetched at `/calls/{id}/recording`.
    pub has_recording: bool,
    /// RTP packets received from the customer's side (from RTCP statistics).
    pub rtp_received: Option<i64>,
    /// RTP packets lost on the way in.
    pub rtp_lost: Option<i64>,
    /// Interarrival jitter, milliseconds.
    pub jitter_ms: Option<f64>,
}

/// What the engine reports about a call as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// A call started.
    Started {
        /// The engine's key for the call.
        key: String,
        /// Its enterprise.
        enterprise: crate::EnterpriseId,
        /// Direction.
        direction: CallDirection,
        /// Calling number.
        caller: String,
        /// Called number.
        callee: String,
        /// Enterprise number.
        enterprise_number: Option<String>,
        /// Agent.
        agent: Option<UserId>,
        /// Unix ms.
        at: i64,
    },
    /// It was answered (recording path relative to the recordings directory, if recorded).
    Answered {
        /// Key.
        key: String,
        /// Unix ms.
        at: i64,
        /// Recording file name.
        recording: Option<String>,
    },
    /// Media statistics of the customer's leg, when its media stops.
    Media {
        /// Key.
        key: String,
        /// Packets received.
        received: u64,
        /// Packets lost.
        lost: u64,
        /// Jitter, microseconds.
        jitter_us: u64,
    },
    /// It ended.
    Ended {
        /// Key.
        key: String,
        /// Unix ms.
        at: i64,
        /// Failure code when it never connected.
        failure: Option<String>,
        /// Who hung up.
        hangup_side: HangupSide,
    },
}
