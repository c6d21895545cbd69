//! Per-source request rates (Kamailio's pike): a source over its rate is dropped for a block
//! period, logged once; trusted sources are never blocked; other sources are not affected.

#![allow(clippy::unwrap_used)]

use std::net::IpAddr;

use sip::guard::{SourceLimits, Verdict};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// Sends `n` requests from `source`, spread evenly over `ms`, from `start`; counts the verdicts
/// (passed, blocks started, dropped while blocked).
fn send(
    limits: &mut SourceLimits,
    start: u64,
    ms: u64,
    n: u64,
    source: IpAddr,
    trusted: bool,
) -> (u64, u64, u64) {
    let (mut pass, mut started, mut dropped) = (0, 0, 0);
    for i in 0..n {
        match limits.check(start + i * ms / n, source, || trusted) {
            Verdict::Pass => pass += 1,
            Verdict::BlockedNow { .. } => started += 1,
            Verdict::Blocked => dropped += 1,
        }
    }
    (pass, started, dropped)
}

#[test]
fn a_source_within_its_rate_always_passes() {
    let mut limits = SourceLimits::new(100, 200, 60_000);
    // 90 a second for 10 seconds.
    let (pass, started, dropped) = send(&mut limits, 0, 10_000, 900, ip("192.0.2.1"), false);
    assert_eq!((pass, started, dropped), (900, 0, 0));
}

#[test]
fn a_source_over_its_rate_is_blocked_then_released() {
    let mut limits = SourceLimits::new(100, 200, 60_000);
    let flood = ip("203.0.113.9");
    // 1,000 a second for 3 seconds: the burst and about 100 a second pass until the bucket is
    // empty, then one block starts and everything else is dropped.
    let (pass, started, dropped) = send(&mut limits, 0, 3_000, 3_000, flood, false);
    assert_eq!(started, 1, "the block is reported once");
    assert!((200..=230).contains(&pass), "passed {pass}");
    assert_eq!(pass + started + dropped, 3_000);
    // Still blocked a minute after the flood began (the block started about 1 s into it).
    assert_eq!(limits.check(60_000, flood, || false), Verdict::Blocked);
    // Released after the block: a full bucket again.
    let (pass, started, _) = send(&mut limits, 64_000, 1_000, 50, flood, false);
    assert_eq!((pass, started), (50, 0));
}

#[test]
fn a_flood_does_not_touch_other_sources() {
    let mut limits = SourceLimits::new(100, 200, 60_000);
    send(&mut limits, 0, 2_000, 5_000, ip("203.0.113.9"), false);
    let (pass, started, dropped) = send(&mut limits, 0, 2_000, 100, ip("198.51.100.7"), false);
    assert_eq!((pass, started, dropped), (100, 0, 0));
}

#[test]
fn a_trusted_source_over_the_rate_is_never_blocked_and_trust_is_asked_only_then() {
    let mut limits = SourceLimits::new(100, 200, 60_000);
    let carrier = ip("198.51.100.1");
    let mut asked = 0;
    for i in 0..3_000u64 {
        let v = limits.check(i, carrier, || {
            asked += 1;
            true
        });
        assert_eq!(v, Verdict::Pass);
    }
    // The first 200 (the burst) and the refills did not need to ask.
    assert!(asked < 3_000 - 200, "asked {asked}");
    assert!(asked > 2_000, "asked {asked}");
}

#[test]
fn a_rate_of_zero_turns_the_limits_off() {
    let mut limits = SourceLimits::new(0, 0, 60_000);
    let (pass, _, _) = send(&mut limits, 0, 1_000, 10_000, ip("203.0.113.9"), false);
    assert_eq!(pass, 10_000);
    assert_eq!(limits.tracked(), 0);
}

#[test]
fn quiet_sources_are_forgotten_and_blocked_ones_kept() {
    let mut limits = SourceLimits::new(100, 200, 60_000);
    for n in 0..1_000u32 {
        let source = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + n));
        limits.check(0, source, || false);
    }
    send(&mut limits, 0, 1_000, 1_000, ip("203.0.113.9"), false);
    assert_eq!(limits.tracked(), 1_001);
    // After a few seconds every bucket but the blocked one is full again.
    limits.prune(5_000);
    assert_eq!(limits.tracked(), 1);
    limits.prune(70_000);
    assert_eq!(limits.tracked(), 0);
}
