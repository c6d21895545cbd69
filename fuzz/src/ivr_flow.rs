//! An IVR flow as an administrator saves it (`PUT /numbers/{id}/flow`): parsed, validated, its
//! files checked; a flow that validates is then run by the per-call interpreter with digits and
//! timeouts, as a call would.
//!
//! Input: the JSON; after a 0xFF byte, the caller's keys (each byte a digit, `*`, `#`, the end of a
//! prompt, a hang-up or a timeout).

use std::sync::Arc;

use ivr::{Input, Ivr};

/// Runs one input through this target.
pub fn run(data: &[u8]) {
    let (json, keys) = match data.iter().position(|b| *b == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(json) = std::str::from_utf8(json) else {
        return;
    };
    let Ok(flow) = ivr::Flow::parse(json) else {
        return;
    };
    let valid = flow.validate().is_ok();
    let _ = flow.files();
    let _ = flow.check_files(|id| id % 2 == 0);
    let _ = flow.warnings();
    if !valid {
        return;
    }
    let mut now = 0;
    let mut call = Ivr::new(Arc::new(flow), now);
    for &k in keys.iter().take(64) {
        while call.poll_action().is_some() {}
        if call.finished() {
            return;
        }
        match k % 16 {
            d @ 0..12 => call.handle(
                now,
                Input::Digit(char::from(b"0123456789*#"[usize::from(d)])),
            ),
            12 => call.handle(now, Input::PromptFinished),
            13 => call.handle(now, Input::CallerHungUp),
            _ => {
                now = call.poll_timeout().unwrap_or(now).max(now);
                call.handle_timeout(now);
            }
        }
    }
    while call.poll_action().is_some() {}
}
