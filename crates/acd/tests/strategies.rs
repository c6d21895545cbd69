//! Each routing strategy picks the agent it promises.

#![allow(clippy::unwrap_used)]

mod common;

use acd::{AgentId, Command, GroupConfig, Strategy};
use common::{SALES, call_in, drain, talk, with_idle_agents};

fn group(strategy: Strategy) -> GroupConfig {
    GroupConfig {
        strategy,
        ..GroupConfig::default()
    }
}

#[test]
fn longest_idle_offers_the_agent_idle_the_longest() {
    let mut acd = with_idle_agents(group(Strategy::LongestIdle), &[], 0);
    for (a, t) in [(1, 300), (2, 100), (3, 200)] {
        acd.set_membership(AgentId(a), SALES, 3);
        acd.handle(
            t,
            Command::Login {
                agent: AgentId(a),
                device: acd::Device::Browser,
            },
        )
        .unwrap();
        acd.handle(t, Command::SetIdle { agent: AgentId(a) })
            .unwrap();
    }
    drain(&mut acd);
    assert_eq!(call_in(&mut acd, 1_000, 1), Some(AgentId(2)));
    assert_eq!(call_in(&mut acd, 1_000, 2), Some(AgentId(3)));
    assert_eq!(call_in(&mut acd, 1_000, 3), Some(AgentId(1)));
}

#[test]
fn round_robin_takes_agents_in_turn() {
    let mut acd = with_idle_agents(group(Strategy::RoundRobin), &[1, 2, 3], 0);
    let mut order = Vec::new();
    for call in 1..=6u64 {
        let t = 10 * call as i64;
        let agent = call_in(&mut acd, t, call).unwrap();
        order.push(agent.0);
        talk(&mut acd, agent, call, t, t + 1);
        drain(&mut acd);
    }
    assert_eq!(order, [1, 2, 3, 1, 2, 3]);
}

#[test]
fn fewest_calls_prefers_the_agent_with_fewer_calls_today() {
    let mut acd = with_idle_agents(group(Strategy::FewestCalls), &[1, 2], 0);
    // Agent 1 takes two calls, agent 2 one: the next goes to 2 even though 1 has been idle longer.
    for call in 1..=3u64 {
        let t = call as i64 * 10;
        let a = call_in(&mut acd, t, call).unwrap();
        talk(&mut acd, a, call, t, t + 5);
        drain(&mut acd);
    }
    let calls = |acd: &acd::Acd, a| acd.agent_view(100, AgentId(a)).unwrap().today.calls;
    let (c1, c2) = (calls(&acd, 1), calls(&acd, 2));
    let next = call_in(&mut acd, 100, 4).unwrap();
    let expected = if c1 < c2 { 1 } else { 2 };
    assert_eq!(c1 + c2, 3);
    assert_eq!(next, AgentId(expected));
}

#[test]
fn skill_priority_prefers_the_highest_level() {
    let mut acd = with_idle_agents(group(Strategy::SkillPriority), &[1, 2, 3], 0);
    acd.set_membership(AgentId(2), SALES, 5);
    acd.set_membership(AgentId(3), SALES, 4);
    assert_eq!(call_in(&mut acd, 10, 1), Some(AgentId(2)));
    assert_eq!(call_in(&mut acd, 10, 2), Some(AgentId(3)));
    assert_eq!(call_in(&mut acd, 10, 3), Some(AgentId(1)));
}

#[test]
fn a_newly_idle_agent_takes_the_oldest_call_of_its_groups() {
    let mut acd = with_idle_agents(group(Strategy::LongestIdle), &[], 0);
    let support = acd::GroupId(2);
    acd.set_group(support, GroupConfig::default());
    acd.set_membership(AgentId(1), SALES, 3);
    acd.set_membership(AgentId(1), support, 3);
    acd.handle(
        0,
        Command::Enqueue {
            call: acd::CallId(10),
            group: support,
        },
    )
    .unwrap();
    acd.handle(
        5,
        Command::Enqueue {
            call: acd::CallId(11),
            group: SALES,
        },
    )
    .unwrap();
    acd.handle(
        9,
        Command::Login {
            agent: AgentId(1),
            device: acd::Device::DeskPhone,
        },
    )
    .unwrap();
    acd.handle(9, Command::SetIdle { agent: AgentId(1) })
        .unwrap();
    assert_eq!(
        common::offers(&drain(&mut acd)),
        [(acd::CallId(10), AgentId(1))]
    );
}
