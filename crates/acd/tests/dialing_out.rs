//! An agent dialing out is on that call: offered nothing while it lasts, counted in today's
//! calls when answered, and afterwards back where they were (idle through after-call work, or
//! busy when they dialed while busy).

#![allow(clippy::unwrap_used)]

mod common;

use acd::{AgentId, CallId, Command, CommandError, GroupConfig, PhoneStatus};
use common::{SALES, drain, offers, with_idle_agents};

const PLACED: CallId = CallId(900);

fn dial(acd: &mut acd::Acd, t: i64) {
    acd.handle(
        t,
        Command::Dial {
            agent: AgentId(1),
            call: PLACED,
        },
    )
    .unwrap();
}

#[test]
fn a_dialing_agent_is_talking_and_gets_no_offer_until_the_call_ends() {
    let mut acd = with_idle_agents(GroupConfig::default(), &[1], 0);
    dial(&mut acd, 10);
    assert_eq!(
        acd.agent_view(10, AgentId(1)).unwrap().phone,
        PhoneStatus::Talking(PLACED)
    );
    acd.handle(
        20,
        Command::Enqueue {
            call: CallId(1),
            group: SALES,
        },
    )
    .unwrap();
    assert!(offers(&drain(&mut acd)).is_empty());
    acd.handle(
        5_000,
        Command::DialEnded {
            agent: AgentId(1),
            call: PLACED,
            answered: true,
            then_idle: true,
        },
    )
    .unwrap();
    // No after-call work configured: idle at once, and the queued call is offered.
    assert_eq!(offers(&drain(&mut acd)), vec![(CallId(1), AgentId(1))]);
    let view = acd.agent_view(5_000, AgentId(1)).unwrap();
    assert_eq!(view.today.calls, 1);
    assert!(view.today.talk_ms >= 4_990, "{:?}", view.today);
}

#[test]
fn an_agent_who_dialed_while_busy_is_busy_again_and_an_unanswered_call_is_not_counted() {
    let mut acd = with_idle_agents(GroupConfig::default(), &[1], 0);
    acd.handle(1, Command::SetBusy { agent: AgentId(1) })
        .unwrap();
    dial(&mut acd, 10);
    acd.handle(
        900,
        Command::DialEnded {
            agent: AgentId(1),
            call: PLACED,
            answered: false,
            then_idle: false,
        },
    )
    .unwrap();
    let view = acd.agent_view(900, AgentId(1)).unwrap();
    assert_eq!(view.phone, PhoneStatus::Busy);
    assert_eq!(view.today.calls, 0);
}

#[test]
fn an_agent_on_a_call_or_signed_out_cannot_dial() {
    let mut acd = with_idle_agents(GroupConfig::default(), &[1], 0);
    dial(&mut acd, 10);
    assert_eq!(
        acd.handle(
            11,
            Command::Dial {
                agent: AgentId(1),
                call: CallId(901),
            }
        ),
        Err(CommandError::InCall)
    );
    acd.handle(
        12,
        Command::DialEnded {
            agent: AgentId(1),
            call: PLACED,
            answered: false,
            then_idle: false,
        },
    )
    .unwrap();
    acd.handle(13, Command::Logout { agent: AgentId(1) })
        .unwrap();
    assert_eq!(
        acd.handle(
            14,
            Command::Dial {
                agent: AgentId(1),
                call: CallId(902),
            }
        ),
        Err(CommandError::NotSignedIn)
    );
}

#[test]
fn the_end_of_another_call_leaves_the_agent_alone() {
    let mut acd = with_idle_agents(GroupConfig::default(), &[1], 0);
    dial(&mut acd, 10);
    acd.handle(
        20,
        Command::DialEnded {
            agent: AgentId(1),
            call: CallId(777),
            answered: true,
            then_idle: true,
        },
    )
    .unwrap();
    assert_eq!(
        acd.agent_view(20, AgentId(1)).unwrap().phone,
        PhoneStatus::Talking(PLACED)
    );
}
