//! A digit the menu does not offer plays the invalid-input prompt, then the menu again; such
//! digits count against the retries together with timeouts.

#![allow(clippy::unwrap_used)]

mod common;

use common::{drain, flow, play, play_file, step, timeout, to_group};
use ivr::{Action, Builtin, Input, Ivr};

fn menu(extra: &str) -> Ivr {
    let json = format!(
        r#"{{
        "start": "menu",
        "steps": {{
            "menu": {{ "type": "menu", "prompt": {{ "builtin": "ivr-menu" }},
                      "options": {{ "1": "sales", "2": "support" }} {extra} }},
            "sales": {{ "type": "queue", "group_id": 1 }},
            "support": {{ "type": "queue", "group_id": 2 }},
            "sorry": {{ "type": "hangup", "prompt": {{ "file": 99 }} }}
        }}
    }}"#
    );
    let mut ivr = Ivr::new(flow(&json), 0);
    assert_eq!(drain(&mut ivr), [play(Builtin::IvrMenu)]);
    ivr
}

#[test]
fn an_invalid_digit_plays_invalid_input_then_the_menu() {
    let mut ivr = menu("");
    step(&mut ivr, 4_000, Input::PromptFinished);
    assert_eq!(
        step(&mut ivr, 5_000, Input::Digit('7')),
        [play(Builtin::InvalidInput)]
    );
    assert_eq!(
        ivr.poll_timeout(),
        None,
        "no menu timer while invalid-input plays"
    );
    assert_eq!(
        step(&mut ivr, 6_500, Input::PromptFinished),
        [play(Builtin::IvrMenu)]
    );
    step(&mut ivr, 10_000, Input::PromptFinished);
    assert_eq!(step(&mut ivr, 11_000, Input::Digit('2')), [to_group(2)]);
}

#[test]
fn an_invalid_digit_barges_in_on_the_menu_prompt() {
    let mut ivr = menu("");
    assert_eq!(
        step(&mut ivr, 1_000, Input::Digit('*')),
        [Action::StopPrompt, play(Builtin::InvalidInput)]
    );
}

#[test]
fn the_menu_can_have_its_own_invalid_prompt() {
    let mut ivr = menu(r#", "invalid_prompt": { "file": 42 }"#);
    step(&mut ivr, 4_000, Input::PromptFinished);
    assert_eq!(step(&mut ivr, 5_000, Input::Digit('9')), [play_file(42)]);
}

#[test]
fn digits_during_the_invalid_prompt_are_ignored() {
    let mut ivr = menu("");
    step(&mut ivr, 4_000, Input::PromptFinished);
    step(&mut ivr, 5_000, Input::Digit('9'));
    assert_eq!(step(&mut ivr, 5_200, Input::Digit('1')), []);
    assert!(!ivr.finished());
    assert_eq!(
        step(&mut ivr, 6_000, Input::PromptFinished),
        [play(Builtin::IvrMenu)]
    );
}

#[test]
fn invalid_digits_and_timeouts_share_the_retries() {
    let mut ivr = menu(r#", "on_fail": "sorry""#);
    // 1st failure: an invalid digit.
    step(&mut ivr, 4_000, Input::PromptFinished);
    step(&mut ivr, 5_000, Input::Digit('5'));
    assert_eq!(
        step(&mut ivr, 6_000, Input::PromptFinished),
        [play(Builtin::IvrMenu)]
    );
    // 2nd failure: a timeout.
    step(&mut ivr, 10_000, Input::PromptFinished);
    assert_eq!(timeout(&mut ivr, 15_000), [play(Builtin::IvrMenu)]);
    // 3rd failure: an invalid digit; its prompt still plays, then on_fail.
    step(&mut ivr, 19_000, Input::PromptFinished);
    assert_eq!(
        step(&mut ivr, 20_000, Input::Digit('0')),
        [play(Builtin::InvalidInput)]
    );
    assert_eq!(
        step(&mut ivr, 21_000, Input::PromptFinished),
        [play_file(99)]
    );
    assert_eq!(
        step(&mut ivr, 23_000, Input::PromptFinished),
        [Action::Hangup]
    );
    assert!(ivr.finished());
}

#[test]
fn without_on_fail_the_last_invalid_digit_ends_with_goodbye() {
    let mut ivr = menu(r#", "retries": 0"#);
    step(&mut ivr, 4_000, Input::PromptFinished);
    assert_eq!(
        step(&mut ivr, 5_000, Input::Digit('8')),
        [play(Builtin::InvalidInput)]
    );
    assert_eq!(
        step(&mut ivr, 6_000, Input::PromptFinished),
        [play(Builtin::Goodbye)]
    );
    assert_eq!(
        step(&mut ivr, 7_000, Input::PromptFinished),
        [Action::Hangup]
    );
    assert!(ivr.finished());
}
