//! Today's figures restart at the enterprise's local midnight.

#![allow(clippy::unwrap_used)]

mod common;

use acd::{AgentId, CallId, Command, GroupConfig};
use common::{SALES, drain, with_idle_agents};

/// 2026-03-01T00:00:00+08:00 in unix ms.
const MIDNIGHT_BEIJING: i64 = 1_772_294_400_000;

#[test]
fn figures_of_yesterday_do_not_count_today() {
    let start = MIDNIGHT_BEIJING - 3_600_000; // 23:00 the day before
    let mut acd = with_idle_agents(GroupConfig::default(), &[1], start);
    acd.handle(
        start + 60_000,
        Command::Enqueue {
            call: CallId(1),
            group: SALES,
        },
    )
    .unwrap();
    acd.handle(
        start + 60_000,
        Command::Answer {
            agent: AgentId(1),
            call: CallId(1),
        },
    )
    .unwrap();
    acd.handle(start + 120_000, Command::Hangup { call: CallId(1) })
        .unwrap();
    drain(&mut acd);
    let before = acd
        .agent_view(MIDNIGHT_BEIJING - 1, AgentId(1))
        .unwrap()
        .today;
    assert_eq!(before.calls, 1);
    assert_eq!(before.talk_ms, 60_000);

    // Idle across midnight: only the part after midnight counts for the new day.
    let after = acd
        .agent_view(MIDNIGHT_BEIJING + 600_000, AgentId(1))
        .unwrap()
        .today;
    assert_eq!(after.calls, 0);
    assert_eq!(after.talk_ms, 0);
    assert_eq!(after.idle_ms, 600_000);
}
