//! An offer nobody answers goes back to the head of the queue; the agent turns busy with a
//! missed-call reminder, and the next agent gets the call.

#![allow(clippy::unwrap_used)]

mod common;

use acd::{AgentId, CallId, Command, Event, GroupConfig, PhoneStatus, TimerLabel, WithdrawReason};
use common::{call_in, drain, offers, with_idle_agents};

#[test]
fn an_unanswered_offer_requeues_at_the_head_and_rings_the_next_agent() {
    let mut acd = with_idle_agents(GroupConfig::default(), &[1001], 0);
    assert_eq!(call_in(&mut acd, 1_000, 1), Some(AgentId(1001)));
    // A later caller queues behind: nobody else is idle.
    assert_eq!(call_in(&mut acd, 2_000, 2), None);
    assert_eq!(
        acd.poll_timeout(),
        Some((21_000, TimerLabel::Ring(CallId(1)))),
        "20 s default ring timeout"
    );

    acd.handle_timeout(20_999);
    assert!(
        drain(&mut acd).is_empty(),
        "nothing happens before the deadline"
    );
    acd.handle_timeout(21_000);
    let events = drain(&mut acd);
    assert!(events.contains(&Event::OfferWithdrawn {
        call: CallId(1),
        agent: AgentId(1001),
        reason: WithdrawReason::RingTimeout
    }));
    assert!(events.contains(&Event::MissedCall {
        agent: AgentId(1001),
        call: CallId(1)
    }));
    assert_eq!(
        acd.agent_view(21_000, AgentId(1001)).unwrap().phone,
        PhoneStatus::Busy
    );
    assert_eq!(
        acd.queue_position(CallId(1)),
        Some(1),
        "back at the head, ahead of call 2"
    );
    assert_eq!(acd.queue_position(CallId(2)), Some(2));

    // Agent 1002 signs in and goes idle: it gets call 1, not call 2.
    acd.set_membership(AgentId(1002), common::SALES, 3);
    acd.handle(
        22_000,
        Command::Login {
            agent: AgentId(1002),
            device: acd::Device::Browser,
        },
    )
    .unwrap();
    acd.handle(
        22_000,
        Command::SetIdle {
            agent: AgentId(1002),
        },
    )
    .unwrap();
    assert_eq!(offers(&drain(&mut acd)), [(CallId(1), AgentId(1002))]);
}

#[test]
fn a_rejected_offer_behaves_like_ring_no_answer() {
    let mut acd = with_idle_agents(GroupConfig::default(), &[1, 2], 0);
    let first = call_in(&mut acd, 10, 1).unwrap();
    acd.handle(
        11,
        Command::Reject {
            agent: first,
            call: CallId(1),
        },
    )
    .unwrap();
    let events = drain(&mut acd);
    assert!(events.contains(&Event::MissedCall {
        agent: first,
        call: CallId(1)
    }));
    let other = if first == AgentId(1) {
        AgentId(2)
    } else {
        AgentId(1)
    };
    assert_eq!(offers(&events), [(CallId(1), other)]);
}

#[test]
fn a_customer_hanging_up_while_ringing_is_a_missed_call_and_an_abandon() {
    let mut acd = with_idle_agents(GroupConfig::default(), &[1], 0);
    call_in(&mut acd, 10, 1);
    acd.handle(15, Command::Abandon { call: CallId(1) })
        .unwrap();
    let events = drain(&mut acd);
    assert!(events.contains(&Event::MissedCall {
        agent: AgentId(1),
        call: CallId(1)
    }));
    assert!(events.contains(&Event::CallEnded {
        call: CallId(1),
        outcome: acd::CallOutcome::Abandoned
    }));
    assert_eq!(
        acd.agent_view(15, AgentId(1)).unwrap().phone,
        PhoneStatus::Idle,
        "the agent did nothing wrong"
    );
    assert_eq!(acd.poll_timeout(), None, "the ring timer is gone");
}
