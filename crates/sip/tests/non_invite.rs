//! Non-INVITE transactions: Timer E capped at T2, Timer F timeout, Timer J/K lingering.

#![allow(clippy::unwrap_used)]

mod support;

use sip::txn::{Transactions, Transport, TxnEvent};
use support::*;

#[test]
fn a_non_invite_request_retransmits_capped_at_t2_and_times_out() {
    let mut t = Transactions::default();
    let id = t.send_request(
        0,
        peer(Transport::Udp),
        msg(&request("OPTIONS", "z9hG4bK-o", "o1", 1)),
    );
    drain(&mut t);
    let (times, events) = run_until(&mut t, 40_000);
    assert_eq!(
        times,
        [
            500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500
        ]
    );
    assert_eq!(events, [TxnEvent::Timeout { id }]);
}

#[test]
fn a_server_non_invite_answers_retransmissions_until_timer_j() {
    let mut t = Transactions::default();
    let bye = request("BYE", "z9hG4bK-b", "o2", 2);
    t.handle_datagram(0, peer(Transport::Udp), bye.as_bytes());
    let (_, ev) = drain(&mut t);
    let TxnEvent::Request { id, .. } = ev[0].clone() else {
        panic!()
    };
    t.respond(1, id, msg(&bye).response_to(200, "OK", None));
    drain(&mut t);
    t.handle_datagram(600, peer(Transport::Udp), bye.as_bytes());
    let (tx, ev) = drain(&mut t);
    assert_eq!(summary(&tx), ["200"]);
    assert!(ev.is_empty());
    run_until(&mut t, 32_001);
    assert!(t.is_empty(), "Timer J (64·T1) ended it");
}

#[test]
fn a_final_response_ends_the_client_transaction_after_timer_k() {
    let mut t = Transactions::default();
    let req = request("REGISTER", "z9hG4bK-r", "o3", 1);
    t.send_request(0, peer(Transport::Udp), msg(&req));
    drain(&mut t);
    t.handle_datagram(
        100,
        peer(Transport::Udp),
        &msg(&req).response_to(200, "OK", None).to_bytes(),
    );
    let (_, ev) = drain(&mut t);
    assert!(matches!(&ev[..], [TxnEvent::Response { .. }]));
    t.handle_datagram(
        200,
        peer(Transport::Udp),
        &msg(&req).response_to(200, "OK", None).to_bytes(),
    );
    assert!(
        drain(&mut t).1.is_empty(),
        "a retransmitted final is absorbed"
    );
    run_until(&mut t, 5_100);
    assert!(t.is_empty());
}
