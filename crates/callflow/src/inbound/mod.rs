//! A call to an enterprise number (SPEC §3, §7), from a trunk or the web widget: answered at
//! once, then the number's IVR flow (prompts, menus) on the customer's media, a skill group's
//! queue with music, the ACD's offers ringing agents (desk phone, mobile, browser) until one
//! answers and is bridged, or a forward to an external number; and every way such a call ends
//! (answered, abandoned, missed, overflowed, goodbye).

mod consult;
mod consult_record;
mod from_placed;
mod phone_consult;
mod ring;
mod seek;
mod supervise;
mod survey;
mod transfer;

use model::calls::{CallDirection, CallEvent, CallResult, HangupSide};
use model::{EnterpriseId, Event, SkillGroupId, UserId};

use crate::call::{AgentPart, CallError, Customer, InboundCall, Input, Overflow, Service};
use crate::legs::{AgentAudio, Legs, MAIN, Routed};
use crate::sipleg::{InDialog, LegEvent, Refusal, answer_invite, no_dialog};
use crate::{AcdOut, CallId, LegId, LegRole, Local, MediaOut, Millis, Output, Sound};

/// How the ACD counts the talking agent on the call: as the agent the queued call was offered
/// to, as the colleague consult number `n` brought in (an attended transfer), or as the agent
/// who placed the call (`Some(then_idle)` when the ACD counts them on it at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seat {
    Queue,
    Consult(u32),
    Placed(Option<bool>),
}

/// How an agent is on the call: a SIP leg (desk phone, mobile) or their browser's session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AgentLeg {
    Sip(LegId),
    Browser,
}

/// Where the call is in the contact center.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The IVR, the welcome prompt or the echo: not in the contact center.
    Outside,
    /// Waiting for the engine to queue it or find a trunk.
    Routing,
    /// In a queue; `ring` is the agent being rung, `rang` whether any agent was.
    Waiting {
        rang: bool,
        ring: Option<(UserId, AgentLeg)>,
    },
    /// Bridged with an agent since `since` (the agent's segment of the call).
    Talking {
        agent: UserId,
        leg: AgentLeg,
        since: Millis,
        seat: Seat,
    },
    /// Forwarded to an external number (ringing or answered).
    Forwarded { leg: LegId },
    /// The agent hung up and the customer rates the call (the satisfaction survey).
    Survey(survey::Survey),
    /// The goodbye prompt plays; the call hangs up at its end.
    Goodbye,
    /// Over: legs may still be finishing.
    Ended,
}

/// Who the call is with, as its records and pops name it.
#[derive(Debug, Clone)]
pub(crate) struct About {
    /// Its id.
    pub(crate) id: CallId,
    /// Its key in call records.
    pub(crate) key: String,
    /// The enterprise.
    pub(crate) enterprise: EnterpriseId,
    /// The customer's number.
    pub(crate) caller: String,
    /// The enterprise number (dialed by the customer, or shown to them).
    pub(crate) number: String,
    /// Transcribe the call once an agent answers.
    pub(crate) transcribe: bool,
    /// An agent placed the call (it became a talking call when the customer answered).
    pub(crate) placed: bool,
    /// A predictive campaign placed the call (what the agent's pop says of it): with no agent
    /// free when the customer answered, they hear the `no-agent` message (an abandoned call).
    pub(crate) predictive: Option<seek::Campaign>,
}

/// A call with a customer in the contact center: one that came in to an enterprise number, or
/// one an agent placed, from the moment the customer answered.
#[derive(Debug)]
pub(crate) struct Inbound {
    pub(crate) spec: About,
    pub(crate) legs: Legs,
    customer: LegId,
    ivr: Option<ivr::Ivr>,
    stage: Stage,
    /// When the call was answered (recording and transcript times count from it).
    started: Millis,
    pub(crate) transcribing: bool,
    /// The agent has the customer on hold.
    pub(crate) held: bool,
    /// When the call first queued (a transfer keeps the wait).
    queued_at: Option<Millis>,
    /// An agent talked with the customer (a later wait is not an abandoned call).
    answered: bool,
    /// The consult under way, if any.
    consult: Option<consult::Consult>,
    /// The supervisor stepped into the call, if any.
    supervisor: Option<supervise::Supervisor>,
    /// The agent who last transferred the customer (the next agent's pop names them).
    transferred_by: Option<UserId>,
    /// The agent's desk phone leg whose REFER awaits the engine's transfer.
    refer: Option<LegId>,
    /// A blind transfer to a colleague not yet answered: it comes back if they do not take it.
    recall: Option<transfer::Recall>,
    /// Colleagues brought into the call so far (consults, supervisors), each numbered.
    brought: u32,
    /// The survey prompt of the group the call last queued in, when that group has the survey.
    survey: Option<ivr::Prompt>,
    /// Who hung up first, when the call went on without them (the agent, for the survey).
    ended_by: Option<HangupSide>,
    /// A predictive call's search for a free agent, while it lasts.
    seek: Option<seek::Seek>,
    pub(crate) finished: bool,
}

impl Inbound {
    pub(crate) fn answer(
        now: Millis,
        spec: InboundCall,
        local: Local,
        seed: u64,
    ) -> Result<Inbound, Refusal> {
        let mut legs = Legs::new(local, seed);
        let echo = spec.service == Service::Echo;
        let about = About {
            id: spec.id,
            key: spec.key.clone(),
            enterprise: spec.enterprise,
            caller: spec.caller.clone(),
            number: spec.number.clone(),
            transcribe: spec.transcribe,
            placed: false,
            predictive: None,
        };
        let customer = match &spec.customer {
            Customer::Trunk {
                peer,
                invite,
                txn,
                media,
            } => {
                let contact = legs.local.at(media.addr).contact();
                let answered = answer_invite(invite, media.clone(), &contact, &mut legs.tokens)?;
                legs.push(Output::Respond {
                    txn: *txn,
                    msg: answered.ok.clone(),
                });
                let (remote, codec, te) =
                    (answered.remote, answered.codec, answered.telephone_event);
                let leg = legs.answered(LegRole::Customer, *peer, answered);
                legs.push(started(&about, now));
                legs.media(MediaOut::StartRtp {
                    leg,
                    port: media.port,
                    remote,
                    codec,
                    telephone_event: te,
                    role: LegRole::Customer,
                    room: MAIN,
                    echo,
                    record: true,
                });
                leg
            }
            Customer::Widget => {
                let leg = legs.other(LegRole::Customer);
                legs.push(started(&about, now));
                legs.media(MediaOut::StartVisitor { leg, room: MAIN });
                leg
            }
        };
        if let Some(l) = legs.map.get_mut(&customer) {
            l.media = true;
        }
        let mut call = Inbound {
            legs,
            customer,
            ivr: None,
            stage: Stage::Outside,
            started: now,
            transcribing: false,
            held: false,
            queued_at: None,
            answered: false,
            consult: None,
            supervisor: None,
            brought: 0,
            refer: None,
            recall: None,
            transferred_by: None,
            survey: None,
            ended_by: None,
            seek: None,
            finished: false,
            spec: about,
        };
        match spec.service {
            Service::Ivr(flow) => {
                call.ivr = Some(ivr::Ivr::new(flow, now));
                call.drain_ivr(now);
                call.finish_if_over();
            }
            service => {
                // Service numbers count as answered by Patchbay; IVR calls when someone answers.
                call.answered_record(now);
                if service == Service::Welcome {
                    call.play(Sound::Prompt(ivr::Prompt::builtin(ivr::Builtin::Welcome)));
                }
            }
        }
        Ok(call)
    }

    /// Whether it is a predictive call whose customer answered and which has no agent yet:
    /// looking for one, or queued for one who is not rung yet (it will take a free agent).
    pub(crate) fn seeks_agent(&self) -> bool {
        self.spec.predictive.is_some()
            && match self.stage {
                Stage::Routing => self.seek.is_some(),
                Stage::Waiting { ring: None, .. } => true,
                _ => false,
            }
    }

    /// The agent talking on the call.
    pub(crate) fn talking_agent(&self) -> Option<UserId> {
        match self.stage {
            Stage::Talking { agent, .. } => Some(agent),
            _ => None,
        }
    }

    /// The talking agent's SIP leg (desk phone, mobile), if they talk on one.
    pub(crate) fn agent_sip_leg(&self) -> Option<LegId> {
        match self.stage {
            Stage::Talking {
                leg: AgentLeg::Sip(l),
                ..
            } => Some(l),
            _ => None,
        }
    }

    pub(crate) fn agent_part(&self, user: UserId) -> Option<AgentPart> {
        match self.stage {
            Stage::Waiting {
                ring: Some((agent, leg)),
                ..
            } if agent == user => Some(AgentPart::Ringing {
                browser: leg == AgentLeg::Browser,
            }),
            Stage::Talking { agent, leg, .. } if agent == user => Some(AgentPart::Talking {
                browser: leg == AgentLeg::Browser,
            }),
            _ => self
                .consulted_part(user)
                .or_else(|| self.supervisor_part(user)),
        }
    }

    /// A consulted colleague's part: ringing, then talking.
    fn consulted_part(&self, user: UserId) -> Option<AgentPart> {
        let c = self.consult.as_ref()?;
        let (u, Some(leg)) = c.colleague()? else {
            return None;
        };
        let browser = leg == AgentLeg::Browser;
        match c.state {
            _ if u != user => None,
            consult::State::Ringing { .. } => Some(AgentPart::Ringing { browser }),
            consult::State::Talking | consult::State::ThreeWay { .. } => {
                Some(AgentPart::Talking { browser })
            }
            consult::State::Finding => None,
        }
    }

    pub(crate) fn customer_media(&self) -> Option<(LegId, Millis)> {
        Some((self.customer, self.started))
    }

    pub(crate) fn poll_timeout(&self) -> Option<Millis> {
        let ivr = self.ivr.as_ref().and_then(ivr::Ivr::poll_timeout);
        let consult = self.consult.as_ref().and_then(consult::Consult::deadline);
        ivr.into_iter()
            .chain(consult)
            .chain(self.survey_deadline())
            .chain(self.seek_deadline())
            .min()
    }

    pub(crate) fn handle_timeout(&mut self, now: Millis) {
        let due = |at: Option<Millis>| at.is_some_and(|at| at <= now);
        if let (true, Some(ivr)) = (
            due(self.ivr.as_ref().and_then(ivr::Ivr::poll_timeout)),
            self.ivr.as_mut(),
        ) {
            ivr.handle_timeout(now);
            self.drain_ivr(now);
        }
        self.consult_timeout(now);
        self.survey_timeout(now);
        self.seek_timeout(now);
        self.finish_if_over();
    }

    pub(crate) fn set_transcription(&mut self, on: bool) -> Result<(), CallError> {
        if self.stage == Stage::Ended {
            return Err(CallError::NotAnswered);
        }
        if self.transcribing != on {
            self.transcribing = on;
            self.legs.media(MediaOut::Transcribe { on });
        }
        Ok(())
    }

    pub(crate) fn handle(&mut self, now: Millis, input: Input) {
        if self.stage != Stage::Ended {
            self.handle_live(now, input);
        } else if let Input::Response { leg, msg } = input {
            // A CANCEL's 487, or a 2xx that crossed it (ACKed and hung up).
            self.legs.with_sip(leg, |l, ctx| l.on_response(ctx, &msg));
        } else if let Input::Request { txn, msg, .. } = input {
            self.legs.out.extend(no_dialog(txn, &msg));
        } else if let Input::RequestTimeout { leg } = input {
            self.legs.with_sip(leg, |l, _| l.on_timeout());
        }
        self.finish_if_over();
    }

    /// Says `Finished` once the call has ended and every leg is over (after whatever ended it:
    /// an input, the IVR's deadline, or an IVR that hangs up as soon as the call is answered).
    fn finish_if_over(&mut self) {
        if !self.finished && self.stage == Stage::Ended && self.legs.all_over() {
            self.finished = true;
            self.legs.push(Output::Finished);
        }
    }

    fn handle_live(&mut self, now: Millis, input: Input) {
        let input = match self.legs.sip_input(input) {
            Routed::Leg(leg, ev) => return self.leg_event(now, leg, ev),
            Routed::Call(input) => *input,
        };
        match input {
            Input::MediaTimeout { leg } if leg == self.customer => {
                self.end(now, HangupSide::System);
            }
            Input::MediaTimeout { leg } if self.is_supervisor_leg(leg) => {
                self.supervisor_leaves(now, "left");
            }
            Input::MediaTimeout { leg } if self.is_party_leg(leg) => {
                self.end_consult(now, "party_left");
            }
            Input::MediaTimeout { leg } => {
                if self.is_talking_leg(leg) {
                    self.end(now, HangupSide::Agent);
                }
            }
            Input::Hangup { by } => self.end(now, by),
            Input::AgentHangup { agent } => self.agent_hangup(now, agent),
            Input::ColleagueRing { n, ring } => {
                let agent = ring.agent;
                if !self.consult_ring(now, n, ring.clone()) && !self.supervisor_ring(now, n, ring) {
                    // The consult or supervision ended meanwhile: the colleague is free again.
                    self.legs.push(Output::Acd(AcdOut::ColleagueEnded {
                        agent,
                        n,
                        answered: false,
                    }));
                }
            }
            Input::ColleagueFailed { n, reason } => {
                let consult = self.consult.as_ref();
                if consult.is_some_and(|c| c.n == n && c.state == consult::State::Finding) {
                    self.end_consult(now, &reason);
                } else {
                    self.supervisor_failed(n, &reason);
                }
            }
            Input::Transcription { on } => {
                let _ = self.set_transcription(on);
            }
            Input::Hold { on } => {
                let _ = self.hold(now, on);
            }
            Input::Transfer { to } => {
                let _ = self.transfer(now, to);
            }
            Input::Digit(d) => self.customer_digit(now, d),
            Input::PromptFinished => match self.stage {
                Stage::Goodbye => self.end(now, HangupSide::System),
                Stage::Survey(_) => self.survey_prompt_played(now),
                _ => self.ivr_input(now, ivr::Input::PromptFinished),
            },
            Input::Enqueued { group, survey } => {
                if self.stage == Stage::Routing {
                    self.seek_queued();
                    // A personal queue keeps the survey of the group the call came from.
                    if group.is_some() {
                        self.survey = survey;
                    }
                    self.queued_at.get_or_insert(now);
                    self.stage = Stage::Waiting {
                        rang: false,
                        ring: None,
                    };
                    self.play(Sound::QueueMusic);
                    if let Some(group) = group {
                        self.legs.push(Output::Record(CallEvent::Queued {
                            key: self.spec.key.clone(),
                            group,
                            at: now,
                        }));
                    }
                }
            }
            Input::ForwardFailed if self.consult_finding_trunk() => {
                self.end_consult(now, "no_trunk");
            }
            Input::ForwardFailed if self.stage == Stage::Routing => {
                if !self.recall_number("no_trunk") {
                    self.goodbye();
                }
            }
            Input::QueueRefused if self.no_agent_free(now) => {}
            Input::QueueRefused | Input::ForwardFailed => {
                if self.stage == Stage::Routing {
                    self.goodbye();
                }
            }
            Input::Offer(ring) => {
                self.seek = None;
                self.offer(now, ring);
            }
            Input::OfferWithdrawn { agent, reason } => {
                self.drop_ring(agent);
                self.tell(
                    agent,
                    Event::OfferEnded {
                        call: self.spec.id.to_string(),
                        reason: reason.clone(),
                    },
                );
                if reason != "caller_hung_up" {
                    self.recall(agent, &reason);
                }
            }
            Input::Reject { agent } if self.is_supervisor(agent) => {
                self.supervisor_leaves(now, "left");
            }
            Input::Reject { agent }
                if self
                    .consult
                    .as_ref()
                    .and_then(consult::Consult::colleague)
                    .is_some_and(|(u, _)| u == agent) =>
            {
                self.agent_hangup(now, agent);
            }
            Input::Reject { agent } => {
                if self.drop_ring(agent) {
                    self.legs.push(Output::Acd(AcdOut::Reject {
                        agent,
                        reason: "rejected",
                    }));
                }
            }
            Input::AnswerInBrowser { agent } => {
                if !self.consult_answer_in_browser(now, agent) {
                    let _ = self.answer_in_browser(now, agent);
                }
            }
            Input::Missed { agent } => self.missed(now, agent),
            Input::Overflow(target) => self.overflow(target),
            Input::Forward {
                route,
                number,
                caller_id,
                media,
            } if self.consult_finding_trunk() => {
                self.consult_forward(now, route, &number, &caller_id, media);
            }
            Input::Forward {
                route,
                number,
                caller_id,
                mut media,
            } => {
                if self.stage != Stage::Routing {
                    return;
                }
                let l = &mut self.legs;
                let invite =
                    l.local
                        .trunk_invite(&route, &number, &caller_id, &mut media, &mut l.tokens);
                let credentials = route.credentials.clone();
                let leg = l.call(LegRole::Agent, route.peer, invite, media, credentials);
                self.stage = Stage::Forwarded { leg };
                self.play(Sound::TransferMusic);
            }
            // SIP inputs went to their legs above.
            Input::Response { .. }
            | Input::Request { .. }
            | Input::RequestTimeout { .. }
            | Input::Cancelled { .. } => {}
        }
    }

    /// The agent puts the customer on hold, or resumes.
    pub(crate) fn hold(&mut self, now: Millis, on: bool) -> Result<(), CallError> {
        let Stage::Talking { agent, leg, .. } = self.stage else {
            return Err(CallError::NotTalking);
        };
        if self.consult.is_some() {
            return Err(CallError::InConsult);
        }
        if self.held != on {
            self.held = on;
            let audio = match leg {
                AgentLeg::Sip(l) => AgentAudio::Sip(l),
                AgentLeg::Browser => AgentAudio::Browser(agent),
            };
            self.legs.hold_customer(audio, on);
            let call = self.spec.id.to_string();
            self.tell(agent, Event::CallHeld { call, on });
            self.legs.push(Output::Record(CallEvent::Hold {
                key: self.spec.key.clone(),
                on,
                at: now,
            }));
        }
        Ok(())
    }

    fn is_talking_leg(&self, leg: LegId) -> bool {
        match self.stage {
            Stage::Talking {
                leg: AgentLeg::Sip(l),
                ..
            }
            | Stage::Forwarded { leg: l } => l == leg,
            _ => false,
        }
    }

    fn play(&mut self, sound: Sound) {
        self.legs.media(MediaOut::Play { room: MAIN, sound });
    }

    fn tell(&mut self, user: UserId, event: Event) {
        self.legs.push(Output::Agent { user, event });
    }

    /// A missed-call reminder for an agent who was rung.
    fn missed(&mut self, now: Millis, agent: UserId) {
        self.legs.push(Output::Record(CallEvent::Missed {
            key: self.spec.key.clone(),
            agent,
            caller: self.spec.caller.clone(),
            enterprise_number: Some(self.spec.number.clone()),
            at: now,
        }));
    }

    fn answered_record(&mut self, now: Millis) {
        self.legs.push(Output::Record(CallEvent::Answered {
            key: self.spec.key.clone(),
            at: now,
            recording: None,
        }));
    }

    /// A key the customer pressed: the survey's rating, or the IVR's input.
    fn customer_digit(&mut self, now: Millis, digit: char) {
        if matches!(self.stage, Stage::Survey(_)) {
            self.survey_digit(now, digit);
        } else {
            self.ivr_input(now, ivr::Input::Digit(digit));
        }
    }

    /// Feeds the IVR (a digit, the end of a prompt).
    fn ivr_input(&mut self, now: Millis, input: ivr::Input) {
        if let Some(ivr) = self.ivr.as_mut() {
            ivr.handle(now, input);
            self.drain_ivr(now);
        }
    }

    /// Carries out what the IVR asks for.
    fn drain_ivr(&mut self, now: Millis) {
        while let Some(action) = self.ivr.as_mut().and_then(ivr::Ivr::poll_action) {
            match action {
                ivr::Action::Play(prompt) => self.play(Sound::Prompt(prompt)),
                ivr::Action::StopPrompt => self.legs.media(MediaOut::StopPlay { room: MAIN }),
                ivr::Action::Route(target) => {
                    self.ivr = None;
                    self.stage = Stage::Routing;
                    match target {
                        ivr::Target::Group(g) => self.legs.push(Output::Acd(AcdOut::Enqueue {
                            group: SkillGroupId(g),
                        })),
                        ivr::Target::Agent(u) => {
                            self.legs
                                .push(Output::Acd(AcdOut::EnqueueForAgent { agent: UserId(u) }));
                        }
                        ivr::Target::External(number) => {
                            self.legs.push(Output::Forward { number });
                        }
                    }
                    return;
                }
                ivr::Action::Hangup => {
                    self.end(now, HangupSide::System);
                    return;
                }
            }
        }
    }

    /// The goodbye prompt, then hang up.
    fn goodbye(&mut self) {
        self.ivr = None;
        self.stage = Stage::Goodbye;
        self.play(Sound::Prompt(ivr::Prompt::builtin(ivr::Builtin::Goodbye)));
    }

    /// A predictive call's customer answered and no agent of the campaign was free: the record
    /// says abandoned, they hear the `no-agent` message, then the call hangs up.
    fn no_agent(&mut self) {
        self.legs.push(Output::Record(CallEvent::Outcome {
            key: self.spec.key.clone(),
            result: CallResult::Abandoned,
        }));
        self.ivr = None;
        self.stage = Stage::Goodbye;
        self.play(Sound::Prompt(ivr::Prompt::builtin(ivr::Builtin::NoAgent)));
    }

    fn overflow(&mut self, target: Overflow) {
        if !matches!(self.stage, Stage::Waiting { .. }) {
            return;
        }
        if let Some(transfer::Target::Agent(to)) = self.recall.as_ref().map(|r| r.to.clone()) {
            // Nobody took it in the colleague's personal queue: back to the transferring agent.
            self.recall(to, "no_answer");
            return;
        }
        // A call an agent answered and transferred stays answered.
        if !self.answered {
            self.legs.push(Output::Record(CallEvent::Outcome {
                key: self.spec.key.clone(),
                result: CallResult::Overflowed,
            }));
        }
        self.stage = Stage::Routing;
        match target {
            Overflow::Group(group) => self.legs.push(Output::Acd(AcdOut::Enqueue { group })),
            Overflow::Goodbye => self.goodbye(),
            Overflow::External(number) => self.legs.push(Output::Forward { number }),
        }
    }

    fn leg_event(&mut self, now: Millis, leg: LegId, ev: Option<LegEvent>) {
        let Some(ev) = ev else { return };
        if leg == self.customer {
            match ev {
                LegEvent::InDialog(InDialog::HungUp) => self.end(now, HangupSide::Customer),
                LegEvent::InDialog(InDialog::Media { remote, hold }) => {
                    self.legs.re_offered(leg, remote, hold);
                }
                LegEvent::InDialog(InDialog::Digit(d)) => self.customer_digit(now, d),
                LegEvent::InDialog(InDialog::Refer { .. }) => self.refuse_refer(leg),
                // Our 2xx was never ACKed: the caller is gone.
                LegEvent::TimedOut => self.end(now, HangupSide::System),
                _ => {}
            }
            return;
        }
        if self.consult_leg_event(now, leg, &ev)
            || self.via_leg_event(now, leg, &ev)
            || self.supervisor_leg_event(now, leg, &ev)
        {
            return;
        }
        match (self.stage, ev) {
            (
                Stage::Waiting {
                    ring: Some((agent, AgentLeg::Sip(l))),
                    ..
                },
                ev,
            ) if l == leg => match ev {
                LegEvent::Answered(Some(sdp)) => {
                    self.agent_answered(now, agent, AgentLeg::Sip(leg));
                    self.legs.start_rtp(leg, &sdp, MAIN);
                }
                LegEvent::Answered(None) | LegEvent::Failed(_) | LegEvent::TimedOut => {
                    // Refused or no answer: the ACD takes the call back (ring-no-answer).
                    self.drop_ring(agent);
                    self.legs.push(Output::Acd(AcdOut::Reject {
                        agent,
                        reason: "device_failed",
                    }));
                }
                _ => {}
            },
            (Stage::Forwarded { leg: l }, ev) if l == leg => match ev {
                LegEvent::Answered(Some(sdp)) => {
                    self.recall = None;
                    self.answered_record(now);
                    self.legs.media(MediaOut::StopPlay { room: MAIN });
                    self.legs.start_rtp(leg, &sdp, MAIN);
                }
                LegEvent::Answered(None) | LegEvent::Failed(_) | LegEvent::TimedOut => {
                    self.legs.drop_leg(leg);
                    // A transfer to a number that failed comes back to the agent.
                    let reason = match &ev {
                        LegEvent::Failed(f) => f.as_str(),
                        LegEvent::TimedOut => "no_answer",
                        _ => "network_error",
                    };
                    if !self.recall_number(reason) {
                        self.goodbye();
                    }
                }
                LegEvent::InDialog(InDialog::HungUp) => self.end(now, HangupSide::Agent),
                LegEvent::InDialog(InDialog::Media { remote, hold }) => {
                    self.legs.re_offered(leg, remote, hold);
                }
                _ => {}
            },
            (
                Stage::Talking {
                    leg: AgentLeg::Sip(l),
                    ..
                },
                ev,
            ) if l == leg => match ev {
                // Hanging up the customer's call during an answered consult made on the phone
                // hands the customer to the party, as the phone bar's hang-up does.
                LegEvent::InDialog(InDialog::HungUp) if self.phone_consult_answered() => {
                    self.complete(now);
                }
                LegEvent::InDialog(InDialog::HungUp) => self.agent_hung_up(now),
                // The desk phone's attended transfer: Replaces names its consult call.
                LegEvent::InDialog(InDialog::Refer {
                    replaces: Some(call_id),
                    ..
                }) => self.phone_refer_replaces(now, leg, &call_id),
                // The desk phone's own transfer key: the engine finds the target.
                LegEvent::InDialog(InDialog::Refer {
                    target,
                    replaces: None,
                }) => {
                    if self.consult.is_some() || self.refer.is_some() {
                        self.refuse_refer(leg);
                    } else {
                        self.refer = Some(leg);
                        self.legs.push(Output::Refer { target });
                    }
                }
                // The desk phone's own hold key: the same hold as the phone bar's.
                LegEvent::InDialog(InDialog::Media { remote, hold })
                    if self.legs.re_offered(leg, remote, hold) =>
                {
                    let _ = self.hold(now, hold);
                }
                _ => {}
            },
            (_, LegEvent::InDialog(InDialog::Refer { .. })) => self.refuse_refer(leg),
            // A leg the call is done with (a ring withdrawn, its CANCEL crossing a 2xx).
            _ => {}
        }
    }

    /// The record's segment of an agent who talked with the customer from `from` to `to`.
    fn segment(&mut self, agent: UserId, from: Millis, to: Millis, transferred: bool) {
        self.legs.push(Output::Record(CallEvent::Segment {
            key: self.spec.key.clone(),
            agent,
            from,
            to,
            transferred,
        }));
    }

    /// Ends the call: out of the contact center (abandoned or missed in the queue, the agent to
    /// after-call work), the record closed, every leg hung up and its media stopped.
    fn end(&mut self, now: Millis, side: HangupSide) {
        if self.stage != Stage::Ended {
            self.supervisor_leaves(now, "call_ended");
        }
        let stage = std::mem::replace(&mut self.stage, Stage::Ended);
        self.ivr = None;
        self.seek = None;
        match stage {
            Stage::Ended => return,
            Stage::Waiting { rang, ring } => {
                // A call an agent answered and transferred stays answered.
                if !self.answered {
                    self.legs.push(Output::Record(CallEvent::Outcome {
                        key: self.spec.key.clone(),
                        result: if rang {
                            CallResult::Missed
                        } else {
                            CallResult::Abandoned
                        },
                    }));
                }
                if let Some((agent, _)) = ring {
                    // The ACD's withdrawal and missed call for the ringing agent come after
                    // Abandon, when the call takes no more input: the call says them itself.
                    self.missed(now, agent);
                    self.tell(
                        agent,
                        Event::OfferEnded {
                            call: self.spec.id.to_string(),
                            reason: "caller_hung_up".to_owned(),
                        },
                    );
                }
                self.legs.push(Output::Acd(AcdOut::Abandon));
            }
            Stage::Talking {
                agent,
                leg,
                since,
                seat,
            } => self.agent_leaves(now, agent, leg, since, seat),
            Stage::Survey(_) => self.survey_result(None),
            // A predictive call's customer who hung up before an agent was found for them.
            Stage::Routing if self.spec.predictive.is_some() && !self.answered => {
                self.legs.push(Output::Record(CallEvent::Outcome {
                    key: self.spec.key.clone(),
                    result: CallResult::Abandoned,
                }));
            }
            Stage::Outside | Stage::Routing | Stage::Forwarded { .. } | Stage::Goodbye => {}
        }
        self.legs.push(Output::Record(CallEvent::Ended {
            key: self.spec.key.clone(),
            at: now,
            failure: None,
            hangup_side: self.ended_by.unwrap_or(side),
        }));
        self.legs.drop_all();
    }

    /// The talking agent's part ends (the call ends, or goes on to the survey): a consult under
    /// way is dropped, the segment written, the phone bar told, the agent released to the ACD.
    fn agent_leaves(
        &mut self,
        now: Millis,
        agent: UserId,
        leg: AgentLeg,
        since: Millis,
        seat: Seat,
    ) {
        if let Some(c) = self.consult.take() {
            self.drop_party(now, &c, "caller_hung_up");
        }
        self.segment(agent, since, now, false);
        if leg == AgentLeg::Browser {
            self.legs.media(MediaOut::LeaveBrowser { user: agent });
        }
        // The phone bar hears the call ended before the presence the ACD publishes for
        // after-call work (it shows the ended pop only for a call it knows).
        self.tell(
            agent,
            Event::CallEnded {
                call: self.spec.id.to_string(),
            },
        );
        self.release(agent, seat, true);
    }
}

/// The record's start.
fn started(spec: &About, now: Millis) -> Output {
    Output::Record(CallEvent::Started {
        key: spec.key.clone(),
        enterprise: spec.enterprise,
        direction: CallDirection::Inbound,
        caller: spec.caller.clone(),
        callee: spec.number.clone(),
        enterprise_number: Some(spec.number.clone()),
        agent: None,
        at: now,
    })
}
