//! A campaign call (progressive dialing) to an agent on a desk phone calls the customer first;
//! when the customer answers, the phone is called with `Call-Info: answer-after=0` (it answers
//! by itself) and shows the number as the campaign allows; the two then talk. A phone that
//! cannot be joined ends the answered call without a failure in the record.

mod common;

use callflow::{CampaignTag, LegId, Output};
use common::*;
use model::calls::{CallEvent, HangupSide};
use sip::sdp::Direction;

const CUSTOMER: LegId = LegId(0);
const PHONE_LEG: LegId = LegId(1);

fn campaign_call() -> Harness {
    let mut s = spec(desk_phone(), None);
    s.campaign = Some(CampaignTag {
        customer: 31,
        shown_number: "1380013****".to_owned(),
        pop: Default::default(),
    });
    Harness::place(s)
}

fn customer_answers(h: &mut Harness) -> FarEnd {
    let carrier = FarEnd::new(
        h.last_sent(CUSTOMER, "INVITE")
            .expect("the customer is called first"),
        addr(CARRIER),
        "carrier",
    );
    h.now += 6_000;
    h.respond(
        CUSTOMER,
        carrier.response(200, "OK", Some(peer_sdp(40_000, Direction::SendRecv))),
    );
    carrier
}

#[test]
fn the_customer_is_called_before_the_phone_rings() {
    let h = campaign_call();
    assert!(h.last_sent(CUSTOMER, "INVITE").is_some());
    assert!(h.last_sent(PHONE_LEG, "INVITE").is_none(), "no phone yet");
    assert!(h.call.is_placing());
}

#[test]
fn the_answer_joins_the_phone_which_answers_by_itself_and_shows_the_masked_number() {
    let mut h = campaign_call();
    customer_answers(&mut h);
    let answered_at = h.now;
    assert!(
        h.records()
            .iter()
            .any(|r| matches!(r, CallEvent::Answered { at, .. } if *at == answered_at))
    );
    let invite = h
        .last_sent(PHONE_LEG, "INVITE")
        .expect("the phone is joined");
    assert_eq!(
        invite.header("Call-Info"),
        Some("<sip:patchbay>;answer-after=0")
    );
    let from = invite.header("From").expect("From");
    assert!(from.contains("1380013****"), "{from}");
    assert!(!from.contains(CUSTOMER_NUMBER), "{from}");
    assert!(
        !h.media()
            .iter()
            .any(|m| matches!(m, callflow::MediaOut::RingbackToAgent { .. })),
        "no ringback: the customer is already there"
    );

    let phone = FarEnd::new(invite, addr(PHONE), "phone");
    h.now += 300;
    h.respond(
        PHONE_LEG,
        phone.response(200, "OK", Some(peer_sdp(30_000, Direction::SendRecv))),
    );
    assert!(!h.call.is_placing(), "a talking call");
    let connected: Vec<String> = h
        .agent_events()
        .into_iter()
        .filter_map(|(u, e)| match e {
            model::Event::CallConnected { caller, .. } if u == AGENT => Some(caller),
            _ => None,
        })
        .collect();
    assert_eq!(connected, ["1380013****"]);
    let answers = h
        .records()
        .iter()
        .filter(|r| matches!(r, CallEvent::Answered { .. }))
        .count();
    assert_eq!(answers, 1, "answered once, when the customer did");
}

#[test]
fn a_phone_that_cannot_be_joined_ends_the_answered_call_without_a_failure() {
    let mut h = campaign_call();
    customer_answers(&mut h);
    let phone = FarEnd::new(
        h.last_sent(PHONE_LEG, "INVITE")
            .expect("the phone is joined"),
        addr(PHONE),
        "phone",
    );
    let out = h.respond(PHONE_LEG, phone.response(486, "Busy Here", None));
    assert!(h.last_sent(CUSTOMER, "BYE").is_some(), "{out:#?}");
    assert!(h.records().iter().any(|r| matches!(
        r,
        CallEvent::Ended {
            failure: None,
            hangup_side: HangupSide::System,
            ..
        }
    )));
}

#[test]
fn the_customer_hanging_up_while_the_phone_joins_records_no_failure() {
    let mut h = campaign_call();
    let mut carrier = customer_answers(&mut h);
    let (_, out) = h.request(CUSTOMER, carrier.request("BYE", Vec::new()));
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Cancel { leg } if *leg == PHONE_LEG)),
        "the phone's INVITE is cancelled: {out:#?}"
    );
    assert!(h.records().iter().any(|r| matches!(
        r,
        CallEvent::Ended {
            failure: None,
            hangup_side: HangupSide::Customer,
            ..
        }
    )));
}
