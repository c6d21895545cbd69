//! Click-to-dial from a desk phone: the phone rings first showing the customer's number; when
//! it answers, the agent hears ringback and the customer is called through the trunk with the
//! enterprise number as caller ID; early media and the answer start the customer's recorded
//! media; either side's BYE ends the other leg and the record.

mod common;

use callflow::{AcdOut, LegId, LegRole, MediaOut, Output, RoomRef};
use common::*;
use model::calls::{CallEvent, HangupSide};
use sip::sdp::Direction;

#[test]
fn the_desk_phone_rings_first_showing_the_customers_number() {
    let h = Harness::place(spec(desk_phone(), None));
    assert_eq!(h.legs(), vec![LegId(0)], "only the phone rings at first");
    let invite = h.last_sent(LegId(0), "INVITE").expect("INVITE");
    assert_eq!(user_in(invite.header("From").unwrap()), CUSTOMER_NUMBER);
    assert!(matches!(&h.records()[..], [CallEvent::Started { agent: Some(a), .. }] if *a == AGENT));
}

#[test]
fn answering_the_phone_plays_ringback_and_calls_the_customer_with_the_enterprise_number() {
    let mut h = Harness::place(spec(desk_phone(), None));
    let invite = h.last_sent(LegId(0), "INVITE").expect("INVITE");
    let phone = FarEnd::new(invite, addr(PHONE), "phone");
    let out = h.respond(
        LegId(0),
        phone.response(200, "OK", Some(peer_sdp(30_000, Direction::SendRecv))),
    );
    assert_eq!(acks(&out), 1, "the phone's 2xx is ACKed");
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Media(MediaOut::StartRtp {
            leg: LegId(0),
            role: LegRole::Agent,
            record: false,
            room: RoomRef(0),
            ..
        })
    )));
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Media(MediaOut::RingbackToAgent {
            leg: Some(LegId(0)),
            ..
        })
    )));
    let to_carrier = h.last_sent(LegId(1), "INVITE").expect("customer called");
    assert_eq!(user_in(to_carrier.header("From").unwrap()), CALLER_NUMBER);
    assert_eq!(
        user_in(to_carrier.header("P-Asserted-Identity").unwrap()),
        CALLER_NUMBER
    );
    assert!(to_carrier.to_bytes().windows(6).any(|w| w == b"PCMU/8"));
}

#[test]
fn early_media_from_the_carrier_starts_the_recorded_customer_leg_before_the_answer() {
    let mut h = Harness::place(spec(desk_phone(), None));
    let phone = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(PHONE),
        "p",
    );
    h.respond(
        LegId(0),
        phone.response(200, "OK", Some(peer_sdp(30_000, Direction::SendRecv))),
    );
    let carrier = FarEnd::new(
        h.last_sent(LegId(1), "INVITE").expect("INVITE"),
        addr(CARRIER),
        "c",
    );
    let out = h.respond(
        LegId(1),
        carrier.response(
            183,
            "Session Progress",
            Some(peer_sdp(40_000, Direction::SendRecv)),
        ),
    );
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Media(MediaOut::StartRtp {
            leg: LegId(1),
            role: LegRole::Customer,
            record: true,
            ..
        })
    )));
    assert!(
        !h.records()
            .iter()
            .any(|e| matches!(e, CallEvent::Answered { .. }))
    );
    let out = h.respond(
        LegId(1),
        carrier.response(200, "OK", Some(peer_sdp(40_002, Direction::SendRecv))),
    );
    assert!(
        out.iter().any(|o| matches!(o, Output::Media(MediaOut::SetRemote { leg: LegId(1), remote }) if remote.port() == 40_002)),
        "the answer moves the media, it does not start it twice"
    );
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Record(CallEvent::Answered { .. })))
    );
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Agent {
            event: model::Event::CallConnected { .. },
            ..
        }
    )));
    assert!(h.call.connected());
}

#[test]
fn the_customer_hanging_up_sends_bye_to_the_desk_phone_and_closes_the_record() {
    let (mut h, _, mut carrier) = connected();
    let bye = carrier.request("BYE", Vec::new());
    let (txn, out) = h.request(LegId(1), bye);
    assert_eq!(response_to(&out, txn).unwrap().status(), Some(200));
    assert!(
        h.last_sent(LegId(0), "BYE").is_some(),
        "the phone gets a BYE"
    );
    assert!(
        h.last_sent(LegId(1), "BYE").is_none(),
        "the customer's leg is over already"
    );
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Record(CallEvent::Ended {
            failure: None,
            hangup_side: HangupSide::Customer,
            ..
        })
    )));
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Acd(AcdOut::DialEnded {
            answered: true,
            then_idle: true,
            ..
        })
    )));
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Media(MediaOut::RemoveLeg { leg: LegId(0) })))
    );
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Media(MediaOut::RemoveLeg { leg: LegId(1) })))
    );
    assert!(h.call.is_finished());
    assert_eq!(out.last(), Some(&Output::Finished));
}

#[test]
fn the_agent_hanging_up_on_the_phone_sends_bye_to_the_customer() {
    let (mut h, mut phone, _) = connected();
    let bye = phone.request("BYE", Vec::new());
    let (_, out) = h.request(LegId(0), bye);
    assert!(h.last_sent(LegId(1), "BYE").is_some());
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Record(CallEvent::Ended {
            failure: None,
            hangup_side: HangupSide::Agent,
            ..
        })
    )));
    assert!(h.call.is_finished());
}

#[test]
fn a_retransmitted_2xx_is_acked_again_and_changes_nothing() {
    let (mut h, _, carrier) = connected();
    let before = h.records().len();
    let out = h.respond(
        LegId(1),
        carrier.response(200, "OK", Some(peer_sdp(40_000, Direction::SendRecv))),
    );
    assert_eq!(acks(&out), 1);
    assert_eq!(h.records().len(), before);
}

#[test]
fn the_agent_hanging_up_from_the_phone_bar_ends_both_legs() {
    let (mut h, _, _) = connected();
    let out = h.input(
        5_000,
        callflow::Input::Hangup {
            by: HangupSide::Agent,
        },
    );
    assert!(h.last_sent(LegId(0), "BYE").is_some());
    assert!(h.last_sent(LegId(1), "BYE").is_some());
    let ended = out.iter().find_map(|o| match o {
        Output::Record(CallEvent::Ended {
            at,
            failure,
            hangup_side,
            ..
        }) => Some((*at, failure.clone(), *hangup_side)),
        _ => None,
    });
    assert_eq!(ended, Some((h.now, None, HangupSide::Agent)));
}
