//! The phone bar shows a call from the call's own events (connected, ended) and the agent's
//! state from the presence the ACD publishes: the call's event must come first, or the phone
//! bar sees "after-call work" for a call it still shows as talking and never shows it ended.

mod common;

use callflow::{AcdOut, Input, Output};
use common::*;
use model::calls::HangupSide;

/// Where the first output matching `f` is among `out`.
fn position(out: &[Output], f: impl Fn(&Output) -> bool) -> usize {
    out.iter().position(f).expect("the output is there")
}

#[test]
fn call_connected_reaches_the_agent_before_the_acd_hears_of_the_answer() {
    let (mut h, _customer, phone) = phone_ringing();
    let out = answer_phone(&mut h, &phone);
    let connected = position(&out, |o| {
        matches!(
            o,
            Output::Agent {
                event: model::Event::CallConnected { .. },
                ..
            }
        )
    });
    let answer = position(&out, |o| matches!(o, Output::Acd(AcdOut::Answer { .. })));
    assert!(connected < answer, "{out:#?}");
}

#[test]
fn call_ended_reaches_the_agent_before_the_acd_starts_after_call_work() {
    let (mut h, _customer, _phone) = bridged();
    let by = HangupSide::Agent;
    let out = h.input(1_000, Input::Hangup { by });
    let ended = position(&out, |o| {
        matches!(
            o,
            Output::Agent {
                event: model::Event::CallEnded { .. },
                ..
            }
        )
    });
    let hangup = position(&out, |o| matches!(o, Output::Acd(AcdOut::Hangup)));
    assert!(ended < hangup, "{out:#?}");
}
