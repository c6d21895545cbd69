//! The media plane: every call leg's RTP and the rooms that join them, on a fixed pool of
//! worker threads (one per core).
//!
//! A room (the pure [`media::room::Room`]) holds the legs of one conversation and its players
//! (prompts, music, ringback); each worker owns its rooms and their legs' sockets, waits on them
//! with `mio`, and ticks every room every 20 ms. Rooms are spread over the workers round-robin;
//! a leg placed in a room on another worker moves there with its socket and its outgoing stream
//! (hold, consult, three-way and supervisors use this), so each receiver keeps one continuous
//! stream. The SIP side talks to the plane through [`MediaPlane`], which only sends commands:
//! nothing here blocks the endpoint.

mod batch;
mod health;
mod leg;
mod rtcp;
#[cfg(test)]
mod tests;
mod transcribe;
mod worker;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use media::room::{Codec, Mode, Role};
use media::wav::RecordingFile;
use tokio::sync::mpsc;

pub use health::MediaHealth;

use crate::stats::CallStats;

pub(crate) use leg::LegMedia;

/// What the media plane reports about a leg (by the number in its [`LegSpec`]) or a room's
/// prompt (by its `notify` number).
#[derive(Debug)]
pub(crate) enum MediaEvent {
    /// No RTP from the leg's peer for the timeout.
    RtpTimeout(u64),
    /// A DTMF digit arrived on the leg (RFC 4733).
    Dtmf(u64, char),
    /// A prompt played to its end.
    PromptDone(u64),
    /// A browser's WebRTC session connected (true) or lost its path (false).
    BrowserMedia(u64, bool),
    /// Live transcription recognized speech on the leg.
    Transcript(u64, Transcribed),
}
pub(crate) use transcribe::{Heard as Transcribed, Transcriber};

/// Where a leg's media statistics go at its end (the call record's key).
pub(crate) type Report = Option<(String, crate::journal::CallEventSink)>;

/// A call leg on the media plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct LegId(pub(crate) u64);

/// A room on the media plane (on one worker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RoomId {
    pub(crate) worker: usize,
    pub(crate) id: u64,
}

/// Where a leg's audio goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// In a room, taking part as `mode`.
    Room(RoomId, Mode),
    /// Everything it sends is sent back (the echo-test number).
    Echo,
    /// Nowhere: it hears silence and is heard by nobody.
    Nowhere,
}

/// Everything a leg needs.
pub(crate) struct LegSpec {
    /// The endpoint's number for the call or leg: DTMF, prompt ends and RTP timeouts carry it.
    pub(crate) call: u64,
    pub(crate) media: LegMedia,
    /// The codec negotiated.
    pub(crate) codec: Codec,
    /// Its side of the conversation (recording channel).
    pub(crate) role: Role,
    /// The leg is hung up when its peer sends nothing for this long.
    pub(crate) rtp_timeout: Duration,
    pub(crate) events: mpsc::Sender<MediaEvent>,
    /// The call's recording (customer left, agent side right), when this leg records it.
    pub(crate) recorder: Option<RecordingFile>,
    pub(crate) counters: Arc<CallStats>,
    pub(crate) report: Report,
}

/// A prompt to play in a room.
#[derive(Debug, Clone)]
pub(crate) struct Prompt {
    /// 8 kHz samples.
    pub(crate) samples: Arc<[i16]>,
    /// After the end, go on from this sample (music on hold); `None`: play once.
    pub(crate) loop_from: Option<usize>,
    /// Report [`MediaEvent::PromptDone`] with this call number when it played to its end.
    pub(crate) notify: Option<u64>,
}

/// What a worker is asked to do.
pub(crate) enum Command {
    /// A new leg.
    Add(LegId, Box<LegSpec>, Place),
    /// A leg coming from another worker (a move into one of this worker's rooms).
    Adopt(LegId, Box<leg::Leg>, Place),
    /// Send to this address from now on (an SDP answer that came later).
    SetRemote(LegId, SocketAddr),
    /// Put a leg somewhere else.
    Place(LegId, Place),
    /// The leg's peer put the call on hold (true: no media is expected from it, so silence does
    /// not time it out) or resumed it.
    PeerHold(LegId, bool),
    /// Change how a leg takes part in its room.
    SetMode(LegId, Mode),
    /// Send keys to the leg's peer as RFC 4733 telephone events (in its room).
    Digits(LegId, String),
    /// Play a prompt in a room, replacing the one playing.
    Play(RoomId, Prompt),
    /// Stop the room's prompt or music.
    StopPlay(RoomId),
    /// Ringback in a room until someone other than this leg sends audio.
    Ringback(RoomId, LegId),
    /// Start (with its recognizers) or stop transcribing the room a leg is in.
    Transcribe(LegId, Option<Box<Transcriber>>),
    /// End a leg: its recording is finished and its statistics reported.
    Remove(LegId),
    /// Stop the worker (the endpoint shut down): every leg is finished.
    Shutdown,
    /// Tests only: the worker panics, as a bug in it would.
    #[cfg(feature = "fault-injection")]
    Fault,
}

/// One worker's mailbox.
#[derive(Clone)]
pub(crate) struct WorkerHandle {
    tx: std::sync::mpsc::Sender<Command>,
    waker: Arc<mio::Waker>,
}

impl WorkerHandle {
    fn send(&self, cmd: Command) {
        if self.tx.send(cmd).is_ok() {
            let _ = self.waker.wake();
        }
    }
}

struct Inner {
    workers: Arc<[WorkerHandle]>,
    /// The workers' pulse.
    health: Arc<MediaHealth>,
    /// The DTLS certificate every WebRTC leg answers with.
    certificate: webrtc::Certificate,
    next_room: AtomicU64,
    next_leg: AtomicU64,
    round_robin: AtomicUsize,
    /// Which worker each leg is on.
    legs: Mutex<HashMap<LegId, usize>>,
}

/// The media plane's handle (cheap to clone).
#[derive(Clone)]
pub(crate) struct MediaPlane {
    inner: Arc<Inner>,
}

impl MediaPlane {
    /// Starts `workers` media threads (0: one per core); WebRTC legs will answer with
    /// `certificate`.
    pub(crate) fn start(
        workers: usize,
        certificate: webrtc::Certificate,
        kernel: Option<Arc<kforward::Kernel>>,
    ) -> std::io::Result<MediaPlane> {
        let n = if workers == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            workers
        };
        let mut handles = Vec::with_capacity(n);
        let mut pending = Vec::with_capacity(n);
        for _ in 0..n {
            let poll = mio::Poll::new()?;
            let waker = Arc::new(mio::Waker::new(poll.registry(), worker::WAKER)?);
            let (tx, rx) = std::sync::mpsc::channel();
            handles.push(WorkerHandle { tx, waker });
            pending.push((poll, rx));
        }
        let workers: Arc<[WorkerHandle]> = handles.into();
        let health = Arc::new(MediaHealth::new(n));
        for (index, (poll, rx)) in pending.into_iter().enumerate() {
            let w = worker::Worker::new(
                index,
                poll,
                rx,
                workers.clone(),
                health.clone(),
                kernel.as_ref(),
            );
            std::thread::Builder::new()
                .name(format!("media-{index}"))
                .spawn(move || w.run())?;
        }
        Ok(MediaPlane {
            inner: Arc::new(Inner {
                workers,
                health,
                certificate,
                next_room: AtomicU64::new(1),
                next_leg: AtomicU64::new(1),
                round_robin: AtomicUsize::new(0),
                legs: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Tests only: worker `i` panics.
    #[cfg(feature = "fault-injection")]
    pub(crate) fn inject_fault(&self, i: usize) {
        if let Some(w) = self.inner.workers.get(i) {
            w.send(Command::Fault);
        }
    }

    /// The workers' pulse.
    pub(crate) fn health(&self) -> Arc<MediaHealth> {
        self.inner.health.clone()
    }

    /// The DTLS certificate WebRTC legs answer with (made once, at start-up).
    pub(crate) fn certificate(&self) -> &webrtc::Certificate {
        &self.inner.certificate
    }

    /// A new room id (the room exists once a leg is placed in it).
    pub(crate) fn room(&self) -> RoomId {
        let n = self.inner.workers.len();
        RoomId {
            worker: self.inner.round_robin.fetch_add(1, Ordering::Relaxed) % n,
            id: self.inner.next_room.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Starts a leg, placed at once.
    pub(crate) fn add_leg(&self, spec: LegSpec, place: Place) -> LegId {
        let id = LegId(self.inner.next_leg.fetch_add(1, Ordering::Relaxed));
        let worker = match place {
            Place::Room(room, _) => room.worker,
            Place::Echo | Place::Nowhere => {
                self.inner.round_robin.fetch_add(1, Ordering::Relaxed) % self.inner.workers.len()
            }
        };
        self.lock_legs().insert(id, worker);
        self.inner.workers[worker].send(Command::Add(id, Box::new(spec), place));
        id
    }

    /// Sends from now on to `addr`.
    pub(crate) fn set_remote(&self, leg: LegId, addr: SocketAddr) {
        self.to_leg(leg, Command::SetRemote(leg, addr));
    }

    /// The leg's peer put the call on hold (its silence does not time it out) or resumed it.
    pub(crate) fn peer_hold(&self, leg: LegId, on: bool) {
        self.to_leg(leg, Command::PeerHold(leg, on));
    }

    /// Moves a leg (to a room on any worker, to echo, or nowhere): hold, consult, three-way.
    pub(crate) fn place(&self, leg: LegId, place: Place) {
        let Some(from) = self.lock_legs().get(&leg).copied() else {
            return;
        };
        if let Place::Room(room, _) = place {
            self.lock_legs().insert(leg, room.worker);
        }
        self.inner.workers[from].send(Command::Place(leg, place));
    }

    /// Changes how a leg takes part in its room (listen → whisper → barge-in).
    #[allow(dead_code)]
    pub(crate) fn set_mode(&self, leg: LegId, mode: Mode) {
        self.to_leg(leg, Command::SetMode(leg, mode));
    }

    /// Sends keys to a leg's peer as RFC 4733 telephone events (the agent's keypad).
    pub(crate) fn send_digits(&self, leg: LegId, digits: &str) {
        self.to_leg(leg, Command::Digits(leg, digits.to_owned()));
    }

    /// Plays a prompt in a room, replacing what plays there.
    pub(crate) fn play(&self, room: RoomId, prompt: Prompt) {
        self.inner.workers[room.worker].send(Command::Play(room, prompt));
    }

    /// Stops what plays in a room.
    pub(crate) fn stop_play(&self, room: RoomId) {
        self.inner.workers[room.worker].send(Command::StopPlay(room));
    }

    /// Plays ringback in a room until a leg other than `listener` sends audio.
    pub(crate) fn ringback(&self, room: RoomId, listener: LegId) {
        self.inner.workers[room.worker].send(Command::Ringback(room, listener));
    }

    /// Starts (with recognizers ready) or stops transcribing what a leg's room hears; segments
    /// come back as [`MediaEvent::Transcript`] with the leg's call number.
    pub(crate) fn transcribe(&self, leg: LegId, transcriber: Option<Transcriber>) {
        self.to_leg(leg, Command::Transcribe(leg, transcriber.map(Box::new)));
    }

    /// Ends a leg (finishing its recording); unknown legs are ignored.
    pub(crate) fn remove_leg(&self, leg: LegId) {
        if let Some(w) = self.lock_legs().remove(&leg) {
            self.inner.workers[w].send(Command::Remove(leg));
        }
    }

    /// Stops the workers, finishing every leg's recording.
    pub(crate) fn shutdown(&self) {
        for w in self.inner.workers.iter() {
            w.send(Command::Shutdown);
        }
    }

    fn to_leg(&self, leg: LegId, cmd: Command) {
        let worker = self.lock_legs().get(&leg).copied();
        if let Some(w) = worker {
            self.inner.workers[w].send(cmd);
        }
    }

    fn lock_legs(&self) -> std::sync::MutexGuard<'_, HashMap<LegId, usize>> {
        self.inner
            .legs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
