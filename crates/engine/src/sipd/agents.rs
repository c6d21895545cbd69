//! What agents and supervisors ask of the contact center through the API: presence (sign in and
//! out, idle, busy, custom statuses, auto-answer), rejecting and hanging up calls, queue lengths
//! and the real-time monitor.

use model::presence::{
    AgentDevice, LoginState, Monitor, PhoneState, Presence, PresenceChange, QueueLength,
};
use model::{EnterpriseId, UserId};
use sip::Millis;
use sip::txn::Transactions;
use tokio::sync::oneshot;

use super::calls::{Calls, wall_ms};
use super::cc::{agent_id, device_of};
use acd::{Command, CommandError};

/// What an agent does with a call from the phone bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Transfer the customer (blind) to a skill group's queue.
    Transfer {
        /// The group.
        group: model::SkillGroupId,
    },
}

/// Why an agent's request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentError {
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

impl Calls {
    pub(crate) fn agent_request(
        &mut self,
        now: Millis,
        req: AgentRequest,
        txns: &mut Transactions,
    ) {
        match req {
            AgentRequest::Presence {
                enterprise,
                user,
                reply,
            } => {
                let _ = reply.send(self.cc.presence(enterprise, user, wall_ms()));
            }
            AgentRequest::Change {
                enterprise,
                user,
                change,
                reply,
            } => {
                let r = self.change_presence(enterprise, user, &change);
                self.drain_acd(now, enterprise, txns);
                let _ = reply.send(r.map(|()| self.cc.presence(enterprise, user, wall_ms())));
            }
            AgentRequest::Queues {
                enterprise,
                user,
                reply,
            } => {
                let _ = reply.send(self.cc.queues_of(enterprise, user));
            }
            AgentRequest::Monitor { enterprise, reply } => {
                let _ = reply.send(self.cc.monitor(enterprise, wall_ms()));
            }
            AgentRequest::Action {
                enterprise,
                user,
                call,
                action,
                reply,
            } => {
                let r = self.call_action(now, enterprise, user, call, action, txns);
                let _ = reply.send(r);
            }
            AgentRequest::BrowserOffer {
                enterprise,
                user,
                sdp,
                reply,
            } => {
                let _ = reply.send(self.browser_offer(enterprise, user, &sdp));
            }
            AgentRequest::BrowserClosed { user, session } => self.browser_closed(user, session),
        }
    }

    fn change_presence(
        &mut self,
        e: EnterpriseId,
        user: UserId,
        change: &PresenceChange,
    ) -> Result<(), AgentError> {
        let wall = wall_ms();
        let agent = agent_id(user);
        let current = self.cc.presence(e, user, wall);
        let acd = self.cc.acd(e);
        let device = change
            .device
            .or(current.device)
            .unwrap_or(AgentDevice::DeskPhone);
        match change.login {
            Some(LoginState::Offline) => acd.handle(wall, Command::Logout { agent })?,
            Some(LoginState::Online) => {
                acd.handle(
                    wall,
                    Command::Login {
                        agent,
                        device: device_of(device),
                    },
                )?;
                if current.login == LoginState::Custom {
                    acd.handle(
                        wall,
                        Command::SetCustomStatus {
                            agent,
                            status: None,
                        },
                    )?;
                }
            }
            Some(LoginState::Custom) => {
                let Some(status) = change.custom_status_id else {
                    return Err(AgentError::Invalid(
                        "login `custom` needs a custom_status_id".to_owned(),
                    ));
                };
                if current.login == LoginState::Offline {
                    acd.handle(
                        wall,
                        Command::Login {
                            agent,
                            device: device_of(device),
                        },
                    )?;
                }
                acd.handle(
                    wall,
                    Command::SetCustomStatus {
                        agent,
                        status: Some(acd::StatusId(u64::try_from(status.0).unwrap_or(0))),
                    },
                )?;
            }
            None => {
                if let Some(d) = change.device
                    && current.login != LoginState::Offline
                    && current.device != Some(d)
                {
                    acd.handle(
                        wall,
                        Command::Login {
                            agent,
                            device: device_of(d),
                        },
                    )?;
                }
            }
        }
        match change.phone {
            None => {}
            Some(PhoneState::Idle) => acd.handle(wall, Command::SetIdle { agent })?,
            Some(PhoneState::Busy) => acd.handle(wall, Command::SetBusy { agent })?,
            Some(other) => {
                return Err(AgentError::Invalid(format!(
                    "phone status `{}` is set by calls, not by the agent: use idle or busy",
                    serde_json::to_value(other)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                )));
            }
        }
        if let Some(on) = change.auto_answer {
            acd.handle(wall, Command::SetAutoAnswer { agent, on })?;
        }
        Ok(())
    }

    fn call_action(
        &mut self,
        now: Millis,
        e: EnterpriseId,
        user: UserId,
        call: Option<u64>,
        action: AgentAction,
        txns: &mut Transactions,
    ) -> Result<(), AgentError> {
        use callflow::{AgentPart, Input};
        // The agent's call: ringing them, or talking with them.
        let (id, part) = self
            .flows
            .of_agent(e, user, call)
            .ok_or(AgentError::NoSuchCall)?;
        let inbound = self.flows.get(id).is_some_and(callflow::Call::is_inbound);
        match (action, part) {
            (AgentAction::Hangup, AgentPart::Talking { .. }) => {
                let by = model::calls::HangupSide::Agent;
                self.call_input(now, id, Input::Hangup { by }, txns);
                Ok(())
            }
            (AgentAction::Reject | AgentAction::Hangup, AgentPart::Ringing { .. }) => {
                self.call_input(now, id, Input::Reject { agent: user }, txns);
                Ok(())
            }
            (AgentAction::Answer, AgentPart::Ringing { browser: true }) => {
                if !self.browsers.by_user.contains_key(&user) {
                    return Err(AgentError::Invalid(
                        "the browser's audio is not connected".to_owned(),
                    ));
                }
                self.call_input(now, id, Input::AnswerInBrowser { agent: user }, txns);
                Ok(())
            }
            (AgentAction::Answer, AgentPart::Ringing { browser: false }) => {
                Err(AgentError::AnswerOnDevice)
            }
            (AgentAction::Answer | AgentAction::Reject, AgentPart::Talking { .. }) if inbound => {
                Err(AgentError::InCall)
            }
            (AgentAction::Answer | AgentAction::Reject, AgentPart::Talking { .. }) => {
                Err(AgentError::NoSuchCall)
            }
            (AgentAction::Transcription { on }, AgentPart::Talking { .. }) => {
                self.set_call_transcription(now, id, on, txns)
            }
            (AgentAction::Transcription { .. }, AgentPart::Ringing { .. }) => {
                Err(AgentError::NoSuchCall)
            }
            (AgentAction::Hold { on }, AgentPart::Talking { .. }) => {
                let call = self.flows.call_mut(id).ok_or(AgentError::NoSuchCall)?;
                let r = call.hold(wall_ms(), on).map_err(|_| AgentError::NotTalking);
                self.run_call(now, id, txns);
                r
            }
            (
                AgentAction::Hold { .. } | AgentAction::Transfer { .. },
                AgentPart::Ringing { .. },
            ) => Err(AgentError::NotTalking),
            (AgentAction::Transfer { group }, AgentPart::Talking { .. }) => {
                if !self.cc.has_group(e, group) {
                    return Err(AgentError::UnknownGroup);
                }
                let members = self.cc.acd(e).signed_in_members(super::cc::group_id(group));
                if members == 0 {
                    return Err(AgentError::GroupHasNoAgent);
                }
                let call = self.flows.call_mut(id).ok_or(AgentError::NoSuchCall)?;
                let r = call.transfer(group).map_err(|_| AgentError::NotTalking);
                self.run_call(now, id, txns);
                r
            }
        }
    }
}
