//! An IVR flow that hangs up ends the call and finishes it at once, however the hang-up comes:
//! straight away when the call is answered, when a menu's deadline passes with no digit, or at
//! the end of the hang-up step's prompt; for a trunk caller and a widget visitor alike.

mod common;

use callflow::{Customer, Input, Output};
use common::*;
use model::calls::{CallEvent, HangupSide};

const CLOSED: &str = r#"{ "start": "closed", "steps": { "closed": { "type": "hangup" } } }"#;

/// The call ended by the system, once, with `Finished` last.
fn ended_by_the_ivr(h: &Harness) {
    assert!(h.records().iter().any(|e| matches!(
        e,
        CallEvent::Ended {
            hangup_side: HangupSide::System,
            ..
        }
    )));
    assert_eq!(ends(h), (1, 1));
    assert_eq!(h.log.last(), Some(&Output::Finished));
    assert!(h.call.is_finished());
}

#[test]
fn a_flow_that_hangs_up_at_once_finishes_when_answered() {
    let (h, _) = trunk_call(ivr_flow(CLOSED));
    let ok = h
        .log
        .iter()
        .position(|o| matches!(o, Output::Respond { .. }));
    let bye = h
        .log
        .iter()
        .position(|o| matches!(o, Output::SendRequest { msg, .. } if msg.method() == Some("BYE")));
    assert!(ok < bye && ok.is_some(), "the 200 OK, then the BYE");
    ended_by_the_ivr(&h);
    let h = Harness::answer(inbound(Customer::Widget, ivr_flow(CLOSED)));
    ended_by_the_ivr(&h);
}

#[test]
fn a_menu_timing_out_into_a_hang_up_finishes_the_call() {
    let (mut h, _) = trunk_call(ivr_flow(
        r#"{ "start": "menu", "steps": {
            "menu": { "type": "menu", "prompt": { "builtin": "ivr-menu" },
                      "options": { "1": "q" }, "timeout_ms": 5000, "retries": 0,
                      "on_fail": "bye" },
            "q": { "type": "queue", "group_id": 1 },
            "bye": { "type": "hangup" } } }"#,
    ));
    h.input(3_000, Input::PromptFinished);
    let at = h.call.poll_timeout().expect("the menu waits for a digit");
    assert_eq!(at, h.now + 5_000);
    h.call.handle_timeout(at - 1);
    assert!(h.drain().is_empty(), "nothing happens early");
    h.now = at;
    h.call.handle_timeout(at);
    h.drain();
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some());
    ended_by_the_ivr(&h);
}

#[test]
fn a_hang_up_step_with_a_prompt_hangs_up_at_its_end() {
    let (mut h, _) = trunk_call(ivr_flow(
        r#"{ "start": "closed", "steps": {
            "closed": { "type": "hangup", "prompt": { "builtin": "goodbye" } } } }"#,
    ));
    assert_eq!(ends(&h), (0, 0));
    h.input(3_000, Input::PromptFinished);
    ended_by_the_ivr(&h);
}
