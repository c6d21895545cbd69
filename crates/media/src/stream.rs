//! An outgoing RTP stream that stays continuous whatever feeds it: one SSRC, sequence numbers
//! that go up by one, timestamps that keep advancing, across forwarding, mixing and moves between
//! rooms. It belongs to the member (the leg), not to a room.

use crate::rtp::RtpFrame;

/// Samples per 20 ms frame at 8 kHz, the timestamp step of one frame.
const TS_STEP: u32 = 160;

/// State of one outgoing stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutStream {
    /// Our SSRC towards this member.
    pub ssrc: u32,
    /// Sequence number of the last packet sent.
    last_seq: u16,
    /// Timestamp of the last packet sent.
    last_ts: u32,
    /// Whether anything was sent yet.
    started: bool,
    /// The forwarded source this stream is locked to: (ssrc, seq offset, ts offset).
    source: Option<(u32, u16, u32)>,
    /// The timestamp of the telephone event being sent (RFC 4733: all its packets carry the
    /// event's start).
    event_ts: u32,
}

impl OutStream {
    /// A new stream with the given SSRC and initial sequence number and timestamp (random in
    /// production, fixed in tests).
    pub fn new(ssrc: u32, seq: u16, ts: u32) -> Self {
        OutStream {
            ssrc,
            last_seq: seq.wrapping_sub(1),
            last_ts: ts.wrapping_sub(TS_STEP),
            started: false,
            source: None,
            event_ts: 0,
        }
    }

    /// Rewrites a forwarded packet so it continues this stream. A new source (another SSRC, or
    /// the first packet after mixing) is spliced on: its first packet follows ours by one
    /// sequence number and one frame of timestamp, and carries the marker bit.
    pub fn forward(&mut self, mut frame: RtpFrame) -> RtpFrame {
        let (seq_off, ts_off) = match self.source {
            Some((ssrc, so, to)) if ssrc == frame.ssrc => (so, to),
            _ => {
                let so = self.last_seq.wrapping_add(1).wrapping_sub(frame.seq);
                let to = self
                    .last_ts
                    .wrapping_add(TS_STEP)
                    .wrapping_sub(frame.timestamp);
                self.source = Some((frame.ssrc, so, to));
                frame.marker = true;
                (so, to)
            }
        };
        frame.seq = frame.seq.wrapping_add(seq_off);
        frame.timestamp = frame.timestamp.wrapping_add(ts_off);
        frame.ssrc = self.ssrc;
        // Only move forward: a reordered older packet keeps its place but does not rewind us.
        if !self.started || seq_newer(frame.seq, self.last_seq) {
            self.last_seq = frame.seq;
            self.last_ts = frame.timestamp;
        }
        self.started = true;
        frame
    }

    /// The source forwarded packets continue this stream from, once locked to one: its SSRC and
    /// the sequence-number and timestamp offsets [`OutStream::forward`] adds (`None` after mixed
    /// or generated audio, until the next forwarded packet splices a source on).
    pub fn forwarded_source(&self) -> Option<(u32, u16, u32)> {
        self.source
    }

    /// The next packet of mixed (or generated) audio.
    pub fn next_mixed(&mut self, payload_type: u8, payload: Vec<u8>) -> RtpFrame {
        let marker = self.source.take().is_some() || !self.started;
        self.last_seq = self.last_seq.wrapping_add(1);
        self.last_ts = self.last_ts.wrapping_add(TS_STEP);
        self.started = true;
        RtpFrame {
            payload_type,
            seq: self.last_seq,
            timestamp: self.last_ts,
            ssrc: self.ssrc,
            marker,
            payload,
        }
    }
}

impl OutStream {
    /// The next packet of a telephone event (RFC 4733) in place of a frame of audio: the
    /// sequence number and the stream's clock go on as for audio, but every packet of one event
    /// carries the timestamp of its first (`start`, which is marked).
    pub fn next_event(&mut self, payload_type: u8, payload: Vec<u8>, start: bool) -> RtpFrame {
        self.source = None;
        self.last_seq = self.last_seq.wrapping_add(1);
        self.last_ts = self.last_ts.wrapping_add(TS_STEP);
        if start || !self.started {
            self.event_ts = self.last_ts;
        }
        self.started = true;
        RtpFrame {
            payload_type,
            seq: self.last_seq,
            timestamp: self.event_ts,
            ssrc: self.ssrc,
            marker: start,
            payload,
        }
    }
}

/// True when sequence number `a` comes after `b` (modulo 2^16).
fn seq_newer(a: u16, b: u16) -> bool {
    a != b && a.wrapping_sub(b) < 0x8000
}
