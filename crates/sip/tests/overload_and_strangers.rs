//! Under load: 503 with `Retry-After` past the transaction cap, keeping no state; final answers
//! to strangers sent once and forgotten after T4.

#![allow(clippy::unwrap_used)]

mod support;

use sip::txn::{Limits, TimerConfig, Transactions, Transport, TxnEvent};
use support::*;

fn capped(max_server: usize) -> Transactions {
    Transactions::with_limits(
        TimerConfig::default(),
        Limits {
            max_server,
            retry_after_secs: 7,
        },
    )
}

#[test]
fn past_the_transaction_cap_new_requests_get_503_with_retry_after_and_no_state() {
    let mut t = capped(3);
    for n in 0..3 {
        let r = request("OPTIONS", &format!("z9hG4bK-o{n}"), &format!("c{n}"), 1);
        t.handle_datagram(0, peer(Transport::Udp), r.as_bytes());
    }
    let (_, ev) = drain(&mut t);
    assert_eq!(ev.len(), 3);
    assert_eq!(t.servers(), 3);
    let invite = request("INVITE", "z9hG4bK-i", "c9", 1);
    t.handle_datagram(1, peer(Transport::Udp), invite.as_bytes());
    let (tx, ev) = drain(&mut t);
    assert_eq!(summary(&tx), ["503"]);
    assert_eq!(tx[0].header("Retry-After"), Some("7"));
    assert!(matches!(&ev[..], [TxnEvent::Refused { code: 503, .. }]));
    assert_eq!(t.servers(), 3, "the refused request left nothing behind");
    assert_eq!(
        t.poll_timeout().map(|_| ()),
        None,
        "nothing was answered, no timer runs"
    );
    // An in-dialog request (it may end a call and free room) still gets through.
    let bye = request("BYE", "z9hG4bK-b", "c0", 2)
        .replace("To: <sip:9196@127.0.0.1>", "To: <sip:9196@127.0.0.1>;tag=x");
    t.handle_datagram(2, peer(Transport::Udp), bye.as_bytes());
    let (_, ev) = drain(&mut t);
    assert!(matches!(&ev[..], [TxnEvent::Request { .. }]));
}

#[test]
fn answered_requests_lingering_for_retransmissions_leave_room_under_the_cap() {
    let mut t = capped(3);
    // Three calls' BYEs, answered: each lingers 32 s (Timer J) only to absorb retransmissions.
    let byes: Vec<String> = (0..3)
        .map(|n| {
            request("BYE", &format!("z9hG4bK-b{n}"), &format!("c{n}"), 2)
                .replace("To: <sip:9196@127.0.0.1>", "To: <sip:9196@127.0.0.1>;tag=x")
        })
        .collect();
    for (n, bye) in byes.iter().enumerate() {
        t.handle_datagram(n as u64, peer(Transport::Udp), bye.as_bytes());
        let (_, ev) = drain(&mut t);
        let [TxnEvent::Request { id, .. }] = ev[..] else {
            panic!("{ev:?}")
        };
        t.respond(n as u64, id, msg(bye).response_to(200, "OK", None));
    }
    drain(&mut t);
    assert_eq!(t.len(), 3, "they linger");
    assert_eq!(t.servers(), 0, "but the cap does not count them");
    // A new call is taken, not refused with 503.
    let invite = request("INVITE", "z9hG4bK-i", "c9", 1);
    t.handle_datagram(10, peer(Transport::Udp), invite.as_bytes());
    let (tx, ev) = drain(&mut t);
    assert_eq!(summary(&tx), ["100"]);
    assert!(matches!(&ev[..], [TxnEvent::Request { .. }]));
    assert_eq!(t.servers(), 1);
    // A BYE retransmitted meanwhile still gets its 200 again, and no new request.
    t.handle_datagram(20, peer(Transport::Udp), byes[1].as_bytes());
    let (tx, ev) = drain(&mut t);
    assert_eq!(summary(&tx), ["200"]);
    assert!(ev.is_empty(), "{ev:?}");
    // After Timer J they are gone; the INVITE is still at work and still counted.
    run_until(&mut t, 40_000);
    assert_eq!(t.servers(), 1);
}

#[test]
fn a_refusal_to_a_stranger_invite_is_sent_once_and_forgotten_after_t4() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-s", "s1", 1);
    t.handle_datagram(0, peer(Transport::Udp), invite.as_bytes());
    let (tx, ev) = drain(&mut t);
    assert_eq!(summary(&tx), ["100"]);
    let TxnEvent::Request { id, .. } = ev[0].clone() else {
        panic!()
    };
    t.answer_once(id);
    t.respond(
        1,
        id,
        msg(&invite).response_to(403, "Source Not Allowed", Some("t")),
    );
    let (tx, _) = drain(&mut t);
    assert_eq!(summary(&tx), ["403"]);
    // No Timer G: nothing more is sent, however long we wait, and the state is gone after T4.
    let (times, events) = run_until(&mut t, 40_000);
    assert!(times.is_empty(), "retransmitted at {times:?}");
    assert!(events.is_empty(), "no timeout reported: {events:?}");
    assert!(t.is_empty());
}

#[test]
fn a_stranger_retransmitting_gets_one_answer_per_request() {
    let mut t = Transactions::default();
    let options = request("OPTIONS", "z9hG4bK-so", "s2", 1);
    t.handle_datagram(0, peer(Transport::Udp), options.as_bytes());
    let TxnEvent::Request { id, .. } = drain(&mut t).1[0].clone() else {
        panic!()
    };
    t.answer_once(id);
    t.respond(
        1,
        id,
        msg(&options).response_to(404, "Not Found", Some("t")),
    );
    assert_eq!(summary(&drain(&mut t).0), ["404"]);
    for at in [500, 1_500, 3_500] {
        t.handle_datagram(at, peer(Transport::Udp), options.as_bytes());
        assert_eq!(summary(&drain(&mut t).0), ["404"], "at {at}");
    }
    run_until(&mut t, 5_001);
    assert!(t.is_empty(), "lingered T4, not 64·T1");
}

#[test]
fn a_refusal_to_a_known_peer_is_still_retransmitted_until_acked() {
    let mut t = Transactions::default();
    let invite = request("INVITE", "z9hG4bK-k", "k1", 1);
    t.handle_datagram(0, peer(Transport::Udp), invite.as_bytes());
    let TxnEvent::Request { id, .. } = drain(&mut t).1[0].clone() else {
        panic!()
    };
    t.respond(1, id, msg(&invite).response_to(486, "Busy Here", Some("t")));
    drain(&mut t);
    let (times, _) = run_until(&mut t, 5_000);
    assert_eq!(times, [501, 1_501, 3_501], "Timer G");
}
