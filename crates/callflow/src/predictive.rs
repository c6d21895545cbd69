//! A predictive campaign's call: the dialer calls the customer before an agent is free for
//! them. Until the customer answers only their leg exists (no agent hears ringback); when they
//! answer, the call becomes a call in the contact center ([`crate::inbound`]) that asks the
//! engine for the campaign's longest-idle agent, whose device answers by itself. When no agent
//! is free the customer hears a short message and is hung up on: an abandoned call, which the
//! dialer's pacing keeps under the campaign's cap.

use model::calls::{CallDirection, CallEvent, HangupSide};
use sip::failure::FailureCode;

use crate::call::{Input, PredictiveCall};
use crate::legs::{Legs, MAIN, Routed};
use crate::sipleg::{InDialog, LegEvent};
use crate::{LegId, LegRole, Local, Millis, Output};

/// A predictive call while the customer is being called.
#[derive(Debug)]
pub(crate) struct Dialing {
    pub(crate) spec: PredictiveCall,
    pub(crate) legs: Legs,
    pub(crate) customer: LegId,
    /// When the customer's media started.
    pub(crate) media_started: Option<Millis>,
    /// The customer answered: the call goes on as a call in the contact center.
    pub(crate) answered: bool,
    ended: bool,
    pub(crate) finished: bool,
}

impl Dialing {
    /// The record starts (an outbound call with no agent yet, tagged with the campaign's
    /// customer) and the customer is called through the trunk.
    pub(crate) fn place(now: Millis, spec: PredictiveCall, local: Local, seed: u64) -> Dialing {
        let mut legs = Legs::new(local, seed);
        legs.push(Output::Record(CallEvent::Started {
            key: spec.key.clone(),
            enterprise: spec.enterprise,
            direction: CallDirection::AgentOutbound,
            caller: spec.caller_number.clone(),
            callee: spec.number.clone(),
            enterprise_number: Some(spec.caller_number.clone()),
            agent: None,
            at: now,
        }));
        legs.push(Output::Record(CallEvent::Campaign {
            key: spec.key.clone(),
            customer: spec.campaign.customer,
        }));
        let mut media = spec.customer_media.clone();
        let invite = legs.local.trunk_invite(
            &spec.route,
            &spec.number,
            &spec.caller_number,
            &mut media,
            &mut legs.tokens,
        );
        let credentials = spec.route.credentials.clone();
        let customer = legs.call(
            LegRole::Customer,
            spec.route.peer,
            invite,
            media,
            credentials,
        );
        Dialing {
            spec,
            legs,
            customer,
            media_started: None,
            answered: false,
            ended: false,
            finished: false,
        }
    }

    /// The call ended before the customer answered.
    pub(crate) fn is_ended(&self) -> bool {
        self.ended
    }

    pub(crate) fn handle(&mut self, now: Millis, input: Input) {
        match self.legs.sip_input(input) {
            Routed::Leg(leg, Some(ev)) if leg == self.customer => self.customer_event(now, ev),
            Routed::Leg(..) => {}
            Routed::Call(input) => match *input {
                Input::Hangup { by } => self.end(now, Some(FailureCode::Cancelled), by),
                Input::MediaTimeout { leg } if leg == self.customer => {
                    self.end(now, None, HangupSide::System);
                }
                _ => {}
            },
        }
        if self.ended && !self.finished && self.legs.all_over() {
            self.finished = true;
            self.legs.push(Output::Finished);
        }
    }

    fn customer_event(&mut self, now: Millis, ev: LegEvent) {
        if self.ended {
            return;
        }
        match ev {
            LegEvent::Progress(Some(sdp)) => self.start_media(now, &sdp),
            LegEvent::Answered(Some(sdp)) => {
                self.start_media(now, &sdp);
                self.answered = true;
                self.legs.push(Output::Record(CallEvent::Answered {
                    key: self.spec.key.clone(),
                    at: now,
                    recording: None,
                }));
            }
            LegEvent::Answered(None) => {
                self.end(now, Some(FailureCode::NetworkError), HangupSide::System);
            }
            LegEvent::Failed(failure) => self.end(now, Some(failure), HangupSide::System),
            // A carrier that never answers is down.
            LegEvent::TimedOut => self.end(now, Some(FailureCode::TrunkDown), HangupSide::System),
            LegEvent::InDialog(InDialog::HungUp) => {
                self.end(now, Some(FailureCode::Cancelled), HangupSide::Customer);
            }
            LegEvent::InDialog(InDialog::Refer { .. }) => {
                let leg = self.customer;
                self.legs
                    .with_sip(leg, |l, ctx| l.notify_refer(ctx, 603, "Declined"));
            }
            LegEvent::Progress(None) | LegEvent::Nothing | LegEvent::InDialog(_) => {}
        }
    }

    fn start_media(&mut self, now: Millis, sdp: &sip::sdp::AudioDesc) {
        if self.legs.start_rtp(self.customer, sdp, MAIN) {
            self.media_started = Some(now);
        }
    }

    /// Ends the call before the customer answered: the record closes with the failure and
    /// the leg is cancelled.
    fn end(&mut self, now: Millis, failure: Option<FailureCode>, side: HangupSide) {
        if self.ended {
            return;
        }
        self.ended = true;
        self.legs.push(Output::Record(CallEvent::Ended {
            key: self.spec.key.clone(),
            at: now,
            failure: failure.map(|f| f.as_str().to_owned()),
            hangup_side: side,
        }));
        // The leg's media stops, or its unused port is given back.
        self.legs.drop_all();
    }
}
