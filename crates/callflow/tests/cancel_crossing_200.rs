//! Our CANCEL crosses the far end's 200 OK: the leg answered after all, so Patchbay ACKs the
//! 2xx and hangs it up with BYE at once; the call is finished only then.

mod common;

use callflow::{Input, LegId, Output};
use common::*;
use model::calls::HangupSide;
use sip::sdp::Direction;

#[test]
fn a_200_after_our_cancel_is_acked_and_hung_up() {
    let mut h = Harness::place(spec(desk_phone(), None));
    let phone = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(PHONE),
        "p",
    );
    h.respond(LegId(0), phone.response(180, "Ringing", None));
    let out = h.input(
        2_000,
        Input::Hangup {
            by: HangupSide::Agent,
        },
    );
    assert!(out.contains(&Output::Cancel { leg: LegId(0) }));
    assert!(!h.call.is_finished());
    // The phone's 200 was already on its way.
    let out = h.respond(
        LegId(0),
        phone.response(200, "OK", Some(peer_sdp(30_000, Direction::SendRecv))),
    );
    assert_eq!(acks(&out), 1, "the 2xx is ACKed");
    let bye = h.last_sent(LegId(0), "BYE").expect("and hung up");
    assert_eq!(bye.header("Call-ID"), phone.invite.header("Call-ID"));
    assert_eq!(bye.tag("To"), Some("p"));
    assert!(
        !out.iter()
            .any(|o| matches!(o, Output::Media(_) | Output::Record(_))),
        "no media starts and the record is not touched again"
    );
    assert!(h.call.is_finished());
    // The 487 to the CANCELled INVITE never comes; a late copy of the 200 changes nothing.
    let out = h.respond(
        LegId(0),
        phone.response(200, "OK", Some(peer_sdp(30_000, Direction::SendRecv))),
    );
    assert!(!out.contains(&Output::Finished), "finished once only");
}

#[test]
fn a_cancelled_invite_that_never_gets_a_final_response_still_finishes() {
    let mut h = Harness::place(spec(desk_phone(), None));
    h.input(
        1_000,
        Input::Hangup {
            by: HangupSide::Agent,
        },
    );
    assert!(!h.call.is_finished());
    let out = h.input(32_000, Input::RequestTimeout { leg: LegId(0) });
    assert_eq!(out.last(), Some(&Output::Finished));
}
