//! An INVITE over UDP is retransmitted at T1, 2·T1, 4·T1 … and times out at 64·T1 (Timers A, B);
//! over TCP it is not retransmitted but still times out. A retransmitted INVITE reaching a server
//! is absorbed.

#![allow(clippy::unwrap_used)]

mod support;

use sip::txn::{Transactions, Transport, TxnEvent};
use support::*;

#[test]
fn a_udp_invite_doubles_its_retransmissions_and_times_out_at_64_t1() {
    let mut t = Transactions::default();
    let id = t.send_request(
        0,
        peer(Transport::Udp),
        msg(&request("INVITE", "z9hG4bK-a", "c1", 1)),
    );
    let (tx, _) = drain(&mut t);
    assert_eq!(summary(&tx), ["INVITE"]);
    let (times, events) = run_until(&mut t, 40_000);
    assert_eq!(
        times,
        [500, 1_500, 3_500, 7_500, 15_500, 31_500],
        "Timer A doubles from T1"
    );
    assert_eq!(
        events,
        [TxnEvent::Timeout { id }],
        "Timer B fires at 64·T1 = 32 s"
    );
    assert!(t.is_empty());
}

#[test]
fn a_tcp_invite_is_not_retransmitted_but_still_times_out() {
    let mut t = Transactions::default();
    let id = t.send_request(
        0,
        peer(Transport::Tcp),
        msg(&request("INVITE", "z9hG4bK-b", "c2", 1)),
    );
    drain(&mut t);
    let (times, events) = run_until(&mut t, 40_000);
    assert!(times.is_empty());
    assert_eq!(events, [TxnEvent::Timeout { id }]);
    assert_eq!(t.poll_timeout(), None);
}

#[test]
fn a_provisional_response_stops_retransmission() {
    let mut t = Transactions::default();
    t.send_request(
        0,
        peer(Transport::Udp),
        msg(&request("INVITE", "z9hG4bK-c", "c3", 1)),
    );
    drain(&mut t);
    let ringing =
        msg(&request("INVITE", "z9hG4bK-c", "c3", 1)).response_to(180, "Ringing", Some("b1"));
    t.handle_datagram(200, peer(Transport::Udp), &ringing.to_bytes());
    let (_, ev) = drain(&mut t);
    assert!(matches!(&ev[..], [TxnEvent::Response { .. }]));
    let (times, _) = run_until(&mut t, 20_000);
    assert!(times.is_empty(), "no retransmission after 180");
}

#[test]
fn a_server_absorbs_a_retransmitted_invite_and_repeats_its_last_response() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-d", "c4", 1);
    t.handle_datagram(0, peer(Transport::Udp), invite.as_bytes());
    let (tx, ev) = drain(&mut t);
    assert_eq!(summary(&tx), ["100"], "100 Trying at once");
    let TxnEvent::Request { id, .. } = ev[0].clone() else {
        panic!("{ev:?}")
    };
    t.respond(10, id, msg(&invite).response_to(180, "Ringing", Some("b1")));
    drain(&mut t);
    t.handle_datagram(500, peer(Transport::Udp), invite.as_bytes());
    let (tx, ev) = drain(&mut t);
    assert_eq!(summary(&tx), ["180"]);
    assert!(ev.is_empty(), "the retransmission is not a new request");
}

#[test]
fn a_2xx_is_retransmitted_until_its_ack_arrives() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-e", "c5", 7);
    t.handle_datagram(0, peer(Transport::Udp), invite.as_bytes());
    let (_, ev) = drain(&mut t);
    let TxnEvent::Request { id, .. } = ev[0].clone() else {
        panic!()
    };
    t.respond(0, id, msg(&invite).response_to(200, "OK", Some("b1")));
    drain(&mut t);
    let (times, _) = run_until(&mut t, 2_000);
    assert_eq!(times, [500, 1_500], "2xx retransmitted at T1, 2·T1");
    let ack = request("ACK", "z9hG4bK-new", "c5", 7);
    t.handle_datagram(2_100, peer(Transport::Udp), ack.as_bytes());
    let (_, ev) = drain(&mut t);
    assert!(matches!(&ev[..], [TxnEvent::Acked { id: acked, .. }] if *acked == id));
    assert!(t.is_empty());
}

#[test]
fn a_2xx_never_acked_times_out_so_the_call_can_be_torn_down() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-f", "c6", 1);
    t.handle_datagram(0, peer(Transport::Udp), invite.as_bytes());
    let (_, ev) = drain(&mut t);
    let TxnEvent::Request { id, .. } = ev[0].clone() else {
        panic!()
    };
    t.respond(0, id, msg(&invite).response_to(200, "OK", Some("b1")));
    drain(&mut t);
    let (times, events) = run_until(&mut t, 40_000);
    assert_eq!(
        times,
        [
            500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500
        ],
        "capped at T2"
    );
    assert_eq!(events, [TxnEvent::Timeout { id }]);
}
