//! A custom status takes the agent out of routing and its time counts as busy.

#![allow(clippy::unwrap_used)]

mod common;

use acd::{AgentId, Command, GroupConfig, LoginStatus, StatusId};
use common::{call_in, drain, offers, with_idle_agents};

#[test]
fn time_in_a_custom_status_counts_as_busy_and_gets_no_calls() {
    let mut acd = with_idle_agents(GroupConfig::default(), &[1], 0);
    acd.handle(
        60_000,
        Command::SetCustomStatus {
            agent: AgentId(1),
            status: Some(StatusId(9)),
        },
    )
    .unwrap();
    assert_eq!(
        call_in(&mut acd, 61_000, 1),
        None,
        "no offer in a custom status"
    );
    let v = acd.agent_view(360_000, AgentId(1)).unwrap();
    assert_eq!(v.login, LoginStatus::Custom(StatusId(9)));
    assert_eq!(v.since, 60_000, "the status timer restarts at the change");
    assert_eq!(v.today.idle_ms, 60_000);
    assert_eq!(v.today.busy_ms, 300_000);
    acd.handle(
        360_000,
        Command::SetCustomStatus {
            agent: AgentId(1),
            status: None,
        },
    )
    .unwrap();
    acd.handle(360_000, Command::SetIdle { agent: AgentId(1) })
        .unwrap();
    assert_eq!(
        offers(&drain(&mut acd)).len(),
        1,
        "the waiting call goes to the agent back from break"
    );
}
