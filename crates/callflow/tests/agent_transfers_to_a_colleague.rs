//! Blind transfer to a colleague: the customer waits in that agent's personal queue (only they
//! are offered the call), and the record keeps one segment per agent, in order: the first
//! closed by the transfer, the second by the end of the call. A colleague who does not take
//! the call sends it back to the agent who transferred it, once.

mod common;

use callflow::{AcdOut, AgentSide, Input, LegId, Output, Overflow, TransferTo};
use common::*;
use model::UserId;
use model::calls::{CallEvent, CallResult};

const COLLEAGUE: UserId = UserId(8);

fn segments(h: &Harness) -> Vec<(UserId, i64, i64, bool)> {
    h.records()
        .into_iter()
        .filter_map(|r| match r {
            CallEvent::Segment {
                agent,
                from,
                to,
                transferred,
                ..
            } => Some((agent, from, to, transferred)),
            _ => None,
        })
        .collect()
}

/// The call bridged with the desk phone, transferred to the colleague, who answers in the
/// browser 2 s after the offer.
fn transferred_and_answered() -> (Harness, FarEnd) {
    let (mut h, customer, _phone) = bridged();
    let out = h.input(
        30_000,
        Input::Transfer {
            to: TransferTo::Agent(COLLEAGUE),
        },
    );
    assert!(
        out.iter().any(|o| matches!(o, Output::Acd(AcdOut::Transfer { to, .. }) if *to == TransferTo::Agent(COLLEAGUE))),
        "the call asks the ACD for the colleague's queue: {out:#?}"
    );
    h.input(
        10,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    h.input(10, Input::Offer(ring(COLLEAGUE, AgentSide::Browser, false)));
    h.input(2_000, Input::AnswerInBrowser { agent: COLLEAGUE });
    assert_eq!(h.call.agent(), Some(COLLEAGUE));
    (h, customer)
}

#[test]
fn each_agent_gets_a_segment_in_order() {
    let (mut h, mut customer) = transferred_and_answered();
    let first = segments(&h);
    assert_eq!(first.len(), 1, "the transfer closes the first agent's part");
    let (agent, from, to, transferred) = first[0];
    assert_eq!(agent, AGENT);
    assert!(transferred);
    assert!(
        to - from >= 30_000,
        "the first agent talked 30 s: {first:?}"
    );

    h.input(
        45_000,
        Input::Hangup {
            by: model::calls::HangupSide::Agent,
        },
    );
    let all = segments(&h);
    assert_eq!(all.len(), 2, "{all:?}");
    let (agent, from, to, transferred) = all[1];
    assert_eq!(agent, COLLEAGUE);
    assert!(!transferred, "the call ended with the colleague");
    assert!(from >= all[0].2, "the second part starts after the first");
    assert!(to - from >= 45_000);
    let _ = customer.request("BYE", Vec::new());
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn a_colleague_gone_before_the_queue_takes_the_call_ends_it_with_goodbye() {
    let (mut h, _customer, _phone) = bridged();
    h.input(
        5_000,
        Input::Transfer {
            to: TransferTo::Agent(COLLEAGUE),
        },
    );
    let out = h.input(10, Input::QueueRefused);
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Media(callflow::MediaOut::Play { .. }))),
        "the customer hears the goodbye prompt: {out:#?}"
    );
    assert_eq!(segments(&h).len(), 1);
}

#[test]
fn a_transferred_call_that_overflows_stays_answered() {
    let (mut h, _customer, _phone) = bridged();
    h.input(
        5_000,
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
    h.input(60_000, Input::Overflow(Overflow::Goodbye));
    assert!(
        !h.records().iter().any(|r| matches!(
            r,
            CallEvent::Outcome {
                result: CallResult::Overflowed,
                ..
            }
        )),
        "an agent answered this call: {:#?}",
        h.records()
    );
    let _ = LegId(0);
}

#[test]
fn a_call_that_ends_while_talking_closes_the_agents_segment() {
    let (mut h, _customer, _phone) = bridged();
    h.input(
        12_000,
        Input::Hangup {
            by: model::calls::HangupSide::Customer,
        },
    );
    let s = segments(&h);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].0, AGENT);
    assert!(!s[0].3);
}

#[test]
fn the_colleagues_pop_says_who_transferred_the_customer() {
    let (h, _customer) = transferred_and_answered();
    let pop = h.agent_events().into_iter().find_map(|(u, e)| match e {
        model::Event::Ringing { offer } if u == COLLEAGUE => Some(offer),
        _ => None,
    });
    let pop = pop.expect("the colleague's phone bar rang");
    assert_eq!(pop.transferred_by, Some(AGENT));
    assert_eq!(pop.consult_by, None);
}

/// The call bridged with the desk phone, transferred to the colleague, whose phone bar rings.
fn transferred_and_ringing() -> (Harness, FarEnd) {
    let (mut h, customer, _phone) = bridged();
    h.input(
        30_000,
        Input::Transfer {
            to: TransferTo::Agent(COLLEAGUE),
        },
    );
    h.input(
        10,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    h.input(10, Input::Offer(ring(COLLEAGUE, AgentSide::Browser, false)));
    (h, customer)
}

/// The recall the call asked the ACD for, and the reason the transferring agent was told.
fn recalled(h: &Harness, out: &[Output]) -> Option<(UserId, String)> {
    let agent = out.iter().find_map(|o| match o {
        Output::Acd(AcdOut::Recall { agent, .. }) => Some(*agent),
        _ => None,
    })?;
    let reason = h.agent_events().into_iter().find_map(|(u, e)| match e {
        model::Event::TransferReturned {
            colleague, reason, ..
        } if u == agent && colleague == Some(COLLEAGUE) => Some(reason),
        _ => None,
    });
    Some((agent, reason.expect("the transferring agent is told why")))
}

#[test]
fn a_colleague_who_does_not_answer_sends_the_call_back_to_the_agent() {
    let (mut h, _customer) = transferred_and_ringing();
    let out = h.input(
        20_000,
        Input::OfferWithdrawn {
            agent: COLLEAGUE,
            reason: "ring_timeout".to_owned(),
        },
    );
    assert_eq!(
        recalled(&h, &out),
        Some((AGENT, "ring_timeout".to_owned())),
        "{out:#?}"
    );
    let since = out.iter().find_map(|o| match o {
        Output::Acd(AcdOut::Recall { since, .. }) => Some(*since),
        _ => None,
    });
    assert!(
        since.is_some_and(|s| s < h.now - 50_000),
        "the call keeps its first wait (it queued before 30 s of talk and 20 s of ringing): {since:?}"
    );
    h.input(
        10,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    h.input(10, Input::Offer(ring(AGENT, AgentSide::Browser, false)));
    let pop = h
        .agent_events()
        .into_iter()
        .rev()
        .find_map(|(u, e)| match e {
            model::Event::Ringing { offer } if u == AGENT => Some(offer),
            _ => None,
        });
    assert_eq!(
        pop.expect("the agent's phone bar rings again")
            .transferred_by,
        None,
        "a returning call is not \"transferred by\" the colleague"
    );
    h.input(1_500, Input::AnswerInBrowser { agent: AGENT });
    assert_eq!(h.call.agent(), Some(AGENT));
    h.input(
        10_000,
        Input::Hangup {
            by: model::calls::HangupSide::Agent,
        },
    );
    let parts: Vec<_> = segments(&h).iter().map(|s| (s.0, s.3)).collect();
    assert_eq!(parts, vec![(AGENT, true), (AGENT, false)]);
}

#[test]
fn a_colleague_who_rejects_sends_the_call_back() {
    let (mut h, _customer) = transferred_and_ringing();
    let out = h.input(3_000, Input::Reject { agent: COLLEAGUE });
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Acd(AcdOut::Reject { agent, .. }) if *agent == COLLEAGUE)),
        "{out:#?}"
    );
    // The ACD takes the offer back, saying why.
    let out = h.input(
        0,
        Input::OfferWithdrawn {
            agent: COLLEAGUE,
            reason: "rejected".to_owned(),
        },
    );
    assert_eq!(recalled(&h, &out), Some((AGENT, "rejected".to_owned())));
}

#[test]
fn a_call_nobody_was_offered_in_the_colleagues_queue_comes_back() {
    let (mut h, _customer, _phone) = bridged();
    h.input(
        5_000,
        Input::Transfer {
            to: TransferTo::Agent(COLLEAGUE),
        },
    );
    h.input(
        10,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    // The colleague went busy by hand: the personal queue's wait runs out.
    let out = h.input(60_000, Input::Overflow(Overflow::Goodbye));
    assert_eq!(recalled(&h, &out), Some((AGENT, "no_answer".to_owned())));
    assert!(
        !out.iter()
            .any(|o| matches!(o, Output::Media(callflow::MediaOut::Play { .. }))),
        "no goodbye prompt: {out:#?}"
    );
}

#[test]
fn a_call_comes_back_only_once() {
    let (mut h, _customer) = transferred_and_ringing();
    h.input(
        20_000,
        Input::OfferWithdrawn {
            agent: COLLEAGUE,
            reason: "ring_timeout".to_owned(),
        },
    );
    h.input(
        10,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    h.input(10, Input::Offer(ring(AGENT, AgentSide::Browser, false)));
    let out = h.input(
        20_000,
        Input::OfferWithdrawn {
            agent: AGENT,
            reason: "ring_timeout".to_owned(),
        },
    );
    assert!(
        !out.iter()
            .any(|o| matches!(o, Output::Acd(AcdOut::Recall { .. }))),
        "{out:#?}"
    );
}

#[test]
fn a_caller_who_hangs_up_while_the_colleague_rings_is_not_recalled() {
    let (mut h, mut customer) = transferred_and_ringing();
    let bye = customer.request("BYE", Vec::new());
    let (_, out) = h.request(CUSTOMER_LEG, bye);
    assert!(
        !out.iter()
            .any(|o| matches!(o, Output::Acd(AcdOut::Recall { .. }))),
        "{out:#?}"
    );
    let out = h.input(
        0,
        Input::OfferWithdrawn {
            agent: COLLEAGUE,
            reason: "caller_hung_up".to_owned(),
        },
    );
    assert!(
        !out.iter()
            .any(|o| matches!(o, Output::Acd(AcdOut::Recall { .. }))),
        "{out:#?}"
    );
}
