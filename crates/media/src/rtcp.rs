//! RTCP (RFC 3550 §6): statistics of an incoming RTP stream (loss from sequence numbers,
//! interarrival jitter, appendix A.3 and A.8) and the sender/receiver reports we write and read.
//! The packet format is the `rtcp-types` crate's; the arithmetic is here, driven with `now`.

use rtcp_types::{
    Compound, Packet, ReceiverReport, ReportBlock, RtcpPacketWriterExt, SenderReport,
};

use crate::MediaError;

/// How far ahead a sequence number may jump and still count as in order (RFC 3550 A.1).
const MAX_DROPOUT: u16 = 3_000;

/// Reception statistics of one incoming stream.
#[derive(Debug, Clone)]
pub struct ReceptionStats {
    /// RTP clock rate (8000 for G.711).
    clock_rate: u32,
    /// SSRC of the stream (from its first packet).
    ssrc: Option<u32>,
    /// First extended sequence number.
    base: u64,
    /// Highest extended sequence number.
    max: u64,
    /// Packets received (duplicates included, as the RFC does).
    received: u64,
    /// `expected` and `received` at the last report, for the fraction lost.
    expected_prior: u64,
    received_prior: u64,
    /// Interarrival jitter in RTP timestamp units.
    jitter: f64,
    /// Relative transit time of the previous packet.
    last_transit: Option<i64>,
}

/// One report block's figures (ours about their stream, or theirs about ours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFigures {
    /// SSRC the block is about.
    pub ssrc: u32,
    /// Fraction lost since the previous report, in 1/256.
    pub fraction_lost: u8,
    /// Packets lost since the start.
    pub cumulative_lost: u32,
    /// Highest extended sequence number received.
    pub highest_seq: u32,
    /// Interarrival jitter, RTP timestamp units.
    pub jitter: u32,
}

/// What we say about our own sending in a sender report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderInfo {
    /// Our SSRC.
    pub ssrc: u32,
    /// Wall clock as NTP (seconds since 1900 in the high 32 bits).
    pub ntp: u64,
    /// RTP timestamp matching `ntp`.
    pub rtp_timestamp: u32,
    /// Packets sent.
    pub packets: u32,
    /// Payload octets sent.
    pub octets: u32,
}

impl ReceptionStats {
    /// Statistics for a stream with this clock rate.
    pub fn new(clock_rate: u32) -> Self {
        ReceptionStats {
            clock_rate,
            ssrc: None,
            base: 0,
            max: 0,
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            jitter: 0.0,
            last_transit: None,
        }
    }

    /// Counts a packet that arrived at `now_ms` with sequence number `seq` and timestamp `ts`.
    pub fn on_packet(&mut self, now_ms: u64, ssrc: u32, seq: u16, ts: u32) {
        if self.ssrc != Some(ssrc) {
            // A new source (or the first): start over.
            *self = ReceptionStats::new(self.clock_rate);
            self.ssrc = Some(ssrc);
            self.base = u64::from(seq);
            self.max = u64::from(seq);
        } else {
            let max16 = (self.max & 0xffff) as u16;
            let delta = seq.wrapping_sub(max16);
            if delta != 0 && delta < MAX_DROPOUT {
                if seq < max16 {
                    self.max += 0x1_0000; // wrapped
                }
                self.max = (self.max & !0xffff) | u64::from(seq);
            }
        }
        self.received += 1;
        let arrival = (now_ms as f64 * f64::from(self.clock_rate) / 1000.0) as i64;
        let transit = arrival - i64::from(ts);
        if let Some(last) = self.last_transit {
            let d = (transit - last).unsigned_abs() as f64;
            self.jitter += (d - self.jitter) / 16.0;
        }
        self.last_transit = Some(transit);
    }

    /// Packets expected from the sequence numbers seen.
    pub fn expected(&self) -> u64 {
        if self.ssrc.is_none() {
            return 0;
        }
        self.max - self.base + 1
    }

    /// Packets received.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Packets lost since the start (never negative: duplicates do not make up for losses).
    pub fn lost(&self) -> u64 {
        self.expected().saturating_sub(self.received)
    }

    /// Interarrival jitter in milliseconds.
    pub fn jitter_ms(&self) -> f64 {
        self.jitter * 1000.0 / f64::from(self.clock_rate)
    }

    /// The figures for a report block now; the fraction lost covers the time since the previous
    /// call. `None` before the first packet.
    pub fn report(&mut self) -> Option<ReportFigures> {
        let ssrc = self.ssrc?;
        let expected = self.expected();
        let interval_expected = expected - self.expected_prior;
        let interval_received = self.received - self.received_prior;
        self.expected_prior = expected;
        self.received_prior = self.received;
        let interval_lost = interval_expected.saturating_sub(interval_received);
        let fraction_lost = (interval_lost << 8)
            .checked_div(interval_expected)
            .map_or(0, |f| u8::try_from(f).unwrap_or(u8::MAX));
        Some(ReportFigures {
            ssrc,
            fraction_lost,
            cumulative_lost: u32::try_from(self.lost())
                .unwrap_or(0x7f_ffff)
                .min(0x7f_ffff),
            highest_seq: self.max as u32,
            jitter: self.jitter as u32,
        })
    }
}

fn block(f: &ReportFigures) -> rtcp_types::ReportBlockBuilder {
    ReportBlock::builder(f.ssrc)
        .fraction_lost(f.fraction_lost)
        .cumulative_lost(f.cumulative_lost)
        .extended_sequence_number(f.highest_seq)
        .interarrival_jitter(f.jitter)
}

/// A sender report (when we sent anything) or a receiver report, with a block about the stream
/// we receive when there is one.
pub fn write_report(
    our_ssrc: u32,
    sender: Option<SenderInfo>,
    about: Option<ReportFigures>,
) -> Result<Vec<u8>, MediaError> {
    let mut buf = vec![0u8; 256];
    let n = match sender {
        Some(s) => {
            let mut b = SenderReport::builder(s.ssrc)
                .ntp_timestamp(s.ntp)
                .rtp_timestamp(s.rtp_timestamp)
                .packet_count(s.packets)
                .octet_count(s.octets);
            if let Some(f) = &about {
                b = b.add_report_block(block(f));
            }
            b.write_into(&mut buf)
        }
        None => {
            let mut b = ReceiverReport::builder(our_ssrc);
            if let Some(f) = &about {
                b = b.add_report_block(block(f));
            }
            b.write_into(&mut buf)
        }
    }
    .map_err(|e| MediaError::BadRtp(format!("RTCP write: {e}")))?;
    buf.truncate(n);
    Ok(buf)
}

/// The report blocks in a (compound) RTCP packet: what the peer says about the streams it gets.
pub fn read_reports(bytes: &[u8]) -> Result<Vec<ReportFigures>, MediaError> {
    let compound = Compound::parse(bytes).map_err(|e| MediaError::BadRtp(format!("RTCP: {e}")))?;
    let mut out = Vec::new();
    for p in compound {
        let p = p.map_err(|e| MediaError::BadRtp(format!("RTCP: {e}")))?;
        let blocks: Vec<ReportFigures> = match &p {
            Packet::Sr(sr) => sr.report_blocks().map(|b| figures(&b)).collect(),
            Packet::Rr(rr) => rr.report_blocks().map(|b| figures(&b)).collect(),
            _ => Vec::new(),
        };
        out.extend(blocks);
    }
    Ok(out)
}

fn figures(b: &ReportBlock<'_>) -> ReportFigures {
    ReportFigures {
        ssrc: b.ssrc(),
        fraction_lost: b.fraction_lost(),
        cumulative_lost: b.cumulative_lost(),
        highest_seq: b.extended_sequence_number(),
        jitter: b.interarrival_jitter(),
    }
}

/// Unix milliseconds as an NTP timestamp (seconds since 1900 . fraction).
pub fn ntp_from_unix_ms(unix_ms: u64) -> u64 {
    let secs = unix_ms / 1000 + 2_208_988_800;
    let frac = ((unix_ms % 1000) << 32) / 1000;
    (secs << 32) | frac
}
