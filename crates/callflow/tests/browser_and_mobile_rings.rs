//! Offers that ring other devices: the agent's browser (no SIP; the agent answers from the
//! phone bar, or at once with auto-answer, and the browser session joins and later leaves the
//! room) and the agent's mobile through a trunk, showing the enterprise's caller ID.

mod common;

use callflow::{AcdOut, AgentPart, AgentSide, Input, MediaOut, Output, RoomRef};
use common::*;
use model::Event;
use model::calls::{CallEvent, HangupSide};
use sip::sdp::Direction;

const MOBILE: &str = "13900139000";
const ENTERPRISE_CALLER_ID: &str = "4001230009";

fn joined(out: &[Output]) -> bool {
    out.contains(&Output::Media(MediaOut::JoinBrowser {
        user: AGENT,
        room: RoomRef(0),
    }))
}

fn answered(out: &[Output]) -> bool {
    out.contains(&Output::Acd(AcdOut::Answer { agent: AGENT }))
        && out
            .iter()
            .any(|o| matches!(o, Output::Record(CallEvent::AgentAnswered { .. })))
        && out
            .iter()
            .any(|o| matches!(o, Output::Record(CallEvent::Answered { .. })))
}

#[test]
fn a_browser_ring_sends_no_sip_and_joins_when_the_agent_answers() {
    let (mut h, _) = queued();
    let out = h.input(10, Input::Offer(ring(AGENT, AgentSide::Browser, false)));
    assert!(
        !out.iter().any(|o| matches!(o, Output::SendRequest { .. })),
        "no SIP for a browser"
    );
    assert!(out.iter().any(|o| matches!(o,
        Output::Agent { user, event: Event::Ringing { .. } } if *user == AGENT)));
    assert!(!joined(&out));
    assert_eq!(
        h.call.agent_part(AGENT),
        Some(AgentPart::Ringing { browser: true })
    );
    let out = h.input(4_000, Input::AnswerInBrowser { agent: AGENT });
    assert!(answered(&out));
    assert!(joined(&out));
    assert!(out.contains(&Output::Media(MediaOut::StopPlay { room: RoomRef(0) })));
    assert_eq!(
        h.call.agent_part(AGENT),
        Some(AgentPart::Talking { browser: true })
    );
    // The agent hangs up from the phone bar: the browser leaves, the customer gets a BYE.
    let out = h.input(
        60_000,
        Input::Hangup {
            by: HangupSide::Agent,
        },
    );
    assert!(out.contains(&Output::Media(MediaOut::LeaveBrowser { user: AGENT })));
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some());
    assert_eq!(h.legs(), [CUSTOMER_LEG], "only the customer's leg is SIP");
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn auto_answer_in_the_browser_answers_at_once() {
    let (mut h, mut customer) = queued();
    let out = h.input(10, Input::Offer(ring(AGENT, AgentSide::Browser, true)));
    assert!(answered(&out));
    assert!(joined(&out));
    assert_eq!(
        h.call.agent_part(AGENT),
        Some(AgentPart::Talking { browser: true })
    );
    h.request(CUSTOMER_LEG, customer.request("BYE", Vec::new()));
    assert!(
        h.log
            .contains(&Output::Media(MediaOut::LeaveBrowser { user: AGENT }))
    );
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn answering_in_the_browser_a_call_not_ringing_there_does_nothing() {
    let (mut h, _, _) = phone_ringing();
    let out = h.input(10, Input::AnswerInBrowser { agent: AGENT });
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn a_mobile_ring_calls_through_the_trunk_showing_the_caller_id() {
    let (mut h, _) = queued();
    let mut r = ring(
        AGENT,
        AgentSide::Mobile {
            route: route(None),
            number: MOBILE.to_owned(),
            media: media(20_000),
        },
        false,
    );
    r.caller_id = ENTERPRISE_CALLER_ID.to_owned();
    h.input(10, Input::Offer(r));
    let invite = h.last_sent(FIRST_RING, "INVITE").expect("the mobile rings");
    assert_eq!(
        user_in(invite.header("From").unwrap()),
        ENTERPRISE_CALLER_ID
    );
    assert!(h.log.iter().any(|o| matches!(o,
        Output::SendRequest { leg, peer, .. } if *leg == FIRST_RING && *peer == udp(CARRIER))));
    let mobile = FarEnd::new(invite, addr(CARRIER), "mobile");
    let out = h.respond(
        FIRST_RING,
        mobile.response(200, "OK", Some(peer_sdp(50_000, Direction::SendRecv))),
    );
    assert!(answered(&out));
    assert_eq!(
        h.call.agent_part(AGENT),
        Some(AgentPart::Talking { browser: false })
    );
}
