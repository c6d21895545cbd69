//! One call and its legs. Today the calls agents place (click-to-dial from a desk phone, PSTN
//! callback to the agent's mobile, browser audio) run here; inbound calls move here next.

use std::collections::{BTreeMap, VecDeque};

use model::calls::{CallDirection, CallEvent, HangupSide};
use model::{EnterpriseId, UserId};
use sip::failure::FailureCode;
use sip::msg::Message;
use sip::sdp::{AudioDesc, LocalMedia};
use sip::txn::{Peer, TxnId};

use crate::sipleg::{Ctx, InDialog, LegEvent, SipLeg};
use crate::{
    AcdOut, CallId, LegId, LegRole, Local, MediaOut, Millis, Output, RoomRef, Tokens, TrunkRoute,
};

/// The call's main room: both parties talk there.
const MAIN: RoomRef = RoomRef(0);

/// How the agent takes part in a call they place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentSide {
    /// Their registered desk phone rings first.
    DeskPhone {
        /// Where the phone is.
        peer: Peer,
        /// Its registered contact URI.
        contact: String,
        /// Its SIP user name.
        username: String,
        /// Our media for the leg (the engine bound its port).
        media: LocalMedia,
    },
    /// Their mobile rings first, through a trunk (PSTN callback).
    Mobile {
        /// The trunk.
        route: TrunkRoute,
        /// The mobile number.
        number: String,
        /// Our media for the leg.
        media: LocalMedia,
    },
    /// Their browser's audio session joins at once and the customer is called straight away.
    Browser,
}

/// A call an agent places, as the engine admitted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedCall {
    /// Its id.
    pub id: CallId,
    /// Its key in call records.
    pub key: String,
    /// The enterprise.
    pub enterprise: EnterpriseId,
    /// The agent.
    pub agent: UserId,
    /// How the agent takes part.
    pub agent_side: AgentSide,
    /// The customer's number.
    pub number: String,
    /// The enterprise number the customer sees.
    pub caller_number: String,
    /// The trunk the customer is called through.
    pub route: TrunkRoute,
    /// Our media for the customer's leg (the engine bound its port).
    pub customer_media: LocalMedia,
    /// `Some(then_idle)` when the ACD counts the agent on this call: afterwards idle (true) or
    /// busy again (false).
    pub acd: Option<bool>,
    /// Transcribe the call once the customer answers.
    pub transcribe: bool,
}

/// Something that happened to a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A response to a request a leg sent.
    Response {
        /// The leg.
        leg: LegId,
        /// The response.
        msg: Message,
    },
    /// A request inside a leg's dialog.
    Request {
        /// The leg.
        leg: LegId,
        /// Its server transaction.
        txn: TxnId,
        /// The request.
        msg: Message,
    },
    /// A leg's INVITE got no final response in time.
    RequestTimeout {
        /// The leg.
        leg: LegId,
    },
    /// A leg's peer stopped sending media.
    MediaTimeout {
        /// The leg.
        leg: LegId,
    },
    /// Hang up (the agent from the phone bar, or Patchbay at shutdown).
    Hangup {
        /// Who.
        by: HangupSide,
    },
    /// Live transcription on or off (the agent's switch).
    Transcription {
        /// On or off.
        on: bool,
    },
}

/// Why a command to a call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The customer has not answered yet.
    #[error("the customer has not answered yet")]
    NotAnswered,
}

/// One leg of a call.
#[derive(Debug, Clone)]
struct Leg {
    role: LegRole,
    sip: SipLeg,
    /// Its media started (early media or answer).
    media: bool,
    /// The peer put us on hold.
    held: bool,
}

/// Where a placed call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The agent's phone rings.
    AgentRinging,
    /// The customer is being called.
    CustomerRinging,
    /// Both talk.
    Connected,
    /// Over: legs may still be finishing (a CANCEL waiting for its 487).
    Ended,
}

/// One call: its legs, their dialogs and media, and what it asks of the engine.
#[derive(Debug)]
pub struct Call {
    spec: PlacedCall,
    local: Local,
    tokens: Tokens,
    legs: BTreeMap<LegId, Leg>,
    next_leg: u32,
    agent_leg: Option<LegId>,
    customer_leg: Option<LegId>,
    phase: Phase,
    /// When the customer's media started (transcript times count from it).
    media_started: Option<Millis>,
    transcribing: bool,
    /// The customer answered.
    answered: bool,
    out: VecDeque<Output>,
    finished: bool,
}

impl Call {
    /// Places a call: the record starts, then the agent's phone rings (desk phone, mobile) or
    /// the agent's browser joins and the customer is called at once.
    pub fn place(now: Millis, spec: PlacedCall, local: Local, seed: u64) -> Call {
        let mut call = Call {
            local,
            tokens: Tokens::new(seed),
            legs: BTreeMap::new(),
            next_leg: 0,
            agent_leg: None,
            customer_leg: None,
            phase: Phase::AgentRinging,
            media_started: None,
            transcribing: false,
            answered: false,
            out: VecDeque::new(),
            finished: false,
            spec,
        };
        call.out.push_back(Output::Record(CallEvent::Started {
            key: call.spec.key.clone(),
            enterprise: call.spec.enterprise,
            direction: CallDirection::AgentOutbound,
            caller: call.spec.caller_number.clone(),
            callee: call.spec.number.clone(),
            enterprise_number: Some(call.spec.caller_number.clone()),
            agent: Some(call.spec.agent),
            at: now,
        }));
        match call.spec.agent_side.clone() {
            AgentSide::DeskPhone {
                peer,
                contact,
                username,
                media,
            } => {
                let invite = call.local.desk_phone_invite(
                    &contact,
                    &username,
                    &call.spec.number,
                    peer,
                    &media,
                    &mut call.tokens,
                );
                call.agent_leg = Some(call.add_leg(LegRole::Agent, peer, invite, media, None));
            }
            AgentSide::Mobile {
                route,
                number,
                mut media,
            } => {
                let invite = call.local.trunk_invite(
                    &route,
                    &number,
                    &call.spec.caller_number,
                    &mut media,
                    &mut call.tokens,
                );
                let leg = call.add_leg(
                    LegRole::Agent,
                    route.peer,
                    invite,
                    media,
                    route.credentials.clone(),
                );
                call.agent_leg = Some(leg);
            }
            AgentSide::Browser => {
                let user = call.spec.agent;
                call.media(MediaOut::JoinBrowser { user, room: MAIN });
                call.media(MediaOut::RingbackToAgent {
                    room: MAIN,
                    leg: None,
                    user,
                });
                call.call_customer();
            }
        }
        call
    }

    /// The call's id.
    pub fn id(&self) -> CallId {
        self.spec.id
    }

    /// Its key in call records.
    pub fn key(&self) -> &str {
        &self.spec.key
    }

    /// Its enterprise.
    pub fn enterprise(&self) -> EnterpriseId {
        self.spec.enterprise
    }

    /// The agent on the call.
    pub fn agent(&self) -> UserId {
        self.spec.agent
    }

    /// Whether the agent talks in the browser.
    pub fn in_browser(&self) -> bool {
        self.spec.agent_side == AgentSide::Browser
    }

    /// The customer's leg, once its media runs, and when that began.
    pub fn customer_media(&self) -> Option<(LegId, Millis)> {
        let leg = self.customer_leg?;
        self.legs
            .get(&leg)
            .filter(|l| l.media)
            .and(self.media_started)
            .map(|at| (leg, at))
    }

    /// Whether live transcription runs.
    pub fn transcribing(&self) -> bool {
        self.transcribing
    }

    /// Whether the customer answered (also after the call ended).
    pub fn connected(&self) -> bool {
        self.answered
    }

    /// The next deadline (none yet: SIP timers are the transaction layer's).
    pub fn poll_timeout(&self) -> Option<Millis> {
        None
    }

    /// The next thing for the engine to do.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// Whether the call is over and every leg has finished.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Something happened to the call.
    pub fn handle(&mut self, now: Millis, input: Input) {
        match input {
            Input::Response { leg, msg } => {
                let ev = self.with_leg(leg, |l, ctx| l.sip.on_response(ctx, &msg));
                self.leg_event(now, leg, ev);
            }
            Input::Request { leg, txn, msg } => {
                let ev = self.with_leg(leg, |l, ctx| l.sip.on_request(ctx, txn, &msg));
                if ev.is_none() {
                    // A leg we no longer know: the dialog is gone.
                    self.out.push_back(Output::Respond {
                        txn,
                        msg: msg.response_to(481, "Call/Transaction Does Not Exist", None),
                    });
                }
                self.leg_event(now, leg, ev);
            }
            Input::RequestTimeout { leg } => {
                let ev = self.with_leg(leg, |l, _| l.sip.on_timeout());
                self.leg_event(now, leg, ev);
            }
            Input::MediaTimeout { leg } => {
                if self.legs.contains_key(&leg) {
                    self.end(now, None, HangupSide::System);
                }
            }
            Input::Hangup { by } => {
                let failure = (self.phase != Phase::Connected).then_some(FailureCode::Cancelled);
                self.end(now, failure, by);
            }
            Input::Transcription { on } => {
                let _ = self.set_transcription(on);
            }
        }
        self.check_finished();
    }

    /// Switches live transcription on or off; refused before the customer answered.
    pub fn set_transcription(&mut self, on: bool) -> Result<(), CallError> {
        if self.customer_media().is_none() || self.phase == Phase::Ended {
            return Err(CallError::NotAnswered);
        }
        if self.transcribing != on {
            self.transcribing = on;
            self.media(MediaOut::Transcribe { on });
        }
        Ok(())
    }

    fn add_leg(
        &mut self,
        role: LegRole,
        peer: Peer,
        invite: Message,
        media: LocalMedia,
        credentials: Option<(String, String)>,
    ) -> LegId {
        let id = LegId(self.next_leg);
        self.next_leg += 1;
        let mut ctx = Ctx {
            leg: id,
            local: &self.local,
            tokens: &mut self.tokens,
            out: &mut self.out,
        };
        let sip = SipLeg::call(&mut ctx, peer, invite, media, credentials);
        self.legs.insert(
            id,
            Leg {
                role,
                sip,
                media: false,
                held: false,
            },
        );
        id
    }

    /// Runs `f` on a leg with its context; `None` when there is no such leg.
    fn with_leg<T>(
        &mut self,
        leg: LegId,
        f: impl FnOnce(&mut Leg, &mut Ctx<'_>) -> T,
    ) -> Option<T> {
        let l = self.legs.get_mut(&leg)?;
        let mut ctx = Ctx {
            leg,
            local: &self.local,
            tokens: &mut self.tokens,
            out: &mut self.out,
        };
        Some(f(l, &mut ctx))
    }

    fn media(&mut self, m: MediaOut) {
        self.out.push_back(Output::Media(m));
    }

    /// Calls the customer through the trunk.
    fn call_customer(&mut self) {
        self.phase = Phase::CustomerRinging;
        let mut media = self.spec.customer_media.clone();
        let invite = self.local.trunk_invite(
            &self.spec.route,
            &self.spec.number,
            &self.spec.caller_number,
            &mut media,
            &mut self.tokens,
        );
        let (peer, credentials) = (self.spec.route.peer, self.spec.route.credentials.clone());
        self.customer_leg = Some(self.add_leg(LegRole::Customer, peer, invite, media, credentials));
    }

    /// Starts a leg's media from the peer's SDP (once; a later SDP only moves where it sends).
    fn start_media(&mut self, now: Millis, leg: LegId, sdp: &AudioDesc) {
        let Some(l) = self.legs.get_mut(&leg) else {
            return;
        };
        if l.media {
            self.out.push_back(Output::Media(MediaOut::SetRemote {
                leg,
                remote: sdp.rtp_addr(),
            }));
            return;
        }
        let Some(&(_, codec)) = sdp.codecs.first() else {
            return;
        };
        l.media = true;
        let local = l.sip.local_media();
        let (port, te, role) = (local.port, local.telephone_event, l.role);
        self.media(MediaOut::StartRtp {
            leg,
            port,
            remote: sdp.rtp_addr(),
            codec,
            telephone_event: sdp.telephone_event.unwrap_or(te),
            role,
            room: MAIN,
            record: role == LegRole::Customer,
        });
        match role {
            LegRole::Agent => self.media(MediaOut::RingbackToAgent {
                room: MAIN,
                leg: Some(leg),
                user: self.spec.agent,
            }),
            LegRole::Customer => self.media_started = Some(now),
        }
    }

    fn leg_event(&mut self, now: Millis, leg: LegId, ev: Option<LegEvent>) {
        let Some(ev) = ev else { return };
        if self.phase == Phase::Ended {
            return;
        }
        let role = self.legs.get(&leg).map(|l| l.role);
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
                    Some(LegRole::Agent) => self.call_customer(),
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
                let failure = (self.phase != Phase::Connected).then_some(FailureCode::Cancelled);
                self.end(now, failure, side);
            }
            LegEvent::InDialog(InDialog::Media { remote, hold }) => {
                if let Some(l) = self.legs.get_mut(&leg) {
                    l.held = hold;
                    if l.media && !hold {
                        self.media(MediaOut::SetRemote { leg, remote });
                    }
                }
            }
            LegEvent::InDialog(InDialog::Digit(_) | InDialog::Nothing) => {}
        }
    }

    /// The customer answered: both talk, the record says answered.
    fn connect(&mut self, now: Millis) {
        self.phase = Phase::Connected;
        self.answered = true;
        self.out.push_back(Output::Record(CallEvent::Answered {
            key: self.spec.key.clone(),
            at: now,
            recording: None,
        }));
        self.out.push_back(Output::Agent {
            user: self.spec.agent,
            event: model::Event::CallConnected {
                call: self.spec.id.to_string(),
                caller: self.spec.number.clone(),
            },
        });
        if self.spec.transcribe {
            let _ = self.set_transcription(true);
        }
    }

    /// Ends the call: the record closes, the agent is told, every leg is hung up (BYE when
    /// answered, CANCEL while ringing) and its media stopped.
    fn end(&mut self, now: Millis, failure: Option<FailureCode>, side: HangupSide) {
        if self.phase == Phase::Ended {
            return;
        }
        let answered = self.phase == Phase::Connected;
        self.phase = Phase::Ended;
        self.out.push_back(Output::Record(CallEvent::Ended {
            key: self.spec.key.clone(),
            at: now,
            failure: failure.map(|f| f.as_str().to_owned()),
            hangup_side: side,
        }));
        let user = self.spec.agent;
        if self.in_browser() {
            self.media(MediaOut::LeaveBrowser { user });
        }
        self.out.push_back(Output::Agent {
            user,
            event: model::Event::CallEnded {
                call: self.spec.id.to_string(),
            },
        });
        if let Some(then_idle) = self.spec.acd {
            self.out.push_back(Output::Acd(AcdOut::DialEnded {
                agent: user,
                answered,
                then_idle,
            }));
        }
        let ids: Vec<LegId> = self.legs.keys().copied().collect();
        for leg in ids {
            let media = self
                .legs
                .get(&leg)
                .map(|l| (l.media, l.sip.local_media().port));
            match media {
                Some((true, _)) => self.media(MediaOut::RemoveLeg { leg }),
                Some((false, port)) => self.media(MediaOut::ReleasePort { port }),
                None => {}
            }
            self.with_leg(leg, |l, ctx| l.sip.hang_up(ctx));
        }
        if self.customer_leg.is_none() {
            // The customer was never called: give back the port bound for them.
            let port = self.spec.customer_media.port;
            self.media(MediaOut::ReleasePort { port });
        }
    }

    fn check_finished(&mut self) {
        if !self.finished
            && self.phase == Phase::Ended
            && self.legs.values().all(|l| l.sip.is_over())
        {
            self.finished = true;
            self.out.push_back(Output::Finished);
        }
    }
}
