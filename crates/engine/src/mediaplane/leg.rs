//! One call leg on a media worker: its RTP socket with symmetric RTP (answer to where the peer
//! really sends from), RFC 4733 digits, RTCP, the inactivity clock and the recording it writes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use media::room::{MemberState, Mode};
use media::rtp::RtpFrame;
use media::stream::OutStream;
use media::wav::RecordingWriter;
use tokio::sync::mpsc;

use super::rtcp::Rtcp;
use super::{LegSpec, Place, Report};
use crate::sipd::{CallStats, Inbound};

/// How a leg's audio travels.
pub(crate) enum LegMedia {
    /// Plain RTP over UDP.
    Rtp {
        /// The leg's RTP socket (RTCP goes next to it, on port + 1).
        socket: std::net::UdpSocket,
        /// Where the SDP said to send (replaced by where packets really come from).
        remote: Option<SocketAddr>,
        /// Payload type of RFC 4733 telephone-events on this leg.
        telephone_event: u8,
    },
}

/// What a read from the leg's socket gave.
pub(super) enum Heard {
    /// Audio for the room.
    Audio(RtpFrame),
    /// A DTMF digit ended.
    Digit(char),
}

/// A leg as its worker keeps it.
pub(crate) struct Leg {
    pub(super) call: u64,
    socket: mio::net::UdpSocket,
    pub(super) rtcp: Rtcp,
    pub(super) remote: Option<SocketAddr>,
    telephone_event: u8,
    /// Its stream, mode and codec while it is in no room (a room holds them otherwise).
    pub(super) parked: Option<MemberState>,
    pub(super) place: Place,
    dtmf: media::dtmf::DtmfDetector,
    pub(super) last_rx: Instant,
    pub(super) rtp_timeout: Duration,
    pub(super) events: mpsc::Sender<Inbound>,
    pub(super) recorder: Option<RecordingWriter<std::fs::File>>,
    pub(super) counters: Arc<CallStats>,
    pub(super) report: Report,
    /// Live transcription of the leg's room, when switched on.
    pub(super) transcriber: Option<Box<super::Transcriber>>,
    /// Decoded audio heard on an echo leg since the last tick (its recording).
    pub(super) heard: Vec<i16>,
    /// Frames written to the recording (for the once-a-second header flush).
    written: u64,
    epoch: Instant,
}

impl Leg {
    pub(super) fn new(spec: LegSpec, now: Instant) -> Leg {
        let LegMedia::Rtp {
            socket,
            remote,
            telephone_event,
        } = spec.media;
        let ssrc: u32 = rand::random();
        let rtcp = Rtcp::new(&socket, ssrc);
        let _ = socket.set_nonblocking(true);
        Leg {
            call: spec.call,
            socket: mio::net::UdpSocket::from_std(socket),
            rtcp,
            remote,
            telephone_event,
            parked: Some(MemberState {
                role: spec.role,
                mode: Mode::SpeakListen,
                codec: spec.codec,
                out: OutStream::new(ssrc, rand::random(), rand::random()),
            }),
            place: Place::Nowhere,
            dtmf: media::dtmf::DtmfDetector::default(),
            last_rx: now,
            rtp_timeout: spec.rtp_timeout,
            events: spec.events,
            recorder: spec.recorder,
            counters: spec.counters,
            report: spec.report,
            transcriber: None,
            heard: Vec::new(),
            written: 0,
            epoch: now,
        }
    }

    /// Registers the leg's sockets with a worker's poll (tokens `2·id` and `2·id + 1`).
    pub(super) fn register(&mut self, registry: &mio::Registry, id: u64) {
        let t = usize::try_from(id).unwrap_or(usize::MAX / 2) * 2;
        let _ = registry.register(&mut self.socket, mio::Token(t), mio::Interest::READABLE);
        if let Some(s) = &mut self.rtcp.socket {
            let _ = registry.register(s, mio::Token(t + 1), mio::Interest::READABLE);
        }
    }

    /// Takes the sockets off a worker's poll (before moving to another worker, or at the end).
    pub(super) fn deregister(&mut self, registry: &mio::Registry) {
        let _ = registry.deregister(&mut self.socket);
        if let Some(s) = &mut self.rtcp.socket {
            let _ = registry.deregister(s);
        }
    }

    /// Reads one datagram; `None` when nothing more waits.
    pub(super) fn read(&mut self, now: Instant, buf: &mut [u8]) -> Option<Option<Heard>> {
        let (n, from) = self.socket.recv_from(buf).ok()?;
        let Ok(frame) = RtpFrame::parse(&buf[..n]) else {
            return Some(None);
        };
        self.last_rx = now;
        let since = u64::try_from(now.duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX);
        self.rtcp
            .stats
            .on_packet(since, frame.ssrc, frame.seq, frame.timestamp);
        self.remote = Some(from); // symmetric RTP: latch to the real source
        if frame.payload_type == self.telephone_event {
            return Some(self.dtmf.push(&frame).map(Heard::Digit));
        }
        Some(Some(Heard::Audio(frame)))
    }

    /// Sends a packet to the peer (dropped while its address is unknown or the socket is full).
    pub(super) fn send(&mut self, frame: &RtpFrame) {
        if let Some(to) = self.remote {
            self.rtcp.count_sent(frame);
            let _ = self.socket.send_to(&frame.to_bytes(), to);
        }
    }

    /// Writes one 20 ms frame to the recording and flushes its header once a second, so a crash
    /// loses at most a second (and start-up repair recovers even that).
    pub(super) fn record(&mut self, left: &[i16], right: &[i16]) {
        if let Some(r) = &mut self.recorder {
            self.written += 1;
            let ok = r.write_frame(left, right).is_ok()
                && (!self.written.is_multiple_of(50) || r.flush().is_ok());
            if !ok {
                tracing::warn!(call = self.call, "recording write failed; recording stops");
                self.recorder = None;
            }
        }
    }

    /// Whether the leg's room must mix to tap its audio (recording or transcription).
    pub(super) fn taps(&self) -> bool {
        self.recorder.is_some() || self.transcriber.is_some()
    }

    /// Finishes the recording and reports the leg's statistics.
    pub(super) fn finish(&mut self) {
        if let Some(r) = self.recorder.take()
            && let Err(e) = r.finish()
        {
            tracing::warn!(error = %e, "finishing a recording failed");
        }
        self.rtcp.summary(self.call, &self.counters, &self.report);
    }
}
