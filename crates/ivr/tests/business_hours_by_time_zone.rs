//! A business-hours step branches on the local time at `now` in its own time zone: weekdays,
//! opening and closing minutes, holidays, and daylight saving time abroad.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{drain, flow, play, step, utc};
use ivr::{Action, Builtin, Flow, Input, Ivr, Millis};

const OPEN: Action = Action::Route(ivr::Target::Group(1));
const CLOSED: Action = Action::Route(ivr::Target::Group(2));

fn hours(zone: &str, schedule: &str, holidays: &str) -> Arc<Flow> {
    flow(&format!(
        r#"{{
        "start": "hours",
        "steps": {{
            "hours": {{
                "type": "business_hours",
                "time_zone": "{zone}",
                "schedule": {schedule},
                "holidays": {holidays},
                "open": "open",
                "closed": "closed"
            }},
            "open": {{ "type": "queue", "group_id": 1 }},
            "closed": {{ "type": "queue", "group_id": 2 }}
        }}
    }}"#
    ))
}

/// Shanghai office hours, Monday to Friday 09:00–18:00, closed on National Day.
fn shanghai() -> Arc<Flow> {
    hours(
        "Asia/Shanghai",
        r#"[{ "days": [1, 2, 3, 4, 5], "open": "09:00", "close": "18:00" }]"#,
        r#"["2026-10-01"]"#,
    )
}

/// Where a call entering the flow at `now` goes.
fn route(flow: &Arc<Flow>, now: Millis) -> Action {
    let mut ivr = Ivr::new(Arc::clone(flow), now);
    let actions = drain(&mut ivr);
    assert_eq!(actions.len(), 1, "{actions:?}");
    actions[0].clone()
}

/// Beijing time (UTC+8, no daylight saving) as unix ms.
fn beijing(year: i64, month: i64, day: i64, hour: i64, minute: i64) -> Millis {
    utc(year, month, day, hour, minute) - 8 * 3_600_000
}

#[test]
fn the_test_clock_is_right() {
    assert_eq!(utc(1970, 1, 1, 0, 0), 0);
    assert_eq!(utc(2026, 1, 1, 16, 0), 1_767_283_200_000);
}

#[test]
fn a_weekday_is_open_from_the_opening_minute_until_the_closing_minute() {
    let flow = shanghai();
    // Wednesday 2026-09-30.
    assert_eq!(route(&flow, beijing(2026, 9, 30, 8, 59)), CLOSED);
    assert_eq!(route(&flow, beijing(2026, 9, 30, 9, 0)), OPEN);
    assert_eq!(route(&flow, beijing(2026, 9, 30, 13, 30)), OPEN);
    assert_eq!(route(&flow, beijing(2026, 9, 30, 17, 59)), OPEN);
    assert_eq!(route(&flow, beijing(2026, 9, 30, 17, 59) + 59_999), OPEN);
    assert_eq!(route(&flow, beijing(2026, 9, 30, 18, 0)), CLOSED);
    assert_eq!(route(&flow, beijing(2026, 9, 30, 23, 0)), CLOSED);
}

#[test]
fn a_holiday_is_closed_all_day() {
    let flow = shanghai();
    // Thursday 2026-10-01 would be open by the schedule.
    for hour in [0, 9, 12, 17] {
        assert_eq!(
            route(&flow, beijing(2026, 10, 1, hour, 0)),
            CLOSED,
            "{hour}:00"
        );
    }
    // The day after is an ordinary Friday.
    assert_eq!(route(&flow, beijing(2026, 10, 2, 10, 0)), OPEN);
}

#[test]
fn the_weekend_is_closed() {
    let flow = shanghai();
    assert_eq!(
        route(&flow, beijing(2026, 10, 3, 10, 0)),
        CLOSED,
        "Saturday"
    );
    assert_eq!(route(&flow, beijing(2026, 10, 4, 10, 0)), CLOSED, "Sunday");
    assert_eq!(route(&flow, beijing(2026, 10, 5, 10, 0)), OPEN, "Monday");
}

#[test]
fn the_day_is_the_local_day_not_the_utc_day() {
    let flow = hours(
        "Asia/Shanghai",
        r#"[{ "days": [6], "open": "00:00", "close": "02:00" }]"#,
        "[]",
    );
    // Saturday 00:30 in Beijing is still Friday 16:30 in UTC.
    assert_eq!(route(&flow, beijing(2026, 10, 3, 0, 30)), OPEN);
    // Friday 00:30 in Beijing is Thursday in UTC: not a Saturday either way.
    assert_eq!(route(&flow, beijing(2026, 10, 2, 0, 30)), CLOSED);
    // A holiday is a local date too: 2026-10-03 starts at 16:00 UTC on the 2nd.
    let holiday = hours(
        "Asia/Shanghai",
        r#"[{ "days": [6], "open": "00:00", "close": "02:00" }]"#,
        r#"["2026-10-03"]"#,
    );
    assert_eq!(route(&holiday, beijing(2026, 10, 3, 0, 30)), CLOSED);
}

#[test]
fn several_entries_and_midnight_closing() {
    let flow = hours(
        "Asia/Shanghai",
        r#"[
            { "days": [1, 2, 3, 4, 5], "open": "09:00", "close": "12:00" },
            { "days": [1, 2, 3, 4, 5], "open": "13:30", "close": "18:00" },
            { "days": [6], "open": "20:00", "close": "24:00" }
        ]"#,
        "[]",
    );
    assert_eq!(route(&flow, beijing(2026, 9, 30, 11, 59)), OPEN);
    assert_eq!(
        route(&flow, beijing(2026, 9, 30, 12, 30)),
        CLOSED,
        "lunch break"
    );
    assert_eq!(route(&flow, beijing(2026, 9, 30, 13, 30)), OPEN);
    assert_eq!(
        route(&flow, beijing(2026, 10, 3, 23, 59)),
        OPEN,
        "Saturday night"
    );
    assert_eq!(route(&flow, beijing(2026, 10, 4, 0, 0)), CLOSED, "Sunday");
}

#[test]
fn new_york_follows_daylight_saving_time() {
    let flow = hours(
        "America/New_York",
        r#"[{ "days": [1, 2, 3, 4, 5], "open": "09:00", "close": "17:00" }]"#,
        r#"["2026-07-03"]"#,
    );
    // Friday 2026-03-06 is still EST (UTC-5): 09:00 local is 14:00 UTC.
    assert_eq!(route(&flow, utc(2026, 3, 6, 13, 59)), CLOSED);
    assert_eq!(route(&flow, utc(2026, 3, 6, 14, 0)), OPEN);
    assert_eq!(route(&flow, utc(2026, 3, 6, 21, 59)), OPEN);
    assert_eq!(route(&flow, utc(2026, 3, 6, 22, 0)), CLOSED);
    // Monday 2026-03-09 is EDT (UTC-4) after the 8 March change: 09:00 local is 13:00 UTC.
    assert_eq!(route(&flow, utc(2026, 3, 9, 12, 59)), CLOSED);
    assert_eq!(route(&flow, utc(2026, 3, 9, 13, 0)), OPEN);
    assert_eq!(route(&flow, utc(2026, 3, 9, 20, 59)), OPEN);
    assert_eq!(route(&flow, utc(2026, 3, 9, 21, 0)), CLOSED);
    // The same instant is open in New York but evening in Shanghai.
    assert_eq!(route(&shanghai(), utc(2026, 3, 9, 13, 0)), CLOSED);
    // Independence Day observed, a Friday.
    assert_eq!(route(&flow, utc(2026, 7, 3, 15, 0)), CLOSED);
}

#[test]
fn the_hours_are_read_when_the_call_reaches_the_step() {
    let flow = flow(
        r#"{
        "start": "welcome",
        "steps": {
            "welcome": { "type": "play", "prompt": { "builtin": "welcome" }, "next": "hours" },
            "hours": {
                "type": "business_hours",
                "time_zone": "Asia/Shanghai",
                "schedule": [{ "days": [1, 2, 3, 4, 5], "open": "09:00", "close": "18:00" }],
                "open": "open",
                "closed": "closed"
            },
            "open": { "type": "queue", "group_id": 1 },
            "closed": { "type": "hangup", "prompt": { "builtin": "goodbye" } }
        }
    }"#,
    );
    // The call starts a few seconds before closing, the welcome ends after it.
    let mut ivr = Ivr::new(flow, beijing(2026, 9, 30, 17, 59) + 50_000);
    assert_eq!(drain(&mut ivr), [play(Builtin::Welcome)]);
    assert_eq!(
        step(
            &mut ivr,
            beijing(2026, 9, 30, 18, 0) + 5_000,
            Input::PromptFinished
        ),
        [play(Builtin::Goodbye)]
    );
    assert_eq!(
        step(
            &mut ivr,
            beijing(2026, 9, 30, 18, 0) + 8_000,
            Input::PromptFinished
        ),
        [Action::Hangup]
    );
}
