//! Requests that reach a call after its dialog is gone: a BYE or INFO gets 481, and an ACK
//! (the caller's ACK for our 200 overtaken by our BYE, or the ACK for a re-INVITE) gets no
//! response at all, as RFC 3261 wants for ACKs; nothing else comes out.

mod common;

use callflow::{Input, LegId, Output};
use common::*;
use model::calls::HangupSide;

/// Sends `method` from `far` on `leg`; returns the status answered, if any, and checks that
/// nothing but that answer came out.
fn stray(h: &mut Harness, far: &mut FarEnd, leg: LegId, req: &str) -> Option<u16> {
    let msg = if req == "ACK-INVITE" {
        far.ack(Vec::new())
    } else {
        far.request(req, Vec::new())
    };
    let (txn, out) = h.request(leg, msg);
    assert!(
        out.iter()
            .all(|o| matches!(o, Output::Respond { txn: t, .. } if *t == txn)),
        "{req}: {out:?}"
    );
    response_to(&out, txn).and_then(|r| r.status())
}

#[test]
fn an_ivr_that_hangs_up_at_once_absorbs_the_callers_late_ack() {
    let (mut h, mut caller) = trunk_call(ivr_flow(
        r#"{ "start": "closed", "steps": { "closed": { "type": "hangup" } } }"#,
    ));
    assert!(
        h.last_sent(CUSTOMER_LEG, "BYE").is_some(),
        "hung up at once"
    );
    assert_eq!(ends(&h), (1, 1));
    assert_eq!(stray(&mut h, &mut caller, CUSTOMER_LEG, "ACK-INVITE"), None);
    assert_eq!(stray(&mut h, &mut caller, CUSTOMER_LEG, "BYE"), Some(481));
}

/// The agent hangs up from the phone bar; then each far end sends an ACK (nothing comes back)
/// and another request (481).
fn after_the_agent_hangs_up(h: &mut Harness, fars: [(LegId, &mut FarEnd, &str); 2]) {
    h.input(
        60_000,
        Input::Hangup {
            by: HangupSide::Agent,
        },
    );
    assert_eq!(ends(h), (1, 1));
    for (leg, far, method) in fars {
        assert_eq!(stray(h, far, leg, "ACK"), None);
        assert_eq!(stray(h, far, leg, method), Some(481));
    }
}

#[test]
fn after_a_bridged_inbound_call_ends_acks_get_nothing_and_requests_481() {
    let (mut h, mut caller, mut phone) = bridged();
    after_the_agent_hangs_up(
        &mut h,
        [
            (FIRST_RING, &mut phone, "INFO"),
            (CUSTOMER_LEG, &mut caller, "BYE"),
        ],
    );
}

#[test]
fn after_a_placed_call_ends_acks_get_nothing_and_requests_481() {
    let (mut h, mut phone, mut carrier) = connected();
    after_the_agent_hangs_up(
        &mut h,
        [
            (LegId(0), &mut phone, "BYE"),
            (LegId(1), &mut carrier, "INFO"),
        ],
    );
}
