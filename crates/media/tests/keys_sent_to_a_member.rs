//! Keys an agent presses reach the far end as RFC 4733 telephone events, in place of its audio
//! for the time they sound: one marked start per digit, the event's timestamp on all its
//! packets, three end packets, audio between digits, and the member's stream continuous before,
//! during and after (even in a room that was forwarding).

#![allow(clippy::unwrap_used)]

mod support;

use media::dtmf::{DtmfDetector, TelephoneEvent};
use media::room::{Codec, Mode, Role, Room, RoomOutput};
use media::rtp::RtpFrame;
use support::{Leg, sent_to};

const EVENTS: u8 = 101;

fn run(room: &mut Room, legs: &mut [&mut Leg], ticks: usize) -> Vec<RoomOutput> {
    let mut outs = Vec::new();
    for _ in 0..ticks {
        for leg in legs.iter_mut() {
            let p = leg.next_packet();
            room.handle_rtp(leg.id, p);
        }
        room.handle_tick();
        outs.extend(std::iter::from_fn(|| room.poll_output()));
    }
    outs
}

/// A customer and an agent forwarding (same codec, no tap): the agent presses 1, 2, #.
fn pressed(digits: &str) -> (Vec<RtpFrame>, Leg) {
    let (mut c, mut a) = (
        Leg::new(1, 1_000.0, Codec::Pcma),
        Leg::new(2, 400.0, Codec::Pcma),
    );
    let mut room = Room::new();
    room.join(c.id, c.state(Role::Customer, Mode::SpeakListen));
    room.join(a.id, a.state(Role::Agent, Mode::SpeakListen));
    let mut out = run(&mut room, &mut [&mut c, &mut a], 10);
    room.send_digits(c.id, digits, EVENTS);
    out.extend(run(&mut room, &mut [&mut c, &mut a], 60));
    (sent_to(&out, c.id), c)
}

#[test]
fn each_digit_arrives_once_with_a_marked_start_and_three_ends() {
    let (to_customer, _) = pressed("12#");
    let mut detector = DtmfDetector::default();
    let got: String = to_customer
        .iter()
        .filter_map(|f| detector.push(f))
        .collect();
    assert_eq!(got, "12#");
    let events: Vec<&RtpFrame> = to_customer
        .iter()
        .filter(|f| f.payload_type == EVENTS)
        .collect();
    let starts = events.iter().filter(|f| f.marker).count();
    assert_eq!(starts, 3, "one marked start per digit");
    let ends = events
        .iter()
        .filter(|f| TelephoneEvent::parse(&f.payload).unwrap().end)
        .count();
    assert_eq!(ends, 9, "three end packets per digit");
    // Every packet of one event carries its start's timestamp; 100 ms long.
    let first_ts = events[0].timestamp;
    let first_event: Vec<&&RtpFrame> = events
        .iter()
        .take_while(|f| f.timestamp == first_ts)
        .collect();
    let last = TelephoneEvent::parse(&first_event.last().unwrap().payload).unwrap();
    assert!(last.end);
    assert_eq!(last.duration, 800, "100 ms at 8 kHz");
}

#[test]
fn the_stream_stays_continuous_around_the_keys() {
    let (to_customer, _) = pressed("5");
    for pair in to_customer.windows(2) {
        assert_eq!(
            pair[1].seq,
            pair[0].seq.wrapping_add(1),
            "sequence numbers go up by one"
        );
        assert_eq!(pair[1].ssrc, pair[0].ssrc, "one SSRC");
    }
    // Audio after the digit resumes at the stream's clock, past the event's time.
    let last_event = to_customer
        .iter()
        .rposition(|f| f.payload_type == EVENTS)
        .unwrap();
    let after = &to_customer[last_event + 1];
    let event_start = to_customer[last_event].timestamp;
    assert_eq!(after.payload_type, 8, "audio again");
    assert!(
        after.timestamp.wrapping_sub(event_start) >= 800,
        "the clock went on for the 100 ms the digit sounded"
    );
}

#[test]
fn audio_plays_between_digits() {
    let (to_customer, _) = pressed("99");
    let kinds: Vec<bool> = to_customer
        .iter()
        .map(|f| f.payload_type == EVENTS)
        .collect();
    let first_end = kinds.iter().position(|k| *k).unwrap();
    let gap_start = first_end + kinds[first_end..].iter().position(|k| !*k).unwrap();
    let gap = kinds[gap_start..].iter().take_while(|k| !**k).count();
    assert!(
        gap >= 3,
        "at least 60 ms of audio between two digits, got {gap} frames"
    );
}

#[test]
fn characters_that_are_not_keys_are_skipped() {
    let (to_customer, _) = pressed("x");
    assert!(to_customer.iter().all(|f| f.payload_type != EVENTS));
}
