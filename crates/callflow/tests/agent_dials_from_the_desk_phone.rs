//! The agent dials on the desk phone's own keypad: Patchbay answers the phone's INVITE at once
//! (the phone hears ringback) and calls the customer through the trunk with the enterprise
//! number, as `POST /me/dial` does; the call is the agent's placed call from then on (record,
//! hold, transfer), and either side ending ends the other.

mod common;

use callflow::{AcdOut, Call, LegId, LegRole, MediaOut, Output, PhoneInvite, RoomRef, TransferTo};
use common::*;
use model::calls::{CallDirection, CallEvent, HangupSide};
use sip::sdp::Direction;
use sip::txn::TxnId;

const PHONE_LEG: LegId = LegId(0);
const CUSTOMER: LegId = LegId(1);

fn dialled() -> (Harness, FarEnd) {
    let invite = phone_invite(CUSTOMER_NUMBER, peer_sdp(30_000, Direction::SendRecv));
    let mut s = spec(desk_phone(), None);
    s.from_phone = Some(PhoneInvite {
        invite: invite.clone(),
        txn: TxnId(9),
    });
    let h = Harness::place_from_phone(s);
    let ok = response_to(&h.log, TxnId(9)).expect("the phone's INVITE is answered");
    let phone = FarEnd::caller(invite, &ok, addr(PHONE));
    (h, phone)
}

fn carrier(h: &Harness) -> FarEnd {
    FarEnd::new(
        h.last_sent(CUSTOMER, "INVITE").expect("customer called"),
        addr(CARRIER),
        "carrier",
    )
}

#[test]
fn the_phone_is_answered_hears_ringback_and_the_customer_is_called_with_the_enterprise_number() {
    let (h, _phone) = dialled();
    let ok = response_to(&h.log, TxnId(9)).expect("200");
    assert_eq!(ok.status(), Some(200));
    assert!(!ok.body.is_empty(), "our SDP answer");
    assert!(h.media().iter().any(|m| matches!(
        m,
        MediaOut::StartRtp {
            leg: PHONE_LEG,
            role: LegRole::Agent,
            record: false,
            room: RoomRef(0),
            ..
        }
    )));
    assert!(h.media().iter().any(|m| matches!(
        m,
        MediaOut::RingbackToAgent {
            leg: Some(PHONE_LEG),
            ..
        }
    )));
    let to_carrier = h.last_sent(CUSTOMER, "INVITE").expect("customer called");
    assert_eq!(
        user_in(to_carrier.header("From").expect("From")),
        CALLER_NUMBER
    );
    assert!(matches!(
        &h.records()[..],
        [CallEvent::Started {
            direction: CallDirection::AgentOutbound,
            agent: Some(a),
            callee,
            caller,
            ..
        }] if *a == AGENT && callee == CUSTOMER_NUMBER && caller == CALLER_NUMBER
    ));
    assert_eq!(h.call.agent_sip_leg(), Some(PHONE_LEG));
}

#[test]
fn the_customer_answering_makes_it_a_talking_call_the_agent_can_transfer() {
    let (mut h, _phone) = dialled();
    let c = carrier(&h);
    h.now += 4_000;
    h.respond(
        CUSTOMER,
        c.response(200, "OK", Some(peer_sdp(40_000, Direction::SendRecv))),
    );
    assert!(
        h.records()
            .iter()
            .any(|r| matches!(r, CallEvent::Answered { .. }))
    );
    assert!(h.agent_events().iter().any(|(u, e)| *u == AGENT
        && matches!(e, model::Event::CallConnected { caller, .. } if caller == CUSTOMER_NUMBER)));
    assert!(!h.call.is_placing(), "a talking call like any other");
    assert_eq!(h.call.agent_sip_leg(), Some(PHONE_LEG));
    let now = h.now;
    assert_eq!(
        h.call
            .transfer(now, TransferTo::External("13900139000".to_owned())),
        Ok(())
    );
}

#[test]
fn a_busy_customer_ends_the_call_and_hangs_the_phone_up() {
    let (mut h, _phone) = dialled();
    let c = carrier(&h);
    let out = h.respond(CUSTOMER, c.response(486, "Busy Here", None));
    assert!(h.last_sent(PHONE_LEG, "BYE").is_some(), "{out:#?}");
    assert!(h.records().iter().any(|r| matches!(
        r,
        CallEvent::Ended { failure: Some(f), hangup_side: HangupSide::System, .. } if f == "busy"
    )));
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Acd(AcdOut::DialEnded {
            answered: false,
            ..
        })
    )));
}

#[test]
fn the_phone_hanging_up_while_the_customer_rings_cancels_the_customer() {
    let (mut h, mut phone) = dialled();
    h.now += 2_000;
    let bye = phone.request("BYE", Vec::new());
    let (_, out) = h.request(PHONE_LEG, bye);
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Cancel { leg } if *leg == CUSTOMER)),
        "{out:#?}"
    );
    assert!(h.records().iter().any(|r| matches!(
        r,
        CallEvent::Ended { failure: Some(f), hangup_side: HangupSide::Agent, .. } if f == "cancelled"
    )));
}

#[test]
fn an_invite_with_no_codec_in_common_is_refused_before_any_record() {
    let mut body = String::from_utf8(peer_sdp(30_000, Direction::SendRecv)).expect("sdp");
    body = body
        .replace("RTP/AVP 0 101", "RTP/AVP 18")
        .replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:18 G729/8000");
    let mut s = spec(desk_phone(), None);
    s.from_phone = Some(PhoneInvite {
        invite: phone_invite(CUSTOMER_NUMBER, body.into_bytes()),
        txn: TxnId(9),
    });
    let refused = Call::place_from_phone(1, s, local(), 1).map(|_| ());
    assert_eq!(refused.map_err(|r| r.code), Err(488));
}
