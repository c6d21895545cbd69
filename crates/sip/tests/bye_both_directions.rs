//! BYE in both directions on a dialog, and 481 for requests on dialogs that do not exist.

#![allow(clippy::unwrap_used)]

mod support;

use sip::dialog::{Dialog, DialogError, DialogState, Dialogs};
use sip::msg::{Message, StartLine};
use support::msg;

fn invite() -> Message {
    msg(
        "INVITE sip:9196@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-i\r\n\
         From: \"Alice\" <sip:alice@127.0.0.1>;tag=alice-tag\r\nTo: <sip:9196@127.0.0.1>\r\nCall-ID: d1\r\n\
         CSeq: 10 INVITE\r\nContact: <sip:alice@127.0.0.1:5070>\r\nRecord-Route: <sip:proxy.example;lr>\r\nContent-Length: 0\r\n\r\n",
    )
}

fn bye_from_peer(to_tag: &str, cseq: u32) -> Message {
    msg(&format!(
        "BYE sip:9196@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-b{cseq}\r\n\
         From: <sip:alice@127.0.0.1>;tag=alice-tag\r\nTo: <sip:9196@127.0.0.1>;tag={to_tag}\r\nCall-ID: d1\r\n\
         CSeq: {cseq} BYE\r\nContent-Length: 0\r\n\r\n"
    ))
}

#[test]
fn the_peer_hangs_up_with_a_bye_that_matches_our_dialog() {
    let mut dialogs = Dialogs::default();
    dialogs.insert(Dialog::as_uas(&invite(), "pb-tag", DialogState::Confirmed).unwrap());
    let d = dialogs.match_request(&bye_from_peer("pb-tag", 11)).unwrap();
    let id = d.id.clone();
    assert!(dialogs.remove(&id).is_some());
    assert!(dialogs.is_empty());
}

#[test]
fn we_hang_up_with_a_bye_to_the_peers_contact_through_its_route_set() {
    let mut d = Dialog::as_uas(&invite(), "pb-tag", DialogState::Confirmed).unwrap();
    let bye = d.request(
        "BYE",
        "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ours",
        "sip:pb@127.0.0.1:5060",
        Vec::new(),
    );
    let StartLine::Request { uri, .. } = &bye.start else {
        panic!()
    };
    assert_eq!(
        uri, "sip:alice@127.0.0.1:5070",
        "the Request-URI is the remote target"
    );
    assert_eq!(
        bye.header("From"),
        Some("<sip:9196@127.0.0.1>;tag=pb-tag"),
        "our side is From"
    );
    assert_eq!(
        bye.header("To"),
        Some("\"Alice\" <sip:alice@127.0.0.1>;tag=alice-tag")
    );
    assert_eq!(bye.header("Route"), Some("<sip:proxy.example;lr>"));
    assert_eq!(bye.cseq().unwrap(), (1, "BYE"));
    // Round-trips through the wire format.
    assert_eq!(
        Message::parse(&bye.to_bytes()).unwrap().header("Call-ID"),
        Some("d1")
    );
}

#[test]
fn a_uac_dialog_acks_and_hangs_up_with_increasing_cseq() {
    let inv = invite();
    let ok = msg(
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-i\r\n\
                  From: \"Alice\" <sip:alice@127.0.0.1>;tag=alice-tag\r\nTo: <sip:9196@127.0.0.1>;tag=far\r\nCall-ID: d1\r\n\
                  CSeq: 10 INVITE\r\nContact: <sip:far@10.0.0.9:5060>\r\nContent-Length: 0\r\n\r\n",
    );
    let mut d = Dialog::as_uac(&inv, &ok).unwrap();
    assert_eq!(d.state, DialogState::Confirmed);
    let ack = d.ack(
        10,
        "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-ack",
        "sip:alice@127.0.0.1:5070",
    );
    assert_eq!(
        ack.cseq().unwrap(),
        (10, "ACK"),
        "the ACK carries the INVITE's CSeq number"
    );
    let bye = d.request(
        "BYE",
        "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-bye",
        "sip:alice@127.0.0.1:5070",
        Vec::new(),
    );
    assert_eq!(bye.cseq().unwrap(), (11, "BYE"));
    let StartLine::Request { uri, .. } = &bye.start else {
        panic!()
    };
    assert_eq!(uri, "sip:far@10.0.0.9:5060");
}

#[test]
fn requests_on_unknown_dialogs_get_481_and_old_cseqs_500() {
    let mut dialogs = Dialogs::default();
    dialogs.insert(Dialog::as_uas(&invite(), "pb-tag", DialogState::Confirmed).unwrap());
    let err = dialogs
        .match_request(&bye_from_peer("someone-else", 11))
        .unwrap_err();
    assert_eq!(err.response(), (481, "Call/Transaction Does Not Exist"));
    let err = dialogs
        .match_request(&bye_from_peer("pb-tag", 9))
        .unwrap_err();
    assert_eq!(err, DialogError::OutOfOrder, "CSeq 9 after the INVITE's 10");
    assert_eq!(err.response().0, 500);
}
