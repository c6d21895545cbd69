//! An inbound trunk call end to end: the INVITE is answered with 200 OK and our SDP, the record
//! starts and the customer's recorded media runs; the IVR plays, a digit queues the call, the
//! ACD's offer rings the agent's desk phone with the caller's number, the phone's answer
//! bridges it, and either side's BYE ends it once.

mod common;

use callflow::{AcdOut, Customer, Input, LegRole, MediaOut, Output, RoomRef, Sound};
use common::*;
use model::Event;
use model::calls::{CallDirection, CallEvent, HangupSide};
use sip::sdp::{self, AudioCodec, Direction};
use sip::txn::TxnId;

#[test]
fn the_invite_is_answered_with_200_and_sdp_first_and_the_customer_media_is_recorded() {
    for offer in [
        Some(peer_sdp(40_000, Direction::SendRecv)),
        None, // late offer
    ] {
        let late = offer.is_none();
        let h = Harness::answer(inbound(trunk(customer_invite(offer)), demo_ivr()));
        let Some(Output::Respond { msg: ok, .. }) = h.log.first() else {
            panic!("the first output answers the INVITE: {:?}", h.log.first());
        };
        assert_eq!(ok.status(), Some(200));
        assert!(ok.tag("To").is_some(), "the 200 sets our To tag");
        let ours = sdp::parse_audio(&ok.body).expect("our SDP in the 200");
        assert_eq!(ours.port, 20_002);
        assert_eq!(ours.direction, Direction::SendRecv);
        assert!(matches!(&h.records()[..], [CallEvent::Started {
            direction: CallDirection::Inbound, caller, callee, agent: None, ..
        }] if caller == CUSTOMER_NUMBER && callee == CALLER_NUMBER));
        let rtp = h.media().into_iter().find_map(|m| match m {
            MediaOut::StartRtp {
                leg,
                role,
                record,
                echo,
                remote,
                ..
            } => Some((leg, role, record, echo, remote)),
            _ => None,
        });
        let (leg, role, record, echo, remote) = rtp.expect("the customer's media starts");
        assert_eq!(
            (leg, role, record, echo),
            (CUSTOMER_LEG, LegRole::Customer, true, false)
        );
        // Without an offer, where to send is learnt from the caller's first packet.
        assert_eq!(remote.map(|r| r.port()), (!late).then_some(40_000));
        assert!(h.media().contains(&MediaOut::Play {
            room: RoomRef(0),
            sound: Sound::Prompt(ivr::Prompt::builtin(ivr::Builtin::Welcome)),
        }));
        assert!(!h.call.is_finished());
    }
}

#[test]
fn a_late_offer_sends_in_the_codec_we_offer_first() {
    let mut pcmu_only = media(20_002);
    pcmu_only.codecs = vec![AudioCodec::Pcmu];
    let customer = Customer::Trunk {
        peer: udp(CARRIER),
        invite: customer_invite(None),
        txn: TxnId(0),
        media: pcmu_only,
    };
    let h = Harness::answer(inbound(customer, demo_ivr()));
    let ok = response_to(&h.log, TxnId(0)).expect("answered");
    let offered = sdp::parse_audio(&ok.body).expect("our offer");
    assert_eq!(offered.codecs, [(0, AudioCodec::Pcmu)]);
    assert!(h.media().iter().any(|m| matches!(
        m,
        MediaOut::StartRtp {
            codec: AudioCodec::Pcmu,
            remote: None,
            ..
        }
    )));
}

#[test]
fn a_digit_in_the_menu_queues_the_call_with_music_and_a_queued_record() {
    let (mut h, _) = trunk_call(demo_ivr());
    let out = h.input(4_000, Input::PromptFinished);
    assert!(out.contains(&Output::Media(MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::Prompt(ivr::Prompt::builtin(ivr::Builtin::IvrMenu)),
    })));
    // The caller barges in on the menu prompt.
    let out = h.input(1_000, Input::Digit('2'));
    assert!(out.contains(&Output::Media(MediaOut::StopPlay { room: RoomRef(0) })));
    assert!(out.contains(&Output::Acd(AcdOut::Enqueue { group: SUPPORT })));
    assert_eq!(h.call.poll_timeout(), None);
    let out = h.input(
        10,
        Input::Enqueued {
            group: Some(SUPPORT),
            survey: None,
        },
    );
    assert!(out.contains(&Output::Media(MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::QueueMusic,
    })));
    assert!(out.iter().any(|o| matches!(o,
        Output::Record(CallEvent::Queued { group, at, .. }) if *group == SUPPORT && *at == h.now)));
}

#[test]
fn the_offer_rings_the_desk_phone_with_the_callers_number_and_tells_the_agent() {
    for auto_answer in [false, true] {
        let (mut h, _) = queued();
        h.input(10, Input::Offer(ring(AGENT, desk_phone(), auto_answer)));
        let invite = h.last_sent(FIRST_RING, "INVITE").expect("the phone rings");
        assert_eq!(user_in(invite.header("From").unwrap()), CUSTOMER_NUMBER);
        assert_eq!(
            invite.header("Call-Info"),
            auto_answer.then_some("<sip:patchbay>;answer-after=0")
        );
        assert!(h.agent_events().iter().any(|(user, e)| *user == AGENT
            && matches!(e, Event::Ringing { offer }
                if offer.caller == CUSTOMER_NUMBER && offer.group_id == SALES
                    && offer.auto_answer == auto_answer)));
        assert_eq!(
            h.call.agent_part(AGENT),
            Some(callflow::AgentPart::Ringing { browser: false })
        );
    }
}

#[test]
fn the_phone_answering_bridges_it_with_the_customer() {
    let (mut h, _, phone) = phone_ringing();
    let out = answer_phone(&mut h, &phone);
    assert_eq!(acks(&out), 1, "the phone's 2xx is ACKed");
    assert!(out.contains(&Output::Acd(AcdOut::Answer { agent: AGENT })));
    assert!(out.contains(&Output::Media(MediaOut::StopPlay { room: RoomRef(0) })));
    assert!(out.iter().any(|o| matches!(o,
        Output::Record(CallEvent::AgentAnswered { agent, .. }) if *agent == AGENT)));
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Record(CallEvent::Answered { .. })))
    );
    assert!(out.iter().any(|o| matches!(o,
        Output::Media(MediaOut::StartRtp { leg, role: LegRole::Agent, record: false,
            room: RoomRef(0), remote: Some(r), .. }) if *leg == FIRST_RING && r.port() == 30_000)));
    assert!(out.iter().any(|o| matches!(o,
        Output::Agent { user, event: Event::CallConnected { caller, .. } }
            if *user == AGENT && caller == CUSTOMER_NUMBER)));
    assert_eq!(h.call.agent(), Some(AGENT));
    assert!(h.call.connected());
}

/// Asserts the call ended once and finished once, hung up by `side`.
fn ended_by(h: &Harness, side: HangupSide) {
    assert_eq!(ends(h), (1, 1));
    assert!(h.records().iter().any(|e| matches!(e,
        CallEvent::Ended { hangup_side, failure: None, .. } if *hangup_side == side)));
    assert!(h.log.contains(&Output::Acd(AcdOut::Hangup)));
    assert!(
        h.agent_events()
            .iter()
            .any(|(user, e)| *user == AGENT && matches!(e, Event::CallEnded { .. }))
    );
    assert_eq!(h.log.last(), Some(&Output::Finished));
    assert!(h.call.is_finished());
}

#[test]
fn the_customer_hanging_up_sends_bye_to_the_phone() {
    let (mut h, mut customer, _) = bridged();
    let (txn, out) = h.request(CUSTOMER_LEG, customer.request("BYE", Vec::new()));
    assert_eq!(response_to(&out, txn).unwrap().status(), Some(200));
    let bye = h
        .last_sent(FIRST_RING, "BYE")
        .expect("the phone gets a BYE");
    assert_eq!(bye.tag("To"), Some("phone"));
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_none());
    ended_by(&h, HangupSide::Customer);
}

#[test]
fn the_agent_hanging_up_the_phone_sends_bye_to_the_customer() {
    let (mut h, customer, mut phone) = bridged();
    let (txn, out) = h.request(FIRST_RING, phone.request("BYE", Vec::new()));
    assert_eq!(response_to(&out, txn).unwrap().status(), Some(200));
    let bye = h
        .last_sent(CUSTOMER_LEG, "BYE")
        .expect("the customer gets a BYE");
    assert_eq!(bye.header("Call-ID"), customer.invite.header("Call-ID"));
    assert_eq!(bye.tag("To"), Some("cust"), "to the caller's tag");
    assert_eq!(bye.header("From"), customer.ack(Vec::new()).header("To"));
    assert!(h.last_sent(FIRST_RING, "BYE").is_none());
    ended_by(&h, HangupSide::Agent);
    // A late BYE from the customer is answered 481 and changes nothing.
    let mut customer = customer;
    let (txn, out) = h.request(CUSTOMER_LEG, customer.request("BYE", Vec::new()));
    assert_eq!(response_to(&out, txn).unwrap().status(), Some(481));
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn a_customer_who_never_acks_the_200_is_gone() {
    let (mut h, customer) = trunk_call(demo_ivr());
    h.request(CUSTOMER_LEG, customer.ack(Vec::new()));
    let out = h.input(32_000, Input::RequestTimeout { leg: CUSTOMER_LEG });
    assert!(out.is_empty(), "ACKed: a late timeout means nothing");
    let (mut h, _) = trunk_call(demo_ivr());
    h.input(32_000, Input::RequestTimeout { leg: CUSTOMER_LEG });
    assert!(h.records().iter().any(|e| matches!(
        e,
        CallEvent::Ended {
            hangup_side: HangupSide::System,
            ..
        }
    )));
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some());
    assert_eq!(ends(&h), (1, 1));
}
