//! CANCEL before and after the 200 OK: the 487/200 race on both sides.

#![allow(clippy::unwrap_used)]

mod support;

use sip::txn::{Transactions, Transport, TxnEvent};
use support::*;

#[test]
fn a_cancel_before_the_answer_gets_200_and_the_invite_ends_487_then_acked() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-1", "k1", 1);
    t.handle_datagram(0, peer(Transport::Udp), invite.as_bytes());
    let (_, ev) = drain(&mut t);
    let TxnEvent::Request { id, .. } = ev[0].clone() else {
        panic!()
    };
    t.respond(5, id, msg(&invite).response_to(180, "Ringing", Some("b1")));
    drain(&mut t);

    t.handle_datagram(
        100,
        peer(Transport::Udp),
        request("CANCEL", "z9hG4bK-1", "k1", 1).as_bytes(),
    );
    let (tx, ev) = drain(&mut t);
    assert_eq!(summary(&tx), ["200"], "the CANCEL is answered 200");
    assert_eq!(tx[0].method(), Some("CANCEL"));
    assert_eq!(ev, [TxnEvent::Cancelled { id }]);

    t.respond(
        101,
        id,
        msg(&invite).response_to(487, "Request Terminated", Some("b1")),
    );
    let (tx, _) = drain(&mut t);
    assert_eq!(summary(&tx), ["487"]);
    t.handle_datagram(
        150,
        peer(Transport::Udp),
        request("ACK", "z9hG4bK-1", "k1", 1).as_bytes(),
    );
    let (tx, ev) = drain(&mut t);
    assert!(
        tx.is_empty() && ev.is_empty(),
        "the ACK for 487 is absorbed by the transaction"
    );
    let (times, _) = run_until(&mut t, 40_000);
    assert!(times.is_empty(), "no 487 retransmissions after the ACK");
    assert!(t.is_empty(), "Timers I and J ended both transactions");
}

#[test]
fn a_cancel_after_the_answer_gets_200_and_changes_nothing() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-2", "k2", 1);
    t.handle_datagram(0, peer(Transport::Udp), invite.as_bytes());
    let (_, ev) = drain(&mut t);
    let TxnEvent::Request { id, .. } = ev[0].clone() else {
        panic!()
    };
    t.respond(5, id, msg(&invite).response_to(200, "OK", Some("b1")));
    drain(&mut t);
    t.handle_datagram(
        10,
        peer(Transport::Udp),
        request("CANCEL", "z9hG4bK-2", "k2", 1).as_bytes(),
    );
    let (tx, ev) = drain(&mut t);
    assert_eq!(summary(&tx), ["200"]);
    assert!(ev.is_empty(), "no Cancelled: the call was already answered");
}

#[test]
fn a_cancel_matching_nothing_gets_481() {
    let mut t = Transactions::default();
    t.handle_datagram(
        0,
        peer(Transport::Udp),
        request("CANCEL", "z9hG4bK-none", "k3", 1).as_bytes(),
    );
    let (tx, _) = drain(&mut t);
    assert_eq!(summary(&tx), ["481"]);
}

#[test]
fn our_cancel_then_487_is_acked_by_the_transaction() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-3", "k4", 1);
    let inv = t.send_request(0, peer(Transport::Udp), msg(&invite));
    t.handle_datagram(
        50,
        peer(Transport::Udp),
        &msg(&invite)
            .response_to(180, "Ringing", Some("b1"))
            .to_bytes(),
    );
    drain(&mut t);
    let cancel = t.cancel(1_000, inv).unwrap();
    let (tx, _) = drain(&mut t);
    assert_eq!(summary(&tx), ["CANCEL"]);
    assert_eq!(
        tx[0].branch(),
        Some("z9hG4bK-3"),
        "CANCEL reuses the INVITE's branch"
    );
    t.handle_datagram(
        1_050,
        peer(Transport::Udp),
        &msg(&request("CANCEL", "z9hG4bK-3", "k4", 1))
            .response_to(200, "OK", None)
            .to_bytes(),
    );
    t.handle_datagram(
        1_060,
        peer(Transport::Udp),
        &msg(&invite)
            .response_to(487, "Request Terminated", Some("b1"))
            .to_bytes(),
    );
    let (tx, ev) = drain(&mut t);
    assert_eq!(
        summary(&tx),
        ["ACK"],
        "the ACK for 487 is sent by the transaction"
    );
    assert!(ev.iter().any(|e| matches!(e, TxnEvent::Response { id, msg } if *id == cancel && msg.status() == Some(200))));
    assert!(ev.iter().any(
        |e| matches!(e, TxnEvent::Response { id, msg } if *id == inv && msg.status() == Some(487))
    ));
}

#[test]
fn a_200_that_wins_the_race_against_our_cancel_reaches_the_application() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-4", "k5", 1);
    let inv = t.send_request(0, peer(Transport::Udp), msg(&invite));
    t.handle_datagram(
        50,
        peer(Transport::Udp),
        &msg(&invite)
            .response_to(180, "Ringing", Some("b1"))
            .to_bytes(),
    );
    t.cancel(1_000, inv).unwrap();
    drain(&mut t);
    t.handle_datagram(
        1_010,
        peer(Transport::Udp),
        &msg(&invite).response_to(200, "OK", Some("b1")).to_bytes(),
    );
    let (tx, ev) = drain(&mut t);
    assert!(
        tx.is_empty(),
        "a 2xx is ACKed by the dialog, not the transaction"
    );
    assert!(ev.iter().any(|e| matches!(e, TxnEvent::Response { id, msg } if *id == inv && msg.status() == Some(200))), "the application must ACK and send BYE");
    assert_eq!(
        t.cancel(1_020, inv),
        None,
        "an answered INVITE cannot be cancelled"
    );
}
