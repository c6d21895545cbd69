//! A media worker thread: its rooms, their legs' sockets (waited on with `mio`), a 20 ms tick
//! that mixes every room, and the commands the SIP side sends.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use media::room::{MemberId, MemberState, Room, RoomOutput};
use media::source::PromptPlayer;
use tokio::sync::mpsc;

use super::batch::{BATCH, RecvBatch};

mod fastpath;
use super::leg::{Heard, Leg};
use super::{Command, LegId, MediaEvent, Place, Prompt, RoomId, Transcriber, WorkerHandle};
use fastpath::FastPath;
pub(super) use fastpath::Installed;

/// The poll token of the command mailbox.
pub(super) const WAKER: mio::Token = mio::Token(usize::MAX);

/// One frame of audio.
const TICK: Duration = Duration::from_millis(20);
/// Ticks between RTP-timeout checks (1 s).
const TIMEOUT_CHECK_TICKS: u64 = 50;
/// Ticks between RTCP reports (5 s).
const RTCP_TICKS: u64 = 250;
/// Commands kept for legs that have not arrived yet (moving here from another worker).
const MAX_PENDING: usize = 10_000;
/// Player ids live above leg ids.
const PLAYER_BASE: u64 = 1 << 63;

/// A room and what the worker knows about it.
struct RoomState {
    room: Room,
    /// Its legs, in joining order.
    members: Vec<LegId>,
    /// The prompt or music playing, and whom to tell when it ends.
    prompt: Option<(MemberId, Option<u64>)>,
    /// Ringback playing until someone but this leg sends audio.
    ringback: Option<(MemberId, LegId)>,
    /// Where prompt ends are reported.
    events: mpsc::Sender<MediaEvent>,
}

pub(super) struct Worker {
    /// Where this worker says it is alive.
    health: Arc<super::MediaHealth>,
    index: usize,
    poll: mio::Poll,
    rx: std::sync::mpsc::Receiver<Command>,
    peers: Arc<[WorkerHandle]>,
    legs: HashMap<LegId, Leg>,
    rooms: HashMap<u64, RoomState>,
    pending: HashMap<LegId, Vec<Command>>,
    /// Commands for rooms whose first leg is still on its way here (moved from another worker):
    /// a prompt played right after the move must not be lost.
    pending_rooms: HashMap<u64, Vec<Command>>,
    /// Events the SIP side could not take yet (its queue was full): sent again each tick.
    backlog: VecDeque<(mpsc::Sender<MediaEvent>, MediaEvent)>,
    next_player: u64,
    ticks: u64,
    /// Transcribers switched off or whose call ended, finishing their last utterance.
    finishing: Vec<Finishing>,
    /// In-kernel forwarding of this worker's two-party rooms, when the kernel does it.
    fast: Option<FastPath>,
    /// The packets being handled were forwarded by the kernel already: what the room forwards
    /// of them is counted, not sent.
    from_kernel: bool,
}

/// A transcriber finishing its last segments.
struct Finishing {
    call: u64,
    events: mpsc::Sender<MediaEvent>,
    transcriber: Box<Transcriber>,
    /// Ticks left before it is dropped anyway.
    ticks_left: u32,
    /// Sides that reported `Finished`.
    finished: u8,
}

/// Ticks a finishing transcriber gets (10 s).
const FINISH_TICKS: u32 = 500;

impl Worker {
    pub(super) fn new(
        index: usize,
        poll: mio::Poll,
        rx: std::sync::mpsc::Receiver<Command>,
        peers: Arc<[WorkerHandle]>,
        health: Arc<super::MediaHealth>,
        kernel: Option<&Arc<kforward::Kernel>>,
    ) -> Worker {
        Worker {
            health,
            index,
            poll,
            rx,
            peers,
            legs: HashMap::new(),
            rooms: HashMap::new(),
            pending: HashMap::new(),
            pending_rooms: HashMap::new(),
            backlog: VecDeque::new(),
            next_player: PLAYER_BASE,
            ticks: 0,
            finishing: Vec::new(),
            fast: kernel.and_then(|k| FastPath::new(k, index)),
            from_kernel: false,
        }
    }

    pub(super) fn run(mut self) {
        let health = self.health.clone();
        let _ended = health.watch(self.index);
        let mut events = mio::Events::with_capacity(1_024);
        let mut batch = RecvBatch::new();
        let mut next_tick = Instant::now() + TICK;
        loop {
            let wait = next_tick.saturating_duration_since(Instant::now());
            if let Err(e) = self.poll.poll(&mut events, Some(wait))
                && e.kind() != std::io::ErrorKind::Interrupted
            {
                tracing::error!(error = %e, worker = self.index, "media worker poll failed");
                return;
            }
            let now = Instant::now();
            self.health.beat(self.index);
            for ev in &events {
                let t = ev.token();
                if t == WAKER {
                    continue;
                }
                let leg = LegId((t.0 / 2) as u64);
                if t.0 % 2 == 1 {
                    if let Some(l) = self.legs.get_mut(&leg) {
                        l.rtcp.read(&l.counters);
                    }
                } else {
                    self.read_leg(leg, now, &mut batch);
                }
            }
            while let Ok(cmd) = self.rx.try_recv() {
                if !self.command(cmd, now) {
                    return;
                }
            }
            if now >= next_tick {
                self.drain_ring();
                self.tick(now);
                next_tick += TICK;
                if now > next_tick + TICK * 5 {
                    // Far behind (the machine stalled): carry on from now rather than burst.
                    next_tick = now + TICK;
                }
            }
        }
    }

    /// Reads everything waiting on a leg's socket.
    fn read_leg(&mut self, id: LegId, now: Instant, batch: &mut RecvBatch) {
        // A packet the kernel passed up (another SSRC, a telephone event) comes after the
        // copies of those it forwarded.
        if self.legs.get(&id).is_some_and(|l| l.kflow.is_some()) {
            self.drain_ring();
        }
        let mut heard = Vec::new();
        loop {
            let Some(leg) = self.legs.get(&id) else {
                return;
            };
            let (socket, v6) = leg.socket();
            let n = batch.read(socket, v6);
            for i in 0..n {
                let (Some(leg), Some((data, from))) = (self.legs.get_mut(&id), batch.datagram(i))
                else {
                    continue;
                };
                leg.receive(now, data, from, &mut heard);
                self.take_heard(id, &mut heard);
            }
            // A short batch emptied the socket; a full one may have left more.
            if n < BATCH {
                return;
            }
        }
    }

    /// Carries out what a leg heard: digits and media state to the endpoint, audio to its room
    /// (or straight back, on an echo leg).
    fn take_heard(&mut self, id: LegId, heard: &mut Vec<Heard>) {
        for h in heard.drain(..) {
            let Some(leg) = self.legs.get_mut(&id) else {
                return;
            };
            match h {
                Heard::Digit(d) => {
                    let (tx, call) = (leg.events.clone(), leg.call);
                    self.emit(&tx, MediaEvent::Dtmf(call, d));
                }
                Heard::Media(up) => {
                    let (tx, call) = (leg.events.clone(), leg.call);
                    self.emit(&tx, MediaEvent::BrowserMedia(call, up));
                }
                Heard::Audio(frame) => match leg.place {
                    Place::Echo => {
                        if leg.recorder.is_some()
                            && let Some(state) = &leg.parked
                        {
                            let pcm = state.codec.decode(&frame.payload);
                            leg.heard.extend(pcm);
                            let excess = leg.heard.len().saturating_sub(8_000);
                            leg.heard.drain(..excess);
                        }
                        if let Some(state) = &mut leg.parked {
                            let back = state.out.forward(frame);
                            leg.send(&back);
                        }
                    }
                    Place::Room(room, _) => self.room_rtp(room.id, id, frame),
                    Place::Nowhere => {}
                },
            }
        }
    }

    /// A packet from a leg in a room.
    fn room_rtp(&mut self, room: u64, from: LegId, frame: media::rtp::RtpFrame) {
        let Some(rs) = self.rooms.get_mut(&room) else {
            return;
        };
        if let Some((player, listener)) = rs.ringback
            && listener != from
        {
            // Early media or the answer: the far end's own audio replaces our ringback.
            rs.room.remove_player(player);
            rs.ringback = None;
        }
        rs.room.handle_rtp(MemberId(from.0), frame);
        self.drain(room);
    }

    /// Carries out what a room produced.
    fn drain(&mut self, room: u64) {
        let Worker {
            rooms,
            legs,
            backlog,
            from_kernel,
            ..
        } = self;
        let Some(rs) = rooms.get_mut(&room) else {
            return;
        };
        while let Some(out) = rs.room.poll_output() {
            match out {
                RoomOutput::Rtp { to, frame } => {
                    if let Some(l) = legs.get_mut(&LegId(to.0)) {
                        if *from_kernel {
                            l.count_sent(&frame);
                        } else {
                            l.send(&frame);
                        }
                    }
                }
                RoomOutput::Tap { customer, agent } => {
                    for m in &rs.members {
                        if let Some(l) = legs.get_mut(m) {
                            l.record(&customer, &agent);
                            if let Some(t) = &mut l.transcriber {
                                t.feed(&customer, &agent);
                            }
                        }
                    }
                }
                RoomOutput::PlayerDone { id } => {
                    if let Some((p, notify)) = rs.prompt
                        && p == id
                    {
                        rs.prompt = None;
                        if let Some(call) = notify {
                            send_or_keep(backlog, &rs.events, MediaEvent::PromptDone(call));
                        }
                    }
                }
            }
        }
        self.sync_kernel(room);
    }

    fn tick(&mut self, now: Instant) {
        self.ticks += 1;
        let ids: Vec<LegId> = self.legs.keys().copied().collect();
        let mut heard = Vec::new();
        for id in ids {
            if let Some(leg) = self.legs.get_mut(&id) {
                leg.on_tick(now, &mut heard);
            }
            if !heard.is_empty() {
                self.take_heard(id, &mut heard);
            }
        }
        let ids: Vec<u64> = self.rooms.keys().copied().collect();
        for id in ids {
            if let Some(rs) = self.rooms.get_mut(&id) {
                rs.room.handle_tick();
            }
            self.drain(id);
        }
        for leg in self.legs.values_mut() {
            if leg.place == Place::Echo && leg.recorder.is_some() {
                let n = leg.heard.len().min(media::FRAME_SAMPLES);
                let mut frame: Vec<i16> = leg.heard.drain(..n).collect();
                frame.resize(media::FRAME_SAMPLES, 0);
                leg.record(&frame, &frame);
            }
        }
        self.transcripts();
        if self.ticks.is_multiple_of(TIMEOUT_CHECK_TICKS) {
            let dead: Vec<LegId> = self
                .legs
                .iter()
                .filter(|(_, l)| !l.peer_hold && now.duration_since(l.last_rx) >= l.rtp_timeout)
                .map(|(id, _)| *id)
                .collect();
            for id in dead {
                if let Some(mut leg) = self.take_leg(id) {
                    self.retire(&mut leg);
                    leg.finish();
                    let (tx, call) = (leg.events.clone(), leg.call);
                    self.emit(&tx, MediaEvent::RtpTimeout(call));
                }
            }
        }
        if self.ticks.is_multiple_of(RTCP_TICKS) {
            for leg in self.legs.values_mut() {
                leg.rtcp.account(&leg.counters);
                leg.rtcp.report(leg.remote);
            }
        }
        while let Some((tx, ev)) = self.backlog.pop_front() {
            match tx.try_send(ev) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(ev)) => {
                    self.backlog.push_front((tx, ev));
                    break;
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
    }

    /// Sends what the transcribers recognized to the endpoint.
    fn transcripts(&mut self) {
        let mut heard = Vec::new();
        let mut out = Vec::new();
        for leg in self.legs.values_mut() {
            if let Some(t) = &mut leg.transcriber {
                t.drain(&mut heard);
                out.extend(heard.drain(..).map(|h| (leg.events.clone(), leg.call, h)));
            }
        }
        for f in &mut self.finishing {
            f.transcriber.drain(&mut heard);
            f.ticks_left = f.ticks_left.saturating_sub(1);
            for h in heard.drain(..) {
                if h.event == asr::Event::Finished {
                    f.finished += 1;
                }
                out.push((f.events.clone(), f.call, h));
            }
        }
        self.finishing
            .retain(|f| f.ticks_left > 0 && f.finished < 2);
        for (tx, call, h) in out {
            self.emit(&tx, MediaEvent::Transcript(call, h));
        }
    }

    /// Lets a leg's transcriber, if it has one, finish its last utterance.
    fn retire(&mut self, leg: &mut Leg) {
        if let Some(t) = leg.transcriber.take() {
            self.retire_transcriber(leg.call, leg.events.clone(), t);
        }
    }

    fn retire_transcriber(
        &mut self,
        call: u64,
        events: mpsc::Sender<MediaEvent>,
        mut transcriber: Box<Transcriber>,
    ) {
        transcriber.finish();
        self.finishing.push(Finishing {
            call,
            events,
            transcriber,
            ticks_left: FINISH_TICKS,
            finished: 0,
        });
    }

    fn emit(&mut self, tx: &mpsc::Sender<MediaEvent>, ev: MediaEvent) {
        send_or_keep(&mut self.backlog, tx, ev);
    }

    /// Carries out a command; false means stop.
    fn command(&mut self, cmd: Command, now: Instant) -> bool {
        // A room whose forwarding the command may change: the kernel's flows follow at once.
        let room = match &cmd {
            Command::SetRemote(id, _)
            | Command::PeerHold(id, _)
            | Command::SetMode(id, _)
            | Command::Digits(id, _) => self.legs.get(id).and_then(|l| match l.place {
                Place::Room(r, _) => Some(r.id),
                _ => None,
            }),
            Command::Play(r, _) | Command::StopPlay(r) | Command::Ringback(r, _) => Some(r.id),
            _ => None,
        };
        if let Some(r) = room {
            self.quiesce(r);
        }
        let go = self.carry_out(cmd, now);
        if let Some(r) = room {
            self.sync_kernel(r);
        }
        go
    }

    fn carry_out(&mut self, cmd: Command, now: Instant) -> bool {
        match cmd {
            Command::Add(id, spec, place) => {
                let leg = Leg::new(*spec, now);
                self.arrive(id, leg, place, now);
            }
            Command::Adopt(id, leg, place) => self.arrive(id, *leg, place, now),
            Command::SetRemote(id, addr) => match self.legs.get_mut(&id) {
                Some(l) => l.set_remote(addr),
                None => self.defer(id, Command::SetRemote(id, addr)),
            },
            Command::PeerHold(id, on) => match self.legs.get_mut(&id) {
                Some(l) => {
                    l.peer_hold = on;
                    // Silence before the hold does not count after it.
                    l.last_rx = now;
                }
                None => self.defer(id, Command::PeerHold(id, on)),
            },
            Command::Place(id, place) => {
                if self.legs.contains_key(&id) {
                    self.place(id, place);
                } else {
                    self.defer(id, Command::Place(id, place));
                }
            }
            Command::SetMode(id, mode) => match self.legs.get_mut(&id) {
                Some(l) => match l.place {
                    Place::Room(r, _) => {
                        l.place = Place::Room(r, mode);
                        if let Some(rs) = self.rooms.get_mut(&r.id) {
                            rs.room.set_mode(MemberId(id.0), mode);
                        }
                    }
                    _ => {
                        if let Some(s) = &mut l.parked {
                            s.mode = mode;
                        }
                    }
                },
                None => self.defer(id, Command::SetMode(id, mode)),
            },
            Command::Digits(id, digits) => match self.legs.get(&id) {
                Some(l) => {
                    if let (Place::Room(r, _), Some(pt)) = (l.place, l.telephone_event())
                        && let Some(rs) = self.rooms.get_mut(&r.id)
                    {
                        rs.room.send_digits(MemberId(id.0), &digits, pt);
                    }
                }
                None => self.defer(id, Command::Digits(id, digits)),
            },
            Command::Play(room, prompt) if !self.rooms.contains_key(&room.id) => {
                self.defer_room(room.id, Command::Play(room, prompt));
            }
            Command::Play(room, prompt) => self.play(room, prompt),
            Command::StopPlay(room) if !self.rooms.contains_key(&room.id) => {
                self.defer_room(room.id, Command::StopPlay(room));
            }
            Command::StopPlay(room) => {
                if let Some(rs) = self.rooms.get_mut(&room.id)
                    && let Some((p, _)) = rs.prompt.take()
                {
                    rs.room.remove_player(p);
                }
            }
            Command::Ringback(room, listener) if !self.rooms.contains_key(&room.id) => {
                self.defer_room(room.id, Command::Ringback(room, listener));
            }
            Command::Ringback(room, listener) => {
                let pid = self.player_id();
                if let Some(rs) = self.rooms.get_mut(&room.id) {
                    if let Some((old, _)) = rs.ringback.take() {
                        rs.room.remove_player(old);
                    }
                    rs.room
                        .add_player(pid, Box::new(media::tone::ToneGenerator::ringback_cn()));
                    rs.ringback = Some((pid, listener));
                }
            }
            Command::Transcribe(id, t) => match self.legs.get_mut(&id) {
                Some(leg) => {
                    let old = std::mem::replace(&mut leg.transcriber, t);
                    let room = match leg.place {
                        Place::Room(r, _) => Some(r.id),
                        _ => None,
                    };
                    let (call, events) = (leg.call, leg.events.clone());
                    if let Some(old) = old {
                        self.retire_transcriber(call, events, old);
                    }
                    if let Some(r) = room {
                        self.update_tap(r);
                    }
                }
                None => self.defer(id, Command::Transcribe(id, t)),
            },
            Command::Remove(id) => {
                self.pending.remove(&id);
                if let Some(mut leg) = self.take_leg(id) {
                    self.retire(&mut leg);
                    leg.finish();
                }
            }
            #[cfg(feature = "fault-injection")]
            Command::Fault => panic!("fault injected into media worker {}", self.index),
            Command::Shutdown => {
                let ids: Vec<LegId> = self.legs.keys().copied().collect();
                for id in ids {
                    if let Some(mut leg) = self.take_leg(id) {
                        leg.finish();
                    }
                }
                return false;
            }
        }
        true
    }

    /// A leg arrives (new, or moved here): registered, placed, and its waiting commands done.
    fn arrive(&mut self, id: LegId, mut leg: Leg, place: Place, now: Instant) {
        leg.register(self.poll.registry(), id.0);
        self.legs.insert(id, leg);
        self.place(id, place);
        for cmd in self.pending.remove(&id).unwrap_or_default() {
            self.command(cmd, now);
        }
    }

    /// Keeps a command for a room until its first leg arrives.
    fn defer_room(&mut self, room: u64, cmd: Command) {
        if self.pending_rooms.len() >= MAX_PENDING {
            self.pending_rooms.clear();
        }
        self.pending_rooms.entry(room).or_default().push(cmd);
    }

    fn defer(&mut self, id: LegId, cmd: Command) {
        if self.pending.len() >= MAX_PENDING {
            self.pending.clear();
        }
        self.pending.entry(id).or_default().push(cmd);
    }

    fn player_id(&mut self) -> MemberId {
        self.next_player += 1;
        MemberId(self.next_player)
    }

    fn play(&mut self, room: RoomId, prompt: Prompt) {
        let pid = self.player_id();
        let Some(rs) = self.rooms.get_mut(&room.id) else {
            return;
        };
        if let Some((old, _)) = rs.prompt.take() {
            rs.room.remove_player(old);
        }
        let player = match prompt.loop_from {
            Some(at) => PromptPlayer::looping_from(prompt.samples, at),
            None => PromptPlayer::new(prompt.samples, false),
        };
        rs.room.add_player(pid, Box::new(player));
        rs.prompt = Some((pid, prompt.notify));
    }

    /// Takes a leg out of its room (the room goes when it is empty) and returns its state.
    fn leave_room(&mut self, id: LegId) -> Option<MemberState> {
        let Place::Room(r, _) = self.legs.get(&id)?.place else {
            return self.legs.get_mut(&id)?.parked.take();
        };
        self.quiesce(r.id);
        let leg = self.legs.get_mut(&id)?;
        leg.place = Place::Nowhere;
        let rs = self.rooms.get_mut(&r.id)?;
        let state = rs.room.leave(MemberId(id.0));
        rs.members.retain(|m| *m != id);
        if let Some((p, listener)) = rs.ringback
            && listener == id
        {
            rs.room.remove_player(p);
            rs.ringback = None;
        }
        if rs.members.is_empty() {
            self.rooms.remove(&r.id);
        } else {
            self.update_tap(r.id);
            self.sync_kernel(r.id);
        }
        state
    }

    fn place(&mut self, id: LegId, place: Place) {
        let state = self.leave_room(id);
        let Some(leg) = self.legs.get_mut(&id) else {
            return;
        };
        match place {
            Place::Room(r, _) if r.worker != self.index => {
                leg.parked = state;
                leg.place = Place::Nowhere;
                leg.deregister(self.poll.registry());
                if let Some(leg) = self.legs.remove(&id) {
                    self.peers[r.worker].send(Command::Adopt(id, Box::new(leg), place));
                }
            }
            Place::Room(r, mode) => {
                let Some(mut state) = state else {
                    tracing::warn!(leg = id.0, "a leg without its stream state cannot join");
                    return;
                };
                state.mode = mode;
                leg.place = place;
                let events = leg.events.clone();
                self.quiesce(r.id);
                let rs = self.rooms.entry(r.id).or_insert_with(|| RoomState {
                    room: Room::new(),
                    members: Vec::new(),
                    prompt: None,
                    ringback: None,
                    events,
                });
                rs.room.join(MemberId(id.0), state);
                rs.members.push(id);
                self.update_tap(r.id);
                self.sync_kernel(r.id);
                let now = Instant::now();
                for cmd in self.pending_rooms.remove(&r.id).unwrap_or_default() {
                    self.command(cmd, now);
                }
            }
            Place::Echo | Place::Nowhere => {
                leg.parked = state;
                leg.place = place;
            }
        }
    }

    /// The room taps its audio (decoded for the recorder and ASR) while one of its legs records.
    fn update_tap(&mut self, room: u64) {
        if let Some(rs) = self.rooms.get_mut(&room) {
            let on = rs
                .members
                .iter()
                .any(|m| self.legs.get(m).is_some_and(Leg::taps));
            rs.room.set_tap(on);
        }
    }

    /// Removes a leg from the worker altogether.
    fn take_leg(&mut self, id: LegId) -> Option<Leg> {
        let _ = self.leave_room(id);
        let mut leg = self.legs.remove(&id)?;
        leg.deregister(self.poll.registry());
        Some(leg)
    }
}

fn send_or_keep(
    backlog: &mut VecDeque<(mpsc::Sender<MediaEvent>, MediaEvent)>,
    tx: &mpsc::Sender<MediaEvent>,
    ev: MediaEvent,
) {
    if !backlog.is_empty() {
        backlog.push_back((tx.clone(), ev));
        return;
    }
    if let Err(mpsc::error::TrySendError::Full(ev)) = tx.try_send(ev) {
        backlog.push_back((tx.clone(), ev));
    }
}
