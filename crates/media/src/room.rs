//! A media room: the members of one conversation (customer, agents, supervisors, players).
//!
//! Two speaking members with one codec and no player: packets are forwarded as they come, only
//! re-stamped ([`OutStream::forward`]), with no decoding. When the recorder or ASR taps such a
//! room, the forwarded packets are also kept in each member's jitter buffer and decoded on the
//! 20 ms tick for the tap alone (nothing is mixed or encoded). Anything else (a third member, a
//! listen-only or whisper member, a codec mismatch, hold music) goes through decode, mix-minus
//! and encode on every 20 ms [`Room::handle_tick`]. Each member's [`OutStream`]
//! lives in its [`MemberState`], which [`Room::leave`] hands back and [`Room::join`] takes, so a
//! member moved to another room (hold, consult, three-way) keeps one continuous stream.

use std::collections::{BTreeMap, VecDeque};

use crate::FRAME_SAMPLES;
use crate::g711;
use crate::jitter::{JitterBuffer, Playout};
use crate::mixer::saturate;
use crate::rtp::RtpFrame;
use crate::source::FrameSource;
use crate::stream::OutStream;

/// A member of a room (a call leg or a player), chosen by the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemberId(pub u64);

/// Which side of the conversation a member is on (the recorder's channels, whisper targets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The customer: recorded on the left.
    Customer,
    /// An agent or supervisor: recorded on the right.
    Agent,
}

/// How a member takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Heard by all, hears all (a normal party; barge-in).
    SpeakListen,
    /// Hears all, heard by nobody (silent monitoring, 监听).
    Listen,
    /// Heard by agents only, hears all (whisper to the agent).
    SpeakToAgentOnly,
}

/// The G.711 variant a member's leg negotiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// µ-law, payload type 0.
    Pcmu,
    /// A-law, payload type 8.
    Pcma,
}

impl Codec {
    /// The static RTP payload type.
    pub fn payload_type(self) -> u8 {
        match self {
            Codec::Pcmu => 0,
            Codec::Pcma => 8,
        }
    }

    /// Decodes a payload of this codec.
    pub fn decode(self, payload: &[u8]) -> Vec<i16> {
        match self {
            Codec::Pcmu => g711::decode_ulaw(payload),
            Codec::Pcma => g711::decode_alaw(payload),
        }
    }

    /// Encodes samples with this codec.
    pub fn encode(self, samples: &[i16]) -> Vec<u8> {
        match self {
            Codec::Pcmu => g711::encode_ulaw(samples),
            Codec::Pcma => g711::encode_alaw(samples),
        }
    }
}

/// What travels with a member from room to room.
#[derive(Debug, Clone)]
pub struct MemberState {
    /// Side of the conversation.
    pub role: Role,
    /// How it takes part here.
    pub mode: Mode,
    /// Its leg's codec.
    pub codec: Codec,
    /// Its outgoing stream (continuity across rooms).
    pub out: OutStream,
}

/// What a room produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomOutput {
    /// Send this packet to this member's leg.
    Rtp {
        /// The receiving member.
        to: MemberId,
        /// The packet, stamped for that member's stream.
        frame: RtpFrame,
    },
    /// One 20 ms frame for the recorder and transcription: each side's speech.
    Tap {
        /// What the customer side said.
        customer: Vec<i16>,
        /// What the agent side said.
        agent: Vec<i16>,
    },
    /// A player ran out (a prompt played to its end) and left the room.
    PlayerDone {
        /// The player.
        id: MemberId,
    },
}

/// A member's decoded frame this tick: who, their side and mode, the samples.
type Heard = (MemberId, Role, Mode, Vec<i16>);

#[derive(Debug)]
struct Slot {
    state: MemberState,
    jitter: JitterBuffer,
    /// The last frame played, repeated once to conceal a loss.
    last: Option<Vec<i16>>,
    /// Telephone-event packets to send in place of audio, one per tick: (payload type,
    /// payload, first of its event); `None` is a tick of audio between two digits.
    keys: VecDeque<Option<(u8, Vec<u8>, bool)>>,
}

/// How long each digit sounds, and the audio between two digits.
const DIGIT_MS: u32 = 100;
const GAP_TICKS: usize = 3;

/// One room. The engine calls [`handle_rtp`](Self::handle_rtp) for every packet of a member,
/// [`handle_tick`](Self::handle_tick) every 20 ms, and drains [`poll_output`](Self::poll_output).
#[derive(Debug, Default)]
pub struct Room {
    /// Call legs in the room.
    members: BTreeMap<MemberId, Slot>,
    /// Players (hold music, prompts) heard by every member.
    players: BTreeMap<MemberId, Box<dyn FrameSource>>,
    /// Whether the recorder or ASR listens (forces mixing to produce the two sides).
    tap: bool,
    /// Outputs not yet drained.
    out: VecDeque<RoomOutput>,
}

impl Room {
    /// An empty room.
    pub fn new() -> Self {
        Room::default()
    }

    /// Turns the recorder/ASR tap on or off.
    pub fn set_tap(&mut self, on: bool) {
        self.tap = on;
    }

    /// Adds a call leg.
    pub fn join(&mut self, id: MemberId, state: MemberState) {
        self.members.insert(
            id,
            Slot {
                state,
                jitter: JitterBuffer::new(2, 25),
                last: None,
                keys: VecDeque::new(),
            },
        );
    }

    /// Removes a call leg and hands back its state (with its stream) for another room.
    pub fn leave(&mut self, id: MemberId) -> Option<MemberState> {
        self.members.remove(&id).map(|s| s.state)
    }

    /// Changes how a member takes part (listen → barge-in, …).
    pub fn set_mode(&mut self, id: MemberId, mode: Mode) {
        if let Some(s) = self.members.get_mut(&id) {
            s.state.mode = mode;
        }
    }

    /// Sends keys to a member as RFC 4733 telephone events (payload type `payload_type`), one
    /// packet per tick in place of its audio: each digit for 100 ms (three end packets), 60 ms
    /// of audio between digits. Characters that are not keys are skipped.
    pub fn send_digits(&mut self, id: MemberId, digits: &str, payload_type: u8) {
        let Some(slot) = self.members.get_mut(&id) else {
            return;
        };
        for d in digits.chars() {
            // The stream stamps each packet; only the payloads and marks matter here.
            let frames = crate::dtmf::generate_digit(d, payload_type, 0, 0, 0, DIGIT_MS);
            if frames.is_empty() {
                continue;
            }
            if !slot.keys.is_empty() {
                slot.keys.extend(std::iter::repeat_n(None, GAP_TICKS));
            }
            slot.keys.extend(
                frames
                    .into_iter()
                    .map(|f| Some((payload_type, f.payload, f.marker))),
            );
        }
    }

    /// Adds a player heard by everyone (hold music, a prompt).
    pub fn add_player(&mut self, id: MemberId, source: Box<dyn FrameSource>) {
        self.players.insert(id, source);
    }

    /// Removes a player.
    pub fn remove_player(&mut self, id: MemberId) {
        self.players.remove(&id);
    }

    /// True when this player is still in the room.
    pub fn has_player(&self, id: MemberId) -> bool {
        self.players.contains_key(&id)
    }

    /// The state of a member in the room (its stream, mode, codec).
    pub fn member(&self, id: MemberId) -> Option<&MemberState> {
        self.members.get(&id).map(|s| &s.state)
    }

    /// Call legs in the room.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when no leg is in the room.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// True when packets are forwarded without decoding and re-encoding (the fast path; a tap
    /// still decodes a copy of them).
    pub fn forwarding(&self) -> bool {
        if !self.players.is_empty() || self.members.len() != 2 {
            return false;
        }
        // Keys being sent take the place of audio frames, tick by tick.
        if self.members.values().any(|s| !s.keys.is_empty()) {
            return false;
        }
        let mut it = self.members.values().map(|s| &s.state);
        match (it.next(), it.next()) {
            (Some(a), Some(b)) => {
                a.mode == Mode::SpeakListen && b.mode == Mode::SpeakListen && a.codec == b.codec
            }
            _ => false,
        }
    }

    /// A packet arrived from a member's leg.
    pub fn handle_rtp(&mut self, from: MemberId, frame: RtpFrame) {
        if !self.members.contains_key(&from) {
            return;
        }
        if self.forwarding() {
            // The tap hears a copy, played out on the tick like any mixed frame.
            if self.tap
                && let Some(slot) = self.members.get_mut(&from)
            {
                slot.jitter.push(frame.clone());
            }
            if let Some((&to, slot)) = self.members.iter_mut().find(|(id, _)| **id != from) {
                let frame = slot.state.out.forward(frame);
                self.out.push_back(RoomOutput::Rtp { to, frame });
            }
            return;
        }
        if let Some(slot) = self.members.get_mut(&from) {
            slot.jitter.push(frame);
        }
    }

    /// The 20 ms tick: mixes, encodes and taps; while forwarding, only taps (if anyone does).
    pub fn handle_tick(&mut self) {
        if self.forwarding() {
            if self.tap {
                let heard = self.play_out();
                self.tap_sides(&heard);
            }
            return;
        }
        let heard = self.play_out();
        let mut music: Vec<Vec<i16>> = Vec::with_capacity(self.players.len());
        let mut done: Vec<MemberId> = Vec::new();
        for (id, p) in &mut self.players {
            match p.next_frame() {
                Some(f) => music.push(f),
                None => done.push(*id),
            }
        }
        for id in done {
            self.players.remove(&id);
            self.out.push_back(RoomOutput::PlayerDone { id });
        }

        for (id, slot) in &mut self.members {
            let mut acc = [0i32; FRAME_SAMPLES];
            for (from, _, mode, pcm) in &heard {
                let audible = match mode {
                    Mode::SpeakListen => true,
                    Mode::Listen => false,
                    Mode::SpeakToAgentOnly => slot.state.role == Role::Agent,
                };
                if from != id && audible {
                    add(&mut acc, pcm);
                }
            }
            for m in &music {
                add(&mut acc, m);
            }
            if let Some(Some((pt, payload, start))) = slot.keys.pop_front() {
                let frame = slot.state.out.next_event(pt, payload, start);
                self.out.push_back(RoomOutput::Rtp { to: *id, frame });
                continue;
            }
            let mixed: Vec<i16> = acc.iter().map(|v| saturate(*v)).collect();
            let codec = slot.state.codec;
            let frame = slot
                .state
                .out
                .next_mixed(codec.payload_type(), codec.encode(&mixed));
            self.out.push_back(RoomOutput::Rtp { to: *id, frame });
        }

        if self.tap {
            self.tap_sides(&heard);
        }
    }

    /// One frame from each member's jitter buffer, decoded (a lost one concealed by the last).
    fn play_out(&mut self) -> Vec<Heard> {
        let mut heard = Vec::with_capacity(self.members.len());
        for (id, slot) in &mut self.members {
            let frame = match slot.jitter.pop() {
                Playout::Frame(f) if f.payload_type == slot.state.codec.payload_type() => {
                    let pcm = slot.state.codec.decode(&f.payload);
                    slot.last = Some(pcm.clone());
                    Some(pcm)
                }
                Playout::Lost => slot.last.take(),
                _ => None,
            };
            if let Some(pcm) = frame {
                heard.push((*id, slot.state.role, slot.state.mode, pcm));
            }
        }
        heard
    }

    /// The recorder's and ASR's frame: each side's speech this tick.
    fn tap_sides(&mut self, heard: &[Heard]) {
        let side = |role: Role| {
            let mut acc = [0i32; FRAME_SAMPLES];
            for (_, r, mode, pcm) in heard {
                if *r == role && *mode == Mode::SpeakListen {
                    add(&mut acc, pcm);
                }
            }
            acc.iter().map(|v| saturate(*v)).collect::<Vec<i16>>()
        };
        let customer = side(Role::Customer);
        let agent = side(Role::Agent);
        self.out.push_back(RoomOutput::Tap { customer, agent });
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<RoomOutput> {
        self.out.pop_front()
    }
}

fn add(acc: &mut [i32; FRAME_SAMPLES], pcm: &[i16]) {
    for (a, s) in acc.iter_mut().zip(pcm.iter()) {
        *a += i32::from(*s);
    }
}
