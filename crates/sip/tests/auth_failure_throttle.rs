//! Digest failures throttled per source and per user, on simulated time.

#![allow(clippy::unwrap_used)]

use std::net::IpAddr;

use sip::guard::{AuthThrottle, Blocked, Throttled};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

const BLOCK: u64 = 300_000;

#[test]
fn a_source_guessing_passwords_is_refused_after_its_limit_then_released() {
    let mut t = AuthThrottle::new(5, 10, BLOCK);
    let attacker = ip("203.0.113.9");
    for n in 1..=4 {
        assert_eq!(t.check(n * 1_000, attacker, "1001"), Ok(()));
        assert_eq!(
            t.failed(n * 1_000, attacker, Some("1001")),
            Blocked::default()
        );
    }
    assert_eq!(t.check(5_000, attacker, "1002"), Ok(()));
    let b = t.failed(5_000, attacker, Some("1002"));
    assert!(b.source && !b.user, "{b:?}");
    // Refused for any user, with the time left.
    assert_eq!(
        t.check(6_000, attacker, "1003"),
        Err(Throttled {
            retry_after_secs: 299
        })
    );
    assert!(t.check(5_000 + BLOCK - 1, attacker, "1001").is_err());
    assert_eq!(t.check(5_000 + BLOCK, attacker, "1001"), Ok(()));
}

#[test]
fn register_failures_for_one_user_are_throttled_across_sources() {
    let mut t = AuthThrottle::new(5, 10, BLOCK);
    // Ten sources, one wrong guess each: no source reaches its limit, the user does.
    let mut blocked = Blocked::default();
    for n in 0..10u8 {
        blocked = t.failed(
            u64::from(n) * 100,
            ip(&format!("203.0.113.{n}")),
            Some("1001"),
        );
    }
    assert!(blocked.user && !blocked.source);
    assert!(t.check(2_000, ip("198.51.100.50"), "1001").is_err());
    // Other users are not affected.
    assert_eq!(t.check(2_000, ip("198.51.100.50"), "1002"), Ok(()));
}

#[test]
fn a_user_throttled_by_strangers_still_registers_from_its_known_address() {
    let mut t = AuthThrottle::new(5, 10, BLOCK);
    let phone = ip("192.0.2.10");
    t.succeeded(0, phone, "1001");
    for n in 0..10u8 {
        t.failed(1_000, ip(&format!("203.0.113.{n}")), Some("1001"));
    }
    assert!(t.check(2_000, ip("203.0.113.99"), "1001").is_err());
    assert_eq!(t.check(2_000, phone, "1001"), Ok(()));
}

#[test]
fn failures_spread_wider_than_the_window_are_not_throttled() {
    let mut t = AuthThrottle::new(5, 10, BLOCK);
    let phone = ip("192.0.2.10");
    // A phone with a wrong password retrying every 2 minutes: 4 failures per 5 minutes at most.
    for n in 0..20u64 {
        let now = n * 120_000;
        assert_eq!(t.check(now, phone, "1001"), Ok(()), "at {now}");
        let b = t.failed(now, phone, Some("1001"));
        assert_eq!(b, Blocked::default(), "at {now}");
    }
}

#[test]
fn a_success_with_one_account_does_not_buy_guesses_at_others() {
    let mut t = AuthThrottle::new(5, 10, BLOCK);
    let attacker = ip("203.0.113.9");
    for n in 0..4 {
        t.failed(n, attacker, Some("1002"));
    }
    t.succeeded(10, attacker, "1001");
    let b = t.failed(20, attacker, Some("1002"));
    assert!(b.source, "the fifth failure still blocks the source");
    assert!(t.check(30, attacker, "1002").is_err());
    assert_eq!(t.check(30, attacker, "1001"), Ok(()));
}

#[test]
fn made_up_user_names_count_against_the_source_only_and_spent_entries_are_pruned() {
    let mut t = AuthThrottle::new(5, 10, BLOCK);
    for n in 0..5u8 {
        t.failed(0, ip("203.0.113.9"), None);
        t.failed(0, ip(&format!("198.51.100.{n}")), None);
    }
    assert!(t.check(1, ip("203.0.113.9"), "anyone").is_err());
    assert_eq!(t.check(1, ip("198.51.100.1"), "anyone"), Ok(()));
    t.prune(BLOCK);
    assert_eq!(t.check(BLOCK, ip("203.0.113.9"), "anyone"), Ok(()));
}

#[test]
fn a_limit_of_zero_turns_the_throttle_off() {
    let mut t = AuthThrottle::new(0, 10, BLOCK);
    for _ in 0..100 {
        assert_eq!(
            t.failed(0, ip("203.0.113.9"), Some("1001")),
            Blocked::default()
        );
    }
    assert_eq!(t.check(0, ip("203.0.113.9"), "1001"), Ok(()));
}

#[test]
fn an_office_behind_one_address_keeps_registering_known_phones_while_one_is_throttled() {
    let mut t = AuthThrottle::new(5, 10, BLOCK);
    let office = ip("192.0.2.1");
    t.succeeded(0, office, "1001");
    t.succeeded(0, office, "1002");
    // A new phone with a wrong password blocks the address for new names...
    for n in 0..5 {
        t.failed(1_000 + n, office, Some("1003"));
    }
    assert!(t.check(2_000, office, "1003").is_err());
    assert!(t.check(2_000, office, "1004").is_err());
    // ...but the phones that registered from it before go on.
    assert_eq!(t.check(2_000, office, "1001"), Ok(()));
    assert_eq!(t.check(2_000, office, "1002"), Ok(()));
}
