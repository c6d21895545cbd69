//! Blind transfer to a skill group: the agent's side ends (BYE to the desk phone, the agent
//! told the call ended, the ACD's after-call work), and the customer waits at the head of the
//! group's queue, keeping the time already waited, with music, until another agent answers. A
//! transferred call the customer leaves while waiting is still an answered call.

mod common;

use callflow::{
    AcdOut, AgentSide, CallError, Input, LegId, MediaOut, Output, RoomRef, Sound, TransferTo,
};
use common::*;
use model::UserId;
use model::calls::{CallEvent, HangupSide};

const PHONE_LEG: LegId = LegId(1);
const SECOND_AGENT: UserId = UserId(8);

#[test]
fn the_agent_leaves_and_the_customer_queues_in_the_group_keeping_the_wait() {
    let (mut h, _customer, _phone) = bridged();
    let queued_at = h.records().iter().find_map(|r| match r {
        CallEvent::Queued { at, .. } => Some(*at),
        _ => None,
    });
    let out = h.input(
        30_000,
        Input::Transfer {
            to: TransferTo::Group(SUPPORT),
        },
    );
    let byes: Vec<_> = out
        .iter()
        .filter(|o| matches!(o, Output::SendRequest { leg, msg, .. } if *leg == PHONE_LEG && msg.method() == Some("BYE")))
        .collect();
    assert_eq!(byes.len(), 1, "the desk phone is hung up: {out:#?}");
    assert!(out.contains(&Output::Media(MediaOut::RemoveLeg { leg: PHONE_LEG })));
    assert!(out.iter().any(|o| matches!(o, Output::Agent { user, event: model::Event::CallEnded { .. } } if *user == AGENT)));
    let hangup = out.iter().position(|o| *o == Output::Acd(AcdOut::Hangup));
    let transfer = out.iter().position(|o| {
        matches!(o, Output::Acd(AcdOut::Transfer { to, since }) if *to == TransferTo::Group(SUPPORT) && Some(*since) == queued_at)
    });
    assert!(
        hangup.is_some() && transfer.is_some() && hangup < transfer,
        "the agent's side ends in the ACD before the call queues again, with its first queue time: {out:#?}"
    );
    assert!(
        h.call.agent().is_none(),
        "nobody talks with the customer now"
    );

    let out = h.input(
        10,
        Input::Enqueued {
            group: Some(SUPPORT),
            survey: None,
        },
    );
    assert!(out.contains(&Output::Media(MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::QueueMusic
    })));

    // The group's agent answers in the browser.
    h.input(
        10,
        Input::Offer(ring(SECOND_AGENT, AgentSide::Browser, false)),
    );
    let out = h.input(
        2_000,
        Input::AnswerInBrowser {
            agent: SECOND_AGENT,
        },
    );
    assert!(out.contains(&Output::Acd(AcdOut::Answer {
        agent: SECOND_AGENT
    })));
    assert!(out.contains(&Output::Media(MediaOut::JoinBrowser {
        user: SECOND_AGENT,
        room: RoomRef(0)
    })));
    assert_eq!(h.call.agent(), Some(SECOND_AGENT));
}

#[test]
fn a_transferred_customer_who_hangs_up_while_waiting_is_not_an_abandoned_call() {
    let (mut h, mut customer, _phone) = bridged();
    h.input(
        30_000,
        Input::Transfer {
            to: TransferTo::Group(SUPPORT),
        },
    );
    h.input(
        10,
        Input::Enqueued {
            group: Some(SUPPORT),
            survey: None,
        },
    );
    let (_, out) = h.request(LegId(0), customer.request("BYE", Vec::new()));
    assert!(
        out.contains(&Output::Acd(AcdOut::Abandon)),
        "the queue lets go of the call"
    );
    assert!(
        !h.records()
            .iter()
            .any(|r| matches!(r, CallEvent::Outcome { .. })),
        "the record stays answered: {:#?}",
        h.records()
    );
    assert!(h.records().iter().any(|r| matches!(
        r,
        CallEvent::Ended {
            hangup_side: HangupSide::Customer,
            ..
        }
    )));
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn a_transfer_while_the_call_only_rings_is_refused() {
    let (mut h, _customer, _phone) = phone_ringing();
    assert_eq!(
        h.call.transfer(0, TransferTo::Group(SUPPORT)),
        Err(CallError::NotTalking)
    );
    assert!(h.drain().is_empty());
}

#[test]
fn a_transfer_from_hold_takes_the_customer_off_hold() {
    let (mut h, _customer, _phone) = bridged();
    h.input(1_000, Input::Hold { on: true });
    h.input(
        1_000,
        Input::Transfer {
            to: TransferTo::Group(SUPPORT),
        },
    );
    assert!(!h.call.held());
    let out = h.input(
        10,
        Input::Enqueued {
            group: Some(SUPPORT),
            survey: None,
        },
    );
    assert!(out.contains(&Output::Media(MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::QueueMusic
    })));
}
