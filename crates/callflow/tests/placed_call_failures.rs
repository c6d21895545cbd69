//! A placed call that does not connect ends with a failure code from the catalogue: the
//! customer's final response (busy, invalid number, unavailable…), no answer from the desk
//! phone, a trunk that never answers, and the agent cancelling while the customer rings.

mod common;

use callflow::{AcdOut, Input, LegId, MediaOut, Output};
use common::*;
use model::calls::{CallEvent, HangupSide};

fn failure_of(h: &Harness) -> Option<String> {
    h.records().iter().find_map(|e| match e {
        CallEvent::Ended { failure, .. } => failure.clone(),
        _ => None,
    })
}

#[test]
fn final_responses_from_the_customer_map_to_failure_codes() {
    let table = [
        (486, "Busy Here", "busy"),
        (600, "Busy Everywhere", "busy"),
        (404, "Not Found", "invalid_number"),
        (484, "Address Incomplete", "invalid_number"),
        (480, "Temporarily Unavailable", "temporarily_unavailable"),
        (480, "Power Off", "powered_off"),
        (403, "Forbidden", "rejected"),
        (603, "Decline", "rejected"),
        (503, "Service Unavailable", "trunk_down"),
        (408, "Request Timeout", "no_answer"),
        (502, "Bad Gateway", "unreachable"),
        (499, "Odd", "other"),
    ];
    for (code, reason, want) in table {
        let (mut h, _, carrier) = customer_ringing();
        let out = h.respond(LegId(1), carrier.response(code, reason, None));
        assert_eq!(failure_of(&h).as_deref(), Some(want), "{code} {reason}");
        assert!(
            h.last_sent(LegId(0), "BYE").is_some(),
            "{code}: the phone is hung up"
        );
        assert!(out.iter().any(|o| matches!(
            o,
            Output::Acd(AcdOut::DialEnded {
                answered: false,
                ..
            })
        )));
        assert!(h.call.is_finished(), "{code}");
    }
}

#[test]
fn a_desk_phone_that_never_answers_is_no_answer() {
    let mut h = Harness::place(spec(desk_phone(), None));
    let out = h.input(32_000, Input::RequestTimeout { leg: LegId(0) });
    assert_eq!(failure_of(&h).as_deref(), Some("no_answer"));
    assert!(h.legs() == vec![LegId(0)], "the customer is never called");
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Media(MediaOut::ReleasePort { port: 20_002 }))),
        "the customer's port is given back"
    );
    assert!(h.call.is_finished());
}

#[test]
fn a_trunk_that_never_answers_is_trunk_down() {
    let (mut h, _, _) = customer_ringing();
    h.input(32_000, Input::RequestTimeout { leg: LegId(1) });
    assert_eq!(failure_of(&h).as_deref(), Some("trunk_down"));
}

#[test]
fn the_desk_phone_refusing_ends_the_call_before_the_customer_is_called() {
    let mut h = Harness::place(spec(desk_phone(), None));
    let phone = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(PHONE),
        "p",
    );
    h.respond(LegId(0), phone.response(486, "Busy Here", None));
    assert_eq!(failure_of(&h).as_deref(), Some("busy"));
    assert_eq!(h.legs(), vec![LegId(0)]);
}

#[test]
fn hanging_up_while_the_customer_rings_cancels_and_says_cancelled() {
    let (mut h, _, carrier) = customer_ringing();
    h.respond(LegId(1), carrier.response(180, "Ringing", None));
    let out = h.input(
        3_000,
        Input::Hangup {
            by: HangupSide::Agent,
        },
    );
    assert!(out.contains(&Output::Cancel { leg: LegId(1) }));
    assert!(h.last_sent(LegId(0), "BYE").is_some());
    assert_eq!(failure_of(&h).as_deref(), Some("cancelled"));
    assert!(
        !h.call.is_finished(),
        "the customer's INVITE has not ended yet"
    );
    let out = h.respond(LegId(1), carrier.response(487, "Request Terminated", None));
    assert_eq!(out.last(), Some(&Output::Finished));
    assert_eq!(
        h.records()
            .iter()
            .filter(|e| matches!(e, CallEvent::Ended { .. }))
            .count(),
        1,
        "one end in the record"
    );
}

#[test]
fn a_2xx_without_sdp_hangs_up_as_a_network_error() {
    let (mut h, _, carrier) = customer_ringing();
    h.respond(LegId(1), carrier.response(200, "OK", None));
    assert_eq!(failure_of(&h).as_deref(), Some("network_error"));
    assert!(
        h.last_sent(LegId(1), "BYE").is_some(),
        "the answered leg is hung up"
    );
}
