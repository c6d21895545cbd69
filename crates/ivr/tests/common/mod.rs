//! Helpers for driving the IVR in tests.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::sync::Arc;

use ivr::{Action, Builtin, Flow, Input, Ivr, Millis, Prompt, Target};

/// Parses a flow that must be valid.
pub fn flow(json: &str) -> Arc<Flow> {
    let flow = Flow::parse(json).unwrap();
    if let Err(errors) = flow.validate() {
        panic!("test flow is invalid: {errors:?}");
    }
    Arc::new(flow)
}

/// Every action waiting to be drained.
pub fn drain(ivr: &mut Ivr) -> Vec<Action> {
    std::iter::from_fn(|| ivr.poll_action()).collect()
}

/// Feeds `input` at `now` and returns the actions it caused.
pub fn step(ivr: &mut Ivr, now: Millis, input: Input) -> Vec<Action> {
    ivr.handle(now, input);
    drain(ivr)
}

/// Fires the timeout at `now` and returns the actions it caused.
pub fn timeout(ivr: &mut Ivr, now: Millis) -> Vec<Action> {
    ivr.handle_timeout(now);
    drain(ivr)
}

pub fn play(name: Builtin) -> Action {
    Action::Play(Prompt::builtin(name))
}

pub fn play_file(id: i64) -> Action {
    Action::Play(Prompt::File(id))
}

pub fn to_group(id: i64) -> Action {
    Action::Route(Target::Group(id))
}

/// Unix ms of a UTC wall time (proleptic Gregorian, days-from-civil), computed here without
/// the time zone library under test.
pub fn utc(year: i64, month: i64, day: i64, hour: i64, minute: i64) -> Millis {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    ((days * 24 + hour) * 60 + minute) * 60_000
}
