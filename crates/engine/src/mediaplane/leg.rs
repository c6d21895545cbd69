//! One call leg on a media worker: its socket, with plain RTP (symmetric and strict RTP: answer
//! to where the peer really sends from, and take media from that one source only; RFC 4733
//! digits; RTCP) or a browser's WebRTC session (ICE-lite,
//! DTLS-SRTP and Opus in [`webrtc::WebRtcLeg`], turned into the room's 20 ms µ-law frames), the
//! inactivity clock and the recording it writes.

use std::net::{SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::sync::atomic::Ordering;

use media::room::{MemberState, Mode};
use media::rtp::RtpFrame;
use media::stream::OutStream;
use media::strict::Verdict;
use media::wav::RecordingFile;
use tokio::sync::mpsc;

use super::rtcp::Rtcp;
use super::{LegSpec, MediaEvent, Place, Report};
use crate::stats::CallStats;

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
    /// A browser's WebRTC session, already answered.
    WebRtc {
        /// The socket whose address the answer announced.
        socket: std::net::UdpSocket,
        /// The session.
        session: Box<webrtc::WebRtcLeg>,
    },
}

/// What a leg heard.
pub(super) enum Heard {
    /// Audio for the room.
    Audio(RtpFrame),
    /// A DTMF digit ended.
    Digit(char),
    /// A WebRTC session connected (true) or lost its path (false).
    Media(bool),
}

/// The transport's own state.
enum Transport {
    Rtp {
        telephone_event: u8,
        dtmf: media::dtmf::DtmfDetector,
        /// Strict RTP: the one source media is taken from.
        source: media::strict::StrictSource,
    },
    WebRtc {
        session: Box<webrtc::WebRtcLeg>,
        /// The socket's address (datagrams are handed to the session as sent to it).
        local: SocketAddr,
        /// Sequence number and timestamp of the frames made for the room from its audio.
        seq: u16,
        ts: u32,
        ssrc: u32,
    },
}

/// A leg as its worker keeps it.
pub(crate) struct Leg {
    pub(super) call: u64,
    socket: mio::net::UdpSocket,
    /// Whether the socket is bound to an IPv6 address.
    v6: bool,
    transport: Transport,
    pub(super) rtcp: Rtcp,
    pub(super) remote: Option<SocketAddr>,
    /// Its stream, mode and codec while it is in no room (a room holds them otherwise).
    pub(super) parked: Option<MemberState>,
    pub(super) place: Place,
    pub(super) last_rx: Instant,
    /// The peer put the call on hold: its silence does not time the leg out.
    pub(super) peer_hold: bool,
    pub(super) rtp_timeout: Duration,
    pub(super) events: mpsc::Sender<MediaEvent>,
    pub(super) recorder: Option<RecordingFile>,
    /// Live transcription of the leg's room, when switched on.
    pub(super) transcriber: Option<Box<super::Transcriber>>,
    pub(super) counters: Arc<CallStats>,
    pub(super) report: Report,
    /// Decoded audio heard on an echo leg since the last tick (its recording).
    pub(super) heard: Vec<i16>,
    /// Frames written to the recording (for the once-a-second header flush).
    written: u64,
    epoch: Instant,
    /// The socket's address, when it is a plain RTP socket bound to one IPv4 address (what the
    /// in-kernel forwarder can match and send from).
    local_v4: Option<SocketAddrV4>,
    /// The flow the kernel forwards for this leg's packets, while it does.
    pub(super) kflow: Option<super::worker::Installed>,
}

impl Leg {
    pub(super) fn new(spec: LegSpec, now: Instant) -> Leg {
        let ssrc: u32 = rand::random();
        let (socket, transport, remote, rtcp) = match spec.media {
            LegMedia::Rtp {
                socket,
                remote,
                telephone_event,
            } => {
                let rtcp = Rtcp::new(&socket, ssrc);
                let transport = Transport::Rtp {
                    telephone_event,
                    dtmf: media::dtmf::DtmfDetector::default(),
                    source: media::strict::StrictSource::new(),
                };
                (socket, transport, remote, rtcp)
            }
            LegMedia::WebRtc { socket, session } => {
                let local = socket
                    .local_addr()
                    .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
                let transport = Transport::WebRtc {
                    session,
                    local,
                    seq: rand::random(),
                    ts: rand::random(),
                    ssrc: rand::random(),
                };
                (socket, transport, None, Rtcp::none(ssrc))
            }
        };
        let _ = socket.set_nonblocking(true);
        let v6 = socket.local_addr().is_ok_and(|a| a.is_ipv6());
        let local_v4 = match (&transport, socket.local_addr()) {
            (Transport::Rtp { .. }, Ok(SocketAddr::V4(a))) if !a.ip().is_unspecified() => Some(a),
            _ => None,
        };
        Leg {
            v6,
            call: spec.call,
            socket: mio::net::UdpSocket::from_std(socket),
            transport,
            rtcp,
            remote,
            parked: Some(MemberState {
                role: spec.role,
                mode: Mode::SpeakListen,
                codec: spec.codec,
                out: OutStream::new(ssrc, rand::random(), rand::random()),
            }),
            place: Place::Nowhere,
            last_rx: now,
            peer_hold: false,
            rtp_timeout: spec.rtp_timeout,
            events: spec.events,
            recorder: spec.recorder,
            transcriber: None,
            counters: spec.counters,
            report: spec.report,
            heard: Vec::new(),
            written: 0,
            epoch: now,
            local_v4,
            kflow: None,
        }
    }

    /// The signalling named a new address for the peer: send there, and learn the source again
    /// from the next packet.
    pub(super) fn set_remote(&mut self, addr: SocketAddr) {
        self.remote = Some(addr);
        // The kernel stops forwarding from the old peer at once.
        self.kflow = None;
        if let Transport::Rtp { source, .. } = &mut self.transport {
            source.relearn();
        }
        self.rtcp.relearn();
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

    /// The leg's media socket, for reading (see [`super::batch`]), and whether it is IPv6.
    pub(super) fn socket(&self) -> (&mio::net::UdpSocket, bool) {
        (&self.socket, self.v6)
    }

    /// Takes one datagram `data` from `from` and adds what it carried to `out`.
    pub(super) fn receive(
        &mut self,
        now: Instant,
        data: &[u8],
        from: SocketAddr,
        out: &mut Vec<Heard>,
    ) {
        match &mut self.transport {
            Transport::Rtp {
                telephone_event,
                dtmf,
                source,
            } => {
                let Ok(frame) = RtpFrame::parse(data) else {
                    return;
                };
                match source.check(from) {
                    // Symmetric RTP: answer to where the peer really sends from.
                    Verdict::Latch => self.remote = Some(from),
                    Verdict::Accept => {}
                    Verdict::Ignore { first } => {
                        self.counters.rtp_foreign.fetch_add(1, Ordering::Relaxed);
                        if first {
                            tracing::warn!(
                                call = self.call,
                                "RTP from a source other than the leg's peer: ignored (strict RTP; counted in patchbay_rtp_foreign_packets_total)"
                            );
                            tracing::debug!(call = self.call, %from, peer = ?source.latched(), "foreign RTP source");
                        }
                        return;
                    }
                }
                self.last_rx = now;
                let since =
                    u64::try_from(now.duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX);
                self.rtcp
                    .stats
                    .on_packet(since, frame.ssrc, frame.seq, frame.timestamp);
                if frame.payload_type == *telephone_event {
                    if let Some(d) = dtmf.push(&frame) {
                        out.push(Heard::Digit(d));
                    }
                } else {
                    out.push(Heard::Audio(frame));
                }
            }
            Transport::WebRtc { session, local, .. } => {
                // STUN consent checks count as life: a muted browser still sends them.
                self.last_rx = now;
                session.handle_datagram(now, from, *local, data);
                self.pump(out);
            }
        }
    }

    /// Time passed (every tick): a WebRTC session's timers, and what they produced.
    pub(super) fn on_tick(&mut self, now: Instant, out: &mut Vec<Heard>) {
        if let Transport::WebRtc { session, .. } = &mut self.transport {
            if session.poll_timeout() <= now {
                session.handle_timeout(now);
            }
            self.pump(out);
        }
    }

    /// Drains a WebRTC session: datagrams out, events and audio (as µ-law frames) to `out`.
    fn pump(&mut self, out: &mut Vec<Heard>) {
        let Transport::WebRtc {
            session,
            seq,
            ts,
            ssrc,
            ..
        } = &mut self.transport
        else {
            return;
        };
        while let Some((to, bytes)) = session.poll_transmit() {
            let _ = self.socket.send_to(&bytes, to);
        }
        while let Some(ev) = session.poll_event() {
            out.push(match ev {
                webrtc::LegEvent::Connected => Heard::Media(true),
                webrtc::LegEvent::Disconnected => Heard::Media(false),
                webrtc::LegEvent::Dtmf(d) => Heard::Digit(d),
            });
        }
        while let Some(pcm) = session.poll_audio() {
            let codec = self
                .parked
                .as_ref()
                .map_or(media::room::Codec::Pcmu, |s| s.codec);
            out.push(Heard::Audio(RtpFrame {
                payload_type: codec.payload_type(),
                seq: *seq,
                timestamp: *ts,
                ssrc: *ssrc,
                marker: false,
                payload: codec.encode(&pcm),
            }));
            *seq = seq.wrapping_add(1);
            *ts = ts.wrapping_add(160);
        }
    }

    /// The payload type of telephone events towards this leg; `None` for a WebRTC session
    /// (keys are sent to SIP peers).
    pub(super) fn telephone_event(&self) -> Option<u8> {
        match self.transport {
            Transport::Rtp {
                telephone_event, ..
            } => Some(telephone_event),
            Transport::WebRtc { .. } => None,
        }
    }

    /// Where the kernel can take this leg's packets from: its socket and its latched peer.
    pub(super) fn kernel_source(&self) -> Option<(SocketAddrV4, SocketAddrV4)> {
        let Transport::Rtp { source, .. } = &self.transport else {
            return None;
        };
        match source.latched()? {
            SocketAddr::V4(peer) => Some((self.local_v4?, peer)),
            SocketAddr::V6(_) => None,
        }
    }

    /// Where the kernel can send this leg's packets: from its socket to its latched peer.
    pub(super) fn kernel_destination(&self) -> Option<(SocketAddrV4, SocketAddrV4)> {
        let (local, peer) = self.kernel_source()?;
        (self.remote == Some(SocketAddr::V4(peer))).then_some((local, peer))
    }

    /// Counts a packet the kernel sent on this leg's behalf (its RTCP reports include it).
    pub(super) fn count_sent(&mut self, frame: &RtpFrame) {
        self.rtcp.count_sent(frame);
    }

    /// Sends a packet to the peer (dropped while its address is unknown or the socket is full).
    pub(super) fn send(&mut self, frame: &RtpFrame) {
        match &mut self.transport {
            Transport::Rtp { .. } => {
                if let Some(to) = self.remote {
                    self.rtcp.count_sent(frame);
                    let _ = self.socket.send_to(&frame.to_bytes(), to);
                }
            }
            Transport::WebRtc { session, .. } => {
                let pcm = match frame.payload_type {
                    8 => media::g711::decode_alaw(&frame.payload),
                    0 => media::g711::decode_ulaw(&frame.payload),
                    // Not audio (a telephone event): nothing to play.
                    _ => return,
                };
                let now = Instant::now();
                session.send_audio(now, &pcm);
                while let Some((to, bytes)) = session.poll_transmit() {
                    let _ = self.socket.send_to(&bytes, to);
                }
            }
        }
    }

    /// Writes one 20 ms frame to the recording (buffered) and flushes the buffer and the header
    /// once a second, so a crash loses at most a second.
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

    /// Whether the leg's room must tap its audio (recording or transcription).
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
        if let Transport::WebRtc { session, .. } = &self.transport {
            let s = session.stats();
            tracing::info!(
                call = self.call,
                received = s.packets_received,
                lost = s.packets_lost,
                concealed = s.frames_concealed,
                sent = s.frames_sent,
                "browser media statistics"
            );
            return;
        }
        self.rtcp.summary(self.call, &self.counters, &self.report);
    }
}
