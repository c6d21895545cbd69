//! Validation names every mistake in a flow by step and field; parsing keeps serde's position;
//! warnings point at what is legal but probably a slip.

#![allow(clippy::unwrap_used)]

use ivr::{Flow, FlowError, FlowWarning, Problem};

/// The errors of a flow that parses.
fn errors(json: &str) -> Vec<FlowError> {
    let flow = Flow::parse(json).unwrap();
    flow.validate().unwrap_err()
}

fn missing(target: &str) -> Problem {
    Problem::MissingStep {
        target: target.into(),
    }
}

fn at(step: &str, field: &str, problem: Problem) -> FlowError {
    FlowError::in_step(step, field, problem)
}

/// A flow whose start step `s` is the given step, with `q` a queue to point at.
fn one(step: &str) -> String {
    format!(
        r#"{{ "start": "s", "steps": {{ "s": {step}, "q": {{ "type": "queue", "group_id": 1 }} }} }}"#
    )
}

/// A business-hours step with the given schedule, holidays and zone.
fn hours(zone: &str, schedule: &str, holidays: &str) -> String {
    one(&format!(
        r#"{{ "type": "business_hours", "time_zone": "{zone}", "schedule": {schedule},
             "holidays": {holidays}, "open": "q", "closed": "q" }}"#
    ))
}

fn menu(fields: &str) -> String {
    one(&format!(
        r#"{{ "type": "menu", "prompt": {{ "builtin": "ivr-menu" }}, {fields} }}"#
    ))
}

const WEEK: &str = r#"[{ "days": [1, 2, 3, 4, 5], "open": "09:00", "close": "18:00" }]"#;

#[test]
fn bad_flows_give_the_expected_errors() {
    let table: Vec<(&str, String, Vec<FlowError>)> = vec![
        (
            "missing start step",
            r#"{ "start": "nope", "steps": { "q": { "type": "queue", "group_id": 1 } } }"#.into(),
            vec![FlowError::in_flow("start", missing("nope"))],
        ),
        (
            "unknown next",
            one(r#"{ "type": "play", "prompt": { "file": 3 }, "next": "gone" }"#),
            vec![at("s", "next", missing("gone"))],
        ),
        (
            "unknown option target",
            menu(r#""options": { "1": "q", "2": "gone" }"#),
            vec![at("s", "options.2", missing("gone"))],
        ),
        (
            "unknown on_fail",
            menu(r#""options": { "1": "q" }, "on_fail": "gone""#),
            vec![at("s", "on_fail", missing("gone"))],
        ),
        (
            "unknown open and closed",
            one(
                r#"{ "type": "business_hours", "time_zone": "Asia/Shanghai", "schedule": [],
                     "open": "day", "closed": "night" }"#,
            ),
            vec![
                at("s", "open", missing("day")),
                at("s", "closed", missing("night")),
            ],
        ),
        (
            "bad digit keys",
            menu(r#""options": { "1": "q", "10": "q", "a": "q", "": "q" }"#),
            vec![
                at("s", "options.", Problem::BadDigit { key: "".into() }),
                at("s", "options.10", Problem::BadDigit { key: "10".into() }),
                at("s", "options.a", Problem::BadDigit { key: "a".into() }),
            ],
        ),
        (
            "menu with no options",
            menu(r#""options": {}"#),
            vec![at("s", "options", Problem::NoOptions)],
        ),
        (
            "zero menu timeout",
            menu(r##""options": { "#": "q" }, "timeout_ms": 0"##),
            vec![at("s", "timeout_ms", Problem::ZeroTimeout)],
        ),
        (
            "bad HH:MM",
            hours(
                "Asia/Shanghai",
                r#"[{ "days": [1], "open": "9:00", "close": "24:30" }]"#,
                "[]",
            ),
            vec![
                at(
                    "s",
                    "schedule[0].open",
                    Problem::BadTime {
                        value: "9:00".into(),
                    },
                ),
                at(
                    "s",
                    "schedule[0].close",
                    Problem::BadTime {
                        value: "24:30".into(),
                    },
                ),
            ],
        ),
        (
            "open after close",
            hours(
                "Asia/Shanghai",
                r#"[{ "days": [1], "open": "18:00", "close": "09:00" }]"#,
                "[]",
            ),
            vec![at(
                "s",
                "schedule[0]",
                Problem::OpenNotBeforeClose {
                    open: "18:00".into(),
                    close: "09:00".into(),
                },
            )],
        ),
        (
            "open equal to close",
            hours(
                "Asia/Shanghai",
                r#"[{ "days": [1], "open": "09:00", "close": "18:00" },
                    { "days": [2], "open": "12:00", "close": "12:00" }]"#,
                "[]",
            ),
            vec![at(
                "s",
                "schedule[1]",
                Problem::OpenNotBeforeClose {
                    open: "12:00".into(),
                    close: "12:00".into(),
                },
            )],
        ),
        (
            "weekday outside 1..=7",
            hours(
                "Asia/Shanghai",
                r#"[{ "days": [0, 1, 8], "open": "09:00", "close": "18:00" }]"#,
                "[]",
            ),
            vec![
                at("s", "schedule[0].days", Problem::BadWeekday { day: 0 }),
                at("s", "schedule[0].days", Problem::BadWeekday { day: 8 }),
            ],
        ),
        (
            "no weekdays",
            hours(
                "Asia/Shanghai",
                r#"[{ "days": [], "open": "09:00", "close": "18:00" }]"#,
                "[]",
            ),
            vec![at("s", "schedule[0].days", Problem::NoDays)],
        ),
        (
            "bad holiday dates",
            hours(
                "Asia/Shanghai",
                WEEK,
                r#"["2026-10-01", "2026-02-30", "10/01/2026"]"#,
            ),
            vec![
                at(
                    "s",
                    "holidays[1]",
                    Problem::BadDate {
                        value: "2026-02-30".into(),
                    },
                ),
                at(
                    "s",
                    "holidays[2]",
                    Problem::BadDate {
                        value: "10/01/2026".into(),
                    },
                ),
            ],
        ),
        (
            "unknown time zone",
            hours("Beijing", WEEK, "[]"),
            vec![at(
                "s",
                "time_zone",
                Problem::UnknownTimeZone {
                    zone: "Beijing".into(),
                },
            )],
        ),
        (
            "the placeholder zone",
            hours("Etc/Unknown", WEEK, "[]"),
            vec![at(
                "s",
                "time_zone",
                Problem::UnknownTimeZone {
                    zone: "Etc/Unknown".into(),
                },
            )],
        ),
        (
            "unknown builtin prompt in a play",
            one(r#"{ "type": "play", "prompt": { "builtin": "welcom" }, "next": "q" }"#),
            vec![at(
                "s",
                "prompt",
                Problem::UnknownBuiltin {
                    name: "welcom".into(),
                },
            )],
        ),
        (
            "unknown builtin prompts in a menu",
            menu(r#""options": { "1": "q" }, "invalid_prompt": { "builtin": "oops" }"#)
                .replace("ivr-menu", "menu"),
            vec![
                at(
                    "s",
                    "prompt",
                    Problem::UnknownBuiltin {
                        name: "menu".into(),
                    },
                ),
                at(
                    "s",
                    "invalid_prompt",
                    Problem::UnknownBuiltin {
                        name: "oops".into(),
                    },
                ),
            ],
        ),
        (
            "unknown builtin prompt in a hangup",
            one(r#"{ "type": "hangup", "prompt": { "builtin": "bye" } }"#),
            vec![at(
                "s",
                "prompt",
                Problem::UnknownBuiltin { name: "bye".into() },
            )],
        ),
        (
            "empty external number",
            one(r#"{ "type": "external", "number": " " }"#),
            vec![at("s", "number", Problem::BadNumber)],
        ),
        (
            "an external number carrying a SIP header",
            one(r#"{ "type": "external", "number": "13900139000\r\nX-Evil: 1" }"#),
            vec![at("s", "number", Problem::BadNumber)],
        ),
        (
            "an external number that is a URI",
            one(r#"{ "type": "external", "number": "1390@evil.example;x=y" }"#),
            vec![at("s", "number", Problem::BadNumber)],
        ),
        (
            "play steps in a loop",
            r#"{ "start": "a", "steps": {
                "a": { "type": "play", "prompt": { "file": 1 }, "next": "b" },
                "b": { "type": "play", "prompt": { "file": 2 }, "next": "a" } } }"#
                .into(),
            vec![at(
                "a",
                "next",
                Problem::Loop {
                    path: vec!["a".into(), "b".into(), "a".into()],
                },
            )],
        ),
        (
            "a play step that leads to itself",
            one(r#"{ "type": "play", "prompt": { "file": 1 }, "next": "s" }"#),
            vec![at(
                "s",
                "next",
                Problem::Loop {
                    path: vec!["s".into(), "s".into()],
                },
            )],
        ),
        (
            "business hours in a loop",
            r#"{ "start": "day", "steps": {
                "day": { "type": "business_hours", "time_zone": "Asia/Shanghai", "schedule": [],
                         "open": "q", "closed": "night" },
                "night": { "type": "business_hours", "time_zone": "Asia/Shanghai", "schedule": [],
                           "open": "q", "closed": "day" },
                "q": { "type": "queue", "group_id": 1 } } }"#
                .into(),
            vec![at(
                "day",
                "closed",
                Problem::Loop {
                    path: vec!["day".into(), "night".into(), "day".into()],
                },
            )],
        ),
        (
            "a menu that fails over to itself",
            menu(r#""options": { "1": "q" }, "on_fail": "s""#),
            vec![at(
                "s",
                "on_fail",
                Problem::Loop {
                    path: vec!["s".into(), "s".into()],
                },
            )],
        ),
    ];
    for (name, json, expected) in table {
        assert_eq!(errors(&json), expected, "{name}");
    }
}

#[test]
fn every_mistake_is_reported_at_once_in_step_order() {
    let json = r#"{ "start": "x", "steps": {
        "b": { "type": "play", "prompt": { "builtin": "nope" }, "next": "gone" },
        "a": { "type": "menu", "prompt": { "file": 1 }, "options": { "x": "b" }, "timeout_ms": 0 }
    } }"#;
    assert_eq!(
        errors(json),
        [
            FlowError::in_flow("start", missing("x")),
            at("a", "options.x", Problem::BadDigit { key: "x".into() }),
            at("a", "timeout_ms", Problem::ZeroTimeout),
            at(
                "b",
                "prompt",
                Problem::UnknownBuiltin {
                    name: "nope".into()
                }
            ),
            at("b", "next", missing("gone")),
        ]
    );
}

#[test]
fn errors_read_as_english_naming_step_and_field() {
    let messages: Vec<String> = errors(
        r#"{ "start": "x", "steps": {
        "m": { "type": "menu", "prompt": { "file": 1 }, "options": { "5": "gone" } },
        "h": { "type": "business_hours", "time_zone": "Mars/Base", "open": "m", "closed": "m",
               "schedule": [{ "days": [9], "open": "18:00", "close": "09:00" }] },
        "p": { "type": "play", "prompt": { "file": 1 }, "next": "p" }
    } }"#,
    )
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        messages,
        [
            r#"start: no step is named "x""#,
            r#"step "h", time_zone: "Mars/Base" is not an IANA time zone name such as "Asia/Shanghai""#,
            r#"step "h", schedule[0].days: 9 is not an ISO weekday (1 = Monday … 7 = Sunday)"#,
            "step \"h\", schedule[0]: opens at 18:00 and closes at 09:00: the opening time must come \
             before the closing time (split hours past midnight into two entries)",
            r#"step "m", options.5: no step is named "gone""#,
            r#"step "p", next: the steps p → p loop forever without waiting for the caller's input"#,
        ]
    );
}

#[test]
fn a_menu_option_back_to_the_start_is_not_a_loop() {
    let flow = Flow::parse(
        r#"{ "start": "hello", "steps": {
        "hello": { "type": "play", "prompt": { "builtin": "welcome" }, "next": "menu" },
        "menu": { "type": "menu", "prompt": { "builtin": "ivr-menu" },
                  "options": { "9": "hello", "1": "q" }, "on_fail": "q" },
        "q": { "type": "queue", "group_id": 1 }
    } }"#,
    )
    .unwrap();
    assert_eq!(flow.validate(), Ok(()));
    assert_eq!(flow.warnings(), []);
}

#[test]
fn parse_errors_carry_the_line_and_column() {
    let cases = [
        (
            "syntax",
            "{\n  \"start\": \"a\",\n  \"steps\": {,}\n}",
            3,
            "key must be a string",
        ),
        (
            "unknown field in a step",
            "{ \"start\": \"a\", \"steps\": {\n \"a\": { \"type\": \"play\", \"prompt\": { \"file\": 1 }, \"nxt\": \"a\" } } }",
            2,
            "unknown field `nxt`",
        ),
        (
            "unknown field in the flow",
            "{ \"start\": \"a\", \"steps\": {}, \"version\": 2 }",
            1,
            "unknown field `version`",
        ),
        (
            "unknown step type",
            "{ \"start\": \"a\", \"steps\": { \"a\": { \"type\": \"voicemail\" } } }",
            1,
            "unknown variant `voicemail`",
        ),
        (
            "missing field",
            "{ \"start\": \"a\", \"steps\": {\n\n \"a\": { \"type\": \"queue\" } } }",
            3,
            "missing field `group_id`",
        ),
        (
            "prompt of neither kind",
            "{ \"start\": \"a\", \"steps\": { \"a\": { \"type\": \"hangup\", \"prompt\": { \"tts\": \"hi\" } } } }",
            1,
            "unknown variant `tts`",
        ),
    ];
    for (name, json, line, words) in cases {
        let error = Flow::parse(json).unwrap_err();
        let Problem::Json {
            message,
            line: l,
            column,
        } = &error.problem
        else {
            panic!("{name}: {error:?}");
        };
        assert_eq!(*l, line, "{name}: {message}");
        assert!(*column > 0, "{name}");
        assert!(message.contains(words), "{name}: {message}");
        assert!(
            message.contains(&format!("at line {line} column {column}")),
            "{name}: {message}"
        );
        assert!(
            error.to_string().starts_with("invalid flow JSON: "),
            "{name}"
        );
        assert_eq!(error.step, None, "{name}");
    }
}

#[test]
fn optional_fields_take_their_defaults() {
    let flow = Flow::parse(&menu(r#""options": { "1": "q" }"#)).unwrap();
    let Some(ivr::Step::Menu(menu)) = flow.steps.get("s") else {
        panic!("{flow:?}");
    };
    assert_eq!((menu.timeout_ms, menu.retries), (5_000, 2));
    assert_eq!((&menu.invalid_prompt, &menu.on_fail), (&None, &None));
    let flow = Flow::parse(&one(r#"{ "type": "hangup" }"#)).unwrap();
    assert_eq!(flow.steps["s"], ivr::Step::Hangup { prompt: None });
    let flow = Flow::parse(&one(
        r#"{ "type": "business_hours", "time_zone": "UTC", "schedule": [], "open": "q", "closed": "q" }"#,
    ))
    .unwrap();
    let Some(ivr::Step::BusinessHours(hours)) = flow.steps.get("s") else {
        panic!("{flow:?}");
    };
    assert!(hours.holidays.is_empty());
}

#[test]
fn warnings_name_unreachable_steps_and_hours_that_never_open() {
    let flow = Flow::parse(
        r#"{ "start": "h", "steps": {
        "h": { "type": "business_hours", "time_zone": "Asia/Shanghai", "schedule": [],
               "open": "q", "closed": "q" },
        "q": { "type": "queue", "group_id": 1 },
        "old": { "type": "play", "prompt": { "file": 4 }, "next": "older" },
        "older": { "type": "hangup" }
    } }"#,
    )
    .unwrap();
    assert_eq!(flow.validate(), Ok(()), "warnings are not errors");
    let warnings = flow.warnings();
    assert_eq!(
        warnings,
        [
            FlowWarning::AlwaysClosed { step: "h".into() },
            FlowWarning::Unreachable { step: "old".into() },
            FlowWarning::Unreachable {
                step: "older".into()
            },
        ]
    );
    assert_eq!(
        warnings[1].to_string(),
        r#"step "old" can never be reached from the start step"#
    );
}
