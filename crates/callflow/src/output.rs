//! What a call asks the engine to do.

use std::net::SocketAddr;

use model::UserId;
use sip::dialog::DialogId;
use sip::msg::Message;
use sip::sdp::AudioCodec;
use sip::txn::{Peer, TxnId};

use crate::{LegId, RoomRef};

/// Who a leg is to the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegRole {
    /// The customer (recorded on the left channel).
    Customer,
    /// An agent (recorded on the right channel).
    Agent,
}

/// One thing for the engine to carry out, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Send a request on a leg (an INVITE, its retry with credentials, a BYE) in a new client
    /// transaction; its responses and timeout come back as inputs for that leg. A new INVITE
    /// replaces the leg's earlier one as the one [`Output::Cancel`] cancels.
    SendRequest {
        /// The leg.
        leg: LegId,
        /// Where to.
        peer: Peer,
        /// The request.
        msg: Message,
    },
    /// Answer a server transaction.
    Respond {
        /// The transaction.
        txn: TxnId,
        /// The response.
        msg: Message,
    },
    /// Send an ACK for a 2xx (outside any transaction).
    SendAck {
        /// Where to.
        peer: Peer,
        /// The ACK.
        msg: Message,
    },
    /// CANCEL the leg's pending INVITE (nothing happens if it already ended).
    Cancel {
        /// The leg.
        leg: LegId,
    },
    /// Route requests in this dialog to the leg from now on.
    DialogUp {
        /// The leg.
        leg: LegId,
        /// Its dialog.
        dialog: DialogId,
    },
    /// Stop routing this dialog.
    DialogDown {
        /// The dialog.
        dialog: DialogId,
    },
    /// A media-plane command.
    Media(MediaOut),
    /// An ACD command.
    Acd(AcdOut),
    /// A call-record event.
    Record(model::calls::CallEvent),
    /// Find a trunk for `number` and bind a port, then answer with [`crate::Input::Forward`]
    /// (or [`crate::Input::ForwardFailed`]).
    Forward {
        /// The external number.
        number: String,
    },
    /// The talking agent's desk phone asked to transfer the customer (REFER) to `target` (a
    /// SIP URI: a colleague's extension or a number): the engine resolves it and calls
    /// [`crate::Call::transfer`], or [`crate::Call::refer_failed`].
    Refer {
        /// The Refer-To URI.
        target: String,
    },
    /// An event for one agent's phone bar (and the monitor).
    Agent {
        /// The agent.
        user: UserId,
        /// The event.
        event: model::Event,
    },
    /// The call is over: every leg has ended and nothing more comes out of it.
    Finished,
}

/// What a call asks of the media plane. Legs are the call's; the engine maps them to media legs,
/// and rooms to media rooms (made when first named).
#[derive(Debug, Clone, PartialEq)]
pub enum MediaOut {
    /// Start a leg's RTP on the socket the engine bound for `port`, in `room`.
    StartRtp {
        /// The leg.
        leg: LegId,
        /// Our RTP port (the engine's socket for it).
        port: u16,
        /// Where to send (`None` until the peer's first packet, when its INVITE had no offer).
        remote: Option<SocketAddr>,
        /// The codec agreed.
        codec: AudioCodec,
        /// telephone-event's payload type.
        telephone_event: u8,
        /// Whose audio it is (customer left, agents right in the recording).
        role: LegRole,
        /// The room it joins, speaking and listening.
        room: RoomRef,
        /// The echo test: the leg hears itself instead of joining the room.
        echo: bool,
        /// Record the room from this leg (customer legs).
        record: bool,
    },
    /// Start a widget visitor's media (the WebRTC session the engine answered) in `room`,
    /// recorded, as the customer.
    StartVisitor {
        /// The leg.
        leg: LegId,
        /// The room.
        room: RoomRef,
    },
    /// A SIP leg's media leaves every room: its peer hears silence, nobody hears it (an agent
    /// on hold).
    Park {
        /// The leg.
        leg: LegId,
    },
    /// A parked leg joins `room` again, speaking and listening.
    Join {
        /// The leg.
        leg: LegId,
        /// The room.
        room: RoomRef,
    },
    /// The leg's peer put the call on hold (no media is expected from it: its silence must not
    /// end the call) or resumed it.
    PeerHold {
        /// The leg.
        leg: LegId,
        /// On hold.
        on: bool,
    },
    /// Play a sound in `room` (instead of whatever played there).
    Play {
        /// The room.
        room: RoomRef,
        /// What.
        sound: Sound,
    },
    /// Stop the sound playing in `room`.
    StopPlay {
        /// The room.
        room: RoomRef,
    },
    /// A started leg's peer moved its media (a re-INVITE or a later answer).
    SetRemote {
        /// The leg.
        leg: LegId,
        /// Where to send now.
        remote: SocketAddr,
    },
    /// Give back the socket bound for `port`: the leg it was for never started media.
    ReleasePort {
        /// The port.
        port: u16,
    },
    /// The agent's browser audio session joins `room` (the session is the engine's).
    JoinBrowser {
        /// The agent.
        user: UserId,
        /// The room.
        room: RoomRef,
    },
    /// The agent's browser session leaves the call and waits for the next, silent.
    LeaveBrowser {
        /// The agent.
        user: UserId,
    },
    /// Play ringback to the agent in `room` until other audio comes.
    RingbackToAgent {
        /// The room.
        room: RoomRef,
        /// The agent's SIP leg, or `None` for the agent's browser session.
        leg: Option<LegId>,
        /// The agent (for the browser session).
        user: UserId,
    },
    /// A supervisor's audio (their SIP leg, or their browser session when `leg` is `None`)
    /// takes part in `room` as `mode`: placed there, or its mode changed.
    Supervisor {
        /// The supervisor's SIP leg, or `None` for their browser session.
        leg: Option<LegId>,
        /// The supervisor.
        user: UserId,
        /// The room.
        room: RoomRef,
        /// How they take part.
        mode: crate::StepIn,
    },
    /// Send keys to a leg's peer as RFC 4733 telephone events (the agent's keypad: a
    /// carrier's or customer's IVR).
    Digits {
        /// The leg.
        leg: LegId,
        /// The keys (`0`–`9`, `*`, `#`, `A`–`D`).
        digits: String,
    },
    /// Live transcription of the call on or off.
    Transcribe {
        /// On or off.
        on: bool,
    },
    /// Stop a leg's media.
    RemoveLeg {
        /// The leg.
        leg: LegId,
    },
}

/// A sound a call plays in a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sound {
    /// A prompt (built in, or uploaded); its end comes back as
    /// [`crate::Input::PromptFinished`] (at once when the prompt cannot be found).
    Prompt(ivr::Prompt),
    /// "Please hold", then the queue's music, looping.
    QueueMusic,
    /// The transfer music, looping, while an external number rings.
    TransferMusic,
    /// Hold music, looping, while the agent has the customer on hold.
    HoldMusic,
}

/// What a call tells the ACD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcdOut {
    /// Queue the call in a skill group (an IVR route or an overflow): answer with
    /// [`crate::Input::Enqueued`], or [`crate::Input::QueueRefused`] when the group is not the
    /// enterprise's.
    Enqueue {
        /// The group.
        group: model::SkillGroupId,
    },
    /// Queue the call an agent transferred to a group or a colleague: at the head, counted as
    /// waiting since `since`; answered with [`crate::Input::Enqueued`], or
    /// [`crate::Input::QueueRefused`] when the target is gone.
    Transfer {
        /// Where to.
        to: crate::TransferTo,
        /// When the call first queued.
        since: crate::Millis,
    },
    /// A call transferred to a colleague who did not take it comes back to the agent who
    /// transferred it: it moves to their personal queue (at the head, keeping its wait) and
    /// their after-call work ends so they are offered it at once. Answered with
    /// [`crate::Input::Enqueued`], or [`crate::Input::QueueRefused`] when they signed out.
    Recall {
        /// The agent who transferred the call.
        agent: UserId,
        /// When the call first queued.
        since: crate::Millis,
    },
    /// A predictive campaign's customer answered: queue the call for the longest-idle of
    /// `agents` who is signed in and idle (their personal queue; the offer answers by itself),
    /// answered with [`crate::Input::Enqueued`], or [`crate::Input::QueueRefused`] when none is
    /// free (the customer then hears the `no-agent` message).
    CampaignAgent {
        /// The campaign's agents.
        agents: Vec<UserId>,
    },
    /// Queue the call for one agent (their personal queue); refused when they are signed out.
    EnqueueForAgent {
        /// The agent.
        agent: UserId,
    },
    /// Bring a colleague into the call (number `n` of the call's colleagues: a consult, or a
    /// supervisor stepping in): check they are signed in and idle, count them on the call (the
    /// ACD offers them nothing else), find their device and answer with
    /// [`crate::Input::ColleagueRing`], or [`crate::Input::ColleagueFailed`].
    Colleague {
        /// The colleague.
        agent: UserId,
        /// The colleague's number in the call.
        n: u32,
    },
    /// A colleague's part ended (the consult failed or ended, the supervisor left, or the call
    /// they took over ended): they go to after-call work when they talked, else back to idle.
    ColleagueEnded {
        /// The colleague.
        agent: UserId,
        /// The consult's number in the call.
        n: u32,
        /// They answered.
        answered: bool,
    },
    /// The agent answered the call offered to them.
    Answer {
        /// The agent.
        agent: UserId,
    },
    /// The agent's device refused or failed: the call goes back to the head of its queue.
    Reject {
        /// The agent.
        agent: UserId,
        /// Why (for the log): `rejected` or `device_failed`.
        reason: &'static str,
    },
    /// The caller left the queue (hung up while waiting or ringing).
    Abandon,
    /// The call with the agent ended: the agent goes to after-call work.
    Hangup,
    /// A call the agent placed ended; they go to after-call work, then idle (`then_idle`) or
    /// back to busy.
    DialEnded {
        /// The agent.
        agent: UserId,
        /// Whether the customer answered.
        answered: bool,
        /// Idle afterwards (they dialed while idle) or busy again.
        then_idle: bool,
    },
}
