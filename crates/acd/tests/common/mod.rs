//! Helpers for driving the ACD in tests.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use acd::{Acd, AcdConfig, AgentId, CallId, Command, Device, Event, GroupConfig, GroupId, Millis};

pub const SALES: GroupId = GroupId(1);

/// An ACD with one group and the given agents as members (level 3), signed in and idle at `t`.
pub fn with_idle_agents(config: GroupConfig, agents: &[u64], t: Millis) -> Acd {
    let mut acd = Acd::new(AcdConfig::default());
    acd.set_group(SALES, config);
    for &a in agents {
        acd.set_membership(AgentId(a), SALES, 3);
        acd.handle(
            t,
            Command::Login {
                agent: AgentId(a),
                device: Device::Browser,
            },
        )
        .unwrap();
        acd.handle(t, Command::SetIdle { agent: AgentId(a) })
            .unwrap();
    }
    drain(&mut acd);
    acd
}

pub fn drain(acd: &mut Acd) -> Vec<Event> {
    std::iter::from_fn(|| acd.poll_event()).collect()
}

/// The (call, agent) pairs offered in these events.
pub fn offers(events: &[Event]) -> Vec<(CallId, AgentId)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Offer { call, agent, .. } => Some((*call, *agent)),
            _ => None,
        })
        .collect()
}

/// Enqueues a call and returns the agent it was offered to, if any.
pub fn call_in(acd: &mut Acd, t: Millis, call: u64) -> Option<AgentId> {
    acd.handle(
        t,
        Command::Enqueue {
            call: CallId(call),
            group: SALES,
        },
    )
    .unwrap();
    offers(&drain(acd)).first().map(|(_, a)| *a)
}

/// Answers and hangs up a call on an agent.
pub fn talk(acd: &mut Acd, agent: AgentId, call: u64, from: Millis, to: Millis) {
    acd.handle(
        from,
        Command::Answer {
            agent,
            call: CallId(call),
        },
    )
    .unwrap();
    acd.handle(to, Command::Hangup { call: CallId(call) })
        .unwrap();
}
