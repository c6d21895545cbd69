//! The jitter buffer under reordering, loss, duplication, lateness, wrap-around and drift.

#![allow(clippy::unwrap_used)]

use media::jitter::{JitterBuffer, Playout};
use media::rtp::RtpFrame;

fn pkt(seq: u16) -> RtpFrame {
    RtpFrame {
        payload_type: 0,
        seq,
        timestamp: u32::from(seq) * 160,
        ssrc: 1,
        marker: false,
        payload: vec![seq as u8; 160],
    }
}

fn played(p: &Playout) -> Option<u16> {
    match p {
        Playout::Frame(f) => Some(f.seq),
        _ => None,
    }
}

#[test]
fn reordered_packets_play_in_order() {
    let mut jb = JitterBuffer::new(3, 50);
    for s in [2, 1, 3, 5, 4, 6] {
        jb.push(pkt(s));
    }
    let out: Vec<_> = (0..6).map(|_| played(&jb.pop())).collect();
    assert_eq!(out, [Some(1), Some(2), Some(3), Some(4), Some(5), Some(6)]);
}

#[test]
fn a_missing_packet_is_reported_lost_and_playout_continues() {
    let mut jb = JitterBuffer::new(2, 50);
    for s in [10, 11, 13, 14] {
        jb.push(pkt(s));
    }
    let out: Vec<_> = (0..5).map(|_| jb.pop()).collect();
    assert_eq!(played(&out[0]), Some(10));
    assert_eq!(played(&out[1]), Some(11));
    assert_eq!(out[2], Playout::Lost);
    assert_eq!(played(&out[3]), Some(13));
    assert_eq!(played(&out[4]), Some(14));
    assert_eq!(jb.stats().lost, 1);
}

#[test]
fn duplicates_and_late_packets_are_dropped_and_counted() {
    let mut jb = JitterBuffer::new(1, 50);
    jb.push(pkt(1));
    jb.push(pkt(1));
    jb.push(pkt(2));
    assert_eq!(played(&jb.pop()), Some(1));
    assert_eq!(played(&jb.pop()), Some(2));
    jb.push(pkt(1));
    let s = jb.stats();
    assert_eq!((s.received, s.duplicates, s.late), (2, 1, 1));
}

#[test]
fn sequence_numbers_wrap_around() {
    let mut jb = JitterBuffer::new(2, 50);
    for s in [65_534, 65_535, 0, 1] {
        jb.push(pkt(s));
    }
    let out: Vec<_> = (0..4).map(|_| played(&jb.pop())).collect();
    assert_eq!(out, [Some(65_534), Some(65_535), Some(0), Some(1)]);
}

#[test]
fn nothing_plays_until_the_target_delay_is_buffered() {
    let mut jb = JitterBuffer::new(3, 50);
    jb.push(pkt(1));
    jb.push(pkt(2));
    assert_eq!(jb.pop(), Playout::Empty);
    jb.push(pkt(3));
    assert_eq!(played(&jb.pop()), Some(1));
}

#[test]
fn a_faster_sender_does_not_grow_the_delay_without_bound() {
    // The sender's clock runs 2% fast: 51 packets arrive per 50 ticks, for 100 s.
    let mut jb = JitterBuffer::new(3, 20);
    let mut seq = 0u16;
    let mut frames = 0;
    for tick in 0..5_000u32 {
        let n = if tick % 50 == 0 { 2 } else { 1 };
        for _ in 0..n {
            jb.push(pkt(seq));
            seq = seq.wrapping_add(1);
        }
        if played(&jb.pop()).is_some() {
            frames += 1;
        }
        assert!(jb.depth() <= 20);
    }
    assert!(
        jb.depth() <= 6,
        "depth settles near the target, not {}",
        jb.depth()
    );
    assert!(jb.stats().shrunk > 0);
    assert!(frames >= 4_990);
}

#[test]
fn a_slower_sender_underruns_then_rebuilds_its_delay() {
    // 49 packets per 50 ticks.
    let mut jb = JitterBuffer::new(2, 20);
    let mut seq = 0u16;
    let mut empties = 0;
    for tick in 0..2_500u32 {
        if tick % 50 != 0 {
            jb.push(pkt(seq));
            seq = seq.wrapping_add(1);
        }
        match jb.pop() {
            Playout::Empty => empties += 1,
            Playout::Lost => panic!("no packet was lost, only late in coming"),
            Playout::Frame(_) => {}
        }
    }
    assert!(
        empties >= 50,
        "it waits rather than inventing losses: {empties}"
    );
    assert_eq!(jb.stats().lost, 0);
}
