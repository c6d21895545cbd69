//! A web widget visitor's call: the engine holds the WebRTC session, so the call starts the
//! visitor's media, its keypad's digits drive the IVR, and the visitor hanging up ends it;
//! no SIP is ever sent for the visitor.

mod common;

use callflow::{AcdOut, Customer, Input, MediaOut, Output, RoomRef};
use common::*;
use model::calls::{CallDirection, CallEvent, HangupSide};

#[test]
fn a_widget_visitor_gets_media_the_ivr_and_a_queue_without_sip() {
    let mut h = Harness::answer(inbound(Customer::Widget, demo_ivr()));
    assert!(h.log.contains(&Output::Media(MediaOut::StartVisitor {
        leg: CUSTOMER_LEG,
        room: RoomRef(0),
    })));
    assert!(matches!(
        &h.records()[..],
        [CallEvent::Started {
            direction: CallDirection::Inbound,
            ..
        }]
    ));
    assert_eq!(
        h.call.customer_media().map(|(leg, _)| leg),
        Some(CUSTOMER_LEG)
    );
    h.input(4_000, Input::PromptFinished);
    let out = h.input(1_000, Input::Digit('2'));
    assert!(out.contains(&Output::Acd(AcdOut::Enqueue { group: SUPPORT })));
    h.input(
        10,
        Input::Enqueued {
            group: Some(SUPPORT),
            survey: None,
        },
    );
    let out = h.input(
        30_000,
        Input::Hangup {
            by: HangupSide::Customer,
        },
    );
    assert!(out.contains(&Output::Acd(AcdOut::Abandon)));
    assert!(out.contains(&Output::Media(MediaOut::RemoveLeg { leg: CUSTOMER_LEG })));
    assert!(h.records().iter().any(|e| matches!(
        e,
        CallEvent::Ended {
            hangup_side: HangupSide::Customer,
            ..
        }
    )));
    assert_eq!(ends(&h), (1, 1));
    assert!(
        !h.log.iter().any(|o| matches!(
            o,
            Output::SendRequest { .. }
                | Output::Respond { .. }
                | Output::SendAck { .. }
                | Output::DialogUp { .. }
        )),
        "no SIP for a visitor"
    );
}

#[test]
fn a_widget_visitor_bridged_with_a_desk_phone_hangs_up() {
    let mut h = Harness::answer(inbound(Customer::Widget, demo_ivr()));
    press_1_and_queue(&mut h);
    let phone = ring_phone(&mut h);
    answer_phone(&mut h, &phone);
    assert_eq!(h.call.agent(), Some(AGENT));
    h.input(
        30_000,
        Input::Hangup {
            by: HangupSide::Customer,
        },
    );
    assert!(h.last_sent(FIRST_RING, "BYE").is_some());
    assert_eq!(h.legs(), [FIRST_RING], "SIP only to the phone");
    assert_eq!(ends(&h), (1, 1));
}
