//! Re-bridging keeps each outgoing stream continuous: one SSRC, sequence numbers +1, timestamps
//! +160, whether the room forwards or mixes and when members move between rooms (hold).

#![allow(clippy::unwrap_used)]

mod support;

use media::room::{Codec, MemberState, Mode, Role, Room, RoomOutput};
use media::rtp::RtpFrame;
use media::source::PromptPlayer;
use media::tone::ToneGenerator;
use support::{Leg, audio, hears, sent_to};

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

fn assert_continuous(frames: &[RtpFrame], ssrc: u32) {
    for w in frames.windows(2) {
        assert_eq!(w[1].ssrc, ssrc);
        assert_eq!(
            w[1].seq,
            w[0].seq.wrapping_add(1),
            "sequence continues: {:?} -> {:?}",
            (w[0].seq, w[0].timestamp),
            (w[1].seq, w[1].timestamp)
        );
        assert_eq!(
            w[1].timestamp,
            w[0].timestamp.wrapping_add(160),
            "timestamp continues at seq {}",
            w[1].seq
        );
    }
}

#[test]
fn streams_stay_continuous_through_forwarding_mixing_and_hold() {
    let mut customer = Leg::new(1, 1_000.0, Codec::Pcma);
    let mut agent = Leg::new(2, 400.0, Codec::Pcma);
    let mut supervisor = Leg::new(3, 2_000.0, Codec::Pcma);
    let mut room = Room::new();
    room.join(
        customer.id,
        customer.state(Role::Customer, Mode::SpeakListen),
    );
    room.join(agent.id, agent.state(Role::Agent, Mode::SpeakListen));
    let mut to_customer = Vec::new();
    let mut to_agent = Vec::new();

    // 1. Two parties, one codec: forwarded without decoding.
    assert!(room.forwarding());
    let o = run(&mut room, &mut [&mut customer, &mut agent], 50);
    assert!(
        hears(&audio(&sent_to(&o, customer.id)), 400.0),
        "the customer hears the agent"
    );
    to_customer.extend(sent_to(&o, customer.id));
    to_agent.extend(sent_to(&o, agent.id));

    // 2. A supervisor listens in: now mixed.
    room.join(supervisor.id, supervisor.state(Role::Agent, Mode::Listen));
    assert!(!room.forwarding());
    let o = run(
        &mut room,
        &mut [&mut customer, &mut agent, &mut supervisor],
        50,
    );
    let sup = audio(&sent_to(&o, supervisor.id));
    assert!(
        hears(&sup, 1_000.0) && hears(&sup, 400.0),
        "the supervisor hears both sides"
    );
    assert!(
        !hears(&audio(&sent_to(&o, customer.id)), 2_000.0),
        "nobody hears a listening supervisor"
    );
    to_customer.extend(sent_to(&o, customer.id));
    to_agent.extend(sent_to(&o, agent.id));

    // 3. The supervisor leaves: forwarding again.
    room.leave(supervisor.id);
    assert!(room.forwarding());
    let o = run(&mut room, &mut [&mut customer, &mut agent], 50);
    to_customer.extend(sent_to(&o, customer.id));
    to_agent.extend(sent_to(&o, agent.id));

    // 4. Hold: the customer moves to a music room, the agent stays alone; then back.
    let state: MemberState = room.leave(customer.id).unwrap();
    let mut music = Room::new();
    music.add_player(
        media::room::MemberId(99),
        Box::new(PromptPlayer::new(
            ToneGenerator::continuous(600.0, 8_000)
                .next_frame()
                .repeat(50)
                .into(),
            true,
        )),
    );
    music.join(customer.id, state);
    let o = run(&mut music, &mut [&mut customer], 50);
    assert!(
        hears(&audio(&sent_to(&o, customer.id)), 600.0),
        "the customer hears hold music"
    );
    to_customer.extend(sent_to(&o, customer.id));
    let o = run(&mut room, &mut [&mut agent], 50);
    assert!(
        !hears(&audio(&sent_to(&o, agent.id)), 1_000.0),
        "the agent no longer hears the customer"
    );
    to_agent.extend(sent_to(&o, agent.id));
    // The two rooms ran one after the other here; in the engine they tick side by side.
    let state = music.leave(customer.id).unwrap();
    room.join(customer.id, state);
    let o = run(&mut room, &mut [&mut customer, &mut agent], 50);
    to_customer.extend(sent_to(&o, customer.id));
    to_agent.extend(sent_to(&o, agent.id));

    assert_eq!(to_customer.len(), 250);
    assert_continuous(&to_customer, 0xA001);
    assert_continuous(&to_agent, 0xA002);
}

#[test]
fn a_codec_mismatch_turns_forwarding_off_and_a_tap_does_not() {
    let a = Leg::new(1, 1_000.0, Codec::Pcmu);
    let b = Leg::new(2, 400.0, Codec::Pcma);
    let mut room = Room::new();
    room.join(a.id, a.state(Role::Customer, Mode::SpeakListen));
    room.join(b.id, b.state(Role::Agent, Mode::SpeakListen));
    assert!(!room.forwarding(), "µ-law to A-law must transcode");
    let c = Leg::new(3, 1_000.0, Codec::Pcma);
    let mut room = Room::new();
    room.join(b.id, b.state(Role::Agent, Mode::SpeakListen));
    room.join(c.id, c.state(Role::Customer, Mode::SpeakListen));
    assert!(room.forwarding());
    room.set_tap(true);
    assert!(room.forwarding(), "the recorder decodes a copy");
}

/// The tap's frames: (customer side, agent side).
fn taps(outs: &[RoomOutput]) -> Vec<(Vec<i16>, Vec<i16>)> {
    outs.iter()
        .filter_map(|o| match o {
            RoomOutput::Tap { customer, agent } => Some((customer.clone(), agent.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_recorded_room_forwards_packets_as_they_came_and_taps_each_side_on_the_tick() {
    let mut customer = Leg::new(1, 1_000.0, Codec::Pcmu);
    let mut agent = Leg::new(2, 400.0, Codec::Pcmu);
    let mut room = Room::new();
    room.join(
        customer.id,
        customer.state(Role::Customer, Mode::SpeakListen),
    );
    room.join(agent.id, agent.state(Role::Agent, Mode::SpeakListen));
    room.set_tap(true);
    let mut outs = Vec::new();
    let mut sent_by_customer = Vec::new();
    for _ in 0..50 {
        let p = customer.next_packet();
        sent_by_customer.push(p.payload.clone());
        room.handle_rtp(customer.id, p);
        // Forwarded at once, before the tick.
        let now: Vec<RoomOutput> = std::iter::from_fn(|| room.poll_output()).collect();
        assert_eq!(sent_to(&now, agent.id).len(), 1, "forwarded as it came");
        outs.extend(now);
        room.handle_rtp(agent.id, agent.next_packet());
        room.handle_tick();
        outs.extend(std::iter::from_fn(|| room.poll_output()));
    }
    let to_agent = sent_to(&outs, agent.id);
    let payloads: Vec<Vec<u8>> = to_agent.iter().map(|f| f.payload.clone()).collect();
    assert_eq!(payloads, sent_by_customer, "the same bytes: not re-encoded");
    assert_continuous(&to_agent, 0xA002);
    assert_eq!(sent_to(&outs, customer.id).len(), 50);
    let taps = taps(&outs);
    assert_eq!(taps.len(), 50, "one tap frame a tick");
    let left: Vec<i16> = taps.iter().flat_map(|(c, _)| c.clone()).collect();
    let right: Vec<i16> = taps.iter().flat_map(|(_, a)| a.clone()).collect();
    assert!(
        hears(&left, 1_000.0) && !hears(&left, 400.0),
        "the customer side"
    );
    assert!(
        hears(&right, 400.0) && !hears(&right, 1_000.0),
        "the agent side"
    );
}

#[test]
fn music_joining_a_recorded_room_switches_to_mixing_with_the_tap_going_on() {
    let mut customer = Leg::new(1, 1_000.0, Codec::Pcma);
    let mut agent = Leg::new(2, 400.0, Codec::Pcma);
    let mut room = Room::new();
    room.join(
        customer.id,
        customer.state(Role::Customer, Mode::SpeakListen),
    );
    room.join(agent.id, agent.state(Role::Agent, Mode::SpeakListen));
    room.set_tap(true);
    let o1 = run(&mut room, &mut [&mut customer, &mut agent], 25);
    room.add_player(
        media::room::MemberId(99),
        Box::new(PromptPlayer::new(
            ToneGenerator::continuous(2_000.0, 8_000)
                .next_frame()
                .repeat(50)
                .into(),
            true,
        )),
    );
    assert!(!room.forwarding());
    let o2 = run(&mut room, &mut [&mut customer, &mut agent], 25);
    assert_eq!(
        taps(&o1).len() + taps(&o2).len(),
        50,
        "no tick without its tap frame"
    );
    let mut to_customer = sent_to(&o1, customer.id);
    to_customer.extend(sent_to(&o2, customer.id));
    assert_continuous(&to_customer, 0xA001);
    assert!(
        hears(&audio(&sent_to(&o2, customer.id)), 2_000.0),
        "the music is mixed in"
    );
}
