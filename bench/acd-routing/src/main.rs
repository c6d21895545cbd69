//! Time per routing decision of the ACD core with 10,000 agents and 100,000 queued calls.
//!
//! Run: `cargo run --release -p acd-routing`. Prints figures; asserts nothing about time.
//!
//! Set-up: 20 skill groups of 500 agents each (every other agent also in a second group), all
//! signed in and busy; 100,000 calls queued across the groups. Measured: (1) an agent turning idle
//! and being offered its groups' oldest call (the agent-side decision), (2) a new call arriving
//! while agents are idle (the call-side decision, longest-idle and skill-priority groups).

use std::time::Instant;

use acd::{
    Acd, AcdConfig, AgentId, CallId, Command, Device, Event, GroupConfig, GroupId, Strategy,
};
use bench_harness::Samples;

const AGENTS: u64 = 10_000;
const GROUPS: u64 = 20;
const QUEUED: u64 = 100_000;

fn setup() -> Acd {
    let mut acd = Acd::new(AcdConfig::default());
    for g in 0..GROUPS {
        let strategy = [
            Strategy::LongestIdle,
            Strategy::RoundRobin,
            Strategy::FewestCalls,
            Strategy::SkillPriority,
        ][(g % 4) as usize];
        acd.set_group(
            GroupId(g),
            GroupConfig {
                strategy,
                ..GroupConfig::default()
            },
        );
    }
    for a in 0..AGENTS {
        acd.set_membership(AgentId(a), GroupId(a % GROUPS), (a % 5) as u8 + 1);
        if a % 2 == 0 {
            acd.set_membership(AgentId(a), GroupId((a + 7) % GROUPS), 3);
        }
        acd.handle(
            0,
            Command::Login {
                agent: AgentId(a),
                device: Device::Browser,
            },
        )
        .expect("login");
    }
    for c in 0..QUEUED {
        acd.handle(
            1 + c as i64,
            Command::Enqueue {
                call: CallId(c),
                group: GroupId(c % GROUPS),
            },
        )
        .expect("enqueue");
    }
    while acd.poll_event().is_some() {}
    acd
}

fn main() {
    let t0 = Instant::now();
    let mut acd = setup();
    println!(
        "set-up: {AGENTS} agents in {GROUPS} groups, {QUEUED} queued calls, built in {:.2}s",
        t0.elapsed().as_secs_f64()
    );

    // (1) Agents turn idle one by one and each is offered the oldest call of its groups.
    let mut agent_side = Samples::with_capacity(AGENTS as usize);
    let mut now = 1_000_000i64;
    let mut offered = Vec::with_capacity(AGENTS as usize);
    for a in 0..AGENTS {
        now += 1;
        let start = Instant::now();
        acd.handle(now, Command::SetIdle { agent: AgentId(a) })
            .expect("idle");
        agent_side.push(start.elapsed());
        while let Some(ev) = acd.poll_event() {
            if let Event::Offer { call, agent, .. } = ev {
                offered.push((agent, call));
            }
        }
    }
    println!(
        "{}",
        agent_side.summary("agent turns idle -> offered head call")
    );
    assert_eq!(offered.len() as u64, AGENTS, "every agent got a call");

    // Answer and hang up: the agent turns idle again and takes the next call (a full cycle).
    let mut cycle = Samples::with_capacity(AGENTS as usize);
    for (agent, call) in offered.drain(..) {
        now += 1;
        acd.handle(now, Command::Answer { agent, call })
            .expect("answer");
        let start = Instant::now();
        acd.handle(now + 1, Command::Hangup { call })
            .expect("hangup");
        cycle.push(start.elapsed());
        while acd.poll_event().is_some() {}
    }
    println!("{}", cycle.summary("hang-up -> idle -> next call offered"));

    // (2) Call-side: drain the queues, then new calls find idle agents.
    let mut acd = Acd::new(AcdConfig::default());
    for g in 0..GROUPS {
        let strategy = if g % 2 == 0 {
            Strategy::LongestIdle
        } else {
            Strategy::SkillPriority
        };
        acd.set_group(
            GroupId(g),
            GroupConfig {
                strategy,
                ..GroupConfig::default()
            },
        );
    }
    for a in 0..AGENTS {
        acd.set_membership(AgentId(a), GroupId(a % GROUPS), (a % 5) as u8 + 1);
        acd.handle(
            0,
            Command::Login {
                agent: AgentId(a),
                device: Device::Browser,
            },
        )
        .expect("login");
        acd.handle(a as i64, Command::SetIdle { agent: AgentId(a) })
            .expect("idle");
    }
    while acd.poll_event().is_some() {}
    let mut call_side = Samples::with_capacity(AGENTS as usize);
    for c in 0..AGENTS {
        let start = Instant::now();
        acd.handle(
            100_000 + c as i64,
            Command::Enqueue {
                call: CallId(c),
                group: GroupId(c % GROUPS),
            },
        )
        .expect("enqueue");
        call_side.push(start.elapsed());
        while acd.poll_event().is_some() {}
    }
    println!(
        "{}",
        call_side.summary("call arrives -> best idle agent offered")
    );
    let total = agent_side.len() + cycle.len() + call_side.len();
    println!(
        "decisions measured: {total}; whole run {:.2}s",
        t0.elapsed().as_secs_f64()
    );
}
