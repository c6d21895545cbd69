//! RTP and RTCP datagrams from anyone, as a media leg takes them: the strict source check, the
//! RTP parse, reception statistics, RFC 4733 digits, and a room (jitter buffer, mixing, the
//! recorder's tap) ticking every 20 ms; every datagram is also read as RTCP (rtcp-mux).
//!
//! Input: packets, each a length byte then that many bytes; bit 7 of the length byte sends the
//! packet from a second address (which strict RTP must drop once the first is latched), bit 6
//! lets a 20 ms tick pass before it; bits 0–5 times 3 are the length (cut to what is left).

use std::net::{Ipv4Addr, SocketAddr};

use media::dtmf::{DtmfDetector, TelephoneEvent};
use media::room::{Codec, MemberId, MemberState, Mode, Role, Room, RoomOutput};
use media::rtcp::{ReceptionStats, read_reports};
use media::rtp::RtpFrame;
use media::stream::OutStream;
use media::strict::{StrictSource, Verdict};

fn member(role: Role, codec: Codec, ssrc: u32) -> MemberState {
    MemberState {
        role,
        mode: Mode::SpeakListen,
        codec,
        out: OutStream::new(ssrc, 1, 0),
    }
}

/// Runs one input through this target.
pub fn run(data: &[u8]) {
    let peer = SocketAddr::from((Ipv4Addr::LOCALHOST, 4000));
    let stranger = SocketAddr::from((Ipv4Addr::LOCALHOST, 4002));
    let mut strict = StrictSource::new();
    let mut stats = ReceptionStats::new(8_000);
    let mut dtmf = DtmfDetector::default();
    let mut room = Room::new();
    room.set_tap(true);
    room.join(MemberId(1), member(Role::Customer, Codec::Pcmu, 11));
    room.join(MemberId(2), member(Role::Agent, Codec::Pcma, 22));
    let mut now = 0u64;
    let mut rest = data;
    while let Some((&head, tail)) = rest.split_first() {
        let len = (usize::from(head & 0x3f) * 3).min(tail.len());
        let (packet, tail) = tail.split_at(len);
        rest = tail;
        if head & 0x40 != 0 {
            now += 20;
            room.handle_tick();
        }
        let _ = read_reports(packet);
        let from = if head & 0x80 != 0 { stranger } else { peer };
        if matches!(strict.check(from), Verdict::Ignore { .. }) {
            continue;
        }
        let Ok(frame) = RtpFrame::parse(packet) else {
            continue;
        };
        assert_eq!(
            RtpFrame::parse(&frame.to_bytes()).ok().as_ref(),
            Some(&frame)
        );
        stats.on_packet(now, frame.ssrc, frame.seq, frame.timestamp);
        if frame.payload_type == 101 {
            let _ = TelephoneEvent::parse(&frame.payload);
            let _ = dtmf.push(&frame);
        }
        room.handle_rtp(MemberId(1), frame);
        while let Some(out) = room.poll_output() {
            if let RoomOutput::Rtp { frame, .. } = out {
                assert!(
                    frame.payload.len() <= 1_500,
                    "a room sent a packet too large"
                );
            }
        }
    }
    for _ in 0..3 {
        room.handle_tick();
        while room.poll_output().is_some() {}
    }
    let _ = stats.report();
    let _ = (
        stats.expected(),
        stats.received(),
        stats.lost(),
        stats.jitter_ms(),
    );
}
