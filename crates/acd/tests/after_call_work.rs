//! After a call the agent spends the configured after-call work, then turns idle and is offered
//! the next call.

#![allow(clippy::unwrap_used)]

mod common;

use acd::{Acd, AcdConfig, AgentId, CallId, Command, Device, GroupConfig, PhoneStatus, TimerLabel};
use common::{SALES, drain, offers};

/// Agent 1 with 30 s of after-call work answers call 1 at 12 ms; `waiting` calls queue behind it;
/// the call ends at 100 ms.
fn agent_after_a_call(waiting: &[u64]) -> Acd {
    let mut acd = Acd::new(AcdConfig {
        after_call_work_ms: Some(30_000),
        ..AcdConfig::default()
    });
    acd.set_group(SALES, GroupConfig::default());
    acd.set_membership(AgentId(1), SALES, 3);
    acd.handle(
        0,
        Command::Login {
            agent: AgentId(1),
            device: Device::Browser,
        },
    )
    .unwrap();
    acd.handle(0, Command::SetIdle { agent: AgentId(1) })
        .unwrap();
    acd.handle(
        10,
        Command::Enqueue {
            call: CallId(1),
            group: SALES,
        },
    )
    .unwrap();
    acd.handle(
        12,
        Command::Answer {
            agent: AgentId(1),
            call: CallId(1),
        },
    )
    .unwrap();
    for &c in waiting {
        acd.handle(
            20,
            Command::Enqueue {
                call: CallId(c),
                group: SALES,
            },
        )
        .unwrap();
    }
    acd.handle(100, Command::Hangup { call: CallId(1) })
        .unwrap();
    drain(&mut acd);
    acd
}

#[test]
fn after_call_work_ends_by_itself_and_the_next_call_is_offered() {
    let mut acd = agent_after_a_call(&[2]);
    assert_eq!(
        acd.agent_view(100, AgentId(1)).unwrap().phone,
        PhoneStatus::AfterCallWork { until: 30_100 }
    );
    assert_eq!(
        acd.poll_timeout(),
        Some((30_100, TimerLabel::AfterCallWork(AgentId(1))))
    );
    acd.handle_timeout(30_100);
    assert_eq!(offers(&drain(&mut acd)), [(CallId(2), AgentId(1))]);
}

#[test]
fn an_agent_may_end_after_call_work_early() {
    let mut acd = agent_after_a_call(&[]);
    acd.handle(5_000, Command::FinishAfterCallWork { agent: AgentId(1) })
        .unwrap();
    assert_eq!(
        acd.agent_view(5_000, AgentId(1)).unwrap().phone,
        PhoneStatus::Idle
    );
    assert_eq!(
        acd.poll_timeout(),
        None,
        "the after-call-work timer was cancelled"
    );
}
