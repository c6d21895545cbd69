//! A flow lists the uploaded prompts it plays by step and field, and `check_files` names each
//! one the enterprise does not have.

#![allow(clippy::unwrap_used)]

use ivr::{Flow, FlowError, Problem};

const FLOW: &str = r#"{ "start": "hi", "steps": {
    "hi": { "type": "play", "prompt": { "file": 4 }, "next": "menu" },
    "menu": { "type": "menu", "prompt": { "builtin": "ivr-menu" }, "invalid_prompt": { "file": 9 },
              "options": { "1": "q", "2": "bye" } },
    "q": { "type": "queue", "group_id": 1 },
    "bye": { "type": "hangup", "prompt": { "file": 4 } } } }"#;

#[test]
fn files_are_listed_with_their_step_and_field() {
    let flow = Flow::parse(FLOW).unwrap();
    assert_eq!(
        flow.files(),
        [
            ("bye", "prompt", 4),
            ("hi", "prompt", 4),
            ("menu", "invalid_prompt", 9)
        ]
    );
    assert!(
        flow.validate().is_ok(),
        "ids are not checked without the prompts"
    );
}

#[test]
fn unknown_files_are_named_by_step_and_field() {
    let flow = Flow::parse(FLOW).unwrap();
    assert!(flow.check_files(|id| id == 4 || id == 9).is_empty());
    let errors = flow.check_files(|id| id == 4);
    assert_eq!(
        errors,
        [FlowError::in_step(
            "menu",
            "invalid_prompt",
            Problem::UnknownFile { id: 9 }
        )]
    );
    assert_eq!(
        errors[0].to_string(),
        "step \"menu\", invalid_prompt: no uploaded prompt has id 9: upload it under Prompts (语音文件) and use its id"
    );
}
