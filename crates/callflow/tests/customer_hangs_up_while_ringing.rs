//! The customer hangs up while waiting: a ringing desk phone is CANCELled, the ACD hears the
//! caller left, the outcome is missed when an agent was rung and abandoned when none was, the
//! ringing agent's pop ends, and the call finishes once the phone's INVITE is over.

mod common;

use callflow::{AcdOut, Input, Output};
use common::*;
use model::Event;
use model::calls::{CallEvent, CallResult, HangupSide};

fn outcome(h: &Harness) -> Vec<CallResult> {
    h.records()
        .into_iter()
        .filter_map(|e| match e {
            CallEvent::Outcome { result, .. } => Some(result),
            _ => None,
        })
        .collect()
}

#[test]
fn a_bye_while_the_phone_rings_cancels_it_and_counts_a_missed_call() {
    let (mut h, mut customer, phone) = phone_ringing();
    h.respond(FIRST_RING, phone.response(180, "Ringing", None));
    let (txn, out) = h.request(CUSTOMER_LEG, customer.request("BYE", Vec::new()));
    assert_eq!(response_to(&out, txn).unwrap().status(), Some(200));
    assert!(out.contains(&Output::Cancel { leg: FIRST_RING }));
    assert!(out.contains(&Output::Acd(AcdOut::Abandon)));
    assert_eq!(outcome(&h), [CallResult::Missed]);
    assert!(h.records().iter().any(|e| matches!(e,
        CallEvent::Missed { agent, caller, .. } if *agent == AGENT && caller == CUSTOMER_NUMBER)));
    assert!(h.agent_events().iter().any(|(user, e)| *user == AGENT
        && matches!(e, Event::OfferEnded { reason, .. } if reason == "caller_hung_up")));
    assert!(h.records().iter().any(|e| matches!(
        e,
        CallEvent::Ended {
            hangup_side: HangupSide::Customer,
            failure: None,
            ..
        }
    )));
    assert_eq!(h.call.agent_part(AGENT), None);
    assert_eq!(ends(&h), (1, 0), "the phone's INVITE is still out");
    // The ACD's own reports of the withdrawn offer and the missed call come too late to count
    // twice.
    h.input(
        1,
        Input::OfferWithdrawn {
            agent: AGENT,
            reason: "caller_hung_up".to_owned(),
        },
    );
    h.input(1, Input::Missed { agent: AGENT });
    let out = h.respond(FIRST_RING, phone.response(487, "Request Terminated", None));
    assert_eq!(out.last(), Some(&Output::Finished));
    assert_eq!(ends(&h), (1, 1));
    assert_eq!(
        h.count(|o| matches!(o, Output::Record(CallEvent::Missed { .. }))),
        1
    );
    assert_eq!(
        h.count(|o| matches!(
            o,
            Output::Agent {
                event: Event::OfferEnded { .. },
                ..
            }
        )),
        1
    );
}

#[test]
fn hanging_up_in_the_queue_before_any_ring_is_abandoned() {
    let (mut h, mut customer) = queued();
    let out = h
        .request(CUSTOMER_LEG, customer.request("BYE", Vec::new()))
        .1;
    assert!(out.contains(&Output::Acd(AcdOut::Abandon)));
    assert!(!out.iter().any(|o| matches!(o, Output::Cancel { .. })));
    assert_eq!(outcome(&h), [CallResult::Abandoned]);
    assert!(h.agent_events().is_empty());
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn hanging_up_after_a_ring_that_went_unanswered_is_missed() {
    let (mut h, mut customer, phone) = phone_ringing();
    h.respond(FIRST_RING, phone.response(486, "Busy Here", None));
    h.request(CUSTOMER_LEG, customer.request("BYE", Vec::new()));
    assert_eq!(outcome(&h), [CallResult::Missed]);
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn the_phone_answering_after_the_customer_left_is_hung_up() {
    let (mut h, mut customer, phone) = phone_ringing();
    h.request(CUSTOMER_LEG, customer.request("BYE", Vec::new()));
    let out = answer_phone(&mut h, &phone);
    assert_eq!(acks(&out), 1);
    assert!(h.last_sent(FIRST_RING, "BYE").is_some());
    assert!(!out.contains(&Output::Acd(AcdOut::Answer { agent: AGENT })));
    assert_eq!(ends(&h), (1, 1));
}
