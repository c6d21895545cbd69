//! RTCP of one RTP leg: the socket next to the RTP one, reception statistics, what we sent, and
//! what the peer last reported about our stream.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use media::rtp::RtpFrame;

use super::Report;
use crate::stats::CallStats;

/// What we sent, for sender reports.
#[derive(Debug, Default)]
struct Sent {
    packets: u32,
    octets: u32,
    last_ts: u32,
}

/// RTCP state of one leg.
pub(super) struct Rtcp {
    pub(super) socket: Option<mio::net::UdpSocket>,
    /// Where the peer's reports come from (else: RTP address + 1).
    pub(super) remote: Option<SocketAddr>,
    pub(super) stats: media::rtcp::ReceptionStats,
    sent: Sent,
    ssrc: u32,
    peer_view: Option<media::rtcp::ReportFigures>,
    /// Received/expected already added to the endpoint's counters.
    counted: (u64, u64),
    /// Strict RTP for reports too: one source, learnt from the first.
    source: media::strict::StrictSource,
}

impl Rtcp {
    /// RTCP next to `rtp` (its port + 1), or none when that port is taken.
    pub(super) fn new(rtp: &std::net::UdpSocket, ssrc: u32) -> Rtcp {
        let socket = rtp.local_addr().ok().and_then(|a| {
            let s = std::net::UdpSocket::bind(SocketAddr::new(a.ip(), a.port().wrapping_add(1)))
                .ok()?;
            s.set_nonblocking(true).ok()?;
            Some(mio::net::UdpSocket::from_std(s))
        });
        Rtcp {
            socket,
            remote: None,
            stats: media::rtcp::ReceptionStats::new(8_000),
            sent: Sent::default(),
            ssrc,
            peer_view: None,
            counted: (0, 0),
            source: media::strict::StrictSource::new(),
        }
    }

    /// No RTCP of ours (a WebRTC session does its own).
    pub(super) fn none(ssrc: u32) -> Rtcp {
        Rtcp {
            socket: None,
            remote: None,
            stats: media::rtcp::ReceptionStats::new(8_000),
            sent: Sent::default(),
            ssrc,
            peer_view: None,
            counted: (0, 0),
            source: media::strict::StrictSource::new(),
        }
    }

    /// Counts a packet we sent.
    pub(super) fn count_sent(&mut self, frame: &RtpFrame) {
        self.sent.packets = self.sent.packets.wrapping_add(1);
        self.sent.octets = self
            .sent
            .octets
            .wrapping_add(u32::try_from(frame.payload.len()).unwrap_or(0));
        self.sent.last_ts = frame.timestamp;
    }

    /// The signalling named a new address for the peer: learn the reports' source again.
    pub(super) fn relearn(&mut self) {
        self.source.relearn();
    }

    /// Reads every waiting report; reports from a source other than the peer's are counted
    /// and dropped.
    pub(super) fn read(&mut self, counters: &CallStats) {
        let Some(socket) = &self.socket else { return };
        let mut buf = [0u8; 1_500];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            if let Ok(blocks) = media::rtcp::read_reports(&buf[..n]) {
                match self.source.check(from) {
                    media::strict::Verdict::Latch => self.remote = Some(from),
                    media::strict::Verdict::Accept => {}
                    media::strict::Verdict::Ignore { .. } => {
                        counters.rtp_foreign.fetch_add(1, Relaxed);
                        continue;
                    }
                }
                if let Some(b) = blocks.into_iter().find(|b| b.ssrc == self.ssrc) {
                    self.peer_view = Some(b);
                }
            }
        }
    }

    /// Adds what was received and expected since the last call to the endpoint's counters.
    pub(super) fn account(&mut self, counters: &CallStats) {
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
    pub(super) fn report(&mut self, rtp_remote: Option<SocketAddr>) {
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
            let _ = socket.send_to(&bytes, to);
        }
    }

    /// The leg's figures for the call record and the log, at its end.
    pub(super) fn summary(&mut self, call: u64, counters: &Arc<CallStats>, report: &Report) {
        self.account(counters);
        if let Some((key, tx)) = report {
            tx.send(model::calls::CallEvent::Media {
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
