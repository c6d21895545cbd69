//! A flow that never passed validation does not panic the interpreter: the call hears goodbye,
//! hangs up, and the fault names the mistake.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{drain, play, step};
use ivr::{Action, Builtin, Flow, FlowError, Input, Ivr, Problem};

fn unchecked(json: &str) -> Arc<Flow> {
    let flow = Flow::parse(json).unwrap();
    assert!(flow.validate().is_err(), "the test wants a broken flow");
    Arc::new(flow)
}

#[test]
fn a_missing_start_step() {
    let mut ivr = Ivr::new(unchecked(r#"{ "start": "a", "steps": {} }"#), 0);
    assert_eq!(drain(&mut ivr), [play(Builtin::Goodbye)]);
    assert_eq!(
        step(&mut ivr, 2_000, Input::PromptFinished),
        [Action::Hangup]
    );
    assert!(ivr.finished());
    assert_eq!(
        ivr.fault(),
        Some(&FlowError::in_flow(
            "start",
            Problem::MissingStep { target: "a".into() }
        ))
    );
}

#[test]
fn a_missing_next_step_after_a_prompt() {
    let flow = unchecked(
        r#"{ "start": "a", "steps": {
        "a": { "type": "play", "prompt": { "file": 1 }, "next": "b" } } }"#,
    );
    let mut ivr = Ivr::new(flow, 0);
    assert_eq!(ivr.fault(), None, "nothing is wrong yet");
    drain(&mut ivr);
    assert_eq!(
        step(&mut ivr, 1_000, Input::PromptFinished),
        [play(Builtin::Goodbye)]
    );
    assert_eq!(
        ivr.fault(),
        Some(&FlowError::in_step(
            "a",
            "next",
            Problem::MissingStep { target: "b".into() }
        ))
    );
}

#[test]
fn business_hours_that_loop_without_end() {
    let flow = unchecked(
        r#"{ "start": "a", "steps": {
        "a": { "type": "business_hours", "time_zone": "UTC", "schedule": [], "open": "a", "closed": "b" },
        "b": { "type": "business_hours", "time_zone": "UTC", "schedule": [], "open": "b", "closed": "a" } } }"#,
    );
    let mut ivr = Ivr::new(flow, 0);
    assert_eq!(drain(&mut ivr), [play(Builtin::Goodbye)]);
    let path = vec!["a".to_owned(), "b".to_owned(), "a".to_owned()];
    assert_eq!(
        ivr.fault(),
        Some(&FlowError::in_step("a", "closed", Problem::Loop { path }))
    );
}

#[test]
fn an_unknown_time_zone_when_the_call_gets_there() {
    let flow = unchecked(
        r#"{ "start": "h", "steps": {
        "h": { "type": "business_hours", "time_zone": "Moon/Base", "schedule": [], "open": "q", "closed": "q" },
        "q": { "type": "queue", "group_id": 1 } } }"#,
    );
    let mut ivr = Ivr::new(flow, 0);
    assert_eq!(drain(&mut ivr), [play(Builtin::Goodbye)]);
    let zone = "Moon/Base".to_owned();
    assert_eq!(
        ivr.fault(),
        Some(&FlowError::in_step(
            "h",
            "time_zone",
            Problem::UnknownTimeZone { zone }
        ))
    );
}
