//! Hold from the phone bar, or the desk phone's own hold key (a re-INVITE with a=sendonly): the
//! agent's audio leaves the room, the customer hears hold music, the agent's phone bar hears
//! `call_held`; resume brings the agent back and stops the music. The same on inbound and
//! placed calls; refused when the agent is not talking with the customer.

mod common;

use callflow::{CallError, Input, LegId, MediaOut, Output, RoomRef, Sound};
use common::*;
use model::calls::HangupSide;
use sip::sdp::Direction;

/// The phone's leg of a bridged inbound call (the customer is leg 0).
const PHONE_LEG: LegId = LegId(1);

fn held_events(out: &[Output]) -> Vec<bool> {
    out.iter()
        .filter_map(|o| match o {
            Output::Agent {
                event: model::Event::CallHeld { on, .. },
                ..
            } => Some(*on),
            _ => None,
        })
        .collect()
}

fn media(out: &[Output]) -> Vec<MediaOut> {
    out.iter()
        .filter_map(|o| match o {
            Output::Media(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

const MUSIC: MediaOut = MediaOut::Play {
    room: RoomRef(0),
    sound: Sound::HoldMusic,
};

#[test]
fn hold_parks_the_agent_and_plays_music_to_the_customer_and_resume_undoes_it() {
    let (mut h, _customer, _phone) = bridged();
    let out = h.input(1_000, Input::Hold { on: true });
    assert_eq!(
        media(&out),
        vec![MediaOut::Park { leg: PHONE_LEG }, MUSIC],
        "the agent leaves the room before the music starts"
    );
    assert_eq!(held_events(&out), vec![true]);
    assert!(h.call.held());
    // Holding twice changes nothing.
    assert!(h.input(10, Input::Hold { on: true }).is_empty());

    let out = h.input(5_000, Input::Hold { on: false });
    assert_eq!(
        media(&out),
        vec![
            MediaOut::StopPlay { room: RoomRef(0) },
            MediaOut::Join {
                leg: PHONE_LEG,
                room: RoomRef(0)
            }
        ]
    );
    assert_eq!(held_events(&out), vec![false]);
    assert!(!h.call.held());
    let holds: Vec<(bool, i64)> = h
        .records()
        .iter()
        .filter_map(|r| match r {
            model::calls::CallEvent::Hold { on, at, .. } => Some((*on, *at)),
            _ => None,
        })
        .collect();
    assert_eq!(
        holds.len(),
        2,
        "the record hears of the hold and the resume"
    );
    assert_eq!((holds[0].0, holds[1].0), (true, false));
    assert_eq!(
        holds[1].1 - holds[0].1,
        5_010,
        "held 5 s (and the 10 ms repeat)"
    );
}

#[test]
fn the_desk_phones_hold_key_holds_the_customer_too_and_its_silence_does_not_end_the_call() {
    let (mut h, _customer, mut phone) = bridged();
    let (_, out) = h.request(
        PHONE_LEG,
        phone.request("INVITE", peer_sdp(30_000, Direction::SendOnly)),
    );
    let m = media(&out);
    assert!(m.contains(&MediaOut::PeerHold {
        leg: PHONE_LEG,
        on: true
    }));
    assert!(m.contains(&MUSIC), "{m:?}");
    assert_eq!(held_events(&out), vec![true]);

    let (_, out) = h.request(
        PHONE_LEG,
        phone.request("INVITE", peer_sdp(30_000, Direction::SendRecv)),
    );
    let m = media(&out);
    assert!(m.contains(&MediaOut::PeerHold {
        leg: PHONE_LEG,
        on: false
    }));
    assert!(m.contains(&MediaOut::Join {
        leg: PHONE_LEG,
        room: RoomRef(0)
    }));
    assert_eq!(held_events(&out), vec![false]);
    assert_eq!(ends(&h), (0, 0));
}

#[test]
fn the_customers_own_hold_is_not_the_agents_hold() {
    let (mut h, mut customer, _phone) = bridged();
    let (_, out) = h.request(
        LegId(0),
        customer.request("INVITE", peer_sdp(40_000, Direction::SendOnly)),
    );
    assert!(held_events(&out).is_empty());
    assert!(!media(&out).contains(&MUSIC));
    assert!(!h.call.held());
}

#[test]
fn hold_is_refused_while_the_call_only_rings_the_agent() {
    let (mut h, _customer, _phone) = phone_ringing();
    assert_eq!(h.call.hold(h.now, true), Err(CallError::NotTalking));
    assert!(h.drain().is_empty());
}

#[test]
fn a_customer_who_hangs_up_on_hold_ends_the_call_once() {
    let (mut h, mut customer, _phone) = bridged();
    h.input(1_000, Input::Hold { on: true });
    h.request(LegId(0), customer.request("BYE", Vec::new()));
    assert_eq!(ends(&h).0, 1);
    assert!(h.records().iter().any(|r| matches!(
        r,
        model::calls::CallEvent::Ended {
            hangup_side: HangupSide::Customer,
            ..
        }
    )));
}

#[test]
fn a_placed_call_holds_the_same_way() {
    let (mut h, _phone, _carrier) = connected();
    let agent_leg = LegId(0);
    assert_eq!(h.call.hold(h.now, true), Ok(()));
    let out = h.drain();
    assert_eq!(media(&out), vec![MediaOut::Park { leg: agent_leg }, MUSIC]);
    assert_eq!(held_events(&out), vec![true]);
}

#[test]
fn hold_is_refused_on_a_placed_call_before_the_customer_answers() {
    let (mut h, _phone, _carrier) = customer_ringing();
    assert_eq!(h.call.hold(h.now, true), Err(CallError::NotTalking));
}
