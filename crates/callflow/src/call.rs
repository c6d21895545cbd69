//! One call, whatever its kind: what comes in ([`Input`]), what the engine admitted
//! ([`PlacedCall`], [`InboundCall`]) and the [`Call`] that runs it.

use std::sync::Arc;

use model::calls::HangupSide;
use model::{EnterpriseId, SkillGroupId, UserId};
use sip::msg::Message;
use sip::sdp::LocalMedia;
use sip::txn::{Peer, TxnId};

use crate::inbound::Inbound;
use crate::placed::Placed;
use crate::predictive::Dialing;
use crate::sipleg::Refusal;
use crate::{CallId, LegId, Local, Millis, Output, TrunkRoute};

/// How an agent takes part in a call: the device that rings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentSide {
    /// Their registered desk phone.
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
    /// Their mobile, through a trunk (PSTN callback).
    Mobile {
        /// The trunk.
        route: TrunkRoute,
        /// The mobile number.
        number: String,
        /// Our media for the leg.
        media: LocalMedia,
    },
    /// Their browser's audio session (the engine's), which joins the call's room.
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
    /// The agent dialled from their desk phone (`agent_side` is then that phone): its INVITE
    /// gets early media at once (the phone hears ringback), the customer is called, and the
    /// phone's 200 OK waits for the customer's answer.
    pub from_phone: Option<PhoneInvite>,
    /// The outbound campaign's customer this call is to (its record says so, and its end
    /// writes the customer's outcome). A campaign call to a desk-phone agent calls the customer
    /// first and joins the phone (auto-answer) when they answer.
    pub campaign: Option<CampaignTag>,
}

/// A predictive campaign's call, as the engine admitted it: the customer is called first,
/// with no agent; when they answer, the longest-idle of `agents` free then takes the call
/// (their device answers by itself), else the customer hears the `no-agent` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictiveCall {
    /// Its id.
    pub id: CallId,
    /// Its key in call records.
    pub key: String,
    /// The enterprise.
    pub enterprise: EnterpriseId,
    /// The customer's number.
    pub number: String,
    /// The enterprise number the customer sees.
    pub caller_number: String,
    /// The trunk the customer is called through.
    pub route: TrunkRoute,
    /// Our media for the customer's leg (the engine bound its port).
    pub customer_media: LocalMedia,
    /// Transcribe the call once an agent answers.
    pub transcribe: bool,
    /// The campaign's customer.
    pub campaign: CampaignTag,
    /// The campaign's agents, any of whom may take the call.
    pub agents: Vec<UserId>,
}

/// A desk phone's own INVITE (the agent dialled on the phone's keypad), authenticated by the
/// engine against the phone's SIP account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneInvite {
    /// The INVITE.
    pub invite: Message,
    /// Its server transaction.
    pub txn: TxnId,
}

/// A desk phone's own call to a colleague or a number while its agent talks with a customer:
/// the agent consults from the phone's keypad (the phone holds the customer's call and dials),
/// the phone's INVITE carrying the agent's side of the consult.
#[derive(Debug, Clone)]
pub struct PhoneConsult {
    /// The phone's INVITE.
    pub invite: PhoneInvite,
    /// Where the phone is.
    pub peer: Peer,
    /// Our media for the phone's call.
    pub media: LocalMedia,
    /// Who is consulted.
    pub to: ConsultTo,
}

/// What a campaign call carries beyond a placed call's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignTag {
    /// The campaign customer's id.
    pub customer: i64,
    /// The number as the agent may see it (`…****` when the campaign masks numbers).
    pub shown_number: String,
    /// The campaign (its id and name) and the customer's name, for the agent's pop.
    pub pop: CampaignPop,
}

/// What the agent's pop says of a campaign call: the campaign and the customer's name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CampaignPop {
    /// The campaign's id.
    pub campaign: i64,
    /// Its name.
    pub campaign_name: String,
    /// The customer's name.
    pub customer_name: String,
}

/// Who calls in, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Customer {
    /// Over a trunk: the INVITE, which the call answers.
    Trunk {
        /// Where it came from.
        peer: Peer,
        /// The INVITE.
        invite: Message,
        /// Its server transaction.
        txn: TxnId,
        /// Our media for the leg (the engine bound its port).
        media: LocalMedia,
    },
    /// A web widget visitor: the engine answered the WebRTC offer and holds the session.
    Widget,
}

/// What the number dialed does with the call first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Service {
    /// Its IVR flow: prompts, menus, then a queue, an agent or an external number.
    Ivr(Arc<ivr::Flow>),
    /// The welcome prompt, then silence until the caller hangs up.
    Welcome,
    /// The echo test: the caller hears themselves.
    Echo,
}

/// A call to an enterprise number, as the engine admitted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundCall {
    /// Its id.
    pub id: CallId,
    /// Its key in call records.
    pub key: String,
    /// The enterprise.
    pub enterprise: EnterpriseId,
    /// The caller's number.
    pub caller: String,
    /// The enterprise number dialed.
    pub number: String,
    /// Who calls, and how.
    pub customer: Customer,
    /// What the number does.
    pub service: Service,
    /// Transcribe the call once an agent answers.
    pub transcribe: bool,
}

/// The ACD offers a queued call to an agent, and the engine found the agent's device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ring {
    /// The agent.
    pub agent: UserId,
    /// The group the call queued in.
    pub group: SkillGroupId,
    /// The group's name (for the pop).
    pub group_name: String,
    /// The agent answers at once.
    pub auto_answer: bool,
    /// The device that rings.
    pub device: AgentSide,
    /// The number a mobile sees calling (an enterprise number).
    pub caller_id: String,
}

/// Where a queue sends a call it cannot keep (its overflow).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overflow {
    /// Another skill group's queue.
    Group(SkillGroupId),
    /// The goodbye prompt, then hang up.
    Goodbye,
    /// An external number, through a trunk.
    External(String),
}

/// Where an agent transfers their customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferTo {
    /// A skill group's queue (at its head).
    Group(SkillGroupId),
    /// A colleague (their personal queue: only they are offered the call).
    Agent(UserId),
    /// A number outside, called through a trunk with the enterprise's number as caller ID (the
    /// customer hears the transfer music while it rings).
    External(String),
}

/// Whom an agent consults while the customer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsultTo {
    /// A colleague: their device rings with a consult pop.
    Agent(UserId),
    /// A number outside, through a trunk with the enterprise's number as caller ID.
    External(String),
}

/// What the consulting agent does with a consult.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsultStep {
    /// Hand the customer to the consulted party and leave (attended transfer).
    Complete,
    /// Join all three in one conversation (three-way call).
    Join,
    /// Drop the consulted party and go back to the customer (also drops the third party of a
    /// three-way call).
    Cancel,
}

/// A supervisor's step into a call, in the only order they may come: listen, then whisper or
/// barge-in (whisper may turn into barge-in), then force-disconnect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StepIn {
    /// Hear both sides; nobody hears the supervisor (监听).
    Listen,
    /// The agent hears the supervisor; the customer does not.
    Whisper,
    /// Everyone hears everyone (强插).
    Barge,
    /// The agent is cut off; the supervisor keeps the customer (强拆).
    Disconnect,
}

impl StepIn {
    /// Its name in records and events.
    pub fn as_str(self) -> &'static str {
        match self {
            StepIn::Listen => "listen",
            StepIn::Whisper => "whisper",
            StepIn::Barge => "barge",
            StepIn::Disconnect => "disconnect",
        }
    }
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
    /// A leg's INVITE got no final response in time, or our 2xx to a leg that called us was
    /// never ACKed.
    RequestTimeout {
        /// The leg.
        leg: LegId,
    },
    /// A leg that called us cancelled its INVITE (CANCEL) before we answered it.
    Cancelled {
        /// The leg.
        leg: LegId,
    },
    /// A leg's peer stopped sending media.
    MediaTimeout {
        /// The leg.
        leg: LegId,
    },
    /// Hang up (the agent from the phone bar, a widget visitor, or Patchbay at shutdown).
    Hangup {
        /// Who.
        by: HangupSide,
    },
    /// Live transcription on or off (the agent's switch).
    Transcription {
        /// On or off.
        on: bool,
    },
    /// The agent puts the customer on hold (music for the customer, silence for the agent) or
    /// resumes the call.
    Hold {
        /// On hold (true) or resumed (false).
        on: bool,
    },
    /// The agent transfers the customer (blind) to a skill group or a colleague: the agent is
    /// off the call and the customer waits at the head of that queue, keeping the time waited.
    Transfer {
        /// Where to.
        to: TransferTo,
    },
    /// The engine found the device of a colleague brought into the call (consulted, or a
    /// supervisor), and the ACD counts them on it: it rings (or joins at once).
    ColleagueRing {
        /// The colleague's number in the call (from [`crate::AcdOut::Colleague`]).
        n: u32,
        /// Their device.
        ring: Ring,
    },
    /// The colleague cannot be reached: `target_busy`, `target_offline`, `unreachable`.
    ColleagueFailed {
        /// The colleague's number in the call.
        n: u32,
        /// Why, as the phone bar shows it.
        reason: String,
    },
    /// An agent on the call hangs up from the phone bar: the talking agent (the call ends, or
    /// during a consult the consulted party keeps the customer) or a consulted colleague.
    AgentHangup {
        /// The agent.
        agent: UserId,
    },
    /// The caller pressed a key (RFC 4733 on the media, or the widget's keypad).
    Digit(char),
    /// The prompt playing in the call's room reached its end.
    PromptFinished,
    /// The ACD took the call into a queue ([`crate::AcdOut::Enqueue`]); `group` is `None` for
    /// an agent's personal queue.
    Enqueued {
        /// The skill group.
        group: Option<SkillGroupId>,
        /// The group's satisfaction-survey prompt, when the group has the survey on.
        survey: Option<ivr::Prompt>,
    },
    /// The queue asked for does not exist, or the agent asked for is signed out.
    QueueRefused,
    /// The ACD offers the call to an agent, whose device rings.
    Offer(Ring),
    /// The ACD took an offer back (ring timeout, the agent signed out). When the caller left,
    /// the call has already ended the offer itself and ignores this (and [`Input::Missed`]).
    OfferWithdrawn {
        /// The agent.
        agent: UserId,
        /// Why, as the phone bar shows it.
        reason: String,
    },
    /// The agent refused the ringing call from the phone bar.
    Reject {
        /// The agent.
        agent: UserId,
    },
    /// The agent answered the call ringing in their browser.
    AnswerInBrowser {
        /// The agent.
        agent: UserId,
    },
    /// The ACD counts a missed call for an agent (rang, not answered).
    Missed {
        /// The agent.
        agent: UserId,
    },
    /// The queue overflowed.
    Overflow(Overflow),
    /// The trunk found for an [`Output::Forward`].
    Forward {
        /// The trunk.
        route: TrunkRoute,
        /// The number to call.
        number: String,
        /// The enterprise number to show.
        caller_id: String,
        /// Our media for the leg (the engine bound its port).
        media: LocalMedia,
    },
    /// No trunk can take an [`Output::Forward`].
    ForwardFailed,
}

/// Why a command to a call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The customer has not answered yet.
    #[error("the customer has not answered yet")]
    NotAnswered,
    /// The call is not ringing or talking with that agent.
    #[error("no such call for this agent")]
    NotTheAgents,
    /// The agent is not talking with the customer (ringing, or the call is over).
    #[error("the agent is not talking with the customer")]
    NotTalking,
    /// A consult is under way: finish it first.
    #[error("a consult is under way: complete, join or cancel it first")]
    InConsult,
    /// No consult is under way, or it has not been answered yet.
    #[error("no answered consult on this call")]
    NoConsult,
    /// Another supervisor is on the call.
    #[error("another supervisor is on this call")]
    Supervised,
    /// A supervisor's steps go one way: listen, whisper or barge-in, force-disconnect.
    #[error("steps go one way: listen, then whisper or barge-in, then force-disconnect")]
    StepOrder,
}

/// An agent's part in a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentPart {
    /// Their device rings; `browser` when it rings on the phone bar.
    Ringing {
        /// Ringing in the browser.
        browser: bool,
    },
    /// They talk; `browser` when in the browser.
    Talking {
        /// Talking in the browser.
        browser: bool,
    },
}

#[derive(Debug)]
enum Kind {
    Placed(Box<Placed>),
    Predictive(Box<Dialing>),
    Inbound(Box<Inbound>),
}

/// One call: its legs, their dialogs and media, and what it asks of the engine.
#[derive(Debug)]
pub struct Call(Kind);

impl Call {
    /// Places a call: the record starts, then the agent's phone rings (desk phone, mobile) or
    /// the agent's browser joins and the customer is called at once.
    pub fn place(now: Millis, spec: PlacedCall, local: Local, seed: u64) -> Call {
        Call(Kind::Placed(Box::new(Placed::place(
            now, spec, local, seed,
        ))))
    }

    /// Places the call an agent dialled on their desk phone ([`PlacedCall::from_phone`]): the
    /// phone's INVITE is answered (the 200 OK is the first output) and the phone hears ringback
    /// while the customer is called. Refused, before any record, when the INVITE cannot be
    /// answered (no codec in common, no Contact).
    pub fn place_from_phone(
        now: Millis,
        spec: PlacedCall,
        local: Local,
        seed: u64,
    ) -> Result<Call, Refusal> {
        Ok(Call(Kind::Placed(Box::new(Placed::place_from_phone(
            now, spec, local, seed,
        )?))))
    }

    /// Places a predictive campaign's call ([`PredictiveCall`]): the record starts and the
    /// customer is called; no agent takes part until the customer answers.
    pub fn predict(now: Millis, spec: PredictiveCall, local: Local, seed: u64) -> Call {
        Call(Kind::Predictive(Box::new(Dialing::place(
            now, spec, local, seed,
        ))))
    }

    /// The SIP leg of the agent's device, while the agent takes part by one.
    pub fn agent_sip_leg(&self) -> Option<LegId> {
        match &self.0 {
            Kind::Placed(p) => p.agent_leg(),
            Kind::Predictive(_) => None,
            Kind::Inbound(i) => i.agent_sip_leg(),
        }
    }

    /// Takes a call to an enterprise number in: answers a trunk's INVITE (the 200 OK is the
    /// first output), starts the record and the customer's recorded media, then the number's
    /// IVR flow, welcome prompt or echo. Refused when the INVITE cannot be answered.
    pub fn answer(
        now: Millis,
        spec: InboundCall,
        local: Local,
        seed: u64,
    ) -> Result<Call, Refusal> {
        Ok(Call(Kind::Inbound(Box::new(Inbound::answer(
            now, spec, local, seed,
        )?))))
    }

    /// The call's id.
    pub fn id(&self) -> CallId {
        match &self.0 {
            Kind::Placed(p) => p.spec.id,
            Kind::Predictive(d) => d.spec.id,
            Kind::Inbound(i) => i.spec.id,
        }
    }

    /// Its key in call records.
    pub fn key(&self) -> &str {
        match &self.0 {
            Kind::Placed(p) => &p.spec.key,
            Kind::Predictive(d) => &d.spec.key,
            Kind::Inbound(i) => &i.spec.key,
        }
    }

    /// Its enterprise.
    pub fn enterprise(&self) -> EnterpriseId {
        match &self.0 {
            Kind::Placed(p) => p.spec.enterprise,
            Kind::Predictive(d) => d.spec.enterprise,
            Kind::Inbound(i) => i.spec.enterprise,
        }
    }

    /// The enterprise number of the call: the one the customer dialed, or the one a placed
    /// call shows.
    pub fn enterprise_number(&self) -> &str {
        match &self.0 {
            Kind::Placed(p) => &p.spec.caller_number,
            Kind::Predictive(d) => &d.spec.caller_number,
            Kind::Inbound(i) => &i.spec.number,
        }
    }

    /// Whether the customer called in (rather than an agent placing the call).
    pub fn is_inbound(&self) -> bool {
        matches!(&self.0, Kind::Inbound(i) if !i.spec.placed)
    }

    /// Whether an agent is placing the call and the customer has not answered yet (until then
    /// it is only ended or held; afterwards it is a talking call like any other).
    pub fn is_placing(&self) -> bool {
        matches!(self.0, Kind::Placed(_))
    }

    /// Whether it is a predictive campaign's call still calling its customer (not answered,
    /// not ended).
    pub fn is_dialing(&self) -> bool {
        matches!(&self.0, Kind::Predictive(d) if !d.answered && !d.is_ended())
    }

    /// Whether it is a predictive campaign's call whose customer answered and is waiting for a
    /// free agent (the dialer counts one of its free agents as taken).
    pub fn is_seeking_agent(&self) -> bool {
        matches!(&self.0, Kind::Inbound(i) if i.seeks_agent())
    }

    /// Whether it is a predictive campaign's call: the agent who takes it answers by itself
    /// (the customer is already on the line).
    pub fn is_predictive(&self) -> bool {
        match &self.0 {
            Kind::Predictive(_) => true,
            Kind::Inbound(i) => i.spec.predictive.is_some(),
            Kind::Placed(_) => false,
        }
    }

    /// The agent talking on the call (for a placed call, the agent who placed it).
    pub fn agent(&self) -> Option<UserId> {
        match &self.0 {
            Kind::Placed(p) => Some(p.spec.agent),
            Kind::Predictive(_) => None,
            Kind::Inbound(i) => i.talking_agent(),
        }
    }

    /// An agent's part in the call, if they have one now.
    pub fn agent_part(&self, user: UserId) -> Option<AgentPart> {
        if self.is_finished() {
            return None;
        }
        match &self.0 {
            Kind::Placed(p) => (p.spec.agent == user).then_some(AgentPart::Talking {
                browser: p.spec.agent_side == AgentSide::Browser,
            }),
            Kind::Predictive(_) => None,
            Kind::Inbound(i) => i.agent_part(user),
        }
    }

    /// The customer's leg, once its media runs, and when that began (transcript times count
    /// from it).
    pub fn customer_media(&self) -> Option<(LegId, Millis)> {
        match &self.0 {
            Kind::Placed(p) => p.customer_media(),
            Kind::Predictive(d) => d.media_started.map(|at| (d.customer, at)),
            Kind::Inbound(i) => i.customer_media(),
        }
    }

    /// Whether live transcription runs.
    pub fn transcribing(&self) -> bool {
        match &self.0 {
            Kind::Placed(p) => p.transcribing,
            Kind::Predictive(_) => false,
            Kind::Inbound(i) => i.transcribing,
        }
    }

    /// Whether the customer answered (placed calls; also after the call ended).
    pub fn connected(&self) -> bool {
        match &self.0 {
            Kind::Placed(p) => p.answered,
            Kind::Predictive(d) => d.answered,
            // A placed call becomes a talking one when the customer answers.
            Kind::Inbound(i) => i.spec.placed || i.talking_agent().is_some(),
        }
    }

    /// The next deadline (an IVR menu waiting for a digit), if any: call
    /// [`Call::handle_timeout`] then.
    pub fn poll_timeout(&self) -> Option<Millis> {
        match &self.0 {
            Kind::Placed(_) | Kind::Predictive(_) => None,
            Kind::Inbound(i) => i.poll_timeout(),
        }
    }

    /// The deadline passed (or not yet: nothing happens early).
    pub fn handle_timeout(&mut self, now: Millis) {
        if let Kind::Inbound(i) = &mut self.0 {
            i.handle_timeout(now);
        }
    }

    /// The next thing for the engine to do.
    pub fn poll_output(&mut self) -> Option<Output> {
        match &mut self.0 {
            Kind::Placed(p) => p.legs.out.pop_front(),
            Kind::Predictive(d) => d.legs.out.pop_front(),
            Kind::Inbound(i) => i.legs.out.pop_front(),
        }
    }

    /// Whether the call is over and every leg has finished.
    pub fn is_finished(&self) -> bool {
        match &self.0 {
            Kind::Placed(p) => p.finished,
            Kind::Predictive(d) => d.finished,
            Kind::Inbound(i) => i.finished,
        }
    }

    /// Something happened to the call.
    pub fn handle(&mut self, now: Millis, input: Input) {
        match &mut self.0 {
            Kind::Placed(p) => {
                p.handle(now, input);
                // Answered: from now on it is a talking call like any other.
                if let Some(talking) = Inbound::from_placed(now, p) {
                    self.0 = Kind::Inbound(Box::new(talking));
                }
            }
            Kind::Predictive(d) => {
                d.handle(now, input);
                // Answered: the call looks for a free agent of the campaign.
                if let Some(routing) = Inbound::from_predictive(now, d) {
                    self.0 = Kind::Inbound(Box::new(routing));
                }
            }
            Kind::Inbound(i) => i.handle(now, input),
        }
    }

    /// Switches live transcription on or off; refused before the customer answered.
    pub fn set_transcription(&mut self, on: bool) -> Result<(), CallError> {
        match &mut self.0 {
            Kind::Placed(p) => p.set_transcription(on),
            Kind::Predictive(_) => Err(CallError::NotAnswered),
            Kind::Inbound(i) => i.set_transcription(on),
        }
    }

    /// Puts the customer on hold or resumes the call; refused unless the agent talks with the
    /// customer.
    pub fn hold(&mut self, now: Millis, on: bool) -> Result<(), CallError> {
        match &mut self.0 {
            Kind::Placed(p) => p.hold(now, on),
            Kind::Predictive(_) => Err(CallError::NotTalking),
            Kind::Inbound(i) => i.hold(now, on),
        }
    }

    /// Transfers the customer (blind) to a skill group or a colleague; refused unless the agent
    /// talks with the customer (a placed call once the customer answered, or an inbound call).
    pub fn transfer(&mut self, now: Millis, to: TransferTo) -> Result<(), CallError> {
        match &mut self.0 {
            Kind::Placed(_) | Kind::Predictive(_) => Err(CallError::NotTalking),
            Kind::Inbound(i) => i.transfer(now, to),
        }
    }

    /// Consults a colleague or a number while the customer holds; refused unless the agent
    /// talks with the customer and no consult is under way.
    pub fn consult(&mut self, now: Millis, to: ConsultTo) -> Result<(), CallError> {
        match &mut self.0 {
            Kind::Placed(_) | Kind::Predictive(_) => Err(CallError::NotTalking),
            Kind::Inbound(i) => i.consult(now, to),
        }
    }

    /// A consult the agent starts by dialling on their desk phone during the call: the phone's
    /// INVITE hears early media (ringback) and its 200 OK when the party answers. The new leg,
    /// or the refusal to answer the INVITE with.
    pub fn consult_from_phone(
        &mut self,
        now: Millis,
        consult: PhoneConsult,
    ) -> Result<LegId, Refusal> {
        match &mut self.0 {
            Kind::Placed(_) | Kind::Predictive(_) => Err(Refusal {
                code: 486,
                reason: "Not Talking With The Customer",
            }),
            Kind::Inbound(i) => i.consult_from_phone(now, consult),
        }
    }

    /// Completes, joins or cancels the consult under way.
    pub fn consult_step(&mut self, now: Millis, step: ConsultStep) -> Result<(), CallError> {
        match &mut self.0 {
            Kind::Placed(_) | Kind::Predictive(_) => Err(CallError::NoConsult),
            Kind::Inbound(i) => i.consult_step(now, step),
        }
    }

    /// A supervisor steps into the call the agent talks on (listen, whisper, barge-in,
    /// force-disconnect); refused unless an agent talks with the customer, and for steps back
    /// or a second supervisor.
    pub fn supervise(
        &mut self,
        now: Millis,
        supervisor: UserId,
        step: StepIn,
    ) -> Result<(), CallError> {
        match &mut self.0 {
            Kind::Placed(_) | Kind::Predictive(_) => Err(CallError::NotTalking),
            Kind::Inbound(i) => i.supervise(now, supervisor, step),
        }
    }

    /// Sends keys to the customer's side as RFC 4733 telephone events (the agent's keypad, for
    /// a carrier's or customer's IVR); refused unless the customer's media runs and an agent
    /// talks with them.
    pub fn send_digits(&mut self, digits: &str) -> Result<(), CallError> {
        let leg = match &self.0 {
            Kind::Placed(p) if p.answered => p.customer_media().map(|(leg, _)| leg),
            Kind::Inbound(i) if i.talking_agent().is_some() => {
                i.customer_media().map(|(leg, _)| leg)
            }
            _ => None,
        };
        let leg = leg.ok_or(CallError::NotTalking)?;
        let out = Output::Media(crate::MediaOut::Digits {
            leg,
            digits: digits.to_owned(),
        });
        match &mut self.0 {
            Kind::Placed(p) => p.legs.push(out),
            Kind::Predictive(d) => d.legs.push(out),
            Kind::Inbound(i) => i.legs.push(out),
        }
        Ok(())
    }

    /// The transfer a desk phone asked for by REFER cannot be made: the phone is told why (a
    /// NOTIFY with `code`) and the call stays as it was.
    pub fn refer_failed(&mut self, code: u16, reason: &str) {
        if let Kind::Inbound(i) = &mut self.0 {
            i.refer_failed(code, reason);
        }
    }

    /// Transfers the customer (blind) into an IVR flow (a number's menu): the agent's side ends
    /// as with any transfer and the flow starts over for the customer; refused unless the agent
    /// talks with the customer.
    pub fn transfer_to_ivr(&mut self, now: Millis, flow: Arc<ivr::Flow>) -> Result<(), CallError> {
        match &mut self.0 {
            Kind::Placed(_) | Kind::Predictive(_) => Err(CallError::NotTalking),
            Kind::Inbound(i) => i.transfer_to_ivr(now, flow),
        }
    }

    /// The colleague consulted in the consult under way, if the party is one (the engine names
    /// them as the callee of the consult's own record).
    pub fn consulted_colleague(&self) -> Option<UserId> {
        match &self.0 {
            Kind::Placed(_) | Kind::Predictive(_) => None,
            Kind::Inbound(i) => i.consulted_colleague(),
        }
    }

    /// Whether the customer is on hold.
    pub fn held(&self) -> bool {
        match &self.0 {
            Kind::Placed(p) => p.held,
            Kind::Predictive(_) => false,
            Kind::Inbound(i) => i.held,
        }
    }
}
