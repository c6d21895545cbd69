//! SIP TCP connections: capped in total and per source, idle ones closed, on simulated time.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;

use sip::guard::{TcpLimits, TcpRefusal};

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

#[test]
fn one_address_may_open_only_its_share_and_others_still_connect() {
    let mut t = TcpLimits::new(10, 3, 120_000);
    for port in 1..=3 {
        assert_eq!(
            t.opened(0, addr(&format!("203.0.113.9:{port}")), false, || false),
            Ok(())
        );
    }
    assert_eq!(
        t.opened(0, addr("203.0.113.9:4"), false, || false),
        Err(TcpRefusal::PerSource)
    );
    assert_eq!(
        t.opened(0, addr("198.51.100.1:5060"), false, || false),
        Ok(())
    );
    // One closes: the address may open one more.
    t.closed(addr("203.0.113.9:2"));
    assert_eq!(t.opened(0, addr("203.0.113.9:4"), false, || false), Ok(()));
    assert_eq!(t.open(), 4);
}

#[test]
fn the_total_cap_holds_for_everyone_but_our_own_connections() {
    let mut t = TcpLimits::new(4, 100, 120_000);
    for n in 0..4 {
        assert_eq!(
            t.opened(0, addr(&format!("198.51.100.{n}:5060")), false, || true),
            Ok(())
        );
    }
    assert_eq!(
        t.opened(0, addr("198.51.100.9:5060"), false, || true),
        Err(TcpRefusal::Total)
    );
    // A connection we open to a carrier is not refused.
    assert_eq!(t.opened(0, addr("192.0.2.1:5060"), true, || false), Ok(()));
    assert_eq!(t.open(), 4);
}

#[test]
fn a_trusted_source_may_open_more_than_the_per_source_cap() {
    let mut t = TcpLimits::new(100, 2, 120_000);
    for port in 1..=5 {
        assert_eq!(
            t.opened(0, addr(&format!("198.51.100.1:{port}")), false, || true),
            Ok(())
        );
    }
}

#[test]
fn idle_connections_of_strangers_are_closed_and_busy_or_trusted_ones_kept() {
    let mut t = TcpLimits::new(100, 10, 120_000);
    let (idle, busy, phone, ours) = (
        addr("203.0.113.9:4000"),
        addr("203.0.113.10:4000"),
        addr("192.0.2.10:5060"),
        addr("198.51.100.1:5060"),
    );
    for a in [idle, busy, phone] {
        t.opened(0, a, false, || false).unwrap();
    }
    t.opened(0, ours, true, || false).unwrap();
    t.heard(100_000, busy);
    assert!(t.idle(119_999, |_| false).is_empty());
    assert_eq!(t.idle(120_000, |a| a == phone), vec![idle]);
    assert_eq!(t.idle(220_000, |a| a == phone), vec![idle, busy]);
}

#[test]
fn a_connection_replacing_one_from_the_same_port_is_counted_once() {
    let mut t = TcpLimits::new(100, 10, 120_000);
    t.opened(0, addr("203.0.113.9:4000"), false, || false)
        .unwrap();
    t.opened(5, addr("203.0.113.9:4000"), false, || false)
        .unwrap();
    assert_eq!(t.open(), 1);
    t.closed(addr("203.0.113.9:4000"));
    assert_eq!(t.open(), 0);
}
