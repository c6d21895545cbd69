//! An IVR route to an external number: the call asks the engine for a trunk, calls the number
//! through it with the enterprise number as caller ID while transfer music plays, answers the
//! carrier's digest challenge once, and bridges the answer; a failure (a second challenge, a
//! 503, no trunk at all) plays the goodbye prompt and hangs up at its end.

mod common;

use callflow::{Input, LegId, LegRole, MediaOut, Output, RoomRef, Sound};
use common::*;
use model::calls::{CallEvent, HangupSide};
use sip::sdp::Direction;

const EXTERNAL: &str = "10086";
const FORWARD_LEG: LegId = LegId(1);

/// A call whose IVR routes at once to [`EXTERNAL`].
fn routed() -> (Harness, FarEnd) {
    trunk_call(ivr_flow(
        r#"{ "start": "ext", "steps": { "ext": { "type": "external", "number": "10086" } } }"#,
    ))
}

/// The engine found a trunk with credentials: the carrier gets the INVITE.
fn forwarded() -> (Harness, FarEnd, FarEnd) {
    let (mut h, customer) = routed();
    h.input(
        10,
        Input::Forward {
            route: route(Some(("acct", "secret"))),
            number: EXTERNAL.to_owned(),
            caller_id: CALLER_NUMBER.to_owned(),
            media: media(20_004),
        },
    );
    let carrier = FarEnd::new(
        h.last_sent(FORWARD_LEG, "INVITE")
            .expect("the carrier is called"),
        addr(CARRIER),
        "ext",
    );
    (h, customer, carrier)
}

fn invites(h: &Harness) -> usize {
    h.count(|o| {
        matches!(o, Output::SendRequest { leg, msg, .. }
            if *leg == FORWARD_LEG && msg.method() == Some("INVITE"))
    })
}

/// The goodbye prompt played and, at its end, the customer got a BYE.
fn said_goodbye_and_hung_up(h: &mut Harness) {
    assert!(h.media().contains(&MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::Prompt(ivr::Prompt::builtin(ivr::Builtin::Goodbye)),
    }));
    assert!(
        h.last_sent(CUSTOMER_LEG, "BYE").is_none(),
        "not before its end"
    );
    h.input(3_000, Input::PromptFinished);
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some());
    assert!(h.records().iter().any(|e| matches!(
        e,
        CallEvent::Ended {
            hangup_side: HangupSide::System,
            ..
        }
    )));
    assert!(
        !h.records()
            .iter()
            .any(|e| matches!(e, CallEvent::Answered { .. }))
    );
    assert_eq!(ends(h), (1, 1));
}

#[test]
fn the_ivr_route_asks_for_a_trunk_and_the_carrier_is_called_with_the_enterprise_number() {
    let (h, _) = routed();
    assert!(h.log.contains(&Output::Forward {
        number: EXTERNAL.to_owned()
    }));
    let (h, _, carrier) = forwarded();
    let uri = match &carrier.invite.start {
        sip::msg::StartLine::Request { uri, .. } => uri.clone(),
        sip::msg::StartLine::Response { .. } => String::new(),
    };
    assert!(uri.starts_with(&format!("sip:{EXTERNAL}@")), "{uri}");
    assert_eq!(
        user_in(carrier.invite.header("From").unwrap()),
        CALLER_NUMBER
    );
    assert!(h.log.iter().any(|o| matches!(o,
        Output::SendRequest { leg, peer, .. } if *leg == FORWARD_LEG && *peer == udp(CARRIER))));
    assert!(h.media().contains(&MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::TransferMusic,
    }));
}

#[test]
fn a_407_is_answered_once_and_the_answer_is_bridged() {
    let (mut h, _, carrier) = forwarded();
    h.respond(FORWARD_LEG, carrier.challenge(407));
    let retry = h.last_sent(FORWARD_LEG, "INVITE").expect("retried");
    let auth = retry.header("Proxy-Authorization").expect("credentials");
    assert!(auth.contains(r#"username="acct""#), "{auth}");
    assert_eq!(retry.cseq().unwrap().0, 2);
    assert_eq!(retry.header("Call-ID"), carrier.invite.header("Call-ID"));
    let carrier = FarEnd::new(retry, addr(CARRIER), "ext");
    let out = h.respond(
        FORWARD_LEG,
        carrier.response(200, "OK", Some(peer_sdp(50_000, Direction::SendRecv))),
    );
    assert_eq!(acks(&out), 1);
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Record(CallEvent::Answered { .. })))
    );
    assert!(out.contains(&Output::Media(MediaOut::StopPlay { room: RoomRef(0) })));
    assert!(out.iter().any(|o| matches!(o,
        Output::Media(MediaOut::StartRtp { leg, role: LegRole::Agent, room: RoomRef(0), .. })
            if *leg == FORWARD_LEG)));
    // The external party hangs up: the customer gets a BYE.
    let mut carrier = carrier;
    h.request(FORWARD_LEG, carrier.request("BYE", Vec::new()));
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some());
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn a_second_challenge_says_goodbye_without_a_third_invite() {
    let (mut h, _, carrier) = forwarded();
    h.respond(FORWARD_LEG, carrier.challenge(407));
    let carrier = FarEnd::new(
        h.last_sent(FORWARD_LEG, "INVITE").unwrap(),
        addr(CARRIER),
        "ext",
    );
    h.respond(FORWARD_LEG, carrier.challenge(407));
    assert_eq!(invites(&h), 2);
    said_goodbye_and_hung_up(&mut h);
}

#[test]
fn a_503_says_goodbye() {
    let (mut h, _, carrier) = forwarded();
    h.respond(
        FORWARD_LEG,
        carrier.response(503, "Service Unavailable", None),
    );
    assert_eq!(invites(&h), 1);
    said_goodbye_and_hung_up(&mut h);
}

#[test]
fn no_trunk_says_goodbye() {
    let (mut h, _) = routed();
    h.input(10, Input::ForwardFailed);
    assert_eq!(invites(&h), 0);
    said_goodbye_and_hung_up(&mut h);
}

#[test]
fn the_customer_hanging_up_while_the_number_rings_cancels_it() {
    let (mut h, mut customer, carrier) = forwarded();
    h.request(CUSTOMER_LEG, customer.request("BYE", Vec::new()));
    assert!(h.log.contains(&Output::Cancel { leg: FORWARD_LEG }));
    assert_eq!(ends(&h), (1, 0));
    h.respond(
        FORWARD_LEG,
        carrier.response(487, "Request Terminated", None),
    );
    assert_eq!(ends(&h), (1, 1));
}
