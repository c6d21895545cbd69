//! A menu waits `timeout_ms` after its prompt has finished, replays itself `retries` times and
//! then takes `on_fail`, or says goodbye and hangs up.

#![allow(clippy::unwrap_used)]

mod common;

use common::{drain, flow, play, play_file, step, timeout, to_group};
use ivr::{Action, Builtin, Input, Ivr};

fn menu(extra: &str) -> Ivr {
    let json = format!(
        r#"{{
        "start": "menu",
        "steps": {{
            "menu": {{ "type": "menu", "prompt": {{ "file": 1 }}, "options": {{ "1": "sales" }} {extra} }},
            "sales": {{ "type": "queue", "group_id": 5 }},
            "operator": {{ "type": "agent", "user_id": 9 }}
        }}
    }}"#
    );
    let mut ivr = Ivr::new(flow(&json), 0);
    assert_eq!(drain(&mut ivr), [play_file(1)]);
    ivr
}

#[test]
fn the_timeout_starts_when_the_prompt_has_finished() {
    let mut ivr = menu("");
    assert_eq!(ivr.poll_timeout(), None, "no timer while the prompt plays");
    step(&mut ivr, 7_000, Input::PromptFinished);
    assert_eq!(
        ivr.poll_timeout(),
        Some(12_000),
        "default 5 s after the prompt"
    );
    assert_eq!(
        timeout(&mut ivr, 11_999),
        [],
        "a wake-up before the deadline does nothing"
    );
    assert_eq!(ivr.poll_timeout(), Some(12_000));
    assert_eq!(timeout(&mut ivr, 12_000), [play_file(1)]);
    assert_eq!(
        ivr.poll_timeout(),
        None,
        "replaying: no timer until it has finished"
    );
}

#[test]
fn by_default_the_menu_plays_three_times_then_says_goodbye() {
    let mut ivr = menu("");
    let mut t = 0;
    for replay in 0..2 {
        t += 4_000;
        step(&mut ivr, t, Input::PromptFinished);
        t += 5_000;
        assert_eq!(ivr.poll_timeout(), Some(t));
        assert_eq!(timeout(&mut ivr, t), [play_file(1)], "replay {replay}");
    }
    step(&mut ivr, t + 4_000, Input::PromptFinished);
    assert_eq!(timeout(&mut ivr, t + 9_000), [play(Builtin::Goodbye)]);
    assert!(!ivr.finished(), "still saying goodbye");
    assert_eq!(
        step(&mut ivr, t + 9_500, Input::Digit('1')),
        [],
        "too late to choose"
    );
    assert_eq!(
        step(&mut ivr, t + 11_000, Input::PromptFinished),
        [Action::Hangup]
    );
    assert!(ivr.finished());
    assert_eq!(ivr.poll_timeout(), None);
}

#[test]
fn after_the_retries_the_call_takes_on_fail() {
    let mut ivr = menu(r#", "timeout_ms": 3000, "retries": 1, "on_fail": "operator""#);
    step(&mut ivr, 1_000, Input::PromptFinished);
    assert_eq!(ivr.poll_timeout(), Some(4_000));
    assert_eq!(timeout(&mut ivr, 4_000), [play_file(1)]);
    step(&mut ivr, 5_000, Input::PromptFinished);
    assert_eq!(
        timeout(&mut ivr, 8_000),
        [Action::Route(ivr::Target::Agent(9))]
    );
    assert!(ivr.finished());
}

#[test]
fn no_retries_gives_up_at_the_first_timeout() {
    let mut ivr = menu(r#", "retries": 0, "on_fail": "sales""#);
    step(&mut ivr, 1_000, Input::PromptFinished);
    assert_eq!(timeout(&mut ivr, 6_000), [to_group(5)]);
}

#[test]
fn a_digit_before_the_deadline_cancels_the_timeout() {
    let mut ivr = menu("");
    step(&mut ivr, 1_000, Input::PromptFinished);
    assert_eq!(step(&mut ivr, 5_999, Input::Digit('1')), [to_group(5)]);
    assert_eq!(ivr.poll_timeout(), None);
    assert_eq!(timeout(&mut ivr, 6_000), []);
}

#[test]
fn a_replayed_menu_still_takes_its_digits() {
    let mut ivr = menu("");
    step(&mut ivr, 1_000, Input::PromptFinished);
    timeout(&mut ivr, 6_000);
    assert_eq!(
        step(&mut ivr, 6_500, Input::Digit('1')),
        [Action::StopPrompt, to_group(5)]
    );
}

#[test]
fn a_caller_who_hangs_up_while_waiting_leaves_no_timer() {
    let mut ivr = menu("");
    step(&mut ivr, 1_000, Input::PromptFinished);
    assert_eq!(step(&mut ivr, 2_000, Input::CallerHungUp), []);
    assert!(ivr.finished());
    assert_eq!(ivr.poll_timeout(), None);
    assert_eq!(timeout(&mut ivr, 6_000), []);
}
