//! Today's figures of a skill group for the monitor and the wallboard: offered, answered,
//! abandoned, speed of answer and service level against the group's own threshold; and which
//! groups a supervisor's data scope lets them watch.

#![allow(clippy::unwrap_used)]

mod common;

use model::calls::{CallDirection, CallEvent, CallResult, HangupSide};
use model::org::QueueSettings;
use model::{DataScope, EnterpriseId, Permission, SkillGroupId, UserId};
use store::Store;

async fn apply(store: &Store, ev: CallEvent) {
    store.apply_call_event(&ev).await.unwrap();
}

/// What becomes of a queued call.
#[derive(Clone, Copy)]
enum Fate {
    /// An agent answers at the instant; the call ends a minute later.
    Answered(UserId, i64),
    /// The agent answers at the instant and is still talking.
    Talking(UserId, i64),
    /// The caller hangs up after 5 s.
    Abandoned,
    /// Still waiting.
    Waiting,
}

/// A call that queues in `group` at `queued`, then meets its fate.
async fn call(
    store: &Store,
    e: EnterpriseId,
    key: &str,
    group: SkillGroupId,
    queued: i64,
    fate: Fate,
) {
    apply(
        store,
        CallEvent::Started {
            key: key.to_owned(),
            enterprise: e,
            direction: CallDirection::Inbound,
            caller: "13900000001".to_owned(),
            callee: "4008000000".to_owned(),
            enterprise_number: Some("4008000000".to_owned()),
            agent: None,
            at: queued - 1_000,
        },
    )
    .await;
    let key = key.to_owned();
    apply(
        store,
        CallEvent::Queued {
            key: key.clone(),
            group,
            at: queued,
        },
    )
    .await;
    let end_at = match fate {
        Fate::Answered(agent, at) | Fate::Talking(agent, at) => {
            apply(
                store,
                CallEvent::AgentAnswered {
                    key: key.clone(),
                    agent,
                },
            )
            .await;
            apply(
                store,
                CallEvent::Answered {
                    key: key.clone(),
                    at,
                    recording: None,
                },
            )
            .await;
            at + 60_000
        }
        Fate::Waiting => return,
        Fate::Abandoned => {
            apply(
                store,
                CallEvent::Outcome {
                    key: key.clone(),
                    result: CallResult::Abandoned,
                },
            )
            .await;
            queued + 5_000
        }
    };
    if !matches!(fate, Fate::Talking(..)) {
        apply(
            store,
            CallEvent::Ended {
                key,
                at: end_at,
                failure: None,
                hangup_side: HangupSide::Customer,
            },
        )
        .await;
    }
}

async fn figures_count_todays_queued_calls_per_group(store: &Store) {
    let (a, role) = common::enterprise(store, "acme").await;
    let (b, brole) = common::enterprise(store, "bolt").await;
    let ta = store.tenant(a);
    let sales = ta.create_skill_group("Sales", None, 1).await.unwrap();
    let _support = ta.create_skill_group("Support", None, 1).await.unwrap();
    let theirs = store
        .tenant(b)
        .create_skill_group("Theirs", None, 1)
        .await
        .unwrap();
    ta.set_queue_settings(
        sales.id,
        &QueueSettings {
            service_level_secs: 10,
            service_level_target: 90,
            ..QueueSettings::default()
        },
    )
    .await
    .unwrap();
    let agent = ta
        .create_user(&common::new_user("1001", role), 5)
        .await
        .unwrap();
    let stranger = store
        .tenant(b)
        .create_user(&common::new_user("1001", brole), 5)
        .await
        .unwrap();
    let day = 1_000_000;
    // Yesterday's call does not count.
    let (me, them) = (agent.id, stranger.id);
    call(
        store,
        a,
        "old",
        sales.id,
        day - 10_000,
        Fate::Answered(me, day - 9_000),
    )
    .await;
    // Answered in 4 s (in time), in 30 s (late), one abandoned, one still talking answered in
    // 8 s, one still waiting.
    call(
        store,
        a,
        "k1",
        sales.id,
        day + 1_000,
        Fate::Answered(me, day + 5_000),
    )
    .await;
    call(
        store,
        a,
        "k2",
        sales.id,
        day + 2_000,
        Fate::Answered(me, day + 32_000),
    )
    .await;
    call(store, a, "k3", sales.id, day + 3_000, Fate::Abandoned).await;
    call(
        store,
        a,
        "k4",
        sales.id,
        day + 4_000,
        Fate::Talking(me, day + 12_000),
    )
    .await;
    call(store, a, "k5", sales.id, day + 5_000, Fate::Waiting).await;
    // Another enterprise's call in its own group.
    call(
        store,
        b,
        "b1",
        theirs.id,
        day + 1_000,
        Fate::Answered(them, day + 2_000),
    )
    .await;

    let f = ta.group_figures(day).await.unwrap();
    assert_eq!(
        f.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        ["Sales", "Support"],
        "every group of the enterprise, none of another's"
    );
    let s = &f[0];
    assert_eq!(
        (s.offered, s.answered, s.abandoned, s.answered_in_time),
        (5, 3, 1, 2)
    );
    // (4 + 30 + 8) / 3 s.
    assert_eq!(s.average_answer_ms, Some(14_000));
    // 2 in time of the 4 that left the queue (k5 still waits).
    assert_eq!((s.left_queue, s.service_level), (4, Some(50)));
    assert_eq!((s.service_level_secs, s.service_level_target), (10, 90));
    let empty = &f[1];
    assert_eq!(
        (empty.offered, empty.average_answer_ms, empty.service_level),
        (0, None, None)
    );
    assert_eq!(empty.service_level_secs, 20);

    let one = ta.group_figures_of(sales.id, day).await.unwrap().unwrap();
    assert_eq!(&one, s);
    assert!(ta.group_figures_of(theirs.id, day).await.unwrap().is_none());
    assert_eq!(store.call_group("k1").await.unwrap(), Some((a, sales.id)));
    assert_eq!(store.call_group("nope").await.unwrap(), None);
}

async fn data_scope_picks_the_groups_a_supervisor_watches(store: &Store) {
    let (a, role) = common::enterprise(store, "acme").await;
    let ta = store.tenant(a);
    let sales = ta.create_skill_group("Sales", None, 1).await.unwrap();
    let support = ta.create_skill_group("Support", None, 1).await.unwrap();
    let _vip = ta.create_skill_group("VIP", None, 1).await.unwrap();
    let team = ta
        .create_role(
            "Team lead",
            None,
            &[Permission::Monitor],
            DataScope::SkillGroups,
            false,
            1,
        )
        .await
        .unwrap();
    let mut lead = common::new_user("2001", team.id);
    lead.department = Some("East".to_owned());
    let lead = ta.create_user(&lead, 5).await.unwrap();
    let mut east = common::new_user("1001", role);
    east.department = Some("East".to_owned());
    let east = ta.create_user(&east, 5).await.unwrap();
    ta.add_skill_group_member(sales.id, lead.id, 1)
        .await
        .unwrap();
    ta.add_skill_group_member(support.id, east.id, 1)
        .await
        .unwrap();

    assert_eq!(
        ta.monitor_groups(lead.id, DataScope::Enterprise)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        ta.monitor_groups(lead.id, DataScope::SkillGroups)
            .await
            .unwrap(),
        Some(vec![sales.id])
    );
    let mut dept = ta
        .monitor_groups(lead.id, DataScope::Department)
        .await
        .unwrap()
        .unwrap();
    dept.sort_by_key(|g| g.0);
    assert_eq!(dept, vec![sales.id, support.id]);
    assert_eq!(
        ta.monitor_groups(lead.id, DataScope::Own).await.unwrap(),
        Some(vec![])
    );
}

on_both_backends!(
    figures_count_todays_queued_calls_per_group,
    data_scope_picks_the_groups_a_supervisor_watches
);
