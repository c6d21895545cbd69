//! A call an agent placed is, once the customer answers, a talking call like any other: the
//! agent can transfer it, consult on it and hand it over, and the desk phone's transfer key
//! works; before the customer answers none of that is possible. The ACD counted the agent on
//! the placed call, so their part ends as a placed call's does (after-call work).

mod common;

use callflow::{
    AcdOut, AgentSide, CallError, ConsultStep, ConsultTo, Input, LegId, MediaOut, Output, RoomRef,
    Sound, TransferTo,
};
use common::*;
use model::UserId;
use model::calls::{CallEvent, HangupSide};

const COLLEAGUE: UserId = UserId(8);
/// In [`connected`]: the agent's desk phone, then the customer through the carrier.
const PHONE_LEG: LegId = LegId(0);
const CARRIER_LEG: LegId = LegId(1);

/// The agents' segments of the customer's call (not of a consult's own record).
fn segments(h: &Harness) -> Vec<(UserId, bool)> {
    h.records()
        .into_iter()
        .filter_map(|r| match r {
            CallEvent::Segment {
                key,
                agent,
                transferred,
                ..
            } if !key.contains("-consult-") => Some((agent, transferred)),
            _ => None,
        })
        .collect()
}

fn agent_off_the_placed_call(out: &[Output]) -> bool {
    out.iter().any(|o| {
        matches!(
            o,
            Output::Acd(AcdOut::DialEnded {
                agent: AGENT,
                answered: true,
                then_idle: true
            })
        )
    })
}

#[test]
fn nothing_is_transferred_or_consulted_before_the_customer_answers() {
    let (mut h, _phone, _carrier) = customer_ringing();
    assert_eq!(
        h.call.transfer(5_000, TransferTo::Group(SUPPORT)),
        Err(CallError::NotTalking)
    );
    assert_eq!(
        h.call.consult(5_000, ConsultTo::Agent(COLLEAGUE)),
        Err(CallError::NotTalking)
    );
    assert!(h.call.is_placing());
}

#[test]
fn a_placed_call_goes_to_a_group_and_the_next_agent_takes_it() {
    let (mut h, _phone, mut carrier) = connected();
    assert!(!h.call.is_placing(), "answered: a talking call");
    assert!(!h.call.is_inbound(), "still a call the agent placed");
    let out = h.input(
        30_000,
        Input::Transfer {
            to: TransferTo::Group(SUPPORT),
        },
    );
    assert!(agent_off_the_placed_call(&out), "{out:#?}");
    assert!(
        out.iter().any(|o| matches!(o, Output::Acd(AcdOut::Transfer { to, .. }) if *to == TransferTo::Group(SUPPORT))),
        "{out:#?}"
    );
    assert!(
        h.last_sent(PHONE_LEG, "BYE").is_some(),
        "the agent's desk phone hangs up"
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
    h.input(10, Input::Offer(ring(COLLEAGUE, AgentSide::Browser, false)));
    h.input(2_000, Input::AnswerInBrowser { agent: COLLEAGUE });
    assert_eq!(h.call.agent(), Some(COLLEAGUE));

    let (_, out) = h.request(CARRIER_LEG, carrier.request("BYE", Vec::new()));
    assert!(
        out.contains(&Output::Acd(AcdOut::Hangup)),
        "the colleague took it from the queue: {out:#?}"
    );
    assert_eq!(segments(&h), vec![(AGENT, true), (COLLEAGUE, false)]);
    assert_eq!(ends(&h), (1, 1));
    assert_eq!(
        h.records()
            .iter()
            .filter(|r| matches!(r, CallEvent::Started { .. }))
            .count(),
        1,
        "one record for the whole call"
    );
}

#[test]
fn a_placed_call_is_consulted_then_handed_to_the_colleague() {
    let (mut h, _phone, _carrier) = connected();
    h.now += 20_000;
    let now = h.now;
    h.call
        .consult(now, ConsultTo::Agent(COLLEAGUE))
        .expect("a consult on a placed call");
    let out = h.drain();
    assert!(
        out.iter().any(|o| matches!(
            o,
            Output::Acd(AcdOut::Colleague {
                agent: COLLEAGUE,
                n: 1
            })
        )),
        "{out:#?}"
    );
    assert!(out.contains(&Output::Media(MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::HoldMusic
    })));
    h.input(
        10,
        Input::ColleagueRing {
            n: 1,
            ring: ring(COLLEAGUE, AgentSide::Browser, false),
        },
    );
    h.input(3_000, Input::AnswerInBrowser { agent: COLLEAGUE });
    h.now += 5_000;
    let now = h.now;
    h.call
        .consult_step(now, ConsultStep::Complete)
        .expect("the colleague answered");
    let out = h.drain();
    assert!(agent_off_the_placed_call(&out), "{out:#?}");
    assert_eq!(h.call.agent(), Some(COLLEAGUE));
    h.input(
        10_000,
        Input::Hangup {
            by: HangupSide::Agent,
        },
    );
    assert_eq!(segments(&h), vec![(AGENT, true), (COLLEAGUE, false)]);
    assert_eq!(ends(&h).0, 1);
}

#[test]
fn the_placing_agent_hanging_up_ends_the_call_once() {
    let (mut h, mut phone, _carrier) = connected();
    let (_, out) = h.request(PHONE_LEG, phone.request("BYE", Vec::new()));
    assert!(agent_off_the_placed_call(&out), "{out:#?}");
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Record(CallEvent::Ended {
            hangup_side: HangupSide::Agent,
            failure: None,
            ..
        })
    )));
    assert!(h.last_sent(CARRIER_LEG, "BYE").is_some());
    assert_eq!(segments(&h), vec![(AGENT, false)]);
}
