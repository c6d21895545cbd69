//! What agents and supervisors ask of the contact center through the API: presence (sign in and
//! out, idle, busy, custom statuses, auto-answer), rejecting and hanging up calls, queue lengths
//! and the real-time monitor.

use model::presence::{Monitor, Presence, PresenceChange, QueueLength};
use model::{EnterpriseId, UserId};
use tokio::sync::oneshot;

use acd::CommandError;

/// What an agent does with a call from the phone bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentAction {
    /// Answer the ringing call.
    Answer,
    /// Refuse the ringing call: it goes to the next agent.
    Reject,
    /// End the call being talked on.
    Hangup,
    /// Switch live transcription of the call being talked on on or off.
    Transcription {
        /// On or off.
        on: bool,
    },
    /// Put the customer on hold (music for them, silence for the agent) or resume.
    Hold {
        /// On hold (true) or resumed (false).
        on: bool,
    },
    /// Transfer the customer (blind) to a skill group's queue or a colleague.
    Transfer {
        /// Where to.
        to: callflow::TransferTo,
    },
    /// Transfer the customer (blind) into the IVR flow of one of the enterprise's numbers.
    TransferToIvr {
        /// The enterprise number whose flow it is.
        number: String,
    },
    /// Consult a colleague or a number while the customer holds.
    Consult {
        /// Whom.
        to: callflow::ConsultTo,
    },
    /// Consult a skill group: its best idle member (by the group's strategy) rings as a
    /// consulted colleague.
    ConsultGroup {
        /// The group.
        group: model::SkillGroupId,
    },
    /// Send keys to the customer's side (RFC 4733): the keypad.
    Digits {
        /// `0`–`9`, `*`, `#`, `A`–`D`.
        digits: String,
    },
    /// Complete, join or cancel the consult under way.
    ConsultStep {
        /// Which.
        step: callflow::ConsultStep,
    },
}

/// Why an agent's request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentError {
    /// The enterprise has as many agents signed in as it may.
    #[error("all {0} of the enterprise's agent seats are signed in: one must sign out first")]
    AgentLimit(u32),
    /// Signed out.
    #[error("the agent is not signed in")]
    NotSignedIn,
    /// Ringing or talking.
    #[error("the agent is on a call: finish it first")]
    InCall,
    /// No call is ringing or talking for the agent (or not that one).
    #[error("no such call for this agent")]
    NoSuchCall,
    /// The agent is not talking with the customer (ringing, or the call is over).
    #[error("the agent is not talking with a customer")]
    NotTalking,
    /// The enterprise has no such skill group.
    #[error("no such skill group")]
    UnknownGroup,
    /// Nobody in the group is signed in: a transfer there would only wait.
    #[error("nobody in that skill group is signed in")]
    GroupHasNoAgent,
    /// Nobody in the group is idle: a consult there has nobody to ring.
    #[error("nobody in that skill group is free to take a consult now")]
    GroupHasNoIdleAgent,
    /// The colleague to transfer to is signed out.
    #[error("that agent is not signed in")]
    TargetOffline,
    /// The colleague to transfer to is not idle (on a call, after-call work, busy).
    #[error("that agent is not free to take a call now")]
    TargetBusy,
    /// Another supervisor is on the agent's call.
    #[error("another supervisor is on this call")]
    Supervised,
    /// A supervisor's steps go one way.
    #[error("steps go one way: listen, then whisper or barge-in, then force-disconnect")]
    StepOrder,
    /// The supervisor is on a call, ringing, or not idle.
    #[error("you are on a call or not idle: finish it, then step in")]
    SupervisorBusy,
    /// The enterprise has no such number with an IVR flow.
    #[error("no such number with an IVR flow")]
    NoSuchFlow,
    /// A consult is under way: complete, join or cancel it first.
    #[error("a consult is under way: complete, join or cancel it first")]
    InConsult,
    /// No consult, or it has not been answered yet.
    #[error("no answered consult on this call")]
    NoConsult,
    /// No number on a working trunk to call out through.
    #[error("no trunk is up to call that number through")]
    NoTrunk,
    /// A desk phone answers calls on the phone itself.
    #[error("calls to a desk phone are answered on the phone")]
    AnswerOnDevice,
    /// The change asked for makes no sense.
    #[error("{0}")]
    Invalid(String),
    /// The SIP endpoint is not running.
    #[error("the SIP endpoint is not running")]
    Stopped,
}

impl From<CommandError> for AgentError {
    fn from(e: CommandError) -> AgentError {
        match e {
            CommandError::UnknownAgent | CommandError::NotSignedIn => AgentError::NotSignedIn,
            CommandError::InCall => AgentError::InCall,
            CommandError::UnknownCall | CommandError::NotOffered | CommandError::NotAnswered => {
                AgentError::NoSuchCall
            }
            CommandError::UnknownGroup | CommandError::DuplicateCall => {
                AgentError::Invalid(e.to_string())
            }
        }
    }
}

/// A request from the API.
#[derive(Debug)]
pub(crate) enum AgentRequest {
    Presence {
        enterprise: EnterpriseId,
        user: UserId,
        reply: oneshot::Sender<Presence>,
    },
    Change {
        enterprise: EnterpriseId,
        user: UserId,
        change: PresenceChange,
        reply: oneshot::Sender<Result<Presence, AgentError>>,
    },
    Queues {
        enterprise: EnterpriseId,
        user: UserId,
        reply: oneshot::Sender<Vec<QueueLength>>,
    },
    Colleagues {
        enterprise: EnterpriseId,
        user: UserId,
        reply: oneshot::Sender<Vec<model::presence::Colleague>>,
    },
    Monitor {
        enterprise: EnterpriseId,
        reply: oneshot::Sender<Monitor>,
    },
    Action {
        enterprise: EnterpriseId,
        user: UserId,
        call: Option<u64>,
        action: AgentAction,
        reply: oneshot::Sender<Result<(), AgentError>>,
    },
    /// A supervisor steps into the call `agent` talks on.
    Supervise {
        enterprise: EnterpriseId,
        supervisor: UserId,
        agent: UserId,
        step: callflow::StepIn,
        reply: oneshot::Sender<Result<(), AgentError>>,
    },
    /// The record key of the call the agent is talking on.
    TalkingCall {
        enterprise: EnterpriseId,
        user: UserId,
        reply: oneshot::Sender<Result<String, AgentError>>,
    },
    BrowserOffer {
        enterprise: EnterpriseId,
        user: UserId,
        sdp: String,
        reply: oneshot::Sender<Result<(u64, String), AgentError>>,
    },
    BrowserClosed {
        user: UserId,
        session: u64,
    },
}
