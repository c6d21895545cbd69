//! The ACK for a 2xx has a branch of its own (RFC 3261 §13.2.2.4): the server INVITE transaction
//! waiting for it (RFC 6026's accepted state) is found by Call-ID and CSeq number, however many
//! other transactions are alive. An ACK that matches no accepted INVITE (it already ended, or
//! was answered with a non-2xx) is a stray ACK.

#![allow(clippy::unwrap_used)]

mod support;

use sip::txn::{Transactions, Transport, TxnEvent, TxnId};
use support::*;

/// Receives `invite` and returns its server transaction.
fn receive(t: &mut Transactions, now: u64, transport: Transport, invite: &str) -> TxnId {
    t.handle_datagram(now, peer(transport), invite.as_bytes());
    let (_, ev) = drain(t);
    match &ev[..] {
        [TxnEvent::Request { id, .. }] => *id,
        _ => panic!("{ev:?}"),
    }
}

/// Receives `invite` and answers it 200.
fn accept(t: &mut Transactions, now: u64, invite: &str) -> TxnId {
    let id = receive(t, now, Transport::Udp, invite);
    t.respond(now, id, msg(invite).response_to(200, "OK", Some("b1")));
    drain(t);
    id
}

/// The events an ACK with a fresh branch for (Call-ID, CSeq) produces.
fn ack(t: &mut Transactions, now: u64, branch: &str, call_id: &str, cseq: u32) -> Vec<TxnEvent> {
    let ack = request("ACK", branch, call_id, cseq);
    t.handle_datagram(now, peer(Transport::Udp), ack.as_bytes());
    drain(t).1
}

fn acked(events: &[TxnEvent]) -> Option<TxnId> {
    match events {
        [TxnEvent::Acked { id, .. }] => Some(*id),
        [TxnEvent::StrayAck { .. }] => None,
        _ => panic!("{events:?}"),
    }
}

#[test]
fn an_ack_for_a_2xx_finds_its_transaction_among_thousands_of_live_ones() {
    let mut t = Transactions::default();
    // Answered BYEs linger 64·T1 (Timer J), accepted INVITEs wait for their ACKs.
    for i in 0..2_000 {
        let bye = request("BYE", &format!("z9hG4bK-bye{i}"), &format!("old{i}"), 2);
        let id = receive(&mut t, 0, Transport::Udp, &bye);
        t.respond(0, id, msg(&bye).response_to(200, "OK", None));
        drain(&mut t);
    }
    let mut accepted = Vec::new();
    for i in 0..500 {
        let call_id = format!("live{i}");
        accepted.push(accept(
            &mut t,
            0,
            &request("INVITE", &format!("z9hG4bK-inv{i}"), &call_id, 1),
        ));
    }
    // A re-INVITE (CSeq 2) in the same call as the one to be ACKed.
    let reinvite = accept(&mut t, 0, &request("INVITE", "z9hG4bK-re", "live250", 2));
    assert_eq!(t.len(), 2_501);

    let events = ack(&mut t, 100, "z9hG4bK-ack", "live250", 1);
    assert_eq!(acked(&events), Some(accepted[250]));
    assert_eq!(t.len(), 2_500, "only the ACKed transaction ended");

    let events = ack(&mut t, 110, "z9hG4bK-ack2", "live250", 2);
    assert_eq!(acked(&events), Some(reinvite), "the re-INVITE by its CSeq");
    assert_eq!(
        acked(&ack(&mut t, 120, "z9hG4bK-ack3", "live499", 1)),
        Some(accepted[499])
    );
    assert_eq!(
        acked(&ack(&mut t, 130, "z9hG4bK-ack4", "live0", 1)),
        Some(accepted[0])
    );
}

#[test]
fn an_ack_with_the_call_id_but_not_the_cseq_of_an_accepted_invite_is_stray() {
    let mut t = Transactions::default();
    let id = accept(&mut t, 0, &request("INVITE", "z9hG4bK-a", "c1", 5));
    assert_eq!(acked(&ack(&mut t, 10, "z9hG4bK-x", "c1", 4)), None);
    assert_eq!(acked(&ack(&mut t, 20, "z9hG4bK-y", "c2", 5)), None);
    assert_eq!(acked(&ack(&mut t, 30, "z9hG4bK-z", "c1", 5)), Some(id));
}

#[test]
fn a_second_ack_for_the_same_2xx_is_stray() {
    let mut t = Transactions::default();
    let id = accept(&mut t, 0, &request("INVITE", "z9hG4bK-a", "c1", 1));
    assert_eq!(acked(&ack(&mut t, 10, "z9hG4bK-x", "c1", 1)), Some(id));
    assert!(t.is_empty());
    assert_eq!(acked(&ack(&mut t, 600, "z9hG4bK-x", "c1", 1)), None);
}

#[test]
fn an_ack_after_the_accepted_invite_timed_out_is_stray() {
    let mut t = Transactions::default();
    let id = accept(&mut t, 0, &request("INVITE", "z9hG4bK-a", "c1", 1));
    let (_, events) = run_until(&mut t, 40_000);
    assert_eq!(events, [TxnEvent::Timeout { id }], "64·T1 without an ACK");
    assert!(t.is_empty());
    assert_eq!(acked(&ack(&mut t, 40_000, "z9hG4bK-x", "c1", 1)), None);
}

#[test]
fn an_ack_with_a_new_branch_for_an_invite_answered_with_a_non_2xx_is_stray() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-a", "c1", 1);
    let id = receive(&mut t, 0, Transport::Udp, &invite);
    t.respond(
        0,
        id,
        msg(&invite).response_to(486, "Busy Here", Some("b1")),
    );
    drain(&mut t);
    assert_eq!(acked(&ack(&mut t, 10, "z9hG4bK-x", "c1", 1)), None);
    // The 486 is still retransmitted until its own ACK (same branch) comes.
    let (times, _) = run_until(&mut t, 600);
    assert_eq!(times, [500]);
    t.handle_datagram(
        700,
        peer(Transport::Udp),
        request("ACK", "z9hG4bK-a", "c1", 1).as_bytes(),
    );
    assert!(
        drain(&mut t).1.is_empty(),
        "the ACK for the 486 is absorbed"
    );
}

#[test]
fn an_ack_for_an_invite_still_unanswered_is_stray() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-a", "c1", 1);
    let id = receive(&mut t, 0, Transport::Udp, &invite);
    assert_eq!(acked(&ack(&mut t, 10, "z9hG4bK-x", "c1", 1)), None);
    t.respond(20, id, msg(&invite).response_to(180, "Ringing", Some("b1")));
    drain(&mut t);
    assert_eq!(acked(&ack(&mut t, 30, "z9hG4bK-y", "c1", 1)), None);
    t.respond(40, id, msg(&invite).response_to(200, "OK", Some("b1")));
    drain(&mut t);
    assert_eq!(acked(&ack(&mut t, 50, "z9hG4bK-z", "c1", 1)), Some(id));
}

#[test]
fn an_accepted_invite_over_tcp_is_found_by_its_ack() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-a", "c1", 1);
    let id = receive(&mut t, 0, Transport::Tcp, &invite);
    t.respond(0, id, msg(&invite).response_to(200, "OK", Some("b1")));
    drain(&mut t);
    assert_eq!(acked(&ack(&mut t, 10, "z9hG4bK-x", "c1", 1)), Some(id));
    assert!(t.is_empty());
}

#[test]
fn two_accepted_copies_of_one_invite_are_acked_one_per_ack_in_the_order_they_were_accepted() {
    // The same INVITE (Call-ID, CSeq) arriving twice with different branches makes two server
    // transactions; should both be answered 2xx, each ACK ends one, the earlier accepted first.
    let mut t = Transactions::default();
    let first = request("INVITE", "z9hG4bK-a", "c1", 1);
    let second = request("INVITE", "z9hG4bK-b", "c1", 1);
    let a = receive(&mut t, 0, Transport::Udp, &first);
    let b = receive(&mut t, 0, Transport::Udp, &second);
    t.respond(10, b, msg(&second).response_to(200, "OK", Some("tb")));
    t.respond(20, a, msg(&first).response_to(200, "OK", Some("ta")));
    drain(&mut t);
    assert_eq!(acked(&ack(&mut t, 30, "z9hG4bK-x", "c1", 1)), Some(b));
    assert_eq!(acked(&ack(&mut t, 40, "z9hG4bK-y", "c1", 1)), Some(a));
    assert_eq!(acked(&ack(&mut t, 50, "z9hG4bK-z", "c1", 1)), None);
    assert!(t.is_empty());
}

#[test]
fn when_one_accepted_copy_times_out_the_other_is_still_found() {
    let mut t = Transactions::default();
    let a = accept(&mut t, 0, &request("INVITE", "z9hG4bK-a", "c1", 1));
    let b = accept(&mut t, 10_000, &request("INVITE", "z9hG4bK-b", "c1", 1));
    let (_, events) = run_until(&mut t, 33_000);
    assert_eq!(events, [TxnEvent::Timeout { id: a }]);
    assert_eq!(acked(&ack(&mut t, 33_000, "z9hG4bK-x", "c1", 1)), Some(b));
    assert!(t.is_empty());
}
