//! A re-INVITE refreshes the dialog's target and carries hold/resume in its SDP; reliable
//! provisional responses get exactly one PRACK each.

#![allow(clippy::unwrap_used)]

mod support;

use sip::dialog::{Dialog, DialogState};
use sip::sdp::{AudioCodec, Direction, LocalMedia, answer, parse_audio};
use support::msg;

fn reinvite(cseq: u32, contact: &str, direction: &str) -> sip::msg::Message {
    let sdp = format!(
        "v=0\r\no=- 1 {cseq} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na={direction}\r\n"
    );
    msg(&format!(
        "INVITE sip:pb@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-r{cseq}\r\n\
         From: <sip:alice@127.0.0.1>;tag=alice-tag\r\nTo: <sip:9196@127.0.0.1>;tag=pb-tag\r\nCall-ID: d2\r\n\
         CSeq: {cseq} INVITE\r\nContact: <{contact}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    ))
}

#[test]
fn hold_then_resume_by_re_invite() {
    let first = reinvite(1, "sip:alice@127.0.0.1:5070", "sendrecv");
    let mut d = Dialog::as_uas(&first, "pb-tag", DialogState::Confirmed).unwrap();
    let local = LocalMedia {
        addr: "127.0.0.1".parse().unwrap(),
        port: 20_002,
        codecs: vec![AudioCodec::Pcma],
        telephone_event: 101,
    };

    let hold = reinvite(2, "sip:alice@10.1.1.1:5070", "sendonly");
    d.on_request(&hold).unwrap();
    assert_eq!(
        d.remote_target, "sip:alice@10.1.1.1:5070",
        "target refreshed"
    );
    let (_, neg) = answer(&parse_audio(&hold.body).unwrap(), &local).unwrap();
    assert_eq!(neg.direction, Direction::RecvOnly, "held: we only receive");

    let resume = reinvite(3, "sip:alice@10.1.1.1:5070", "sendrecv");
    d.on_request(&resume).unwrap();
    let (_, neg) = answer(&parse_audio(&resume.body).unwrap(), &local).unwrap();
    assert_eq!(neg.direction, Direction::SendRecv, "resumed");
    assert!(
        d.on_request(&reinvite(2, "sip:x@y", "sendrecv")).is_err(),
        "an old re-INVITE is refused"
    );
}

#[test]
fn a_reliable_183_gets_one_prack_and_its_retransmission_none() {
    let invite = msg(
        "INVITE sip:13800138000@carrier SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-o\r\n\
                      From: <sip:4008000000@127.0.0.1>;tag=pb\r\nTo: <sip:13800138000@carrier>\r\nCall-ID: d3\r\n\
                      CSeq: 5 INVITE\r\nSupported: 100rel\r\nContact: <sip:pb@127.0.0.1:5060>\r\nContent-Length: 0\r\n\r\n",
    );
    let progress = msg(
        "SIP/2.0 183 Session Progress\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-o\r\n\
                        From: <sip:4008000000@127.0.0.1>;tag=pb\r\nTo: <sip:13800138000@carrier>;tag=c1\r\nCall-ID: d3\r\n\
                        CSeq: 5 INVITE\r\nRequire: 100rel\r\nRSeq: 1\r\nContact: <sip:gw@10.9.9.9>\r\nContent-Length: 0\r\n\r\n",
    );
    let mut d = Dialog::as_uac(&invite, &progress).unwrap();
    assert_eq!(d.state, DialogState::Early);
    let prack = d
        .prack(
            &progress,
            "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-p",
            "sip:pb@127.0.0.1:5060",
        )
        .unwrap();
    assert_eq!(prack.method(), Some("PRACK"));
    assert_eq!(prack.header("RAck"), Some("1 5 INVITE"));
    assert_eq!(prack.cseq().unwrap(), (6, "PRACK"));
    assert!(
        d.prack(&progress, "v", "c").is_none(),
        "a retransmitted 183 is not PRACKed again"
    );

    let unreliable = msg(
        "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-o\r\n\
                          From: <sip:4008000000@127.0.0.1>;tag=pb\r\nTo: <sip:13800138000@carrier>;tag=c1\r\nCall-ID: d3\r\n\
                          CSeq: 5 INVITE\r\nContent-Length: 0\r\n\r\n",
    );
    assert!(
        d.prack(&unreliable, "v", "c").is_none(),
        "only when the peer requires it"
    );
}
