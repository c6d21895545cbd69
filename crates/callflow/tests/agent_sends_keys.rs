//! The agent's keypad: keys go to the customer's side as telephone events once the customer is
//! on the line, on placed and inbound calls alike, and are refused before.

mod common;

use callflow::{CallError, LegId, MediaOut, Output};
use common::*;

fn digits_sent(out: &[Output]) -> Vec<(LegId, String)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Media(MediaOut::Digits { leg, digits }) => Some((*leg, digits.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn keys_reach_the_customer_of_a_placed_call_once_it_answered() {
    let (mut ringing, ..) = customer_ringing();
    assert_eq!(ringing.call.send_digits("1"), Err(CallError::NotTalking));
    let (mut h, ..) = connected();
    h.call.send_digits("12#").expect("sent");
    assert_eq!(digits_sent(&h.drain()), [(LegId(1), "12#".to_owned())]);
}

#[test]
fn keys_reach_the_customer_of_an_inbound_call_the_agent_talks_on() {
    let (mut q, _c) = queued();
    assert_eq!(q.call.send_digits("5"), Err(CallError::NotTalking));
    let (mut h, _c, _p) = bridged();
    h.call.send_digits("*0").expect("sent");
    assert_eq!(digits_sent(&h.drain()), [(CUSTOMER_LEG, "*0".to_owned())]);
}
