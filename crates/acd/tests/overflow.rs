//! A call that waits the group's maximum leaves to the overflow target, exactly once.

#![allow(clippy::unwrap_used)]

mod common;

use acd::{AcdConfig, CallId, CallOutcome, Event, GroupConfig, GroupId, Overflow};
use common::{SALES, call_in, drain, with_idle_agents};

#[test]
fn a_call_overflows_after_the_maximum_wait() {
    let config = GroupConfig {
        max_wait_ms: Some(60_000),
        overflow: Overflow::Group(GroupId(2)),
        ..GroupConfig::default()
    };
    let mut acd = with_idle_agents(config, &[], 0);
    assert_eq!(call_in(&mut acd, 1_000, 7), None);
    acd.handle_timeout(60_999);
    assert!(
        drain(&mut acd)
            .iter()
            .all(|e| !matches!(e, Event::Overflow { .. }))
    );
    acd.handle_timeout(61_000);
    let events = drain(&mut acd);
    assert!(events.contains(&Event::Overflow {
        call: CallId(7),
        group: SALES,
        target: Overflow::Group(GroupId(2))
    }));
    assert!(events.contains(&Event::CallEnded {
        call: CallId(7),
        outcome: CallOutcome::Overflowed
    }));
    assert_eq!(acd.queue_view(SALES).unwrap().waiting, 0);
    acd.handle_timeout(1_000_000);
    assert!(drain(&mut acd).is_empty());
    let _ = AcdConfig::default();
}

#[test]
fn a_call_ringing_at_its_maximum_overflows_only_if_it_comes_back_unanswered() {
    let config = GroupConfig {
        max_wait_ms: Some(10_000),
        ring_timeout_ms: 20_000,
        overflow: Overflow::Goodbye,
        ..GroupConfig::default()
    };
    let mut acd = with_idle_agents(config, &[1], 0);
    assert!(call_in(&mut acd, 0, 1).is_some());
    acd.handle_timeout(10_000);
    assert!(
        drain(&mut acd).is_empty(),
        "still ringing: let the agent answer"
    );
    acd.handle_timeout(20_000);
    let events = drain(&mut acd);
    assert!(events.contains(&Event::Overflow {
        call: CallId(1),
        group: SALES,
        target: Overflow::Goodbye
    }));
}
