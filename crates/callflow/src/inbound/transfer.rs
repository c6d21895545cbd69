//! Blind transfers of an inbound call (SPEC §3): to a skill group, a colleague or a number
//! outside (through the ACD or a trunk), into an IVR entry, and the same asked by a desk phone's
//! own transfer key (REFER), whose NOTIFY says how it went.

use model::{Event, UserId};

use super::{AgentLeg, Inbound, Seat, Stage};
use crate::call::CallError;
use crate::legs::MAIN;
use crate::{AcdOut, LegId, MediaOut, Millis, Output, TransferTo};

/// A blind transfer to a colleague or a number that has not been answered yet: if it fails,
/// the call comes back to the agent who transferred it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Recall {
    /// The agent who transferred the call.
    pub(super) from: UserId,
    /// Where to.
    pub(super) to: Target,
}

/// Where a blind transfer that may come back went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// A colleague (their personal queue).
    Agent(UserId),
    /// A number outside, through a trunk.
    Number(String),
}

impl Inbound {
    /// What every blind transfer does first, refused unless the agent talks with the customer
    /// and no consult runs: a desk phone's pending REFER hears it worked (before its BYE), the
    /// supervisor leaves, the agent's segment closes as transferred. Returns the agent's part,
    /// which the caller then ends.
    fn hand_off(&mut self, now: Millis) -> Result<(UserId, AgentLeg, Seat), CallError> {
        let Stage::Talking {
            agent,
            leg,
            since,
            seat,
        } = self.stage
        else {
            return Err(CallError::NotTalking);
        };
        if self.consult.is_some() {
            return Err(CallError::InConsult);
        }
        if let (Some(l), AgentLeg::Sip(talking)) = (self.refer.take(), leg)
            && l == talking
        {
            self.legs
                .with_sip(l, |s, ctx| s.notify_refer(ctx, 200, "OK"));
        }
        self.supervisor_leaves(now, "transferred");
        self.recall = None;
        self.transferred_by = Some(agent);
        self.segment(agent, since, now, true);
        Ok((agent, leg, seat))
    }

    /// The agent transfers the customer to a group, a colleague or a number outside: their side
    /// ends (after-call work, their segment closed); the customer waits at the head of that
    /// queue with music, or hears the transfer music while the number rings.
    pub(crate) fn transfer(&mut self, now: Millis, to: TransferTo) -> Result<(), CallError> {
        let (agent, leg, seat) = self.hand_off(now)?;
        self.held = false;
        self.leave(agent, leg, seat);
        self.stage = Stage::Routing;
        self.recall = match &to {
            TransferTo::Agent(colleague) => Some(Recall {
                from: agent,
                to: Target::Agent(*colleague),
            }),
            TransferTo::External(number) => Some(Recall {
                from: agent,
                to: Target::Number(number.clone()),
            }),
            _ => None,
        };
        if let TransferTo::External(number) = to {
            // The engine finds a trunk and answers with `Input::Forward` or `ForwardFailed`.
            self.legs.push(Output::Forward { number });
        } else {
            let since = self.queued_at.unwrap_or(self.started);
            self.legs.push(Output::Acd(AcdOut::Transfer { to, since }));
        }
        Ok(())
    }

    /// The agent transfers the customer into an IVR flow: their side ends as with any transfer;
    /// the flow starts for the customer (its menus, then wherever it routes).
    pub(crate) fn transfer_to_ivr(
        &mut self,
        now: Millis,
        flow: std::sync::Arc<ivr::Flow>,
    ) -> Result<(), CallError> {
        let (agent, leg, seat) = self.hand_off(now)?;
        if self.held {
            self.held = false;
            self.legs.media(MediaOut::StopPlay { room: MAIN });
        }
        self.leave(agent, leg, seat);
        self.stage = Stage::Outside;
        self.ivr = Some(ivr::Ivr::new(flow, now));
        self.drain_ivr(now);
        Ok(())
    }

    /// The colleague a call was transferred to did not take it (`reason`): the call goes
    /// back to the agent who transferred it, whose phone bar says why and rings again. Only
    /// once: a call that comes back and is not taken waits as any personal-queue call.
    pub(super) fn recall(&mut self, colleague: UserId, reason: &str) {
        let Some(r) = self.recall.take_if(|r| r.to == Target::Agent(colleague)) else {
            return;
        };
        if !matches!(self.stage, Stage::Waiting { ring: None, .. }) {
            return;
        }
        // The engine fills in the colleague's name.
        self.come_back(r.from, Some(colleague), String::new(), reason);
    }

    /// The number outside a call was transferred to could not be reached (no trunk, busy, no
    /// answer, …: `reason`): the call comes back to the agent who transferred it, once. False
    /// when it was not such a transfer (the caller then says goodbye).
    pub(super) fn recall_number(&mut self, reason: &str) -> bool {
        let Some(Recall {
            from,
            to: Target::Number(number),
        }) = self.recall.take_if(|r| matches!(r.to, Target::Number(_)))
        else {
            return false;
        };
        self.stage = Stage::Routing;
        self.come_back(from, None, number, reason);
        true
    }

    /// Tells the transferring agent why the transfer failed and asks the ACD to bring the call
    /// back to them (at the head of their personal queue, keeping the time waited).
    fn come_back(&mut self, from: UserId, colleague: Option<UserId>, name: String, reason: &str) {
        self.tell(
            from,
            Event::TransferReturned {
                call: self.spec.id.to_string(),
                colleague,
                colleague_name: name,
                reason: reason.to_owned(),
            },
        );
        self.transferred_by = None;
        self.stage = Stage::Routing;
        let since = self.queued_at.unwrap_or(self.started);
        self.legs
            .push(Output::Acd(AcdOut::Recall { agent: from, since }));
    }

    /// A REFER the call cannot carry out (not from the talking agent's phone, or while a
    /// consult or another transfer runs).
    pub(super) fn refuse_refer(&mut self, leg: LegId) {
        self.legs
            .with_sip(leg, |l, ctx| l.notify_refer(ctx, 603, "Declined"));
    }

    /// The engine could not transfer where the phone's REFER asked.
    pub(crate) fn refer_failed(&mut self, code: u16, reason: &str) {
        if let Some(leg) = self.refer.take() {
            self.legs
                .with_sip(leg, |l, ctx| l.notify_refer(ctx, code, reason));
        }
    }
}
