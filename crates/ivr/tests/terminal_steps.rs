//! Terminal steps end the IVR: routes at once, hang-ups after their prompt; a caller who hangs
//! up ends it wherever it is.

#![allow(clippy::unwrap_used)]

mod common;

use common::{drain, flow, play, play_file, step};
use ivr::{Action, Builtin, Input, Ivr};

#[test]
fn a_hangup_step_plays_its_prompt_then_hangs_up() {
    let flow = flow(
        r#"{ "start": "closed", "steps": {
        "closed": { "type": "hangup", "prompt": { "file": 8 } } } }"#,
    );
    let mut ivr = Ivr::new(flow, 0);
    assert_eq!(drain(&mut ivr), [play_file(8)]);
    assert!(!ivr.finished());
    assert_eq!(
        step(&mut ivr, 500, Input::Digit('1')),
        [],
        "digits do not cut a goodbye"
    );
    assert_eq!(
        step(&mut ivr, 4_000, Input::PromptFinished),
        [Action::Hangup]
    );
    assert!(ivr.finished());
    assert_eq!(step(&mut ivr, 4_100, Input::PromptFinished), []);
}

#[test]
fn a_hangup_step_without_prompt_hangs_up_at_once() {
    let flow = flow(r#"{ "start": "x", "steps": { "x": { "type": "hangup" } } }"#);
    let mut ivr = Ivr::new(flow, 0);
    assert_eq!(drain(&mut ivr), [Action::Hangup]);
    assert!(ivr.finished());
}

#[test]
fn a_caller_hanging_up_mid_prompt_ends_the_ivr_silently() {
    let flow = flow(
        r#"{ "start": "hi", "steps": {
        "hi": { "type": "play", "prompt": { "builtin": "welcome" }, "next": "q" },
        "q": { "type": "queue", "group_id": 3 } } }"#,
    );
    let mut ivr = Ivr::new(flow, 0);
    assert_eq!(ivr.current_step(), Some("hi"));
    assert_eq!(drain(&mut ivr), [play(Builtin::Welcome)]);
    assert_eq!(step(&mut ivr, 1_000, Input::CallerHungUp), []);
    assert!(ivr.finished());
    assert_eq!(ivr.current_step(), None);
    assert_eq!(
        step(&mut ivr, 2_000, Input::PromptFinished),
        [],
        "no route for a gone caller"
    );
}

#[test]
fn a_flow_can_route_straight_away() {
    let flow = flow(
        r#"{ "start": "ext", "steps": { "ext": { "type": "external", "number": "10086" } } }"#,
    );
    let mut ivr = Ivr::new(flow, 0);
    assert_eq!(
        drain(&mut ivr),
        [Action::Route(ivr::Target::External("10086".into()))]
    );
    assert!(ivr.finished());
    assert_eq!(ivr.fault(), None);
}
