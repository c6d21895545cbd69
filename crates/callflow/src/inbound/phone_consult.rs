//! Consult and attended transfer with a desk phone's own keys (SPEC §3): while its agent talks
//! with a customer, the phone holds that call and dials a colleague or a number: its INVITE
//! starts a consult of the customer's call, and the phone's new call carries the agent's side of
//! it (ringback as early media, the 200 OK when the party answers). Then the phone's transfer key
//! sends REFER with Replaces (RFC 3891) on either call, naming the other: the party keeps the
//! customer and both phone calls end (attended transfer); pressed while the party still rings,
//! it becomes a blind transfer to them ("semi-attended"); hanging up the new call cancels the
//! consult and the phone resumes the customer's call. The phone bar's consult buttons work on
//! such a consult as on their own: join makes the phone's new call the agent's call with all
//! three.

use super::consult::{CONSULT, Party, State};
use super::{AgentLeg, Inbound, Stage};
use crate::call::{ConsultTo, PhoneConsult};
use crate::legs::MAIN;
use crate::sipleg::{InDialog, LegEvent, Refusal};
use crate::{LegId, MediaOut, Millis, TransferTo};

impl Inbound {
    /// The agent's desk phone called `consult.to` during the call: a consult whose agent side
    /// is the phone's new call. The new leg, or why the phone's INVITE is refused.
    pub(crate) fn consult_from_phone(
        &mut self,
        now: Millis,
        consult: PhoneConsult,
    ) -> Result<LegId, Refusal> {
        let Stage::Talking {
            agent,
            leg: AgentLeg::Sip(_),
            ..
        } = self.stage
        else {
            return Err(Refusal {
                code: 486,
                reason: "Not Talking With The Customer",
            });
        };
        if consult.to == ConsultTo::Agent(agent) {
            return Err(Refusal {
                code: 403,
                reason: "Own Extension",
            });
        }
        if self.may_consult(&consult.to).is_err() {
            return Err(Refusal {
                code: 486,
                reason: "Already Consulting",
            });
        }
        let PhoneConsult {
            invite,
            peer,
            media,
            to,
        } = consult;
        let leg = self
            .legs
            .early_phone((invite.txn, invite.invite), peer, media, CONSULT)?;
        self.start_consult(now, to, Some(leg));
        Ok(leg)
    }

    /// The phone's consult call `via` becomes the agent's call (the three-way call): its audio
    /// joins the main room and the customer's call on the phone ends.
    pub(super) fn phone_call_joins(&mut self, via: LegId) {
        let Stage::Talking { leg, .. } = &mut self.stage else {
            return;
        };
        let old = std::mem::replace(leg, AgentLeg::Sip(via));
        self.legs.media(MediaOut::Join {
            leg: via,
            room: MAIN,
        });
        if let AgentLeg::Sip(old) = old {
            self.legs.drop_leg(old);
        }
    }

    /// The consult ended without a transfer: the phone's consult call ends, with a final
    /// response saying why when it was never answered.
    pub(super) fn end_phone_consult_call(&mut self, via: LegId, reason: &str) {
        let (code, phrase) = match reason {
            "busy" | "target_busy" => (486, "Busy Here"),
            "target_offline" => (480, "Agent Not Signed In"),
            "no_answer" => (480, "No Answer"),
            "no_trunk" => (503, "No Trunk Available"),
            "invalid_number" => (404, "Not Found"),
            "cancelled" | "caller_hung_up" | "transferred" => (487, "Request Terminated"),
            _ => (480, "Temporarily Unavailable"),
        };
        self.legs
            .with_sip(via, |l, ctx| l.refuse(ctx, code, phrase));
        self.legs.drop_leg(via);
    }

    /// Whether a consult made on the desk phone is under way and its party answered.
    pub(super) fn phone_consult_answered(&self) -> bool {
        self.consult.as_ref().is_some_and(|c| {
            c.via.is_some() && matches!(c.state, State::Talking | State::ThreeWay { .. })
        })
    }

    /// A SIP event on a phone's consult call. Returns false when `leg` is not one.
    pub(super) fn via_leg_event(&mut self, now: Millis, leg: LegId, ev: &LegEvent) -> bool {
        if self.consult.as_ref().and_then(|c| c.via) != Some(leg) {
            return false;
        }
        match ev {
            // The phone hung up (or cancelled) its consult call: back to the customer.
            LegEvent::InDialog(InDialog::HungUp) | LegEvent::TimedOut => {
                self.end_consult(now, "cancelled");
            }
            LegEvent::InDialog(InDialog::Media { remote, hold }) => {
                self.legs.re_offered(leg, *remote, *hold);
            }
            LegEvent::InDialog(InDialog::Refer {
                replaces: Some(call_id),
                ..
            }) => {
                let customer_call = match self.stage {
                    Stage::Talking {
                        leg: AgentLeg::Sip(a),
                        ..
                    } => self.legs.call_id(a),
                    _ => None,
                };
                self.attended_transfer(now, leg, customer_call.as_deref() == Some(call_id));
            }
            LegEvent::InDialog(InDialog::Refer { replaces: None, .. }) => self.refuse_refer(leg),
            _ => {}
        }
        true
    }

    /// A REFER with Replaces on the customer's call (`leg`), naming the dialog `call_id`.
    pub(super) fn phone_refer_replaces(&mut self, now: Millis, leg: LegId, call_id: &str) {
        let via = self.consult.as_ref().and_then(|c| c.via);
        let names_via = via.and_then(|v| self.legs.call_id(v)).as_deref() == Some(call_id);
        self.attended_transfer(now, leg, names_via);
    }

    /// The phone's transfer key with Replaces, sent on `leg`: when it names the phone's other
    /// call of this consult and the party answered, the party keeps the customer (the NOTIFY
    /// says so before both phone calls end); otherwise the phone hears why not.
    fn attended_transfer(&mut self, now: Millis, leg: LegId, names_the_other_call: bool) {
        let answered = self
            .consult
            .as_ref()
            .is_some_and(|c| matches!(c.state, State::Talking | State::ThreeWay { .. }));
        if !names_the_other_call {
            self.legs.with_sip(leg, |l, ctx| {
                l.notify_refer(ctx, 481, "Call/Transaction Does Not Exist");
            });
        } else if self.refer.is_some() {
            self.refuse_refer(leg);
        } else if answered {
            self.refer = Some(leg);
            self.complete(now);
        } else {
            self.semi_attended(now, leg);
        }
    }

    /// The transfer key pressed while the party still rings ("semi-attended"): the consult
    /// ends and the customer is transferred blind to the party (ringing them again as a
    /// transfer, coming back to the agent if they do not answer); the phone hears it worked.
    fn semi_attended(&mut self, now: Millis, leg: LegId) {
        let to = match self.consult.as_ref().map(|c| c.party().clone()) {
            Some(Party::Agent { user, .. }) => TransferTo::Agent(user),
            Some(Party::External { number, .. }) => TransferTo::External(number),
            None => return self.refuse_refer(leg),
        };
        self.end_consult(now, "transferred");
        self.refer = Some(leg);
        if self.transfer(now, to).is_err() {
            self.refer = None;
            self.refuse_refer(leg);
        }
    }
}
