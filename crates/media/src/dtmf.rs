//! DTMF: RFC 4733 telephone-events in and out, and SIP INFO `application/dtmf-relay` bodies.

use crate::MediaError;
use crate::rtp::RtpFrame;

/// One RFC 4733 event payload (4 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelephoneEvent {
    /// Event code: 0–9, 10 `*`, 11 `#`, 12–15 `A`–`D`.
    pub event: u8,
    /// The E bit: this packet ends the event.
    pub end: bool,
    /// Volume in -dBm0 (0–63).
    pub volume: u8,
    /// Duration so far, in timestamp units.
    pub duration: u16,
}

impl TelephoneEvent {
    /// Parses the payload of a telephone-event packet.
    pub fn parse(payload: &[u8]) -> Result<TelephoneEvent, MediaError> {
        let [event, flags, d0, d1, ..] = *payload else {
            return Err(MediaError::ShortEvent);
        };
        Ok(TelephoneEvent {
            event,
            end: flags & 0x80 != 0,
            volume: flags & 0x3f,
            duration: u16::from_be_bytes([d0, d1]),
        })
    }

    /// The 4-byte payload.
    pub fn to_bytes(self) -> [u8; 4] {
        let d = self.duration.to_be_bytes();
        [
            self.event,
            (u8::from(self.end) << 7) | (self.volume & 0x3f),
            d[0],
            d[1],
        ]
    }
}

/// The character of an event code; `None` for codes that are not DTMF digits.
pub fn digit_of(event: u8) -> Option<char> {
    match event {
        0..=9 => Some(char::from(b'0' + event)),
        10 => Some('*'),
        11 => Some('#'),
        12..=15 => Some(char::from(b'A' + event - 12)),
        _ => None,
    }
}

/// The event code of a digit character.
pub fn event_of(digit: char) -> Option<u8> {
    match digit {
        '0'..='9' => Some(digit as u8 - b'0'),
        '*' => Some(10),
        '#' => Some(11),
        'A'..='D' => Some(digit as u8 - b'A' + 12),
        'a'..='d' => Some(digit as u8 - b'a' + 12),
        _ => None,
    }
}

/// Reports each digit once from a stream of telephone-event packets: the start of an event (a
/// new RTP timestamp) reports it; retransmitted end packets and continuation packets do not.
#[derive(Debug, Default)]
pub struct DtmfDetector {
    /// RTP timestamp of the last event reported: packets of one event share it.
    last_event_ts: Option<u32>,
}

impl DtmfDetector {
    /// Feeds one telephone-event packet; returns the digit when a new event starts.
    pub fn push(&mut self, frame: &RtpFrame) -> Option<char> {
        let ev = TelephoneEvent::parse(&frame.payload).ok()?;
        if self.last_event_ts == Some(frame.timestamp) {
            return None;
        }
        self.last_event_ts = Some(frame.timestamp);
        digit_of(ev.event)
    }
}

/// Builds the packets that send one digit (RFC 4733 §2.5): a marked first packet, updates every
/// 20 ms with the growing duration, then three end packets (redundancy), all with the event's
/// start timestamp. Sequence numbers continue from `seq`.
pub fn generate_digit(
    digit: char,
    payload_type: u8,
    ssrc: u32,
    seq: u16,
    timestamp: u32,
    duration_ms: u32,
) -> Vec<RtpFrame> {
    let Some(event) = event_of(digit) else {
        return Vec::new();
    };
    let step = 160u32; // 20 ms at 8 kHz
    let total = (duration_ms * 8).max(step);
    let mut frames = Vec::new();
    let mut d = step;
    let mut s = seq;
    let mut push = |end: bool, duration: u32, marker: bool, s: &mut u16| {
        frames.push(RtpFrame {
            payload_type,
            seq: *s,
            timestamp,
            ssrc,
            marker,
            payload: TelephoneEvent {
                event,
                end,
                volume: 10,
                duration: duration.min(0xffff) as u16,
            }
            .to_bytes()
            .to_vec(),
        });
        *s = s.wrapping_add(1);
    };
    push(false, d, true, &mut s);
    while d + step < total {
        d += step;
        push(false, d, false, &mut s);
    }
    for _ in 0..3 {
        push(true, total, false, &mut s);
    }
    frames
}

/// Parses a SIP INFO `application/dtmf-relay` body (`Signal=5\r\nDuration=160`).
pub fn parse_dtmf_relay(body: &str) -> Option<char> {
    body.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("signal"))
        .and_then(|(_, v)| {
            let v = v.trim();
            let mut chars = v.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if event_of(c).is_some() => Some(c.to_ascii_uppercase()),
                _ => v.parse::<u8>().ok().and_then(digit_of),
            }
        })
}
