//! The demo enterprise's flow for 4008000000: welcome, then 1 for sales and 2 for support.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{drain, play, step, timeout, to_group};
use ivr::{Action, Builtin, Flow, Input, Ivr};

const SALES: i64 = 11;
const SUPPORT: i64 = 22;

fn demo_call() -> Ivr {
    let mut ivr = Ivr::new(Arc::new(Flow::demo(SALES, SUPPORT)), 0);
    assert_eq!(drain(&mut ivr), [play(Builtin::Welcome)]);
    assert_eq!(
        step(&mut ivr, 3_000, Input::PromptFinished),
        [play(Builtin::IvrMenu)]
    );
    ivr
}

#[test]
fn the_demo_flow_is_valid_and_tidy() {
    let flow = Flow::demo(SALES, SUPPORT);
    assert_eq!(flow.validate(), Ok(()));
    assert_eq!(flow.warnings(), []);
}

#[test]
fn one_queues_for_sales_and_two_for_support() {
    let mut ivr = demo_call();
    step(&mut ivr, 8_000, Input::PromptFinished);
    assert_eq!(step(&mut ivr, 9_000, Input::Digit('1')), [to_group(SALES)]);

    let mut ivr = demo_call();
    assert_eq!(
        step(&mut ivr, 4_000, Input::Digit('2')),
        [Action::StopPrompt, to_group(SUPPORT)]
    );
}

#[test]
fn a_silent_caller_hears_the_menu_three_times_and_goodbye() {
    let mut ivr = demo_call();
    step(&mut ivr, 8_000, Input::PromptFinished);
    assert_eq!(timeout(&mut ivr, 13_000), [play(Builtin::IvrMenu)]);
    step(&mut ivr, 18_000, Input::PromptFinished);
    assert_eq!(timeout(&mut ivr, 23_000), [play(Builtin::IvrMenu)]);
    step(&mut ivr, 28_000, Input::PromptFinished);
    assert_eq!(timeout(&mut ivr, 33_000), [play(Builtin::Goodbye)]);
    assert_eq!(
        step(&mut ivr, 35_000, Input::PromptFinished),
        [Action::Hangup]
    );
}

#[test]
fn the_demo_flow_is_this_json() {
    let expected = serde_json::json!({
        "start": "welcome",
        "steps": {
            "welcome": { "type": "play", "prompt": { "builtin": "welcome" }, "next": "menu" },
            "menu": {
                "type": "menu",
                "prompt": { "builtin": "ivr-menu" },
                "options": { "1": "sales", "2": "support" },
                "timeout_ms": 5000,
                "retries": 2
            },
            "sales": { "type": "queue", "group_id": SALES },
            "support": { "type": "queue", "group_id": SUPPORT }
        }
    });
    let flow = Flow::demo(SALES, SUPPORT);
    assert_eq!(serde_json::to_value(&flow).unwrap(), expected);
    assert_eq!(Flow::parse(&expected.to_string()).unwrap(), flow);
}
