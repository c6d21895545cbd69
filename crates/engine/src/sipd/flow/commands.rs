//! Carrying out what agents ask through the API: presence changes (then the ACD's decisions),
//! and actions on their call (answer, reject, hang up, hold, transfer, transcription), each
//! checked against the call's state and given to the call as an input. An in-call feature adds
//! its action here and its input in `callflow`.

use sip::Millis;
use sip::txn::Transactions;

use super::super::agents::{AgentAction, AgentError, AgentRequest};
use crate::sipd::calls::{Calls, wall_ms};
use callflow::{CallError, ConsultTo, TransferTo};
use model::presence::{LoginState, PhoneState};
use model::{EnterpriseId, UserId};

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
                let r = self
                    .cc
                    .change_presence(enterprise, user, &change, wall_ms());
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
            AgentRequest::Colleagues {
                enterprise,
                user,
                reply,
            } => {
                let _ = reply.send(self.cc.colleagues(enterprise, user, wall_ms()));
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
            AgentRequest::Supervise {
                enterprise,
                supervisor,
                agent,
                step,
                reply,
            } => {
                let r = self.supervise(now, enterprise, supervisor, agent, step, txns);
                let _ = reply.send(r);
            }
            AgentRequest::TalkingCall {
                enterprise,
                user,
                reply,
            } => {
                let key = match self.flows.of_agent(enterprise, user, None) {
                    Some((id, callflow::AgentPart::Talking { .. })) => self
                        .flows
                        .get(id)
                        .map(|c| c.key().to_owned())
                        .ok_or(AgentError::NotTalking),
                    _ => Err(AgentError::NotTalking),
                };
                let _ = reply.send(key);
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
        // A call being placed (the customer not answered yet) only ends; a talking one (inbound,
        // or placed and answered) decides what an agent leaving means.
        let talking = !self.flows.get(id).is_some_and(callflow::Call::is_placing);
        // A consulted colleague talks on the call but does not own it: they may only hang up
        // (leave) until it is handed to them.
        let owner = self.flows.get(id).and_then(callflow::Call::agent) == Some(user);
        let steers = !matches!(
            action,
            AgentAction::Answer | AgentAction::Reject | AgentAction::Hangup
        );
        if steers && !owner && matches!(part, AgentPart::Talking { .. }) {
            return Err(AgentError::NotTalking);
        }
        match (action, part) {
            (AgentAction::Hangup, AgentPart::Talking { .. }) if talking => {
                // The talking agent, or a consulted colleague: the call decides what leaving means.
                self.call_input(now, id, Input::AgentHangup { agent: user }, txns);
                Ok(())
            }
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
            (AgentAction::Answer | AgentAction::Reject, AgentPart::Talking { .. }) if talking => {
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
                self.on_call(now, id, txns, None, |call| call.hold(wall_ms(), on))
            }
            (
                AgentAction::Hold { .. }
                | AgentAction::Transfer { .. }
                | AgentAction::Consult { .. }
                | AgentAction::ConsultGroup { .. }
                | AgentAction::ConsultStep { .. }
                | AgentAction::Digits { .. }
                | AgentAction::TransferToIvr { .. },
                AgentPart::Ringing { .. },
            ) => Err(AgentError::NotTalking),
            (AgentAction::ConsultGroup { group }, AgentPart::Talking { .. }) => {
                let to = ConsultTo::Agent(self.group_colleague(e, user, group)?);
                self.on_call(now, id, txns, None, |call| call.consult(wall_ms(), to))
            }
            (AgentAction::Consult { to }, AgentPart::Talking { .. }) => {
                self.consult_target_ready(e, user, &to)?;
                let number = match &to {
                    ConsultTo::External(n) => Some(n.clone()),
                    ConsultTo::Agent(_) => None,
                };
                self.on_call(now, id, txns, number, |call| call.consult(wall_ms(), to))
            }
            (AgentAction::TransferToIvr { number }, AgentPart::Talking { .. }) => {
                let flow = self
                    .directory
                    .flow_of(e, &number)
                    .ok_or(AgentError::NoSuchFlow)?;
                self.on_call(now, id, txns, None, |call| {
                    call.transfer_to_ivr(wall_ms(), flow)
                })
            }
            (AgentAction::Digits { digits }, AgentPart::Talking { .. }) => {
                self.on_call(now, id, txns, None, |call| call.send_digits(&digits))
            }
            (AgentAction::ConsultStep { step }, AgentPart::Talking { .. }) => {
                self.on_call(now, id, txns, None, |call| {
                    call.consult_step(wall_ms(), step)
                })
            }
            (AgentAction::Transfer { to }, AgentPart::Talking { .. }) => {
                self.transfer_target_ready(e, user, &to)?;
                let number = match &to {
                    TransferTo::External(n) => Some(n.clone()),
                    _ => None,
                };
                self.on_call(now, id, txns, number, |call| call.transfer(wall_ms(), to))
            }
        }
    }

    /// A supervisor steps into the call `agent` talks on: the first step needs the supervisor
    /// signed in and idle (or already on this call as its supervisor).
    fn supervise(
        &mut self,
        now: Millis,
        e: EnterpriseId,
        supervisor: UserId,
        agent: UserId,
        step: callflow::StepIn,
        txns: &mut Transactions,
    ) -> Result<(), AgentError> {
        let id = match self.flows.of_agent(e, agent, None) {
            Some((id, callflow::AgentPart::Talking { .. }))
                if self.flows.get(id).and_then(callflow::Call::agent) == Some(agent) =>
            {
                id
            }
            _ => return Err(AgentError::NotTalking),
        };
        let already = self.flows.of_agent(e, supervisor, Some(id)).is_some();
        if !already {
            let p = self.cc.presence(e, supervisor, wall_ms());
            if p.login == LoginState::Offline {
                return Err(AgentError::NotSignedIn);
            }
            if p.login != LoginState::Online || p.phone != PhoneState::Idle {
                return Err(AgentError::SupervisorBusy);
            }
        }
        self.on_call(now, id, txns, None, |call| {
            call.supervise(wall_ms(), supervisor, step)
        })
    }

    /// Whether a consult can reach `to` now: a colleague signed in and idle, or a number with
    /// a trunk to reach it.
    fn consult_target_ready(
        &mut self,
        e: EnterpriseId,
        user: UserId,
        to: &ConsultTo,
    ) -> Result<(), AgentError> {
        let as_transfer = match to {
            ConsultTo::Agent(a) => TransferTo::Agent(*a),
            ConsultTo::External(n) => TransferTo::External(n.clone()),
        };
        self.transfer_target_ready(e, user, &as_transfer)
    }

    /// The colleague a consult to `group` rings: its best idle member by the group's strategy
    /// (the ACD's own choice), never the consulting agent.
    fn group_colleague(
        &mut self,
        e: EnterpriseId,
        user: UserId,
        group: model::SkillGroupId,
    ) -> Result<UserId, AgentError> {
        if !self.cc.has_group(e, group) {
            return Err(AgentError::UnknownGroup);
        }
        let acd = self.cc.acd(e);
        acd.idle_members(crate::sipd::cc::group_id(group))
            .map(crate::sipd::cc::user_id)
            .find(|&a| a != user)
            .ok_or(AgentError::GroupHasNoIdleAgent)
    }

    /// A desk phone's transfer key (REFER) on its agent's call: the target's user part is a
    /// colleague's extension or a number; the transfer is made as from the phone bar, or the
    /// phone hears why not.
    pub(super) fn refer(&mut self, now: Millis, id: u64, target: &str, txns: &mut Transactions) {
        let Some((e, agent)) = self
            .flows
            .get(id)
            .and_then(|c| Some((c.enterprise(), c.agent()?)))
        else {
            return;
        };
        let user = super::user_of(target);
        let to = match self.directory.user_of_account(e, &user) {
            Some(colleague) => Some(TransferTo::Agent(colleague)),
            None if ivr::dialable(&user) => Some(TransferTo::External(user.clone())),
            None => None,
        };
        let r = match to {
            None => Err((404, "Not Found")),
            Some(to) => match self.transfer_target_ready(e, agent, &to) {
                Err(err) => Err(match err {
                    AgentError::TargetOffline | AgentError::GroupHasNoAgent => {
                        (480, "Temporarily Unavailable")
                    }
                    AgentError::TargetBusy => (486, "Busy Here"),
                    AgentError::NoTrunk => (503, "Service Unavailable"),
                    _ => (603, "Declined"),
                }),
                Ok(()) => Ok(to),
            },
        };
        self.guarded(now, id, txns, |this, txns| {
            let r = r.and_then(|to| {
                this.flows
                    .call_mut(id)
                    .map_or(Err((481, "Call Does Not Exist")), |c| {
                        c.transfer(wall_ms(), to).map_err(|_| (603, "Declined"))
                    })
            });
            tracing::info!(call = id, target, ?r, "desk phone transfer (REFER)");
            if let (Err((code, reason)), Some(call)) = (r, this.flows.call_mut(id)) {
                call.refer_failed(code, reason);
            }
            this.drive_call(now, id, txns);
        });
    }

    /// Whether a transfer can go to `to` now: a group with someone signed in, or a colleague
    /// (not the agent themself) who is signed in and idle, or a number with a trunk to reach it.
    fn transfer_target_ready(
        &mut self,
        e: EnterpriseId,
        user: UserId,
        to: &TransferTo,
    ) -> Result<(), AgentError> {
        match *to {
            TransferTo::External(_) => {
                if !self.can_call_out(e) {
                    return Err(AgentError::NoTrunk);
                }
            }
            TransferTo::Group(group) => {
                if !self.cc.has_group(e, group) {
                    return Err(AgentError::UnknownGroup);
                }
                let members = self
                    .cc
                    .acd(e)
                    .signed_in_members(crate::sipd::cc::group_id(group));
                if members == 0 {
                    return Err(AgentError::GroupHasNoAgent);
                }
            }
            TransferTo::Agent(agent) => {
                if agent == user {
                    return Err(AgentError::Invalid(
                        "the call is already yours: pick a colleague".to_owned(),
                    ));
                }
                let p = self.cc.presence(e, agent, wall_ms());
                if p.login == LoginState::Offline {
                    return Err(AgentError::TargetOffline);
                }
                if p.login != LoginState::Online || p.phone != PhoneState::Idle {
                    return Err(AgentError::TargetBusy);
                }
            }
        }
        Ok(())
    }
}

/// A call's refusal as the API says it.
impl Calls {
    /// `command` on call `id` under its guard (see [`Calls::command`]); `allowed`, a number
    /// risk control let the command reach, is noted for the call once the command is taken.
    fn on_call(
        &mut self,
        now: Millis,
        id: u64,
        txns: &mut Transactions,
        allowed: Option<String>,
        command: impl FnOnce(&mut callflow::Call) -> Result<(), CallError>,
    ) -> Result<(), AgentError> {
        self.command(now, id, txns, |this| {
            let call = this.flows.call_mut(id).ok_or(AgentError::NoSuchCall)?;
            command(call).map_err(call_error)?;
            if let Some(n) = allowed {
                this.risk_allowed(id, &n);
            }
            Ok(())
        })
    }
}

fn call_error(e: CallError) -> AgentError {
    match e {
        CallError::InConsult => AgentError::InConsult,
        CallError::Supervised => AgentError::Supervised,
        CallError::StepOrder => AgentError::StepOrder,
        CallError::NoConsult => AgentError::NoConsult,
        CallError::NotAnswered | CallError::NotTheAgents | CallError::NotTalking => {
            AgentError::NotTalking
        }
    }
}
