//! Consulting a number outside (a carrier's customer, an expert's mobile): called through a
//! trunk while the customer holds, then the transfer completed (the customer and the number
//! talk, the agent is free) or the consult given up with the catalogue's reason.

mod common;

use callflow::{AcdOut, ConsultStep, ConsultTo, Input, LegId, MediaOut, Output, RoomRef};
use common::*;
use model::Event;
use model::calls::CallEvent;

const NUMBER: &str = "13900139000";
const MAIN: RoomRef = RoomRef(0);
const CONSULT: RoomRef = RoomRef(1);
const AGENT_LEG: LegId = FIRST_RING;
const NUMBER_LEG: LegId = SECOND_RING;
const FAR: &str = "127.0.0.1:5080";

fn consult_reason(h: &Harness) -> Option<String> {
    h.agent_events()
        .into_iter()
        .rev()
        .find_map(|(u, e)| match e {
            Event::Consult { state, reason, .. } if u == AGENT && state == "ended" => reason,
            _ => None,
        })
}

/// The agent consults the number; the engine found a trunk; the number rings.
fn number_ringing() -> (Harness, FarEnd, FarEnd) {
    let (mut h, customer, _phone) = bridged();
    let now = h.now;
    h.call
        .consult(now, ConsultTo::External(NUMBER.to_owned()))
        .expect("consult");
    let out = h.drain();
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Forward { number } if number == NUMBER)),
        "the engine is asked for a trunk: {out:#?}"
    );
    h.input(
        20,
        Input::Forward {
            route: route(None),
            number: NUMBER.to_owned(),
            caller_id: CALLER_NUMBER.to_owned(),
            media: media(20_006),
        },
    );
    let invite = h
        .last_sent(NUMBER_LEG, "INVITE")
        .expect("the number is called");
    assert_eq!(user_in(invite.header("To").expect("To")), NUMBER);
    assert_eq!(
        user_in(invite.header("From").expect("From")),
        CALLER_NUMBER,
        "the number sees the enterprise's number"
    );
    (h, customer, FarEnd::new(invite, addr(FAR), "number"))
}

#[test]
fn answered_number_talks_with_the_agent_then_takes_the_customer() {
    let (mut h, _customer, number) = number_ringing();
    let out = h.respond(
        NUMBER_LEG,
        number.response(
            200,
            "OK",
            Some(peer_sdp(40_010, sip::sdp::Direction::SendRecv)),
        ),
    );
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Media(MediaOut::StartRtp { leg, room, .. }) if *leg == NUMBER_LEG && *room == CONSULT
    )));
    h.now += 10_000;
    let now = h.now;
    h.call
        .consult_step(now, ConsultStep::Complete)
        .expect("complete");
    let out = h.drain();
    assert!(out.contains(&Output::Media(MediaOut::Join {
        leg: NUMBER_LEG,
        room: MAIN
    })));
    assert!(out.contains(&Output::Media(MediaOut::StopPlay { room: MAIN })));
    assert!(
        out.contains(&Output::Acd(AcdOut::Hangup)),
        "the agent is free"
    );
    assert!(h.last_sent(AGENT_LEG, "BYE").is_some());
    assert_eq!(h.call.agent(), None);
    assert_eq!(consult_reason(&h).as_deref(), Some("completed"));

    // The number hangs up later: the customer's call ends, once.
    let mut number = number;
    let bye = number.request("BYE", Vec::new());
    h.request(NUMBER_LEG, bye);
    assert!(
        h.last_sent(CUSTOMER_LEG, "BYE").is_some(),
        "the customer is hung up"
    );
    let ended =
        h.count(|o| matches!(o, Output::Record(CallEvent::Ended { key, .. }) if key == "k-43"));
    assert_eq!(ended, 1);
    // The consult's own record: the number called, answered, ended when it was handed over.
    let consult: Vec<_> = h
        .records()
        .into_iter()
        .filter(|r| matches!(r, CallEvent::Started { key, .. } | CallEvent::Answered { key, .. } | CallEvent::Ended { key, .. } if key == "k-43-consult-1"))
        .collect();
    assert!(
        matches!(&consult[..], [
            CallEvent::Started { direction: model::calls::CallDirection::Consult, callee, agent: Some(a), .. },
            CallEvent::Answered { .. },
            CallEvent::Ended { failure: None, .. },
        ] if callee == NUMBER && *a == AGENT),
        "{consult:#?}"
    );
}

#[test]
fn busy_number_ends_the_consult_with_the_catalogue_reason() {
    let (mut h, _customer, number) = number_ringing();
    h.respond(NUMBER_LEG, number.response(486, "Busy Here", None));
    assert_eq!(consult_reason(&h).as_deref(), Some("busy"));
    assert!(h.media().contains(&MediaOut::Join {
        leg: AGENT_LEG,
        room: MAIN
    }));
    assert_eq!(h.call.agent(), Some(AGENT));
}

#[test]
fn consult_with_no_trunk_ends_at_once() {
    let (mut h, _c, _p) = bridged();
    let now = h.now;
    h.call
        .consult(now, ConsultTo::External(NUMBER.to_owned()))
        .expect("consult");
    h.drain();
    h.input(5, Input::ForwardFailed);
    assert_eq!(consult_reason(&h).as_deref(), Some("no_trunk"));
    assert_eq!(h.call.agent(), Some(AGENT), "the call is not ended");
    let ended = |k: &'static str| {
        h.count(|o| matches!(o, Output::Record(CallEvent::Ended { key, failure, .. }) if key == k && (k == "k-43" || failure.as_deref() == Some("trunk_down"))))
    };
    assert_eq!(ended("k-43"), 0);
    assert_eq!(
        ended("k-43-consult-1"),
        1,
        "the consult's record failed: no trunk"
    );
}

#[test]
fn cancelling_while_the_number_rings_cancels_its_invite() {
    let (mut h, _customer, _number) = number_ringing();
    let now = h.now;
    h.call
        .consult_step(now, ConsultStep::Cancel)
        .expect("cancel");
    let out = h.drain();
    assert!(
        out.contains(&Output::Cancel { leg: NUMBER_LEG }),
        "{out:#?}"
    );
    assert_eq!(consult_reason(&h).as_deref(), Some("cancelled"));
}
