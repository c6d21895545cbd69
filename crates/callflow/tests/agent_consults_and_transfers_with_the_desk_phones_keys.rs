//! Consult and attended transfer with a desk phone's own keys: during a call the phone holds the
//! customer and dials a colleague; its INVITE becomes a consult of the customer's call (ringback
//! as early media, 200 OK when the colleague answers). The phone's transfer key then sends REFER
//! with Replaces on either call naming the other: the colleague keeps the customer and both
//! phone calls end; pressed while the colleague still rings, it transfers blind to them.
//! Hanging up the consult call goes back to the customer; a colleague who cannot take it ends
//! the phone's call with the reason; Replaces naming another dialog is declined; the phone
//! bar's join makes the phone's consult call the agent's three-way call.

mod common;

use callflow::{
    AcdOut, AgentSide, ConsultStep, ConsultTo, Input, LegId, MediaOut, Output, PhoneConsult,
    PhoneInvite, RoomRef, TransferTo,
};
use common::*;
use model::{Event, UserId};
use sip::msg::Message;
use sip::sdp::Direction;
use sip::txn::TxnId;

const COLLEAGUE: UserId = UserId(8);
const MAIN: RoomRef = RoomRef(0);
const CONSULT: RoomRef = RoomRef(1);
/// The agent's desk phone: the customer's call (the first ring).
const CUSTOMER_CALL: LegId = FIRST_RING;
/// The phone's INVITE to the colleague: its server transaction.
const PHONE_TXN: TxnId = TxnId(900);

/// The phone dials during the call: its INVITE `invite` (server transaction `txn`, our media
/// port `port`) to `to`, handed to the call as the engine does.
fn dial_during_the_call(
    h: &mut Harness,
    invite: Message,
    txn: TxnId,
    port: u16,
    to: ConsultTo,
) -> Result<LegId, callflow::Refusal> {
    let now = h.now;
    h.call.consult_from_phone(
        now,
        PhoneConsult {
            invite: PhoneInvite { invite, txn },
            peer: udp(PHONE),
            media: media(port),
            to,
        },
    )
}

/// The Call-ID of the customer's call on the phone (our INVITE to it).
fn customer_call_id(phone: &FarEnd) -> String {
    phone.invite.header("Call-ID").expect("Call-ID").to_owned()
}

/// The phone holds the customer's call and dials 1002: the consult starts, the phone's call
/// gets early media and rings the colleague in the browser. The harness, the customer's call
/// on the phone, the phone's INVITE and its new leg.
fn phone_consults() -> (Harness, FarEnd, Message, LegId) {
    let (mut h, _customer, mut phone) = bridged();
    let hold = phone.request("INVITE", peer_sdp(30_000, Direction::SendOnly));
    h.request(CUSTOMER_CALL, hold);
    assert!(h.call.held(), "the phone's hold key holds the customer");
    let invite = phone_invite("1002", peer_sdp(30_002, Direction::SendRecv));
    let leg = dial_during_the_call(
        &mut h,
        invite.clone(),
        PHONE_TXN,
        20_010,
        ConsultTo::Agent(COLLEAGUE),
    )
    .expect("a consult from the phone");
    let out = h.drain();
    let progress = response_to(&out, PHONE_TXN).expect("early media for the phone's call");
    assert_eq!(progress.status(), Some(183));
    assert!(
        out.iter().any(|o| matches!(
            o,
            Output::Acd(AcdOut::Colleague { agent, .. }) if *agent == COLLEAGUE
        )),
        "the engine is asked for the colleague: {out:#?}"
    );
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Media(MediaOut::StartRtp { leg: l, room, .. }) if *l == leg && *room == CONSULT
    )));
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Media(MediaOut::RingbackToAgent { room, leg: Some(l), .. })
            if *room == CONSULT && *l == leg
    )));
    assert!(
        !out.iter().any(|o| matches!(
            o,
            Output::Media(MediaOut::Join { leg, .. }) if *leg == CUSTOMER_CALL
        )),
        "the customer's call stays where it is"
    );
    h.input(
        10,
        Input::ColleagueRing {
            n: 1,
            ring: ring(COLLEAGUE, AgentSide::Browser, false),
        },
    );
    (h, phone, invite, leg)
}

/// The colleague answered: the phone's call gets its 200 OK. The phone's side of that call.
fn colleague_answers(h: &mut Harness, invite: Message) -> FarEnd {
    let out = h.input(3_000, Input::AnswerInBrowser { agent: COLLEAGUE });
    let ok = response_to(&out, PHONE_TXN).expect("the phone's call is answered");
    assert_eq!(ok.status(), Some(200));
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Media(MediaOut::JoinBrowser { user, room }) if *user == COLLEAGUE && *room == CONSULT
    )));
    FarEnd::caller(invite, &ok, addr(PHONE))
}

#[test]
fn replaces_on_the_customers_call_hands_the_customer_to_the_colleague() {
    let (mut h, mut phone, invite, leg) = phone_consults();
    let _consult_call = colleague_answers(&mut h, invite);
    let to = "<sip:1002@127.0.0.1?Replaces=phone-call-1%3Bto-tag%3Dx%3Bfrom-tag%3Dph>";
    let (txn, out) = h.request(CUSTOMER_CALL, refer(&mut phone, to));
    assert_eq!(response_to(&out, txn).and_then(|r| r.status()), Some(202));
    assert_eq!(notifies(&h, CUSTOMER_CALL), ["SIP/2.0 200 OK"]);
    assert!(h.last_sent(CUSTOMER_CALL, "BYE").is_some());
    assert!(h.last_sent(leg, "BYE").is_some(), "both phone calls end");
    assert_eq!(h.call.agent(), Some(COLLEAGUE));
    assert!(
        h.agent_events()
            .iter()
            .any(|(u, e)| *u == AGENT && matches!(e, Event::CallEnded { .. }))
    );
    assert!(
        !h.call.held(),
        "the colleague talks with the customer, no music"
    );
}

#[test]
fn replaces_on_the_consult_call_naming_the_customers_call_does_the_same() {
    let (mut h, phone, invite, leg) = phone_consults();
    let mut consult_call = colleague_answers(&mut h, invite);
    let to = format!(
        "<sip:agent@127.0.0.1?Replaces={}%3Bto-tag%3Dphone%3Bfrom-tag%3Dx>",
        customer_call_id(&phone)
    );
    let (txn, out) = h.request(leg, refer(&mut consult_call, &to));
    assert_eq!(response_to(&out, txn).and_then(|r| r.status()), Some(202));
    assert_eq!(notifies(&h, leg), ["SIP/2.0 200 OK"]);
    assert!(h.last_sent(CUSTOMER_CALL, "BYE").is_some());
    assert_eq!(h.call.agent(), Some(COLLEAGUE));
}

#[test]
fn hanging_up_the_consult_call_goes_back_to_the_held_customer() {
    let (mut h, mut phone, invite, leg) = phone_consults();
    let mut consult_call = colleague_answers(&mut h, invite);
    let bye = consult_call.request("BYE", Vec::new());
    h.request(leg, bye);
    assert_eq!(h.call.agent(), Some(AGENT));
    assert!(
        h.agent_events()
            .iter()
            .any(|(u, e)| *u == COLLEAGUE && matches!(e, Event::CallEnded { .. }))
    );
    assert!(
        h.call.held(),
        "the phone still holds the customer's call until it resumes"
    );
    assert!(h.last_sent(CUSTOMER_CALL, "BYE").is_none());
    let resume = phone.request("INVITE", peer_sdp(30_000, Direction::SendRecv));
    h.request(CUSTOMER_CALL, resume);
    assert!(!h.call.held());
    assert!(h.media().contains(&MediaOut::StopPlay { room: MAIN }));
}

/// The final statuses the phone's INVITE got, in order.
fn phone_call_statuses(h: &Harness) -> Vec<u16> {
    h.log
        .iter()
        .filter_map(|o| match o {
            Output::Respond { txn, msg } if *txn == PHONE_TXN => msg.status(),
            _ => None,
        })
        .collect()
}

#[test]
fn a_colleague_who_refuses_ends_the_phones_call_and_the_customer_stays() {
    let (mut h, _phone, _invite, _leg) = phone_consults();
    // The colleague refuses on the phone bar while it rings.
    h.input(500, Input::AgentHangup { agent: COLLEAGUE });
    assert_eq!(phone_call_statuses(&h), [183, 480]);
    assert_eq!(h.call.agent(), Some(AGENT));
    assert!(h.last_sent(CUSTOMER_CALL, "BYE").is_none());
}

#[test]
fn a_colleague_who_does_not_answer_in_time_ends_the_phones_call() {
    let (mut h, _phone, _invite, _leg) = phone_consults();
    let at = h.call.poll_timeout().expect("the consult's ring deadline");
    h.now = at;
    h.call.handle_timeout(at);
    h.drain();
    assert_eq!(phone_call_statuses(&h), [183, 480]);
    assert_eq!(h.call.agent(), Some(AGENT));
}

#[test]
fn a_busy_colleague_is_a_486_on_the_phones_call() {
    let (mut h, _customer, mut phone) = bridged();
    let invite = phone_invite("1002", peer_sdp(30_002, Direction::SendRecv));
    dial_during_the_call(
        &mut h,
        invite,
        PHONE_TXN,
        20_010,
        ConsultTo::Agent(COLLEAGUE),
    )
    .expect("a consult from the phone");
    h.drain();
    h.input(
        5,
        Input::ColleagueFailed {
            n: 1,
            reason: "target_busy".to_owned(),
        },
    );
    assert_eq!(phone_call_statuses(&h), [183, 486]);
    assert!(!h.call.held(), "the music the consult started stops");
    // The customer's call goes on: the phone may transfer blind or consult again.
    let (txn, out) = h.request(CUSTOMER_CALL, refer(&mut phone, "<sip:1003@127.0.0.1>"));
    assert_eq!(response_to(&out, txn).and_then(|r| r.status()), Some(202));
    assert!(out.iter().any(|o| matches!(o, Output::Refer { .. })));
}

#[test]
fn replaces_naming_another_dialog_is_declined_and_nothing_changes() {
    let (mut h, mut phone, invite, _leg) = phone_consults();
    colleague_answers(&mut h, invite);
    let to = "<sip:1002@127.0.0.1?Replaces=someone-else%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>";
    h.request(CUSTOMER_CALL, refer(&mut phone, to));
    assert_eq!(
        notifies(&h, CUSTOMER_CALL),
        ["SIP/2.0 481 Call/Transaction Does Not Exist"]
    );
    assert_eq!(h.call.agent(), Some(AGENT));
    assert!(h.last_sent(CUSTOMER_CALL, "BYE").is_none());
}

#[test]
fn replaces_without_a_consult_on_the_phone_is_declined() {
    let (mut h, _customer, mut phone) = bridged();
    let to = "<sip:1002@127.0.0.1?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>";
    let (txn, out) = h.request(CUSTOMER_CALL, refer(&mut phone, to));
    assert_eq!(response_to(&out, txn).and_then(|r| r.status()), Some(202));
    assert!(!out.iter().any(|o| matches!(o, Output::Refer { .. })));
    assert_eq!(
        notifies(&h, CUSTOMER_CALL),
        ["SIP/2.0 481 Call/Transaction Does Not Exist"]
    );
}

#[test]
fn a_second_call_from_the_phone_while_consulting_is_refused() {
    let (mut h, _phone, _invite, _leg) = phone_consults();
    let mut second = phone_invite("1003", peer_sdp(30_004, Direction::SendRecv));
    second.set_header("Call-ID", "phone-call-2");
    let refused = dial_during_the_call(
        &mut h,
        second,
        TxnId(901),
        20_012,
        ConsultTo::Agent(UserId(9)),
    )
    .expect_err("one consult at a time");
    assert_eq!((refused.code, refused.reason), (486, "Already Consulting"));
}

#[test]
fn the_phone_dialling_its_own_extension_during_a_call_is_refused() {
    let (mut h, _customer, _phone) = bridged();
    let own = phone_invite("1001", peer_sdp(30_002, Direction::SendRecv));
    let refused = dial_during_the_call(&mut h, own, PHONE_TXN, 20_010, ConsultTo::Agent(AGENT))
        .expect_err("not oneself");
    assert_eq!((refused.code, refused.reason), (403, "Own Extension"));
    assert_eq!(h.call.agent(), Some(AGENT));
    assert!(!h.call.held());
}

#[test]
fn joining_from_the_phone_bar_makes_the_consult_call_the_three_way_call() {
    let (mut h, _phone, invite, leg) = phone_consults();
    let mut consult_call = colleague_answers(&mut h, invite);
    let now = h.now;
    h.call.consult_step(now, ConsultStep::Join).expect("joined");
    let out = h.drain();
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Media(MediaOut::Join { leg: l, room }) if *l == leg && *room == MAIN
    )));
    assert!(
        h.last_sent(CUSTOMER_CALL, "BYE").is_some(),
        "the customer's call on the phone ends: the consult call carries all three"
    );
    // The colleague leaves; the agent and the customer go on, on the phone's second call.
    h.input(1_000, Input::AgentHangup { agent: COLLEAGUE });
    assert_eq!(h.call.agent(), Some(AGENT));
    // The agent hangs up that call: the customer's call ends.
    let bye = consult_call.request("BYE", Vec::new());
    h.request(leg, bye);
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some());
}

#[test]
fn the_transfer_key_while_the_colleague_still_rings_transfers_blind_to_them() {
    let (mut h, mut phone, _invite, leg) = phone_consults();
    let to = "<sip:1002@127.0.0.1?Replaces=phone-call-1%3Bto-tag%3Dx%3Bfrom-tag%3Dph>";
    let (txn, out) = h.request(CUSTOMER_CALL, refer(&mut phone, to));
    assert_eq!(response_to(&out, txn).and_then(|r| r.status()), Some(202));
    assert_eq!(
        phone_call_statuses(&h),
        [183, 487],
        "the phone's consult call ends"
    );
    assert_eq!(notifies(&h, CUSTOMER_CALL), ["SIP/2.0 200 OK"]);
    assert!(h.last_sent(CUSTOMER_CALL, "BYE").is_some());
    assert!(h.last_sent(leg, "BYE").is_none(), "never answered: no BYE");
    assert_eq!(h.call.agent(), None, "the customer waits for the colleague");
    assert!(
        h.log.iter().any(|o| matches!(
            o,
            Output::Acd(AcdOut::Transfer { to: TransferTo::Agent(u), .. }) if *u == COLLEAGUE
        )),
        "a blind transfer to the colleague"
    );
    // They ring again as a transfer and answer: they talk with the customer.
    h.input(
        100,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    h.input(10, Input::Offer(ring(COLLEAGUE, AgentSide::Browser, false)));
    h.input(2_000, Input::AnswerInBrowser { agent: COLLEAGUE });
    assert_eq!(h.call.agent(), Some(COLLEAGUE));
}
