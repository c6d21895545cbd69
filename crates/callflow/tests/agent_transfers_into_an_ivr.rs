//! Blind transfer into an IVR entry (a number's menu): the agent's part ends as with any
//! transfer, and the customer goes through the flow from its start, then wherever it routes.

mod common;

use std::sync::Arc;

use callflow::{AcdOut, CallError, ConsultTo, Input, MediaOut, Output, Sound};
use common::*;
use model::UserId;
use model::calls::CallEvent;

fn demo_flow() -> Arc<ivr::Flow> {
    Arc::new(ivr::Flow::demo(SALES.0, SUPPORT.0))
}

#[test]
fn the_customer_goes_through_the_flow_and_queues_where_it_routes() {
    let (mut h, _customer, _phone) = bridged();
    h.now += 30_000;
    let now = h.now;
    h.call
        .transfer_to_ivr(now, demo_flow())
        .expect("transferred");
    let out = h.drain();
    assert!(
        h.last_sent(FIRST_RING, "BYE").is_some(),
        "the agent's phone is hung up"
    );
    assert!(
        out.contains(&Output::Acd(AcdOut::Hangup)),
        "after-call work"
    );
    assert!(
        out.iter().any(|o| matches!(
            o,
            Output::Media(MediaOut::Play {
                sound: Sound::Prompt(_),
                ..
            })
        )),
        "the flow's first prompt plays: {out:#?}"
    );
    assert!(h.records().iter().any(|r| matches!(
        r,
        CallEvent::Segment { agent, transferred: true, .. } if *agent == AGENT
    )));
    assert_eq!(h.call.agent(), None);
    // The caller picks support.
    h.input(4_000, Input::PromptFinished);
    let out = h.input(1_000, Input::Digit('2'));
    assert!(
        out.contains(&Output::Acd(AcdOut::Enqueue { group: SUPPORT })),
        "{out:#?}"
    );
}

#[test]
fn only_a_talking_agent_without_a_consult_may_transfer_into_a_flow() {
    let (mut q, _c) = queued();
    let now = q.now;
    assert_eq!(
        q.call.transfer_to_ivr(now, demo_flow()),
        Err(CallError::NotTalking)
    );
    let (mut h, _c, _p) = bridged();
    let now = h.now;
    h.call
        .consult(now, ConsultTo::Agent(UserId(8)))
        .expect("consult");
    assert_eq!(
        h.call.transfer_to_ivr(now, demo_flow()),
        Err(CallError::InConsult)
    );
}
