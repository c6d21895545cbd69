//! A call's media: one RTP socket, symmetric RTP (answer to where the peer really sends from),
//! and what the number does with the audio: echo it back, or play prompts.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use media::rtp::RtpFrame;
use media::stream::OutStream;
use media::wav::RecordingWriter;
use sip::sdp::AudioCodec;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use super::Inbound;

/// What a call's media does.
#[derive(Debug)]
pub(crate) enum Behaviour {
    /// Send every packet back (9196).
    Echo,
    /// Play these 8 kHz samples, then go on from `loop_from` (music on hold) or, with `None`,
    /// report [`Inbound::PromptDone`] once and send silence.
    Play {
        samples: Arc<[i16]>,
        loop_from: Option<usize>,
    },
    /// Bridged to another leg's task: audio heard here (decoded, 20 ms frames) goes to `to_peer`,
    /// frames from `from_peer` are sent out. Until the first frame comes, `ringback` plays.
    Bridge {
        to_peer: mpsc::Sender<Vec<i16>>,
        from_peer: mpsc::Receiver<Vec<i16>>,
        ringback: Option<media::tone::ToneGenerator>,
    },
}

/// Everything a media task needs.
pub(crate) struct MediaSetup {
    pub(crate) call: u64,
    pub(crate) socket: UdpSocket,
    /// Where the SDP said to send (replaced by the address packets really come from).
    pub(crate) remote: Option<SocketAddr>,
    pub(crate) codec: AudioCodec,
    pub(crate) payload_type: u8,
    /// Payload type of RFC 4733 telephone-events on this call.
    pub(crate) telephone_event: u8,
    pub(crate) behaviour: Behaviour,
    pub(crate) rtp_timeout: Duration,
    pub(crate) events: mpsc::Sender<Inbound>,
    pub(crate) stop: oneshot::Receiver<()>,
    /// Where the call is recorded (customer left, Patchbay's side right), if it is.
    pub(crate) recorder: Option<RecordingWriter<std::fs::File>>,
    /// Where to send from now on (an SDP answer that came after the task started).
    pub(crate) remote_updates: Option<mpsc::Receiver<SocketAddr>>,
    /// Changes of behaviour while the call runs (IVR prompts, queue music, bridging to an agent).
    pub(crate) control: Option<mpsc::Receiver<Behaviour>>,
    /// Endpoint-wide counters (RTP received and expected, for loss figures).
    pub(crate) counters: Arc<super::CallStats>,
    /// Where this leg's media statistics go at the end (the call record's key), if anywhere.
    pub(crate) report_to: Option<(
        String,
        tokio::sync::mpsc::UnboundedSender<model::calls::CallEvent>,
    )>,
}

/// How often RTCP reports go out.
const RTCP_INTERVAL: Duration = Duration::from_secs(5);

/// What we sent, for sender reports.
#[derive(Debug, Default)]
struct Sent {
    packets: u32,
    octets: u32,
    last_ts: u32,
}

impl Sent {
    fn count(&mut self, frame: &RtpFrame) {
        self.packets = self.packets.wrapping_add(1);
        self.octets = self
            .octets
            .wrapping_add(u32::try_from(frame.payload.len()).unwrap_or(0));
        self.last_ts = frame.timestamp;
    }
}

/// RTCP of one call leg: the socket next to the RTP one, reception statistics, what the peer
/// last reported about our stream.
struct Rtcp {
    socket: Option<UdpSocket>,
    remote: Option<SocketAddr>,
    stats: media::rtcp::ReceptionStats,
    sent: Sent,
    ssrc: u32,
    peer_view: Option<media::rtcp::ReportFigures>,
    /// Received/expected already added to the endpoint's counters.
    counted: (u64, u64),
}

impl Rtcp {
    async fn new(rtp: &UdpSocket, ssrc: u32) -> Rtcp {
        let socket = match rtp.local_addr() {
            Ok(a) => UdpSocket::bind(SocketAddr::new(a.ip(), a.port().wrapping_add(1)))
                .await
                .ok(),
            Err(_) => None,
        };
        Rtcp {
            socket,
            remote: None,
            stats: media::rtcp::ReceptionStats::new(8_000),
            sent: Sent::default(),
            ssrc,
            peer_view: None,
            counted: (0, 0),
        }
    }

    /// Adds what was received and expected since the last call to the endpoint's counters.
    fn account(&mut self, counters: &super::CallStats) {
        use std::sync::atomic::Ordering::Relaxed;
        let (r, e) = (self.stats.received(), self.stats.expected());
        counters
            .rtp_received
            .fetch_add(r.saturating_sub(self.counted.0), Relaxed);
        counters
            .rtp_expected
            .fetch_add(e.saturating_sub(self.counted.1), Relaxed);
        self.counted = (r, e);
    }

    /// Sends a sender (or receiver) report to the peer's RTCP address.
    async fn report(&mut self, rtp_remote: Option<SocketAddr>) {
        let Some(socket) = &self.socket else { return };
        let Some(to) = self
            .remote
            .or_else(|| rtp_remote.map(|a| SocketAddr::new(a.ip(), a.port().wrapping_add(1))))
        else {
            return;
        };
        let unix_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(0))
            .unwrap_or(0);
        let sender = (self.sent.packets > 0).then(|| media::rtcp::SenderInfo {
            ssrc: self.ssrc,
            ntp: media::rtcp::ntp_from_unix_ms(unix_ms),
            rtp_timestamp: self.sent.last_ts,
            packets: self.sent.packets,
            octets: self.sent.octets,
        });
        if let Ok(bytes) = media::rtcp::write_report(self.ssrc, sender, self.stats.report()) {
            let _ = socket.send_to(&bytes, to).await;
        }
    }

    fn summary(
        &self,
        call: u64,
        report_to: &Option<(
            String,
            tokio::sync::mpsc::UnboundedSender<model::calls::CallEvent>,
        )>,
    ) {
        if let Some((key, tx)) = report_to {
            let _ = tx.send(model::calls::CallEvent::Media {
                key: key.clone(),
                received: self.stats.received(),
                lost: self.stats.lost(),
                jitter_us: (self.stats.jitter_ms() * 1000.0) as u64,
            });
        }
        let peer = self.peer_view.map(|p| {
            format!(
                "{:.1}% lost, jitter {} ms",
                f64::from(p.fraction_lost) * 100.0 / 256.0,
                p.jitter / 8
            )
        });
        tracing::info!(
            call,
            received = self.stats.received(),
            lost = self.stats.lost(),
            jitter_ms = format!("{:.1}", self.stats.jitter_ms()),
            peer_report = peer.as_deref().unwrap_or("none"),
            "call media statistics"
        );
    }
}

/// Waits for an RTCP datagram, or forever without a socket.
async fn rtcp_recv(
    socket: &Option<UdpSocket>,
    buf: &mut [u8],
) -> std::io::Result<(usize, SocketAddr)> {
    match socket {
        Some(s) => s.recv_from(buf).await,
        None => std::future::pending().await,
    }
}

/// Waits for the next change of behaviour, or forever when there is no channel.
async fn next_behaviour(rx: &mut Option<mpsc::Receiver<Behaviour>>) -> Option<Behaviour> {
    match rx {
        Some(r) => r.recv().await,
        None => std::future::pending().await,
    }
}

/// Waits for the next remote address, or forever when there is no channel.
async fn next_remote(rx: &mut Option<mpsc::Receiver<SocketAddr>>) -> Option<SocketAddr> {
    match rx {
        Some(r) => r.recv().await,
        None => std::future::pending().await,
    }
}

/// Writes one 20 ms frame to the recording and flushes its header once a second, so a crash
/// loses at most a second (and start-up repair recovers even that).
fn record(
    rec: &mut Option<RecordingWriter<std::fs::File>>,
    ticks: u64,
    left: &[i16],
    right: &[i16],
) {
    if let Some(r) = rec {
        let ok =
            r.write_frame(left, right).is_ok() && (!ticks.is_multiple_of(50) || r.flush().is_ok());
        if !ok {
            tracing::warn!("recording write failed; recording stops");
            *rec = None;
        }
    }
}

fn finish(rec: Option<RecordingWriter<std::fs::File>>) {
    if let Some(r) = rec
        && let Err(e) = r.finish()
    {
        tracing::warn!(error = %e, "finishing a recording failed");
    }
}

pub(crate) async fn run(mut m: MediaSetup) {
    let ssrc: u32 = rand::random();
    let mut out = OutStream::new(ssrc, rand::random(), rand::random());
    let mut rtcp = Rtcp::new(&m.socket, ssrc).await;
    let mut rtcp_buf = [0u8; 1_500];
    let epoch = tokio::time::Instant::now();
    let mut rtcp_tick = tokio::time::interval_at(epoch + RTCP_INTERVAL, RTCP_INTERVAL);
    let mut remote = m.remote;
    let mut buf = [0u8; 2_048];
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut played = 0usize;
    let mut dtmf = media::dtmf::DtmfDetector::default();
    let mut last_rx = tokio::time::Instant::now();
    // Decoded audio heard from the peer since the last tick (for the recording's left channel).
    let mut heard: Vec<i16> = Vec::new();
    let mut ticks = 0u64;
    let mut recorder = m.recorder.take();
    loop {
        tokio::select! {
            _ = &mut m.stop => {
                finish(recorder);
                rtcp.account(&m.counters);
                rtcp.summary(m.call, &m.report_to);
                return;
            }
            _ = rtcp_tick.tick() => {
                rtcp.account(&m.counters);
                rtcp.report(remote).await;
            }
            r = rtcp_recv(&rtcp.socket, &mut rtcp_buf) => {
                if let Ok((n, from)) = r
                    && let Ok(blocks) = media::rtcp::read_reports(&rtcp_buf[..n])
                {
                    rtcp.remote = Some(from);
                    if let Some(b) = blocks.into_iter().find(|b| b.ssrc == ssrc) {
                        rtcp.peer_view = Some(b);
                    }
                }
            }
            b = next_behaviour(&mut m.control) => match b {
                Some(b) => {
                    m.behaviour = b;
                    played = 0;
                }
                None => m.control = None,
            },
            addr = next_remote(&mut m.remote_updates) => match addr {
                Some(a) => remote = Some(a),
                None => m.remote_updates = None,
            },
            r = m.socket.recv_from(&mut buf) => {
                let Ok((n, from)) = r else { continue };
                let Ok(frame) = RtpFrame::parse(&buf[..n]) else { continue };
                last_rx = tokio::time::Instant::now();
                let since = u64::try_from(last_rx.duration_since(epoch).as_millis()).unwrap_or(u64::MAX);
                rtcp.stats.on_packet(since, frame.ssrc, frame.seq, frame.timestamp);
                remote = Some(from); // symmetric RTP: latch to the real source
                if frame.payload_type == m.telephone_event {
                    if let Some(digit) = dtmf.push(&frame) {
                        let _ = m.events.send(Inbound::Dtmf(m.call, digit)).await;
                    }
                    continue;
                }
                let bridged = matches!(m.behaviour, Behaviour::Bridge { .. });
                if recorder.is_some() || bridged {
                    let pcm = match frame.payload_type {
                        0 => media::g711::decode_ulaw(&frame.payload),
                        8 => media::g711::decode_alaw(&frame.payload),
                        _ => Vec::new(),
                    };
                    if let Behaviour::Bridge { to_peer, .. } = &m.behaviour
                        && !pcm.is_empty()
                    {
                        // A full peer queue means it is gone or far behind: drop, never block.
                        let _ = to_peer.try_send(pcm.clone());
                    }
                    if recorder.is_some() {
                        heard.extend(pcm);
                        let excess = heard.len().saturating_sub(8_000);
                        heard.drain(..excess);
                    }
                }
                if matches!(m.behaviour, Behaviour::Echo) {
                    let back = out.forward(frame);
                    rtcp.sent.count(&back);
                    let _ = m.socket.send_to(&back.to_bytes(), from).await;
                }
            }
            _ = tick.tick() => {
                if last_rx.elapsed() >= m.rtp_timeout {
                    finish(recorder);
                    rtcp.account(&m.counters);
                    rtcp.summary(m.call, &m.report_to);
                    let _ = m.events.send(Inbound::RtpTimeout(m.call)).await;
                    return;
                }
                ticks += 1;
                let n = heard.len().min(media::FRAME_SAMPLES);
                let mut left: Vec<i16> = heard.drain(..n).collect();
                left.resize(media::FRAME_SAMPLES, 0);
                let mut right = vec![0i16; media::FRAME_SAMPLES];
                if matches!(m.behaviour, Behaviour::Echo) {
                    right.clone_from(&left);
                }
                if let (Behaviour::Play { samples, loop_from }, Some(to)) = (&m.behaviour, remote) {
                    let mut frame = vec![0i16; media::FRAME_SAMPLES];
                    if played < samples.len() {
                        let n = (samples.len() - played).min(media::FRAME_SAMPLES);
                        frame[..n].copy_from_slice(&samples[played..played + n]);
                        played += n;
                        if played == samples.len() {
                            match loop_from {
                                Some(at) if *at < samples.len() => played = *at,
                                _ => {
                                    let _ = m.events.try_send(Inbound::PromptDone(m.call));
                                }
                            }
                        }
                    }
                    let payload = match m.codec {
                        AudioCodec::Pcmu => media::g711::encode_ulaw(&frame),
                        AudioCodec::Pcma => media::g711::encode_alaw(&frame),
                    };
                    let pkt = out.next_mixed(m.payload_type, payload);
                    rtcp.sent.count(&pkt);
                    let _ = m.socket.send_to(&pkt.to_bytes(), to).await;
                    right = frame;
                }
                if let (Behaviour::Bridge { from_peer, ringback, .. }, Some(to)) = (&mut m.behaviour, remote) {
                    let mut frame = None;
                    // Keep at most a few frames queued: drift between the legs' clocks is dropped.
                    while let Ok(f) = from_peer.try_recv() {
                        frame = Some(f);
                        if from_peer.len() <= 3 {
                            break;
                        }
                    }
                    let frame = match frame {
                        Some(mut f) => {
                            *ringback = None;
                            f.resize(media::FRAME_SAMPLES, 0);
                            f
                        }
                        None => ringback
                            .as_mut()
                            .map_or_else(|| vec![0i16; media::FRAME_SAMPLES], |r| r.next_frame()),
                    };
                    let payload = match m.codec {
                        AudioCodec::Pcmu => media::g711::encode_ulaw(&frame),
                        AudioCodec::Pcma => media::g711::encode_alaw(&frame),
                    };
                    let pkt = out.next_mixed(m.payload_type, payload);
                    rtcp.sent.count(&pkt);
                    let _ = m.socket.send_to(&pkt.to_bytes(), to).await;
                    right = frame;
                }
                record(&mut recorder, ticks, &left, &right);
            }
        }
    }
}
