//! A call an agent places (click-to-dial from a desk phone, PSTN callback to the agent's mobile,
//! browser audio, or dialled on the desk phone's own keypad): the agent's side first, then the
//! customer through a trunk.

use model::calls::{CallDirection, CallEvent, HangupSide};
use sip::failure::FailureCode;

use crate::call::{AgentSide, CallError, Input, PlacedCall};
use crate::legs::{AgentAudio, Legs, MAIN, Routed};
use crate::sipleg::{InDialog, LegEvent, Refusal};
use crate::{AcdOut, LegId, LegRole, Local, MediaOut, Millis, Output};

/// Where a placed call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The agent's phone rings.
    AgentRinging,
    /// The customer is being called.
    CustomerRinging,
    /// A campaign call the customer answered: the agent's desk phone is being joined (an INVITE
    /// it answers by itself, `Call-Info: answer-after=0`).
    AgentJoining,
    /// Both talk.
    Connected,
    /// Over: legs may still be finishing (a CANCEL waiting for its 487).
    Ended,
}

/// A placed call's state.
#[derive(Debug)]
pub(crate) struct Placed {
    pub(crate) spec: PlacedCall,
    pub(crate) legs: Legs,
    pub(crate) customer_leg: Option<LegId>,
    phase: Phase,
    /// When the customer's media started (transcript times count from it).
    pub(crate) media_started: Option<Millis>,
    pub(crate) transcribing: bool,
    /// The agent has the customer on hold.
    pub(crate) held: bool,
    /// The customer answered.
    pub(crate) answered: bool,
    pub(crate) finished: bool,
}

impl Placed {
    fn new(spec: PlacedCall, local: Local, seed: u64) -> Placed {
        Placed {
            legs: Legs::new(local, seed),
            customer_leg: None,
            phase: Phase::AgentRinging,
            media_started: None,
            transcribing: false,
            held: false,
            answered: false,
            finished: false,
            spec,
        }
    }

    fn started(&mut self, now: Millis) {
        self.legs.push(Output::Record(CallEvent::Started {
            key: self.spec.key.clone(),
            enterprise: self.spec.enterprise,
            direction: CallDirection::AgentOutbound,
            caller: self.spec.caller_number.clone(),
            callee: self.spec.number.clone(),
            enterprise_number: Some(self.spec.caller_number.clone()),
            agent: Some(self.spec.agent),
            at: now,
        }));
        if let Some(tag) = &self.spec.campaign {
            self.legs.push(Output::Record(CallEvent::Campaign {
                key: self.spec.key.clone(),
                customer: tag.customer,
            }));
        }
    }

    /// The agent dialled on their desk phone: its INVITE gets early media at once (`183` with
    /// our SDP; no record when it cannot be answered), the record starts, the phone hears
    /// ringback and the customer is called. The phone's 200 OK waits for the customer's answer;
    /// a call that fails before it answers the phone with the failure (486 for a busy line).
    pub(crate) fn place_from_phone(
        now: Millis,
        spec: PlacedCall,
        local: Local,
        seed: u64,
    ) -> Result<Placed, Refusal> {
        let (Some(from), AgentSide::DeskPhone { peer, media, .. }) =
            (spec.from_phone.clone(), spec.agent_side.clone())
        else {
            return Err(Refusal {
                code: 500,
                reason: "Not A Desk Phone Call",
            });
        };
        let mut call = Placed::new(spec, local, seed);
        let leg = call
            .legs
            .early_phone((from.txn, from.invite), peer, media, MAIN)?;
        call.started(now);
        let l = &mut call.legs;
        l.media(MediaOut::RingbackToAgent {
            room: MAIN,
            leg: Some(leg),
            user: call.spec.agent,
        });
        call.call_customer();
        Ok(call)
    }

    /// The agent's SIP leg (desk phone, mobile), once it exists.
    pub(crate) fn agent_leg(&self) -> Option<LegId> {
        self.legs
            .map
            .iter()
            .find(|(_, l)| l.role == LegRole::Agent)
            .map(|(&id, _)| id)
    }

    /// The record starts, then the agent's phone rings (desk phone, mobile) or the agent's
    /// browser joins and the customer is called at once.
    pub(crate) fn place(now: Millis, spec: PlacedCall, local: Local, seed: u64) -> Placed {
        let mut call = Placed::new(spec, local, seed);
        call.started(now);
        match call.spec.agent_side.clone() {
            // A campaign call (progressive dialing) calls the customer first: the desk phone is
            // joined when they answer, as a browser agent is.
            AgentSide::DeskPhone { .. } if call.spec.campaign.is_some() => call.call_customer(),
            AgentSide::DeskPhone { .. } => call.ring_desk_phone(false),
            AgentSide::Mobile {
                route,
                number,
                mut media,
            } => {
                let l = &mut call.legs;
                let invite = l.local.trunk_invite(
                    &route,
                    &number,
                    &call.spec.caller_number,
                    &mut media,
                    &mut l.tokens,
                );
                l.call(
                    LegRole::Agent,
                    route.peer,
                    invite,
                    media,
                    route.credentials.clone(),
                );
            }
            AgentSide::Browser => {
                let user = call.spec.agent;
                call.legs.media(MediaOut::JoinBrowser { user, room: MAIN });
                call.legs.media(MediaOut::RingbackToAgent {
                    room: MAIN,
                    leg: None,
                    user,
                });
                call.call_customer();
            }
        }
        call
    }

    /// Calls the agent's desk phone; `auto_answer` asks it to answer by itself (the customer is
    /// already on the line).
    fn ring_desk_phone(&mut self, auto_answer: bool) {
        let AgentSide::DeskPhone {
            peer,
            contact,
            username,
            media,
        } = self.spec.agent_side.clone()
        else {
            return;
        };
        let display = self.shown_number().to_owned();
        let l = &mut self.legs;
        let mut invite =
            l.local
                .desk_phone_invite(&contact, &username, &display, peer, &media, &mut l.tokens);
        if auto_answer {
            invite.headers.push((
                "Call-Info".to_owned(),
                "<sip:patchbay>;answer-after=0".to_owned(),
            ));
        }
        l.call(LegRole::Agent, peer, invite, media, None);
    }

    /// The customer answered and the call goes on (it then becomes a talking call like any
    /// other: [`crate::inbound`]).
    pub(crate) fn is_connected(&self) -> bool {
        self.phase == Phase::Connected
    }

    /// The customer's leg, once its media runs, and when that began.
    pub(crate) fn customer_media(&self) -> Option<(LegId, Millis)> {
        let leg = self.customer_leg?;
        self.legs
            .map
            .get(&leg)
            .filter(|l| l.media)
            .and(self.media_started)
            .map(|at| (leg, at))
    }

    pub(crate) fn handle(&mut self, now: Millis, input: Input) {
        match self.legs.sip_input(input) {
            Routed::Leg(leg, ev) => self.leg_event(now, leg, ev),
            Routed::Call(input) => self.command(now, *input),
        }
        if !self.finished && self.phase == Phase::Ended && self.legs.all_over() {
            self.finished = true;
            self.legs.push(Output::Finished);
        }
    }

    /// An input that is not SIP on a leg.
    fn command(&mut self, now: Millis, input: Input) {
        match input {
            Input::MediaTimeout { leg } if self.legs.map.contains_key(&leg) => {
                self.end(now, None, HangupSide::System);
            }
            Input::Hangup { by } => {
                self.end(now, Some(FailureCode::Cancelled), by);
            }
            Input::Transcription { on } => {
                let _ = self.set_transcription(on);
            }
            Input::Hold { on } => {
                let _ = self.hold(now, on);
            }
            // Inputs of inbound calls mean nothing here.
            _ => {}
        }
    }

    /// Switches live transcription on or off; refused before the customer answered.
    pub(crate) fn set_transcription(&mut self, on: bool) -> Result<(), CallError> {
        if self.customer_media().is_none() || self.phase == Phase::Ended {
            return Err(CallError::NotAnswered);
        }
        if self.transcribing != on {
            self.transcribing = on;
            self.legs.media(MediaOut::Transcribe { on });
        }
        Ok(())
    }

    /// The agent puts the customer on hold, or resumes.
    pub(crate) fn hold(&mut self, now: Millis, on: bool) -> Result<(), CallError> {
        if self.phase != Phase::Connected {
            return Err(CallError::NotTalking);
        }
        if self.held != on {
            let audio = match self.spec.agent_side {
                AgentSide::Browser => AgentAudio::Browser(self.spec.agent),
                _ => {
                    let agent_leg = self.legs.map.iter().find(|(_, l)| l.role == LegRole::Agent);
                    let Some((&leg, _)) = agent_leg else {
                        return Err(CallError::NotTalking);
                    };
                    AgentAudio::Sip(leg)
                }
            };
            self.held = on;
            self.legs.hold_customer(audio, on);
            let call = self.spec.id.to_string();
            self.legs.push(Output::Agent {
                user: self.spec.agent,
                event: model::Event::CallHeld { call, on },
            });
            self.legs.push(Output::Record(CallEvent::Hold {
                key: self.spec.key.clone(),
                on,
                at: now,
            }));
        }
        Ok(())
    }

    /// The customer's number as the agent may see it (masked on a masking campaign's call).
    pub(crate) fn shown_number(&self) -> &str {
        self.spec
            .campaign
            .as_ref()
            .map_or(&self.spec.number, |t| &t.shown_number)
    }

    /// Calls the customer through the trunk.
    fn call_customer(&mut self) {
        self.phase = Phase::CustomerRinging;
        let mut media = self.spec.customer_media.clone();
        let l = &mut self.legs;
        let invite = l.local.trunk_invite(
            &self.spec.route,
            &self.spec.number,
            &self.spec.caller_number,
            &mut media,
            &mut l.tokens,
        );
        let (peer, credentials) = (self.spec.route.peer, self.spec.route.credentials.clone());
        self.customer_leg = Some(l.call(LegRole::Customer, peer, invite, media, credentials));
    }

    /// Starts a leg's media from the peer's SDP: the agent hears ringback until the customer's
    /// media comes; the customer's media is recorded and times transcripts.
    fn start_media(&mut self, now: Millis, leg: LegId, sdp: &sip::sdp::AudioDesc) {
        if !self.legs.start_rtp(leg, sdp, MAIN) {
            return;
        }
        match self.legs.role(leg) {
            Some(LegRole::Agent) if self.phase == Phase::AgentJoining => {}
            Some(LegRole::Agent) => self.legs.media(MediaOut::RingbackToAgent {
                room: MAIN,
                leg: Some(leg),
                user: self.spec.agent,
            }),
            Some(LegRole::Customer) => self.media_started = Some(now),
            None => {}
        }
    }

    fn leg_event(&mut self, now: Millis, leg: LegId, ev: Option<LegEvent>) {
        let Some(ev) = ev else { return };
        if self.phase == Phase::Ended {
            return;
        }
        let role = self.legs.role(leg);
        match ev {
            LegEvent::Nothing => {}
            LegEvent::Progress(Some(sdp)) => self.start_media(now, leg, &sdp),
            LegEvent::Progress(None) => {}
            LegEvent::Answered(None) => {
                self.end(now, Some(FailureCode::NetworkError), HangupSide::System);
            }
            LegEvent::Answered(Some(sdp)) => {
                self.start_media(now, leg, &sdp);
                match role {
                    Some(LegRole::Agent) if self.phase == Phase::AgentJoining => self.connect(now),
                    Some(LegRole::Agent) => self.call_customer(),
                    // A campaign call's desk phone is joined only now.
                    Some(LegRole::Customer)
                        if self.agent_leg().is_none()
                            && matches!(self.spec.agent_side, AgentSide::DeskPhone { .. }) =>
                    {
                        self.customer_answered(now);
                        self.phase = Phase::AgentJoining;
                        self.ring_desk_phone(true);
                    }
                    Some(LegRole::Customer) => self.connect(now),
                    None => {}
                }
            }
            LegEvent::Failed(failure) => self.end(now, Some(failure), HangupSide::System),
            LegEvent::TimedOut => {
                // A phone that never answers did not answer; a carrier that never answers is down.
                let failure = match role {
                    Some(LegRole::Customer) => FailureCode::TrunkDown,
                    _ => FailureCode::NoAnswer,
                };
                self.end(now, Some(failure), HangupSide::System);
            }
            LegEvent::InDialog(InDialog::HungUp) => {
                let side = match role {
                    Some(LegRole::Agent) => HangupSide::Agent,
                    _ => HangupSide::Customer,
                };
                self.end(now, Some(FailureCode::Cancelled), side);
            }
            LegEvent::InDialog(InDialog::Media { remote, hold }) => {
                // The desk phone's own hold key: the same hold as the phone bar's.
                if self.legs.re_offered(leg, remote, hold) && role == Some(LegRole::Agent) {
                    let _ = self.hold(now, hold);
                }
            }
            // A placed call is not transferred from the phone (yet): the REFER fails.
            LegEvent::InDialog(InDialog::Refer { .. }) => {
                self.legs
                    .with_sip(leg, |l, ctx| l.notify_refer(ctx, 603, "Declined"));
            }
            LegEvent::InDialog(InDialog::Digit(_) | InDialog::Nothing) => {}
        }
    }

    /// The customer answered: the record says so (once).
    fn customer_answered(&mut self, now: Millis) {
        if self.answered {
            return;
        }
        self.answered = true;
        self.legs.push(Output::Record(CallEvent::Answered {
            key: self.spec.key.clone(),
            at: now,
            recording: None,
        }));
    }

    /// The customer and the agent are both on: they talk (a phone that dialled gets its 200
    /// OK), the record says answered.
    fn connect(&mut self, now: Millis) {
        self.phase = Phase::Connected;
        if let Some(leg) = self.agent_leg() {
            self.legs.with_sip(leg, |l, ctx| l.confirm(ctx));
        }
        self.customer_answered(now);
        self.legs.push(Output::Agent {
            user: self.spec.agent,
            event: model::Event::CallConnected {
                call: self.spec.id.to_string(),
                caller: self.shown_number().to_owned(),
            },
        });
        if self.spec.transcribe {
            let _ = self.set_transcription(true);
        }
    }

    /// Ends the call: the record closes, the agent is told, every leg is hung up (BYE when
    /// answered, CANCEL while ringing) and its media stopped. A call the customer answered
    /// records no failure (a desk phone that could not be joined is not the customer's).
    fn end(&mut self, now: Millis, failure: Option<FailureCode>, side: HangupSide) {
        if self.phase == Phase::Ended {
            return;
        }
        let failure = failure.filter(|_| !self.answered);
        let answered = self.phase == Phase::Connected;
        self.phase = Phase::Ended;
        self.legs.push(Output::Record(CallEvent::Ended {
            key: self.spec.key.clone(),
            at: now,
            failure: failure.map(|f| f.as_str().to_owned()),
            hangup_side: side,
        }));
        let user = self.spec.agent;
        if self.spec.agent_side == AgentSide::Browser {
            self.legs.media(MediaOut::LeaveBrowser { user });
        }
        self.legs.push(Output::Agent {
            user,
            event: model::Event::CallEnded {
                call: self.spec.id.to_string(),
            },
        });
        if let Some(then_idle) = self.spec.acd {
            self.legs.push(Output::Acd(AcdOut::DialEnded {
                agent: user,
                answered,
                then_idle,
            }));
        }
        if let (Some(leg), Some(f)) = (self.agent_leg(), failure) {
            // A phone that dialled and still waits for its answer hears how the call failed.
            let (code, reason) = f.sip_status();
            self.legs
                .with_sip(leg, |l, ctx| l.refuse(ctx, code, reason));
        }
        self.legs.drop_all();
        if self.customer_leg.is_none() {
            // The customer was never called: give back the port bound for them.
            let port = self.spec.customer_media.port;
            self.legs.media(MediaOut::ReleasePort { port });
        }
    }
}
