//! Dialing out with browser audio: the agent's session joins the call's room at once with
//! ringback, the customer is called straight away; at the end the session goes back to waiting.

mod common;

use callflow::{AcdOut, AgentSide, Input, LegId, MediaOut, Output, RoomRef};
use common::*;
use model::calls::{CallEvent, HangupSide};
use sip::sdp::Direction;

#[test]
fn the_browser_joins_with_ringback_and_the_customer_is_called_at_once() {
    let h = Harness::place(spec(AgentSide::Browser, None));
    assert_eq!(h.legs(), vec![LegId(0)], "one SIP leg: the customer's");
    let media = h.media();
    assert_eq!(
        &media[..2],
        &[
            MediaOut::JoinBrowser {
                user: AGENT,
                room: RoomRef(0)
            },
            MediaOut::RingbackToAgent {
                room: RoomRef(0),
                leg: None,
                user: AGENT
            },
        ]
    );
    let invite = h.last_sent(LegId(0), "INVITE").expect("INVITE");
    assert_eq!(user_in(invite.header("From").unwrap()), CALLER_NUMBER);
}

#[test]
fn the_customer_answering_connects_and_hanging_up_releases_the_browser() {
    let mut h = Harness::place(spec(AgentSide::Browser, None));
    let mut carrier = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(CARRIER),
        "c",
    );
    let out = h.respond(
        LegId(0),
        carrier.response(200, "OK", Some(peer_sdp(40_000, Direction::SendRecv))),
    );
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Media(MediaOut::StartRtp { record: true, .. })))
    );
    assert!(h.call.connected());
    assert!(h.call.customer_media().is_some());
    let (_, out) = h.request(LegId(0), carrier.request("BYE", Vec::new()));
    assert!(out.contains(&Output::Media(MediaOut::LeaveBrowser { user: AGENT })));
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Record(CallEvent::Ended {
            hangup_side: HangupSide::Customer,
            failure: None,
            ..
        })
    )));
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Acd(AcdOut::DialEnded { answered: true, .. })))
    );
    assert!(h.call.is_finished());
}

#[test]
fn a_busy_customer_ends_the_call_and_frees_the_browser() {
    let mut h = Harness::place(spec(AgentSide::Browser, None));
    let carrier = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(CARRIER),
        "c",
    );
    let out = h.respond(LegId(0), carrier.response(486, "Busy Here", None));
    assert!(out.contains(&Output::Media(MediaOut::LeaveBrowser { user: AGENT })));
    assert!(out.iter().any(|o| matches!(o,
        Output::Record(CallEvent::Ended { failure: Some(f), .. }) if f == "busy")));
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Acd(AcdOut::DialEnded {
            answered: false,
            ..
        })
    )));
    assert!(h.call.is_finished());
}

#[test]
fn transcription_is_refused_until_the_customer_answers_then_switches() {
    let mut h = Harness::place(spec(AgentSide::Browser, None));
    assert!(h.call.set_transcription(true).is_err());
    let carrier = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(CARRIER),
        "c",
    );
    h.respond(
        LegId(0),
        carrier.response(200, "OK", Some(peer_sdp(40_000, Direction::SendRecv))),
    );
    let out = h.input(100, Input::Transcription { on: true });
    assert!(out.contains(&Output::Media(MediaOut::Transcribe { on: true })));
    assert!(h.call.transcribing());
}

#[test]
fn media_lost_on_a_leg_hangs_up_as_the_system() {
    let mut h = Harness::place(spec(AgentSide::Browser, None));
    let carrier = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(CARRIER),
        "c",
    );
    h.respond(
        LegId(0),
        carrier.response(200, "OK", Some(peer_sdp(40_000, Direction::SendRecv))),
    );
    h.input(60_000, Input::MediaTimeout { leg: LegId(0) });
    assert!(h.last_sent(LegId(0), "BYE").is_some());
    assert!(h.records().iter().any(|e| matches!(
        e,
        CallEvent::Ended {
            hangup_side: HangupSide::System,
            ..
        }
    )));
}
