//! Consult, attended transfer and three-way calls (SPEC §3): while talking, the agent calls a
//! colleague or a number; the customer holds with music and the agent talks with the consulted
//! party in the call's consult room. Then the agent hands the customer over (complete), brings
//! all three together in the main room (join), or drops the party and goes back (cancel). In a
//! three-way call either agent may leave and the other two stay connected.

use model::calls::CallEvent;
use model::{Event, UserId};

use super::{AgentLeg, Inbound, Seat, Stage};
use crate::call::{CallError, ConsultStep, ConsultTo, Ring};
use crate::legs::MAIN;
use crate::sipleg::{InDialog, LegEvent};
use crate::{AcdOut, LegId, LegRole, MediaOut, Millis, Output, RoomRef, Sound, TrunkRoute};

/// The room where the agent talks with the consulted party while the customer holds.
pub(crate) const CONSULT: RoomRef = RoomRef(1);

/// How long a consulted colleague or number rings before the consult gives up.
pub(crate) const CONSULT_RING_MS: Millis = 30_000;

/// Who is consulted, and their leg once it exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Party {
    /// A colleague; `leg` once their device rings.
    Agent { user: UserId, leg: Option<AgentLeg> },
    /// A number outside; `leg` once a trunk was found and the INVITE sent.
    External { number: String, leg: Option<LegId> },
}

/// Where a consult is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// The engine looks for the colleague's device or a trunk.
    Finding,
    /// The party's device rings until the deadline.
    Ringing { until: Millis },
    /// The agent and the party talk; the customer holds.
    Talking,
    /// All three talk in the main room since `since`.
    ThreeWay { since: Millis },
}

/// The consult under way.
#[derive(Debug, Clone)]
pub(super) struct Consult {
    /// Its number in the call (the ACD counts the colleague on it by this).
    pub(super) n: u32,
    party: Party,
    pub(super) state: State,
    /// The customer was on hold before the consult began.
    was_held: bool,
    /// The key of its own record (type `consult`).
    key: String,
    /// When the party answered.
    answered_at: Option<Millis>,
    /// A consult the agent started on their desk phone: the phone's own call to the party
    /// (its second dialog with us), where the agent talks during the consult instead of on the
    /// customer's call.
    pub(super) via: Option<LegId>,
}

impl Consult {
    /// Who is consulted.
    pub(super) fn party(&self) -> &Party {
        &self.party
    }

    /// The key of the consult's own record.
    pub(super) fn key(&self) -> &str {
        &self.key
    }

    /// When the party answered, if they did.
    pub(super) fn answered_at(&self) -> Option<Millis> {
        self.answered_at
    }

    /// The party's SIP leg, if any.
    fn sip_leg(&self) -> Option<LegId> {
        match self.party {
            Party::Agent {
                leg: Some(AgentLeg::Sip(l)),
                ..
            }
            | Party::External { leg: Some(l), .. } => Some(l),
            _ => None,
        }
    }

    /// The consulted colleague, if the party is one.
    pub(super) fn colleague(&self) -> Option<(UserId, Option<AgentLeg>)> {
        match self.party {
            Party::Agent { user, leg } => Some((user, leg)),
            Party::External { .. } => None,
        }
    }

    /// The deadline of a ringing consult.
    pub(super) fn deadline(&self) -> Option<Millis> {
        match self.state {
            State::Ringing { until } => Some(until),
            _ => None,
        }
    }
}

impl Inbound {
    /// Starts a consult: the customer holds with music, the agent moves to the consult room and
    /// hears ringback while the engine finds the party.
    pub(crate) fn consult(&mut self, now: Millis, to: ConsultTo) -> Result<(), CallError> {
        self.may_consult(&to)?;
        self.start_consult(now, to, None);
        Ok(())
    }

    /// Whether the agent may consult `to` now: talking with the customer, no consult under
    /// way, not themselves.
    pub(super) fn may_consult(&self, to: &ConsultTo) -> Result<(), CallError> {
        let Stage::Talking { agent, .. } = self.stage else {
            return Err(CallError::NotTalking);
        };
        if self.consult.is_some() {
            return Err(CallError::InConsult);
        }
        if *to == ConsultTo::Agent(agent) {
            return Err(CallError::NotTalking);
        }
        Ok(())
    }

    /// Starts a consult [`may_consult`](Self::may_consult) allowed: the engine looks for the
    /// party, the customer holds with music, and the agent hears ringback in the consult room,
    /// where their audio moves (or, `via` their desk phone's own call, is already).
    pub(super) fn start_consult(&mut self, now: Millis, to: ConsultTo, via: Option<LegId>) {
        let Stage::Talking { agent, leg, .. } = self.stage else {
            return;
        };
        self.brought += 1;
        let n = self.brought;
        let party = match to {
            ConsultTo::Agent(user) => {
                self.legs
                    .push(Output::Acd(AcdOut::Colleague { agent: user, n }));
                Party::Agent { user, leg: None }
            }
            ConsultTo::External(number) => {
                self.legs.push(Output::Forward {
                    number: number.clone(),
                });
                Party::External { number, leg: None }
            }
        };
        let key = self.open_consult_record(now, n, agent, &party);
        let was_held = self.held;
        if !was_held {
            self.play(Sound::HoldMusic);
        }
        let leg = match via {
            Some(l) => AgentLeg::Sip(l),
            None => {
                self.move_agent(agent, leg, CONSULT);
                leg
            }
        };
        let (leg, user) = match leg {
            AgentLeg::Sip(l) => (Some(l), agent),
            AgentLeg::Browser => (None, agent),
        };
        self.legs.media(MediaOut::RingbackToAgent {
            room: CONSULT,
            leg,
            user,
        });
        self.consult = Some(Consult {
            n,
            party,
            state: State::Finding,
            was_held,
            key,
            answered_at: None,
            via,
        });
        self.tell_consult("ringing", None);
    }

    /// The engine found the consulted colleague's device: it rings with a consult pop.
    /// Returns false when the consult under way is not number `n`.
    pub(super) fn consult_ring(&mut self, now: Millis, n: u32, ring: Ring) -> bool {
        let agent = self.talking_agent();
        let ok = self.consult.as_ref().is_some_and(|c| {
            c.n == n
                && c.state == State::Finding
                && matches!(c.party, Party::Agent { user, leg: None } if user == ring.agent)
        });
        let Some(agent) = agent.filter(|_| ok) else {
            return false;
        };
        let (user, auto) = (ring.agent, ring.auto_answer);
        let leg = self.ring_device(ring.device, &ring.caller_id, auto);
        if let Some(c) = self.consult.as_mut() {
            c.party = Party::Agent {
                user,
                leg: Some(leg),
            };
            c.state = State::Ringing {
                until: now + CONSULT_RING_MS,
            };
        }
        let offer = model::presence::Offer {
            call: self.spec.id.to_string(),
            caller: self.spec.caller.clone(),
            enterprise_number: self.spec.number.clone(),
            group_id: ring.group,
            group_name: ring.group_name,
            auto_answer: auto,
            customer_name: None,
            location: None,
            previous_calls: 0,
            last_call_at: None,
            consult_by: Some(agent),
            // The engine fills in the colleague's name.
            consult_from: None,
            transferred_by: None,
            transferred_from: None,
        };
        self.tell(user, Event::Ringing { offer });
        if auto && leg == AgentLeg::Browser {
            self.consult_answered(now, None);
        }
        true
    }

    /// A trunk was found for the consulted number: it is called with the enterprise's number.
    pub(super) fn consult_forward(
        &mut self,
        now: Millis,
        route: TrunkRoute,
        number: &str,
        caller_id: &str,
        mut media: sip::sdp::LocalMedia,
    ) {
        let l = &mut self.legs;
        let invite = l
            .local
            .trunk_invite(&route, number, caller_id, &mut media, &mut l.tokens);
        let credentials = route.credentials.clone();
        let leg = l.call(LegRole::Agent, route.peer, invite, media, credentials);
        if let Some(c) = self.consult.as_mut() {
            if let Party::External { leg: l, .. } = &mut c.party {
                *l = Some(leg);
            }
            c.state = State::Ringing {
                until: now + CONSULT_RING_MS,
            };
        }
    }

    /// Whether the call waits for the engine to find a trunk for a consulted number.
    pub(super) fn consult_finding_trunk(&self) -> bool {
        self.consult.as_ref().is_some_and(|c| {
            c.state == State::Finding && matches!(c.party, Party::External { leg: None, .. })
        })
    }

    /// The consulted party answered: they talk with the agent in the consult room.
    fn consult_answered(&mut self, now: Millis, sdp: Option<&sip::sdp::AudioDesc>) {
        let Some(c) = self.consult.as_mut() else {
            return;
        };
        c.state = State::Talking;
        c.answered_at = Some(now);
        let party = c.party.clone();
        let key = c.key.clone();
        // The desk phone's own call to the party is answered now.
        if let Some(via) = c.via {
            self.legs.with_sip(via, |l, ctx| l.confirm(ctx));
        }
        self.consult_record_answered(now, &key);
        match party {
            Party::Agent { user, leg } => {
                let call = self.spec.id.to_string();
                self.tell(
                    user,
                    Event::OfferEnded {
                        call: call.clone(),
                        reason: "answered".to_owned(),
                    },
                );
                let caller = self.spec.caller.clone();
                self.tell(user, Event::CallConnected { call, caller });
                match (leg, sdp) {
                    (Some(AgentLeg::Sip(l)), Some(sdp)) => {
                        self.legs.start_rtp(l, sdp, CONSULT);
                    }
                    (Some(AgentLeg::Browser), _) => self.legs.media(MediaOut::JoinBrowser {
                        user,
                        room: CONSULT,
                    }),
                    _ => {}
                }
            }
            Party::External { leg: Some(l), .. } => {
                if let Some(sdp) = sdp {
                    self.legs.start_rtp(l, sdp, CONSULT);
                }
            }
            Party::External { leg: None, .. } => {}
        }
        self.tell_consult("talking", None);
    }

    /// The agent completes, joins or cancels the consult.
    pub(crate) fn consult_step(&mut self, now: Millis, step: ConsultStep) -> Result<(), CallError> {
        let Some(c) = self.consult.as_ref() else {
            return Err(CallError::NoConsult);
        };
        let answered = matches!(c.state, State::Talking | State::ThreeWay { .. });
        match step {
            ConsultStep::Cancel => {
                self.end_consult(now, "cancelled");
                Ok(())
            }
            _ if !answered => Err(CallError::NoConsult),
            ConsultStep::Complete => {
                self.complete(now);
                Ok(())
            }
            ConsultStep::Join => {
                if let State::Talking = c.state {
                    self.join(now);
                }
                Ok(())
            }
        }
    }

    /// All three in the main room.
    fn join(&mut self, now: Millis) {
        let Stage::Talking { agent, leg, .. } = self.stage else {
            return;
        };
        let Some(c) = self.consult.as_mut() else {
            return;
        };
        c.state = State::ThreeWay { since: now };
        let party = c.party.clone();
        let via = c.via.take();
        self.legs.media(MediaOut::StopPlay { room: MAIN });
        match via {
            // The desk phone's consult call becomes the agent's call with all three; the
            // customer's call on the phone ends.
            Some(via) => self.phone_call_joins(via),
            None => self.move_agent(agent, leg, MAIN),
        }
        self.move_party(&party, MAIN);
        self.held = false;
        self.tell_consult("three_way", None);
        if let (Party::Agent { user, .. }, Some(c)) = (party, self.consult.clone()) {
            self.tell_consult_to(user, &c, "three_way", None);
        }
    }

    /// Attended transfer: the agent leaves; the consulted colleague (or number) talks with the
    /// customer from now on.
    pub(super) fn complete(&mut self, now: Millis) {
        let Stage::Talking {
            agent,
            leg,
            since,
            seat,
        } = self.stage
        else {
            return;
        };
        let Some(c) = self.consult.take() else {
            return;
        };
        // A desk phone's transfer key (REFER with Replaces) hears it worked before its BYEs.
        if let Some(l) = self.refer.take() {
            self.legs
                .with_sip(l, |s, ctx| s.notify_refer(ctx, 200, "OK"));
        }
        if let Some(via) = c.via {
            self.legs.drop_leg(via);
        }
        self.tell_consult_to(agent, &c, "ended", Some("completed"));
        self.close_consult_record(now, &c, true, "completed");
        self.segment(agent, since, now, true);
        self.leave(agent, leg, seat);
        self.legs.media(MediaOut::StopPlay { room: MAIN });
        self.held = false;
        self.move_party(&c.party, MAIN);
        match c.party {
            Party::Agent {
                user,
                leg: Some(leg),
            } => {
                let from = match c.state {
                    State::ThreeWay { since } => since,
                    _ => now,
                };
                self.stage = Stage::Talking {
                    agent: user,
                    leg,
                    since: from,
                    seat: Seat::Consult(c.n),
                };
                self.legs.push(Output::Record(CallEvent::AgentAnswered {
                    key: self.spec.key.clone(),
                    agent: user,
                }));
                // The colleague's phone bar: the call is theirs now.
                self.tell_consult_to(user, &c, "ended", Some("completed"));
            }
            Party::External { leg: Some(leg), .. } => self.stage = Stage::Forwarded { leg },
            // Not answered: complete is refused before this.
            _ => {}
        }
    }

    /// The agent's own part ends (they transferred or left): their audio out, their phone bar
    /// told, the ACD told (after-call work).
    pub(super) fn leave(&mut self, agent: UserId, leg: AgentLeg, seat: Seat) {
        match leg {
            AgentLeg::Sip(l) => self.legs.drop_leg(l),
            AgentLeg::Browser => self.legs.media(MediaOut::LeaveBrowser { user: agent }),
        }
        let call = self.spec.id.to_string();
        self.tell(agent, Event::CallEnded { call });
        self.release(agent, seat, true);
    }

    /// Tells the ACD an agent's part in the call ended.
    pub(super) fn release(&mut self, agent: UserId, seat: Seat, answered: bool) {
        let out = match seat {
            Seat::Queue => AcdOut::Hangup,
            Seat::Consult(n) => AcdOut::ColleagueEnded { agent, n, answered },
            Seat::Placed(Some(then_idle)) => AcdOut::DialEnded {
                agent,
                answered: true,
                then_idle,
            },
            Seat::Placed(None) => return,
        };
        self.legs.push(Output::Acd(out));
    }

    /// Ends the consult (cancelled, failed, or the party left): the party's leg is dropped and
    /// the agent is back with the customer.
    pub(super) fn end_consult(&mut self, now: Millis, reason: &str) {
        let Some(c) = self.consult.take() else {
            return;
        };
        self.drop_party(now, &c, reason);
        if let Stage::Talking { agent, leg, .. } = self.stage {
            if c.via.is_some() {
                // The phone's customer call never left the main room: the music the consult
                // started stops; a hold the phone put on it stays until the phone resumes.
                if !c.was_held {
                    self.legs.media(MediaOut::StopPlay { room: MAIN });
                }
            } else if !matches!(c.state, State::ThreeWay { .. }) {
                self.legs.media(MediaOut::StopPlay { room: MAIN });
                self.move_agent(agent, leg, MAIN);
                if c.was_held {
                    self.held = false;
                    let call = self.spec.id.to_string();
                    self.tell(agent, Event::CallHeld { call, on: false });
                }
            }
            self.tell_consult_to(agent, &c, "ended", Some(reason));
        }
    }

    /// The consulted party's leg and part are dropped (the consult ended, or the whole call).
    pub(super) fn drop_party(&mut self, now: Millis, c: &Consult, reason: &str) {
        self.close_consult_record(now, c, false, reason);
        if let Some(l) = c.sip_leg() {
            self.legs.drop_leg(l);
        }
        if let Some(via) = c.via {
            self.end_phone_consult_call(via, reason);
        }
        let Party::Agent { user, leg } = c.party else {
            return;
        };
        if leg == Some(AgentLeg::Browser) {
            self.legs.media(MediaOut::LeaveBrowser { user });
        }
        let call = self.spec.id.to_string();
        let answered = matches!(c.state, State::Talking | State::ThreeWay { .. });
        if answered {
            if let State::ThreeWay { since } = c.state {
                self.segment(user, since, now, false);
            }
            self.tell(user, Event::CallEnded { call });
        } else if leg.is_some() {
            let reason = reason.to_owned();
            self.tell(user, Event::OfferEnded { call, reason });
        }
        self.legs.push(Output::Acd(AcdOut::ColleagueEnded {
            agent: user,
            n: c.n,
            answered,
        }));
    }

    /// An agent hangs up from the phone bar.
    pub(super) fn agent_hangup(&mut self, now: Millis, user: UserId) {
        if self.is_supervisor(user) {
            return self.supervisor_leaves(now, "left");
        }
        let consult = self.consult.as_ref().map(|c| (c.state, c.colleague()));
        match (self.stage, consult) {
            // The consulted colleague leaves (or refuses while it rings).
            (_, Some((state, Some((party, _))))) if party == user => {
                let reason = if matches!(state, State::Ringing { .. }) {
                    "rejected"
                } else {
                    "party_left"
                };
                self.end_consult(now, reason);
            }
            // The consulting agent hangs up with an answered consult: the party keeps the
            // customer (attended transfer).
            (Stage::Talking { agent, .. }, Some((State::Talking | State::ThreeWay { .. }, _)))
                if agent == user =>
            {
                self.complete(now);
            }
            (Stage::Talking { agent, .. }, _) if agent == user => self.agent_hung_up(now),
            _ => {}
        }
    }

    /// A SIP event on the consulted party's leg. Returns false when `leg` is not theirs.
    pub(super) fn consult_leg_event(&mut self, now: Millis, leg: LegId, ev: &LegEvent) -> bool {
        let Some(c) = self.consult.as_ref().filter(|c| c.sip_leg() == Some(leg)) else {
            return false;
        };
        let ringing = matches!(c.state, State::Ringing { .. });
        match ev {
            LegEvent::Answered(Some(sdp)) if ringing => self.consult_answered(now, Some(sdp)),
            LegEvent::Answered(None) | LegEvent::TimedOut if ringing => {
                self.end_consult(now, "no_answer");
            }
            // The catalogue's code: busy, no_answer, rejected, invalid_number…
            LegEvent::Failed(f) if ringing => self.end_consult(now, f.as_str()),
            LegEvent::InDialog(InDialog::HungUp) => self.end_consult(now, "party_left"),
            LegEvent::InDialog(InDialog::Media { remote, hold }) => {
                self.legs.re_offered(leg, *remote, *hold);
            }
            _ => {}
        }
        true
    }

    /// The consulted colleague answered in the browser. Returns false when they are not one.
    pub(super) fn consult_answer_in_browser(&mut self, now: Millis, user: UserId) -> bool {
        let ringing = self.consult.as_ref().is_some_and(|c| {
            matches!(c.state, State::Ringing { .. })
                && c.colleague() == Some((user, Some(AgentLeg::Browser)))
        });
        if ringing {
            self.consult_answered(now, None);
        }
        ringing
    }

    /// Whether `leg` is the consulted party's media.
    pub(super) fn is_party_leg(&self, leg: LegId) -> bool {
        self.consult.as_ref().and_then(Consult::sip_leg) == Some(leg)
    }

    /// The ringing consult's deadline passed.
    pub(super) fn consult_timeout(&mut self, now: Millis) {
        if self
            .consult
            .as_ref()
            .and_then(Consult::deadline)
            .is_some_and(|at| at <= now)
        {
            self.end_consult(now, "no_answer");
        }
    }

    /// Moves an agent's audio to a room (their browser session, or their SIP leg).
    fn move_agent(&mut self, user: UserId, leg: AgentLeg, room: RoomRef) {
        match leg {
            AgentLeg::Sip(leg) => self.legs.media(MediaOut::Join { leg, room }),
            AgentLeg::Browser => self.legs.media(MediaOut::JoinBrowser { user, room }),
        }
    }

    /// Moves the consulted party's audio (once answered) to a room.
    fn move_party(&mut self, party: &Party, room: RoomRef) {
        match *party {
            Party::Agent {
                user,
                leg: Some(leg),
            } => self.move_agent(user, leg, room),
            Party::External { leg: Some(leg), .. } => {
                self.legs.media(MediaOut::Join { leg, room });
            }
            _ => {}
        }
    }

    /// The phone bar's event about consult `c` (the engine names a colleague).
    fn consult_event(&self, c: &Consult, state: &str, reason: Option<&str>) -> Event {
        let (party, party_user) = match &c.party {
            Party::Agent { user, .. } => (String::new(), Some(*user)),
            Party::External { number, .. } => (number.clone(), None),
        };
        Event::Consult {
            call: self.spec.id.to_string(),
            state: state.to_owned(),
            party,
            party_user,
            reason: reason.map(str::to_owned),
        }
    }

    /// Tells the consulting agent where the consult under way is.
    fn tell_consult(&mut self, state: &str, reason: Option<&str>) {
        if let (Some(agent), Some(c)) = (self.talking_agent(), self.consult.clone()) {
            self.tell_consult_to(agent, &c, state, reason);
        }
    }

    /// Tells `agent` about consult `c` (under way, or already taken out of the call).
    fn tell_consult_to(&mut self, agent: UserId, c: &Consult, state: &str, reason: Option<&str>) {
        let ev = self.consult_event(c, state, reason);
        self.tell(agent, ev);
    }
}
