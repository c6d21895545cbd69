//! A call an agent blind-transfers to a group goes to the head of that group's queue and keeps
//! the time it has waited; the transferring agent goes to after-call work.

#![allow(clippy::unwrap_used)]

mod common;

use acd::{AgentId, CallId, Command, Device, Event, PhoneStatus};
use common::{SALES, call_in, drain, offers, with_idle_agents};

#[test]
fn a_transferred_call_queues_at_the_head_keeping_its_wait() {
    let mut acd = with_idle_agents(Default::default(), &[1001], 0);
    assert_eq!(call_in(&mut acd, 1_000, 1), Some(AgentId(1001)));
    acd.handle(
        2_000,
        Command::Answer {
            agent: AgentId(1001),
            call: CallId(1),
        },
    )
    .unwrap();
    // Another caller waits meanwhile (nobody idle).
    assert_eq!(call_in(&mut acd, 3_000, 2), None);

    acd.handle(10_000, Command::Hangup { call: CallId(1) })
        .unwrap();
    acd.handle(
        10_000,
        Command::Transfer {
            call: CallId(1),
            group: SALES,
            since: 1_000,
        },
    )
    .unwrap();
    drain(&mut acd);
    // A caller who comes after the transfer queues behind it.
    assert_eq!(call_in(&mut acd, 11_000, 3), None);
    assert_eq!(
        acd.queue_position(CallId(1)),
        Some(1),
        "ahead of the caller who came later"
    );
    assert_eq!(acd.queue_position(CallId(3)), Some(2));
    assert_eq!(acd.queue_view(SALES).unwrap().oldest_since, Some(1_000));
    let phone = acd.agent_view(10_000, AgentId(1001)).unwrap().phone;
    assert!(
        !matches!(phone, PhoneStatus::Talking(_)),
        "the transferring agent is off the call: {phone:?}"
    );
}

#[test]
fn a_call_still_waiting_moves_to_the_new_queue_without_an_outcome() {
    let mut acd = with_idle_agents(Default::default(), &[], 0);
    // Support has one idle agent; the call waits in Sales, where nobody is.
    let support = acd::GroupId(2);
    acd.set_group(support, Default::default());
    acd.set_membership(AgentId(1002), support, 3);
    acd.handle(
        0,
        Command::Login {
            agent: AgentId(1002),
            device: Device::Browser,
        },
    )
    .unwrap();
    acd.handle(
        0,
        Command::SetIdle {
            agent: AgentId(1002),
        },
    )
    .unwrap();
    drain(&mut acd);
    assert_eq!(call_in(&mut acd, 1_000, 1), None);

    acd.handle(
        5_000,
        Command::Transfer {
            call: CallId(1),
            group: support,
            since: 1_000,
        },
    )
    .unwrap();
    let events = drain(&mut acd);
    assert!(
        !events.iter().any(|e| matches!(e, Event::CallEnded { .. })),
        "moving is not an outcome: {events:?}"
    );
    assert_eq!(offers(&events), vec![(CallId(1), AgentId(1002))]);
    assert_eq!(acd.queue_view(SALES).unwrap().waiting, 0);
}

#[test]
fn a_transfer_of_a_call_still_ringing_is_refused_as_a_duplicate() {
    let mut acd = with_idle_agents(Default::default(), &[1001], 0);
    assert_eq!(call_in(&mut acd, 1_000, 1), Some(AgentId(1001)));
    let r = acd.handle(
        2_000,
        Command::Transfer {
            call: CallId(1),
            group: SALES,
            since: 1_000,
        },
    );
    assert_eq!(r, Err(acd::CommandError::DuplicateCall));
}

#[test]
fn a_call_that_comes_back_counts_once_for_its_agent_and_once_for_each_other() {
    let mut acd = with_idle_agents(Default::default(), &[1001], 0);
    let calls = |acd: &acd::Acd, a: u64| acd.agent_view(50_000, AgentId(a)).unwrap().today.calls;
    assert_eq!(call_in(&mut acd, 1_000, 1), Some(AgentId(1001)));
    let answer = |acd: &mut acd::Acd, t, a| {
        acd.handle(
            t,
            Command::Answer {
                agent: AgentId(a),
                call: CallId(1),
            },
        )
        .unwrap()
    };
    answer(&mut acd, 2_000, 1001);
    assert_eq!(calls(&acd, 1001), 1);
    // Transferred on; nobody else takes it; it comes back to 1001, who answers again.
    acd.handle(10_000, Command::Hangup { call: CallId(1) })
        .unwrap();
    acd.handle(
        10_000,
        Command::FinishAfterCallWork {
            agent: AgentId(1001),
        },
    )
    .unwrap();
    acd.handle(
        10_000,
        Command::Transfer {
            call: CallId(1),
            group: SALES,
            since: 1_000,
        },
    )
    .unwrap();
    assert_eq!(offers(&drain(&mut acd)), vec![(CallId(1), AgentId(1001))]);
    answer(&mut acd, 12_000, 1001);
    assert_eq!(
        calls(&acd, 1001),
        1,
        "the same call, the same agent: counted once"
    );
    // A later call is counted as usual.
    acd.handle(20_000, Command::Hangup { call: CallId(1) })
        .unwrap();
    acd.handle(
        20_000,
        Command::FinishAfterCallWork {
            agent: AgentId(1001),
        },
    )
    .unwrap();
    assert_eq!(call_in(&mut acd, 21_000, 2), Some(AgentId(1001)));
    acd.handle(
        22_000,
        Command::Answer {
            agent: AgentId(1001),
            call: CallId(2),
        },
    )
    .unwrap();
    assert_eq!(calls(&acd, 1001), 2);
}
