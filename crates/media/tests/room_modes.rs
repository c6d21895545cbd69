//! Listen-only members are not heard, whispers reach agents only, transcoding works, and the tap
//! gives the recorder each side on its own.

#![allow(clippy::unwrap_used)]

mod support;

use media::room::{Codec, Mode, Role, Room, RoomOutput};
use support::{Leg, audio, hears, sent_to};

fn tick_all(room: &mut Room, legs: &mut [&mut Leg], ticks: usize) -> Vec<RoomOutput> {
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

#[test]
fn a_whisper_reaches_the_agent_but_not_the_customer() {
    let (mut c, mut a, mut s) = (
        Leg::new(1, 1_000.0, Codec::Pcmu),
        Leg::new(2, 400.0, Codec::Pcmu),
        Leg::new(3, 2_000.0, Codec::Pcmu),
    );
    let mut room = Room::new();
    room.join(c.id, c.state(Role::Customer, Mode::SpeakListen));
    room.join(a.id, a.state(Role::Agent, Mode::SpeakListen));
    room.join(s.id, s.state(Role::Agent, Mode::SpeakToAgentOnly));
    let o = tick_all(&mut room, &mut [&mut c, &mut a, &mut s], 50);
    assert!(
        hears(&audio(&sent_to(&o, a.id)), 2_000.0),
        "the agent hears the whisper"
    );
    assert!(
        !hears(&audio(&sent_to(&o, c.id)), 2_000.0),
        "the customer does not"
    );
    assert!(hears(&audio(&sent_to(&o, c.id)), 400.0));
}

#[test]
fn barge_in_makes_the_supervisor_heard_by_both() {
    let (mut c, mut a, mut s) = (
        Leg::new(1, 1_000.0, Codec::Pcma),
        Leg::new(2, 400.0, Codec::Pcma),
        Leg::new(3, 2_000.0, Codec::Pcma),
    );
    let mut room = Room::new();
    room.join(c.id, c.state(Role::Customer, Mode::SpeakListen));
    room.join(a.id, a.state(Role::Agent, Mode::SpeakListen));
    room.join(s.id, s.state(Role::Agent, Mode::Listen));
    tick_all(&mut room, &mut [&mut c, &mut a, &mut s], 10);
    room.set_mode(s.id, Mode::SpeakListen);
    let o = tick_all(&mut room, &mut [&mut c, &mut a, &mut s], 50);
    assert!(hears(&audio(&sent_to(&o, c.id)), 2_000.0));
    assert!(hears(&audio(&sent_to(&o, a.id)), 2_000.0));
}

#[test]
fn a_mu_law_leg_and_an_a_law_leg_hear_each_other() {
    let (mut c, mut a) = (
        Leg::new(1, 1_000.0, Codec::Pcmu),
        Leg::new(2, 400.0, Codec::Pcma),
    );
    let mut room = Room::new();
    room.join(c.id, c.state(Role::Customer, Mode::SpeakListen));
    room.join(a.id, a.state(Role::Agent, Mode::SpeakListen));
    let o = tick_all(&mut room, &mut [&mut c, &mut a], 50);
    let to_c = sent_to(&o, c.id);
    assert!(
        to_c.iter().all(|f| f.payload_type == 0),
        "the µ-law leg gets µ-law"
    );
    assert!(hears(&audio(&to_c), 400.0));
    assert!(hears(&audio(&sent_to(&o, a.id)), 1_000.0));
}

#[test]
fn the_tap_gives_customer_and_agent_sides_apart() {
    let (mut c, mut a) = (
        Leg::new(1, 1_000.0, Codec::Pcma),
        Leg::new(2, 400.0, Codec::Pcma),
    );
    let mut room = Room::new();
    room.set_tap(true);
    room.join(c.id, c.state(Role::Customer, Mode::SpeakListen));
    room.join(a.id, a.state(Role::Agent, Mode::SpeakListen));
    let o = tick_all(&mut room, &mut [&mut c, &mut a], 50);
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for out in &o {
        if let RoomOutput::Tap { customer, agent } = out {
            left.extend_from_slice(customer);
            right.extend_from_slice(agent);
        }
    }
    assert_eq!(left.len(), 50 * 160);
    assert!(hears(&left, 1_000.0) && !hears(&left, 400.0));
    assert!(hears(&right, 400.0) && !hears(&right, 1_000.0));
}
