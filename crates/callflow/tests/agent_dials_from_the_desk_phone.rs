//! The agent dials on the desk phone's own keypad: Patchbay gives the phone's INVITE early media
//! at once (183 with our SDP: the phone hears ringback) and calls the customer through the trunk
//! with the enterprise number, as `POST /me/dial` does. The phone gets its 200 OK when the
//! customer answers, and a failure as the final response a phone shows (486 for a busy line);
//! the call is the agent's placed call from then on (record, hold, transfer), and either side
//! ending ends the other.

mod common;

use callflow::{AcdOut, Call, LegId, LegRole, MediaOut, Output, PhoneInvite, RoomRef, TransferTo};
use common::*;
use model::calls::{CallDirection, CallEvent, HangupSide};
use sip::msg::{Message, StartLine};
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
    let progress = response_to(&h.log, TxnId(9)).expect("the phone's INVITE gets early media");
    let phone = FarEnd::caller(invite, &progress, addr(PHONE));
    (h, phone)
}

/// Every response sent on the phone's INVITE transaction, in order.
fn to_the_phone(h: &Harness) -> Vec<(u16, String)> {
    h.log
        .iter()
        .filter_map(|o| match o {
            Output::Respond { txn, msg } if *txn == TxnId(9) => match &msg.start {
                StartLine::Response { code, reason } => Some((*code, reason.clone())),
                StartLine::Request { .. } => None,
            },
            _ => None,
        })
        .collect()
}

fn carrier(h: &Harness) -> FarEnd {
    FarEnd::new(
        h.last_sent(CUSTOMER, "INVITE").expect("customer called"),
        addr(CARRIER),
        "carrier",
    )
}

#[test]
fn the_phone_gets_early_media_hears_ringback_and_the_customer_is_called_with_the_enterprise_number()
{
    let (h, _phone) = dialled();
    let progress = response_to(&h.log, TxnId(9)).expect("183");
    assert_eq!(to_the_phone(&h), [(183, "Session Progress".to_owned())]);
    assert!(!progress.body.is_empty(), "our SDP answer, as early media");
    assert!(progress.tag("To").is_some(), "an early dialog");
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
fn the_customer_answering_answers_the_phone_and_makes_it_a_talking_call_the_agent_can_transfer() {
    let (mut h, phone) = dialled();
    let c = carrier(&h);
    h.now += 4_000;
    h.respond(CUSTOMER, c.response(180, "Ringing", None));
    assert_eq!(
        to_the_phone(&h).len(),
        1,
        "no answer while the customer rings"
    );
    h.respond(
        CUSTOMER,
        c.response(200, "OK", Some(peer_sdp(40_000, Direction::SendRecv))),
    );
    let phone_heard = to_the_phone(&h);
    assert_eq!(
        phone_heard.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        [183, 200]
    );
    let responses: Vec<&Message> = h
        .log
        .iter()
        .filter_map(|o| match o {
            Output::Respond { txn, msg } if *txn == TxnId(9) => Some(msg),
            _ => None,
        })
        .collect();
    assert_eq!(
        responses[0].tag("To"),
        responses[1].tag("To"),
        "the 200 confirms the early dialog"
    );
    assert_eq!(responses[0].body, responses[1].body, "the same SDP answer");
    let (_, out) = h.request(PHONE_LEG, phone.ack(Vec::new()));
    assert!(
        !out.iter().any(|o| matches!(o, Output::Respond { .. })),
        "the ACK is taken in the dialog: {out:#?}"
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
fn a_busy_customer_ends_the_call_and_the_phone_hears_486_busy_here() {
    let (mut h, _phone) = dialled();
    let c = carrier(&h);
    let out = h.respond(CUSTOMER, c.response(486, "Busy Here", None));
    assert_eq!(to_the_phone(&h)[1..], [(486, "Busy Here".to_owned())]);
    assert!(h.last_sent(PHONE_LEG, "BYE").is_none(), "{out:#?}");
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
fn the_customer_failing_in_other_ways_reaches_the_phone_as_a_final_response_it_can_show() {
    for (carrier_says, phone_hears) in [
        ((404, "Not Found"), (404, "Number Not Found")),
        (
            (480, "Temporarily Unavailable"),
            (480, "Temporarily Unavailable"),
        ),
        ((603, "Decline"), (603, "Declined")),
        ((408, "Request Timeout"), (480, "No Answer")),
    ] {
        let (mut h, _phone) = dialled();
        let c = carrier(&h);
        h.respond(CUSTOMER, c.response(carrier_says.0, carrier_says.1, None));
        assert_eq!(
            to_the_phone(&h)[1..],
            [(phone_hears.0, phone_hears.1.to_owned())],
            "the carrier said {carrier_says:?}"
        );
    }
}

#[test]
fn a_customer_who_never_answers_the_trunk_reaches_the_phone_as_503() {
    let (mut h, _phone) = dialled();
    h.now += 40_000;
    h.input(0, callflow::Input::RequestTimeout { leg: CUSTOMER });
    assert_eq!(
        to_the_phone(&h)[1..],
        [(503, "Trunk Unavailable".to_owned())]
    );
}

#[test]
fn the_phone_cancelling_while_the_customer_rings_cancels_the_customer() {
    let (mut h, _phone) = dialled();
    h.now += 2_000;
    let out = h.input(0, callflow::Input::Cancelled { leg: PHONE_LEG });
    assert_eq!(
        to_the_phone(&h)[1..],
        [(487, "Request Terminated".to_owned())]
    );
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
fn the_agent_hanging_up_on_the_phone_bar_while_the_customer_rings_answers_the_phone_487() {
    let (mut h, _phone) = dialled();
    let out = h.input(
        1_000,
        callflow::Input::Hangup {
            by: HangupSide::Agent,
        },
    );
    assert_eq!(
        to_the_phone(&h)[1..],
        [(487, "Request Terminated".to_owned())]
    );
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Cancel { leg } if *leg == CUSTOMER))
    );
    assert!(h.last_sent(PHONE_LEG, "BYE").is_none());
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
