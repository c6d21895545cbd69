//! A desk phone's own transfer key (REFER, RFC 3515): accepted with 202, carried out by the
//! engine as a blind transfer, and the phone told how it went by NOTIFY (sipfrag) — success
//! before its BYE, failure with the call left as it was. REFERs from anyone but the talking agent
//! are refused. (Attended transfer, REFER with Replaces, is in
//! `agent_consults_and_transfers_with_the_desk_phones_keys`.)

mod common;

use callflow::{Input, LegId, Output, TransferTo};
use common::*;
use model::UserId;

const COLLEAGUE: UserId = UserId(8);
const AGENT_LEG: LegId = FIRST_RING;

#[test]
fn the_phones_transfer_key_transfers_and_the_phone_hears_it_worked_before_its_bye() {
    let (mut h, _customer, mut phone) = bridged();
    let (txn, out) = h.request(AGENT_LEG, refer(&mut phone, "<sip:1002@127.0.0.1:5060>"));
    let accepted = response_to(&out, txn).expect("answered");
    assert_eq!(accepted.status(), Some(202));
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Refer { target } if target == "sip:1002@127.0.0.1:5060")),
        "the engine is asked to resolve the target: {out:#?}"
    );
    // The engine found colleague 1002 and transfers.
    let now = h.now;
    h.call
        .transfer(now, TransferTo::Agent(COLLEAGUE))
        .expect("transferred");
    h.drain();
    assert_eq!(notifies(&h, AGENT_LEG), ["SIP/2.0 200 OK"]);
    let sent: Vec<&str> = h
        .log
        .iter()
        .filter_map(|o| match o {
            Output::SendRequest { leg, msg, .. } if *leg == AGENT_LEG => msg.method(),
            _ => None,
        })
        .collect();
    let notify = sent.iter().position(|m| *m == "NOTIFY").unwrap();
    let bye = sent
        .iter()
        .position(|m| *m == "BYE")
        .expect("the phone is hung up");
    assert!(notify < bye, "NOTIFY before BYE: {sent:?}");
    assert_eq!(h.call.agent(), None, "the customer waits for the colleague");
}

#[test]
fn a_transfer_that_cannot_be_made_leaves_the_call_and_tells_the_phone_why() {
    let (mut h, _customer, mut phone) = bridged();
    h.request(AGENT_LEG, refer(&mut phone, "<sip:1002@127.0.0.1>"));
    h.call.refer_failed(486, "Busy Here");
    h.drain();
    assert_eq!(notifies(&h, AGENT_LEG), ["SIP/2.0 486 Busy Here"]);
    assert_eq!(h.call.agent(), Some(AGENT));
    assert!(h.last_sent(AGENT_LEG, "BYE").is_none());
    // The phone may try again.
    let (_, out) = h.request(AGENT_LEG, refer(&mut phone, "<sip:13900139000@127.0.0.1>"));
    assert!(out.iter().any(|o| matches!(o, Output::Refer { .. })));
}

#[test]
fn a_refer_without_refer_to_is_a_400() {
    let (mut h, _customer, mut phone) = bridged();
    let r = phone.request("REFER", Vec::new());
    let (txn, out) = h.request(AGENT_LEG, r);
    assert_eq!(response_to(&out, txn).and_then(|r| r.status()), Some(400));
}

#[test]
fn the_customer_cannot_transfer_the_call() {
    let (mut h, mut customer, _phone) = bridged();
    let (txn, out) = h.request(CUSTOMER_LEG, refer(&mut customer, "<sip:1002@127.0.0.1>"));
    assert_eq!(response_to(&out, txn).and_then(|r| r.status()), Some(202));
    assert!(!out.iter().any(|o| matches!(o, Output::Refer { .. })));
    assert_eq!(notifies(&h, CUSTOMER_LEG), ["SIP/2.0 603 Declined"]);
    let _ = Input::Digit('1');
}
