//! Ring-no-answer: a desk phone that refuses (486) or never answers gives the offer back to the
//! ACD as `device_failed` and the call keeps waiting for the next agent; an offer the ACD
//! withdraws cancels the ringing INVITE, and a 200 crossing that CANCEL is ACKed and hung up
//! without being bridged.

mod common;

use callflow::{AcdOut, AgentPart, Input, MediaOut, Output};
use common::*;
use model::calls::CallEvent;
use model::{Event, UserId};
use sip::sdp::Direction;

const OTHER_AGENT: UserId = UserId(8);

fn device_failed(out: &[Output]) -> bool {
    out.contains(&Output::Acd(AcdOut::Reject {
        agent: AGENT,
        reason: "device_failed",
    }))
}

/// The call still waits: no agent, not ended, and a second agent's phone can ring and answer.
fn still_waiting_then_answered_by_the_next_agent(h: &mut Harness) {
    assert_eq!(h.call.agent_part(AGENT), None);
    assert!(!h.call.is_finished() && !h.call.connected());
    assert_eq!(ends(h), (0, 0));
    h.input(10, Input::Offer(ring(OTHER_AGENT, desk_phone(), false)));
    let second = FarEnd::new(
        h.last_sent(SECOND_RING, "INVITE")
            .expect("the next agent's phone rings"),
        addr(PHONE),
        "second",
    );
    let out = h.respond(
        SECOND_RING,
        second.response(200, "OK", Some(peer_sdp(30_002, Direction::SendRecv))),
    );
    assert!(out.contains(&Output::Acd(AcdOut::Answer { agent: OTHER_AGENT })));
    assert_eq!(h.call.agent(), Some(OTHER_AGENT));
}

#[test]
fn a_busy_phone_gives_the_offer_back_as_device_failed() {
    let (mut h, _, phone) = phone_ringing();
    h.respond(FIRST_RING, phone.response(180, "Ringing", None));
    let out = h.respond(FIRST_RING, phone.response(486, "Busy Here", None));
    assert!(device_failed(&out));
    assert_eq!(
        acks(&out),
        0,
        "a non-2xx final response is ACKed by the transaction"
    );
    assert!(
        !out.iter().any(|o| matches!(o, Output::Cancel { .. })),
        "nothing to cancel"
    );
    assert!(out.contains(&Output::Media(MediaOut::ReleasePort { port: 20_000 })));
    still_waiting_then_answered_by_the_next_agent(&mut h);
}

#[test]
fn a_phone_that_never_answers_gives_the_offer_back_as_device_failed() {
    let (mut h, _, _) = phone_ringing();
    let out = h.input(32_000, Input::RequestTimeout { leg: FIRST_RING });
    assert!(device_failed(&out));
    still_waiting_then_answered_by_the_next_agent(&mut h);
}

#[test]
fn a_withdrawn_offer_cancels_the_ringing_invite_and_ends_the_offer() {
    let (mut h, _, phone) = phone_ringing();
    h.respond(FIRST_RING, phone.response(180, "Ringing", None));
    let out = h.input(
        15_000,
        Input::OfferWithdrawn {
            agent: AGENT,
            reason: "ring_timeout".to_owned(),
        },
    );
    assert!(out.contains(&Output::Cancel { leg: FIRST_RING }));
    assert!(out.iter().any(|o| matches!(o,
        Output::Agent { user, event: Event::OfferEnded { reason, .. } }
            if *user == AGENT && reason == "ring_timeout")));
    assert!(
        !out.iter().any(|o| matches!(o, Output::Acd(_))),
        "the ACD withdrew it: nothing to give back"
    );
    assert_eq!(h.call.agent_part(AGENT), None);
    // The CANCELled INVITE ends with 487; the call still waits.
    h.respond(FIRST_RING, phone.response(487, "Request Terminated", None));
    still_waiting_then_answered_by_the_next_agent(&mut h);
}

#[test]
fn a_200_crossing_the_cancel_is_acked_and_hung_up_not_bridged() {
    let (mut h, _, phone) = phone_ringing();
    h.input(
        15_000,
        Input::OfferWithdrawn {
            agent: AGENT,
            reason: "ring_timeout".to_owned(),
        },
    );
    let out = answer_phone(&mut h, &phone);
    assert_eq!(acks(&out), 1, "the 2xx is ACKed");
    let bye = h.last_sent(FIRST_RING, "BYE").expect("and hung up");
    assert_eq!(bye.tag("To"), Some("phone"));
    assert!(
        !out.iter().any(|o| matches!(
            o,
            Output::Media(MediaOut::StartRtp { .. } | MediaOut::StopPlay { .. })
                | Output::Acd(_)
                | Output::Record(CallEvent::Answered { .. } | CallEvent::AgentAnswered { .. })
        )),
        "not bridged: {out:?}"
    );
    assert_eq!(h.call.agent(), None);
    still_waiting_then_answered_by_the_next_agent(&mut h);
}

#[test]
fn a_second_offer_while_one_rings_is_given_back() {
    let (mut h, _, _) = phone_ringing();
    let out = h.input(10, Input::Offer(ring(OTHER_AGENT, desk_phone(), false)));
    assert!(out.contains(&Output::Acd(AcdOut::Reject {
        agent: OTHER_AGENT,
        reason: "device_failed",
    })));
    assert!(h.last_sent(SECOND_RING, "INVITE").is_none());
    assert_eq!(
        h.call.agent_part(AGENT),
        Some(AgentPart::Ringing { browser: false })
    );
}

#[test]
fn the_agent_rejecting_from_the_phone_bar_cancels_the_phone() {
    let (mut h, _, _) = phone_ringing();
    let out = h.input(3_000, Input::Reject { agent: AGENT });
    assert!(out.contains(&Output::Cancel { leg: FIRST_RING }));
    assert!(out.contains(&Output::Acd(AcdOut::Reject {
        agent: AGENT,
        reason: "rejected",
    })));
    let out = h.input(10, Input::Reject { agent: AGENT });
    assert!(out.is_empty(), "not ringing any more: {out:?}");
}
