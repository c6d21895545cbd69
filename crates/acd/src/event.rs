//! What the ACD tells the engine.

use serde::{Deserialize, Serialize};

use crate::{AgentId, CallId, Device, GroupId, LoginStatus, Millis, Overflow, PhoneStatus};

/// Why an offer stopped ringing an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WithdrawReason {
    /// Nobody answered within the group's ring timeout (ring-no-answer).
    RingTimeout,
    /// The agent rejected it.
    Rejected,
    /// The customer hung up while it rang.
    CallerHungUp,
    /// The agent signed out or changed status while it rang.
    AgentLeft,
}

/// How a call left the ACD: each call ends exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallOutcome {
    /// An agent answered, and the call has now ended.
    Answered,
    /// The customer hung up before any agent answered (in queue or while ringing).
    Abandoned,
    /// It waited the maximum and was sent to the group's overflow target.
    Overflowed,
}

/// An event for the engine to carry out or publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// An agent's status changed; `since` is when (clients tick from it).
    AgentStatus {
        /// The agent.
        agent: AgentId,
        /// New login status.
        login: LoginStatus,
        /// New phone status.
        phone: PhoneStatus,
        /// When it began.
        since: Millis,
    },
    /// Binding a new device took the agent's calls away from this one (mutually exclusive login).
    DeviceUnbound {
        /// The agent.
        agent: AgentId,
        /// The device that lost the binding.
        device: Device,
    },
    /// Ring this agent's device with this call.
    Offer {
        /// The call.
        call: CallId,
        /// The agent to ring.
        agent: AgentId,
        /// The group the call queued in.
        group: GroupId,
        /// Answer at once (the agent's auto-answer switch).
        auto_answer: bool,
    },
    /// Stop ringing the agent.
    OfferWithdrawn {
        /// The call.
        call: CallId,
        /// The agent that was rung.
        agent: AgentId,
        /// Why.
        reason: WithdrawReason,
    },
    /// A call rang this agent and was not answered: a missed-call reminder (漏电提醒).
    MissedCall {
        /// The agent.
        agent: AgentId,
        /// The call.
        call: CallId,
    },
    /// A queue changed: callers waiting and since when the oldest waits.
    QueueChanged {
        /// The group.
        group: GroupId,
        /// Calls waiting (not counting those ringing an agent).
        waiting: usize,
        /// When the oldest waiting call was queued.
        oldest_since: Option<Millis>,
    },
    /// A call waited the maximum: send it to the target.
    Overflow {
        /// The call.
        call: CallId,
        /// The group it waited in.
        group: GroupId,
        /// Where it goes.
        target: Overflow,
    },
    /// A call left the ACD for good.
    CallEnded {
        /// The call.
        call: CallId,
        /// How.
        outcome: CallOutcome,
    },
}
