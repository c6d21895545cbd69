//! Hold and resume by re-INVITE (or UPDATE) from either side of a call are answered by one rule
//! on every kind of call: the answer mirrors the offered direction, a resume moves the media
//! to where the offer says, a re-INVITE without SDP gets our offer, a stale CSeq gets 500.

mod common;

use callflow::{InDialog, LegId, MediaOut, Output, SdpState, answer_in_dialog};
use common::*;
use sip::sdp::{self, Direction};

fn direction_of(msg: &sip::msg::Message) -> Direction {
    sdp::parse_audio(&msg.body)
        .expect("an SDP answer")
        .direction
}

#[test]
fn either_side_putting_the_call_on_hold_gets_the_mirrored_answer() {
    for leg in [LegId(0), LegId(1)] {
        for (offered, answered) in [
            (Direction::SendOnly, Direction::RecvOnly),
            (Direction::Inactive, Direction::Inactive),
        ] {
            let (mut h, mut phone, mut carrier) = connected();
            let far = if leg == LegId(0) {
                &mut phone
            } else {
                &mut carrier
            };
            let (txn, out) = h.request(leg, far.request("INVITE", peer_sdp(30_000, offered)));
            let ok = response_to(&out, txn).expect("answered");
            assert_eq!(ok.status(), Some(200), "{leg:?} {offered:?}");
            assert_eq!(direction_of(&ok), answered, "{leg:?} {offered:?}");
            assert!(!h.call.is_finished());
        }
    }
}

#[test]
fn resume_moves_the_media_to_the_new_address_and_bumps_the_sdp_version() {
    let (mut h, _, mut carrier) = connected();
    let (t1, out1) = h.request(
        LegId(1),
        carrier.request("INVITE", peer_sdp(40_000, Direction::SendOnly)),
    );
    let (t2, out2) = h.request(
        LegId(1),
        carrier.request("INVITE", peer_sdp(40_010, Direction::SendRecv)),
    );
    let a1 = response_to(&out1, t1).unwrap();
    let a2 = response_to(&out2, t2).unwrap();
    assert_eq!(direction_of(&a2), Direction::SendRecv);
    assert!(out2.iter().any(|o| matches!(o,
        Output::Media(MediaOut::SetRemote { leg: LegId(1), remote }) if remote.port() == 40_010)));
    let version = |m: &sip::msg::Message| {
        let body = String::from_utf8_lossy(&m.body).into_owned();
        body.lines()
            .find(|l| l.starts_with("o="))
            .and_then(|l| l.split_whitespace().nth(2).map(str::to_owned))
            .expect("o= line")
    };
    assert_ne!(version(&a1), version(&a2));
}

#[test]
fn update_is_answered_like_a_re_invite() {
    let (mut h, mut phone, _) = connected();
    let (txn, out) = h.request(
        LegId(0),
        phone.request("UPDATE", peer_sdp(30_000, Direction::SendOnly)),
    );
    assert_eq!(
        direction_of(&response_to(&out, txn).unwrap()),
        Direction::RecvOnly
    );
}

#[test]
fn a_re_invite_without_sdp_gets_our_offer() {
    let (mut h, mut phone, _) = connected();
    let (txn, out) = h.request(LegId(0), phone.request("INVITE", Vec::new()));
    let ok = response_to(&out, txn).unwrap();
    assert_eq!(ok.status(), Some(200));
    assert_eq!(direction_of(&ok), Direction::SendRecv);
}

#[test]
fn an_offer_with_no_common_codec_is_refused_with_488_and_the_call_stays() {
    let (mut h, mut phone, _) = connected();
    let body = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n".to_vec();
    let (txn, out) = h.request(LegId(0), phone.request("INVITE", body));
    assert_eq!(response_to(&out, txn).unwrap().status(), Some(488));
    assert!(h.call.connected() && !h.call.is_finished());
}

#[test]
fn a_request_with_a_stale_cseq_gets_500() {
    let (mut h, mut phone, _) = connected();
    h.request(LegId(0), phone.request("INFO", Vec::new()));
    phone.cseq -= 2;
    let (txn, out) = h.request(LegId(0), phone.request("INFO", Vec::new()));
    assert_eq!(response_to(&out, txn).unwrap().status(), Some(500));
}

#[test]
fn info_with_a_digit_and_unknown_methods_are_answered() {
    let mut state = SdpState {
        local: media(20_000),
        session: 5,
        version: 1,
    };
    let mut far = FarEnd::new(
        Harness::place(spec(desk_phone(), None))
            .last_sent(LegId(0), "INVITE")
            .unwrap(),
        addr(PHONE),
        "p",
    );
    let info = far.request("INFO", b"Signal=5\r\nDuration=160\r\n".to_vec());
    let (r, ev) = answer_in_dialog(&info, &mut state, "sip:patchbay@127.0.0.1:5060");
    assert_eq!(r.unwrap().status(), Some(200));
    assert_eq!(ev, InDialog::Digit('5'));
    let refer = far.request("MESSAGE", Vec::new());
    let (r, ev) = answer_in_dialog(&refer, &mut state, "sip:patchbay@127.0.0.1:5060");
    let r = r.unwrap();
    assert_eq!(r.status(), Some(405));
    assert!(r.header("Allow").is_some(), "405 lists what is allowed");
    assert_eq!(ev, InDialog::Nothing);
    let ack = far.request("ACK", Vec::new());
    assert_eq!(
        answer_in_dialog(&ack, &mut state, "sip:x").0,
        None,
        "ACK gets no response"
    );
}
