//! A menu routes the call by the digit pressed, whether it barges in on the prompt or comes
//! after it; digits during a plain `play` step are ignored.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{drain, flow, play, play_file, step, to_group};
use ivr::{Action, Builtin, Flow, Input, Ivr, Target};

fn main_menu() -> Arc<Flow> {
    flow(
        r##"{
        "start": "hello",
        "steps": {
            "hello": { "type": "play", "prompt": { "builtin": "welcome" }, "next": "main" },
            "main": {
                "type": "menu",
                "prompt": { "file": 10 },
                "options": { "1": "sales", "2": "alice", "3": "hq", "0": "more", "#": "bye" }
            },
            "more": {
                "type": "menu",
                "prompt": { "file": 11 },
                "options": { "*": "main", "9": "support" }
            },
            "sales": { "type": "queue", "group_id": 101 },
            "support": { "type": "queue", "group_id": 102 },
            "alice": { "type": "agent", "user_id": 7 },
            "hq": { "type": "external", "number": "+861088888888" },
            "bye": { "type": "hangup" }
        }
    }"##,
    )
}

/// A call that heard the welcome and the main menu to its end, at t = 9 s.
fn at_main_menu() -> Ivr {
    let mut ivr = Ivr::new(main_menu(), 0);
    assert_eq!(drain(&mut ivr), [play(Builtin::Welcome)]);
    assert_eq!(
        step(&mut ivr, 3_000, Input::PromptFinished),
        [play_file(10)]
    );
    assert_eq!(step(&mut ivr, 9_000, Input::PromptFinished), []);
    ivr
}

#[test]
fn each_digit_routes_to_its_target() {
    let cases = [
        ('1', Action::Route(Target::Group(101))),
        ('2', Action::Route(Target::Agent(7))),
        ('3', Action::Route(Target::External("+861088888888".into()))),
        ('#', Action::Hangup),
    ];
    for (digit, expected) in cases {
        let mut ivr = at_main_menu();
        assert_eq!(
            step(&mut ivr, 10_000, Input::Digit(digit)),
            [expected],
            "{digit}"
        );
        assert!(ivr.finished(), "{digit}");
        assert_eq!(ivr.poll_timeout(), None, "{digit}");
    }
}

#[test]
fn a_digit_during_the_menu_prompt_stops_it_and_routes() {
    let mut ivr = Ivr::new(main_menu(), 0);
    drain(&mut ivr);
    step(&mut ivr, 3_000, Input::PromptFinished);
    assert_eq!(ivr.current_step(), Some("main"));
    assert_eq!(
        step(&mut ivr, 3_500, Input::Digit('1')),
        [Action::StopPrompt, to_group(101)]
    );
    assert!(ivr.finished());
}

#[test]
fn digits_during_a_play_step_are_ignored() {
    let mut ivr = Ivr::new(main_menu(), 0);
    drain(&mut ivr);
    for digit in ['1', '2', '#'] {
        assert_eq!(step(&mut ivr, 1_000, Input::Digit(digit)), []);
    }
    assert_eq!(ivr.current_step(), Some("hello"));
    assert!(!ivr.finished());
    // The welcome still leads to the menu, which still takes a digit.
    assert_eq!(
        step(&mut ivr, 3_000, Input::PromptFinished),
        [play_file(10)]
    );
    assert_eq!(
        step(&mut ivr, 4_000, Input::Digit('2')),
        [Action::StopPrompt, Action::Route(Target::Agent(7))]
    );
}

#[test]
fn an_option_can_lead_to_another_menu_and_back() {
    let mut ivr = at_main_menu();
    assert_eq!(step(&mut ivr, 10_000, Input::Digit('0')), [play_file(11)]);
    assert_eq!(ivr.current_step(), Some("more"));
    assert_eq!(
        step(&mut ivr, 11_000, Input::Digit('*')),
        [Action::StopPrompt, play_file(10)]
    );
    assert_eq!(ivr.current_step(), Some("main"));
    step(&mut ivr, 15_000, Input::PromptFinished);
    assert_eq!(step(&mut ivr, 16_000, Input::Digit('0')), [play_file(11)]);
    step(&mut ivr, 18_000, Input::PromptFinished);
    assert_eq!(step(&mut ivr, 19_000, Input::Digit('9')), [to_group(102)]);
}

#[test]
fn once_routed_the_ivr_ignores_everything() {
    let mut ivr = at_main_menu();
    step(&mut ivr, 10_000, Input::Digit('1'));
    assert!(ivr.finished());
    for input in [
        Input::Digit('2'),
        Input::PromptFinished,
        Input::CallerHungUp,
    ] {
        assert_eq!(step(&mut ivr, 11_000, input), []);
    }
    ivr.handle_timeout(1_000_000);
    assert_eq!(drain(&mut ivr), []);
    assert_eq!(ivr.poll_timeout(), None);
    assert!(ivr.finished());
}
