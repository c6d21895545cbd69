//! Property tests over random command sequences with random time steps:
//! - an agent is never offered two calls at once;
//! - a call is only offered to an agent who was signed in, online and idle;
//! - every call ends in exactly one terminal state;
//! - no queued call is lost when agents come and go.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use acd::{
    Acd, AcdConfig, AgentId, CallId, Command, Device, Event, GroupConfig, GroupId, LoginStatus,
    PhoneStatus, StatusId, Strategy as Routing,
};
use proptest::prelude::*;

const AGENTS: u64 = 5;
const GROUPS: u64 = 2;

#[derive(Debug, Clone)]
enum Step {
    Wait(i64),
    Login(u64, u8),
    Logout(u64),
    Idle(u64),
    Busy(u64),
    Custom(u64),
    Enqueue(u64),
    AnswerAny,
    RejectAny,
    AbandonAny(usize),
    HangupAny(usize),
    FinishAcw(u64),
}

fn step() -> impl Strategy<Value = Step> {
    let a = 1..=AGENTS;
    prop_oneof![
        3 => (0i64..30_000).prop_map(Step::Wait),
        2 => (a.clone(), 0u8..3).prop_map(|(x, d)| Step::Login(x, d)),
        1 => a.clone().prop_map(Step::Logout),
        3 => a.clone().prop_map(Step::Idle),
        1 => a.clone().prop_map(Step::Busy),
        1 => a.clone().prop_map(Step::Custom),
        3 => (1..=GROUPS).prop_map(Step::Enqueue),
        3 => Just(Step::AnswerAny),
        1 => Just(Step::RejectAny),
        1 => (0usize..8).prop_map(Step::AbandonAny),
        2 => (0usize..8).prop_map(Step::HangupAny),
        1 => a.prop_map(Step::FinishAcw),
    ]
}

fn strategy_of(i: u8) -> Routing {
    [
        Routing::LongestIdle,
        Routing::RoundRobin,
        Routing::FewestCalls,
        Routing::SkillPriority,
    ][usize::from(i % 4)]
}

/// What the test believes, checked against each event.
#[derive(Default)]
struct Model {
    /// Status of each agent as last reported.
    status: BTreeMap<AgentId, (LoginStatus, PhoneStatus)>,
    /// Current offer per agent.
    ringing: BTreeMap<AgentId, CallId>,
    /// Calls ringing someone.
    offered: BTreeMap<CallId, AgentId>,
    /// Calls connected.
    talking: BTreeMap<CallId, AgentId>,
    /// Calls that entered the ACD.
    entered: BTreeSet<CallId>,
    /// Terminal events seen per call.
    ended: BTreeMap<CallId, u32>,
}

impl Model {
    fn apply(&mut self, ev: &Event) {
        match ev {
            Event::AgentStatus {
                agent,
                login,
                phone,
                ..
            } => {
                self.status.insert(*agent, (*login, *phone));
            }
            Event::Offer { call, agent, .. } => {
                // The status event for the ringing state comes just before the offer; the state
                // before that must have been online + idle.
                assert!(
                    !self.ringing.contains_key(agent),
                    "agent {agent:?} offered two calls"
                );
                assert!(
                    !self.offered.contains_key(call),
                    "call {call:?} offered twice at once"
                );
                self.ringing.insert(*agent, *call);
                self.offered.insert(*call, *agent);
            }
            Event::OfferWithdrawn { call, agent, .. } => {
                assert_eq!(self.ringing.remove(agent), Some(*call));
                self.offered.remove(call);
            }
            Event::CallEnded { call, .. } => {
                *self.ended.entry(*call).or_default() += 1;
                self.talking.remove(call);
                self.offered.remove(call);
            }
            _ => {}
        }
    }
}

fn drive(
    acd: &mut Acd,
    model: &mut Model,
    prev: &mut BTreeMap<AgentId, (LoginStatus, PhoneStatus)>,
) {
    while let Some(ev) = acd.poll_event() {
        if let Event::Offer { agent, .. } = &ev {
            let before = prev.get(agent).copied();
            assert!(
                matches!(before, Some((LoginStatus::Online, PhoneStatus::Idle))),
                "offer to {agent:?} whose previous status was {before:?}"
            );
        }
        if let Event::AgentStatus {
            agent,
            login,
            phone,
            ..
        } = &ev
        {
            // Remember the status before this change for the offer check above.
            let old = model.status.get(agent).copied();
            if let Some(old) = old {
                prev.insert(*agent, old);
            }
            let _ = (login, phone);
        }
        model.apply(&ev);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn routing_invariants_hold_for_any_command_sequence(
        strategies in proptest::collection::vec(0u8..4, GROUPS as usize),
        acw in proptest::option::of(1i64..20_000),
        steps in proptest::collection::vec(step(), 1..150),
    ) {
        let mut acd = Acd::new(AcdConfig { after_call_work_ms: acw, ..AcdConfig::default() });
        for g in 1..=GROUPS {
            acd.set_group(GroupId(g), GroupConfig {
                strategy: strategy_of(strategies[(g - 1) as usize]),
                ring_timeout_ms: 15_000,
                max_wait_ms: Some(120_000),
                ..GroupConfig::default()
            });
        }
        for a in 1..=AGENTS {
            acd.set_membership(AgentId(a), GroupId(1 + a % GROUPS), (a % 5) as u8 + 1);
            if a % 2 == 0 {
                acd.set_membership(AgentId(a), GroupId(1 + (a + 1) % GROUPS), 2);
            }
        }
        let mut model = Model::default();
        let mut prev = BTreeMap::new();
        let mut now = 0i64;
        let mut next_call = 1u64;
        for s in steps {
            let _ = match s {
                Step::Wait(ms) => {
                    now += ms;
                    acd.handle_timeout(now);
                    Ok(())
                }
                Step::Login(a, d) => acd.handle(now, Command::Login {
                    agent: AgentId(a),
                    device: [Device::Browser, Device::Mobile, Device::DeskPhone][usize::from(d)],
                }),
                Step::Logout(a) => acd.handle(now, Command::Logout { agent: AgentId(a) }),
                Step::Idle(a) => acd.handle(now, Command::SetIdle { agent: AgentId(a) }),
                Step::Busy(a) => acd.handle(now, Command::SetBusy { agent: AgentId(a) }),
                Step::Custom(a) => acd.handle(now, Command::SetCustomStatus { agent: AgentId(a), status: Some(StatusId(1)) }),
                Step::Enqueue(g) => {
                    let call = CallId(next_call);
                    next_call += 1;
                    model.entered.insert(call);
                    acd.handle(now, Command::Enqueue { call, group: GroupId(g) })
                }
                Step::AnswerAny => match model.ringing.iter().next().map(|(a, c)| (*a, *c)) {
                    Some((agent, call)) => {
                        let r = acd.handle(now, Command::Answer { agent, call });
                        if r.is_ok() {
                            model.ringing.remove(&agent);
                            model.offered.remove(&call);
                            model.talking.insert(call, agent);
                        }
                        r
                    }
                    None => Ok(()),
                },
                Step::RejectAny => match model.ringing.iter().next().map(|(a, c)| (*a, *c)) {
                    Some((agent, call)) => acd.handle(now, Command::Reject { agent, call }),
                    None => Ok(()),
                },
                Step::AbandonAny(i) => {
                    let live: Vec<CallId> = model.entered.iter().filter(|c| !model.ended.contains_key(c)).copied().collect();
                    match live.get(i % live.len().max(1)) {
                        Some(call) => acd.handle(now, Command::Abandon { call: *call }),
                        None => Ok(()),
                    }
                }
                Step::HangupAny(i) => {
                    let talking: Vec<CallId> = model.talking.keys().copied().collect();
                    match talking.get(i % talking.len().max(1)) {
                        Some(call) => acd.handle(now, Command::Hangup { call: *call }),
                        None => Ok(()),
                    }
                }
                Step::FinishAcw(a) => acd.handle(now, Command::FinishAfterCallWork { agent: AgentId(a) }),
            };
            drive(&mut acd, &mut model, &mut prev);
            // Consistency of the two views of ringing.
            for (agent, call) in &model.ringing {
                let (_, phone) = model.status[agent];
                prop_assert_eq!(phone, PhoneStatus::Ringing(*call));
            }
            // No queued call lost: every live call is queued, ringing or talking.
            for call in model.entered.iter().filter(|c| !model.ended.contains_key(c)) {
                let queued = acd.queue_position(*call).is_some();
                let ringing = model.offered.contains_key(call);
                let talking = model.talking.contains_key(call);
                prop_assert!(queued || ringing || talking, "call {:?} lost", call);
            }
        }
        // End every live call: customers hang up. Each call then ended exactly once.
        let live: Vec<CallId> = model.entered.iter().filter(|c| !model.ended.contains_key(c)).copied().collect();
        for call in live {
            acd.handle(now, Command::Abandon { call }).expect("a live call can always be abandoned");
            drive(&mut acd, &mut model, &mut prev);
        }
        for call in &model.entered {
            prop_assert_eq!(model.ended.get(call).copied(), Some(1), "call {:?}", call);
        }
    }
}
