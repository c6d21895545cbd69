//! Call-record filters, sorting, paging, streaming and data scopes (SPEC §6), on a varied set of
//! calls: inbound and outbound, answered, missed, abandoned, failed with two causes and one still
//! going, in two skill groups, taken by agents of two departments.

#![allow(clippy::unwrap_used)]

mod common;

use model::calls::{
    CallDirection, CallEvent, CallQuery, CallResult, CallSort, HangupSide, SortOrder,
    TranscriptSegment, TranscriptSpeaker,
};
use model::{EnterpriseId, SkillGroupId, UserId};
use store::{CallScope, Store, StoreError};

/// What one test call went through.
struct Call {
    key: &'static str,
    direction: CallDirection,
    caller: &'static str,
    callee: &'static str,
    agent: Option<UserId>,
    group: Option<SkillGroupId>,
    /// Minutes after the first call.
    minute: i64,
    /// Seconds of talk, when answered.
    talk: Option<i64>,
    /// Queue outcome.
    outcome: Option<CallResult>,
    failure: Option<&'static str>,
    ended: bool,
}

async fn play(store: &Store, e: EnterpriseId, c: &Call) {
    let at = 1_700_000_000_000 + c.minute * 60_000;
    store
        .apply_call_event(&CallEvent::Started {
            key: c.key.into(),
            enterprise: e,
            direction: c.direction,
            caller: c.caller.into(),
            callee: c.callee.into(),
            enterprise_number: Some("4008000000".into()),
            agent: if c.direction == CallDirection::AgentOutbound {
                c.agent
            } else {
                None
            },
            at,
        })
        .await
        .unwrap();
    if let Some(g) = c.group {
        store
            .apply_call_event(&CallEvent::Queued {
                key: c.key.into(),
                group: g,
                at: at + 2_000,
            })
            .await
            .unwrap();
    }
    if let Some(talk) = c.talk {
        if let (Some(a), CallDirection::Inbound) = (c.agent, c.direction) {
            store
                .apply_call_event(&CallEvent::AgentAnswered {
                    key: c.key.into(),
                    agent: a,
                })
                .await
                .unwrap();
        }
        store
            .apply_call_event(&CallEvent::Answered {
                key: c.key.into(),
                at: at + 5_000,
                recording: Some(format!("{}.wav", c.key)),
            })
            .await
            .unwrap();
        if c.ended {
            store
                .apply_call_event(&CallEvent::Ended {
                    key: c.key.into(),
                    at: at + 5_000 + talk * 1_000,
                    failure: None,
                    hangup_side: HangupSide::Customer,
                })
                .await
                .unwrap();
        }
        return;
    }
    if let Some(r) = c.outcome {
        store
            .apply_call_event(&CallEvent::Outcome {
                key: c.key.into(),
                result: r,
            })
            .await
            .unwrap();
    }
    if c.ended {
        store
            .apply_call_event(&CallEvent::Ended {
                key: c.key.into(),
                at: at + 30_000,
                failure: c.failure.map(str::to_owned),
                hangup_side: HangupSide::System,
            })
            .await
            .unwrap();
    }
}

fn keys(
    page: &model::Page<model::calls::CallRecord>,
    all: &[(i64, &'static str)],
) -> Vec<&'static str> {
    page.items
        .iter()
        .map(|r| all.iter().find(|(id, _)| *id == r.id.0).unwrap().1)
        .collect()
}

async fn filters_sorting_paging_and_scopes(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let (other, other_role) = common::enterprise(store, "bolt").await;
    let t = store.tenant(e);
    let user = |work: &str, dept: Option<&str>| {
        let mut u = common::new_user(work, role);
        u.name = format!("Agent {work}");
        u.department = dept.map(str::to_owned);
        u
    };
    let a = t
        .create_user(&user("2001", Some("East")), 1)
        .await
        .unwrap()
        .id;
    let b = t
        .create_user(&user("2002", Some("East")), 1)
        .await
        .unwrap()
        .id;
    let c = t
        .create_user(&user("2003", Some("West")), 1)
        .await
        .unwrap()
        .id;
    let sup = t
        .create_user(&user("2100", Some("North")), 1)
        .await
        .unwrap()
        .id;
    let lone = t.create_user(&user("2200", None), 1).await.unwrap().id;
    let sales = t
        .create_skill_group("Sales 销售", None, 1)
        .await
        .unwrap()
        .id;
    let support = t.create_skill_group("Support", None, 1).await.unwrap().id;
    t.add_skill_group_member(sales, a, 5).await.unwrap();
    t.add_skill_group_member(support, b, 3).await.unwrap();
    t.add_skill_group_member(support, c, 4).await.unwrap();
    t.add_skill_group_member(sales, sup, 1).await.unwrap();

    use CallDirection::{AgentOutbound as Out, Inbound as In};
    let base = Call {
        key: "",
        direction: In,
        caller: "",
        callee: "4008000000",
        agent: None,
        group: None,
        minute: 0,
        talk: None,
        outcome: None,
        failure: None,
        ended: true,
    };
    let calls = [
        Call {
            key: "k1",
            caller: "13800000001",
            agent: Some(a),
            group: Some(sales),
            minute: 0,
            talk: Some(60),
            ..base
        },
        Call {
            key: "k2",
            caller: "13900000002",
            group: Some(support),
            minute: 7,
            outcome: Some(CallResult::Missed),
            ..base
        },
        Call {
            key: "k3",
            caller: "02112345678",
            group: Some(sales),
            minute: 15,
            outcome: Some(CallResult::Abandoned),
            ..base
        },
        Call {
            key: "k4",
            direction: Out,
            caller: "4008000000",
            callee: "13700000004",
            agent: Some(b),
            minute: 31,
            failure: Some("busy"),
            ..base
        },
        Call {
            key: "k5",
            direction: Out,
            caller: "4008000000",
            callee: "13700000005",
            agent: Some(c),
            minute: 62,
            failure: Some("no_answer"),
            ..base
        },
        Call {
            key: "k6",
            caller: "+8613800000001",
            agent: Some(c),
            group: Some(support),
            minute: 125,
            talk: Some(5),
            ..base
        },
        Call {
            key: "k7",
            caller: "13600000007",
            minute: 250,
            ended: false,
            ..base
        },
    ];
    for call in &calls {
        play(store, e, call).await;
    }
    store
        .apply_call_event(&CallEvent::Transcript {
            key: "k1".into(),
            segment: TranscriptSegment {
                speaker: TranscriptSpeaker::Customer,
                start_ms: 1_000,
                end_ms: 2_000,
                text: "我要退款, a Refund please".into(),
                confidence: 0.9,
                is_final: true,
            },
        })
        .await
        .unwrap();
    // Another enterprise's call with the same number is never listed.
    let stranger = store
        .tenant(other)
        .create_user(&common::new_user("2001", other_role), 1)
        .await
        .unwrap()
        .id;
    play(
        store,
        other,
        &Call {
            key: "x1",
            caller: "13800000001",
            agent: Some(stranger),
            minute: 1,
            talk: Some(9),
            ..base
        },
    )
    .await;

    let all = t
        .list_calls(&CallQuery::default(), CallScope::Enterprise)
        .await
        .unwrap();
    assert_eq!(all.total, 7);
    let ids: Vec<(i64, &str)> = {
        let mut v = Vec::new();
        for r in &all.items {
            let key = calls
                .iter()
                .find(|c| c.caller == r.caller && c.callee == r.callee)
                .unwrap()
                .key;
            v.push((r.id.0, key));
        }
        v
    };
    assert_eq!(
        keys(&all, &ids),
        ["k7", "k6", "k5", "k4", "k3", "k2", "k1"],
        "newest first by default"
    );
    let k1 = all
        .items
        .iter()
        .find(|r| r.caller == "13800000001")
        .unwrap();
    assert_eq!(k1.agent_name.as_deref(), Some("Agent 2001"));
    assert_eq!(k1.agent_work_id.as_deref(), Some("2001"));
    assert_eq!(k1.skill_group_name.as_deref(), Some("Sales 销售"));
    assert_eq!(k1.talk_seconds, 60);

    let list = |q: CallQuery| async move { t.list_calls(&q, CallScope::Enterprise).await.unwrap() };
    let q = CallQuery::default;
    let t0 = 1_700_000_000_000;
    // Time range: [from, to) on the start time.
    let p = list(CallQuery {
        from: Some(t0 + 7 * 60_000),
        to: Some(t0 + 62 * 60_000),
        ..q()
    })
    .await;
    assert_eq!(keys(&p, &ids), ["k4", "k3", "k2"]);
    assert_eq!(p.total, 3);
    // Agent, skill group, direction.
    assert_eq!(
        keys(
            &list(CallQuery {
                agent_id: Some(c.0),
                ..q()
            })
            .await,
            &ids
        ),
        ["k6", "k5"]
    );
    assert_eq!(
        keys(
            &list(CallQuery {
                skill_group_id: Some(support.0),
                ..q()
            })
            .await,
            &ids
        ),
        ["k6", "k2"]
    );
    assert_eq!(
        keys(
            &list(CallQuery {
                direction: Some(Out),
                ..q()
            })
            .await,
            &ids
        ),
        ["k5", "k4"]
    );
    // Results, and a failure cause.
    for (result, want) in [
        (CallResult::Answered, vec!["k6", "k1"]),
        (CallResult::Missed, vec!["k2"]),
        (CallResult::Abandoned, vec!["k3"]),
        (CallResult::Failed, vec!["k5", "k4"]),
        (CallResult::InProgress, vec!["k7"]),
        (CallResult::Overflowed, vec![]),
    ] {
        let p = list(CallQuery {
            result: Some(result),
            ..q()
        })
        .await;
        assert_eq!(keys(&p, &ids), want, "{result:?}");
        assert!(p.items.iter().all(|r| r.result == result));
    }
    let busy = list(CallQuery {
        result: Some(CallResult::Failed),
        failure: Some(" busy ".into()),
        ..q()
    })
    .await;
    assert_eq!(keys(&busy, &ids), ["k4"]);
    // Number (caller or callee, any form containing it) and words said (any case).
    assert_eq!(
        keys(
            &list(CallQuery {
                q: Some("13800000001".into()),
                ..q()
            })
            .await,
            &ids
        ),
        ["k6", "k1"]
    );
    assert_eq!(
        keys(
            &list(CallQuery {
                q: Some("700000005".into()),
                ..q()
            })
            .await,
            &ids
        ),
        ["k5"]
    );
    assert_eq!(
        keys(
            &list(CallQuery {
                keyword: Some("REFUND".into()),
                ..q()
            })
            .await,
            &ids
        ),
        ["k1"]
    );
    assert_eq!(
        keys(
            &list(CallQuery {
                keyword: Some("退款".into()),
                agent_id: Some(b.0),
                ..q()
            })
            .await,
            &ids
        ),
        Vec::<&str>::new()
    );
    // A % in a search is a character, not a wildcard.
    assert_eq!(
        list(CallQuery {
            q: Some("%".into()),
            ..q()
        })
        .await
        .total,
        0
    );
    // Sorting.
    let by_talk = list(CallQuery {
        sort: Some(CallSort::TalkSeconds),
        order: Some(SortOrder::Desc),
        ..q()
    })
    .await;
    assert_eq!(keys(&by_talk, &ids)[..2], ["k1", "k6"]);
    let oldest = list(CallQuery {
        order: Some(SortOrder::Asc),
        ..q()
    })
    .await;
    assert_eq!(
        keys(&oldest, &ids),
        ["k1", "k2", "k3", "k4", "k5", "k6", "k7"]
    );
    let by_end = list(CallQuery {
        sort: Some(CallSort::EndedAt),
        order: Some(SortOrder::Desc),
        page_size: Some(2),
        ..q()
    })
    .await;
    assert_eq!(keys(&by_end, &ids), ["k6", "k5"]);
    // Paging: the last page of three.
    let last = list(CallQuery {
        page: Some(3),
        page_size: Some(3),
        order: Some(SortOrder::Asc),
        ..q()
    })
    .await;
    assert_eq!((last.total, last.page, last.page_size), (7, 3, 3));
    assert_eq!(keys(&last, &ids), ["k7"]);

    // Data scopes.
    let ids_ref = &ids;
    let scoped = |scope: CallScope| async move {
        let p = t.list_calls(&CallQuery::default(), scope).await.unwrap();
        let mut k = keys(&p, ids_ref);
        k.sort_unstable();
        k
    };
    assert_eq!(scoped(CallScope::Agent(a)).await, ["k1"]);
    assert_eq!(
        scoped(CallScope::SkillGroupsOf(sup)).await,
        ["k1", "k3"],
        "the Sales group's calls"
    );
    assert_eq!(
        scoped(CallScope::SkillGroupsOf(b)).await,
        ["k2", "k4", "k6"],
        "Support's calls and b's own"
    );
    assert_eq!(
        scoped(CallScope::DepartmentOf(a)).await,
        ["k1", "k4"],
        "East: a's and b's calls"
    );
    assert_eq!(scoped(CallScope::DepartmentOf(c)).await, ["k5", "k6"]);
    assert_eq!(
        scoped(CallScope::DepartmentOf(lone)).await,
        Vec::<&str>::new(),
        "no department: own calls only"
    );
    // Filters narrow a scope, never widen it.
    let p = t
        .list_calls(
            &CallQuery {
                agent_id: Some(a.0),
                ..q()
            },
            CallScope::DepartmentOf(c),
        )
        .await
        .unwrap();
    assert_eq!(p.total, 0);
    let k2 = ids.iter().find(|(_, k)| *k == "k2").unwrap().0;
    assert!(matches!(
        t.call_in_scope(model::CallId(k2), CallScope::Agent(a))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        t.call_in_scope(model::CallId(k2), CallScope::SkillGroupsOf(c))
            .await
            .is_ok()
    );
    assert!(matches!(
        store
            .tenant(other)
            .call_in_scope(model::CallId(k2), CallScope::Enterprise)
            .await,
        Err(StoreError::NotFound)
    ));

    // Streaming every matching row (paging ignored), and stopping early.
    let mut seen = Vec::new();
    let n = t
        .for_each_call(
            &CallQuery {
                result: Some(CallResult::Failed),
                page_size: Some(1),
                ..q()
            },
            CallScope::Enterprise,
            |r| {
                seen.push(r.callee.clone());
                async { true }
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (n, seen.as_slice()),
        (
            2,
            ["13700000005".to_owned(), "13700000004".to_owned()].as_slice()
        )
    );
    let n = t
        .for_each_call(&q(), CallScope::Enterprise, |_| async { false })
        .await
        .unwrap();
    assert_eq!(n, 1);
    let mut theirs = 0;
    store
        .tenant(other)
        .for_each_call(&q(), CallScope::Enterprise, |r| {
            theirs += 1;
            assert_eq!(r.agent_work_id.as_deref(), Some("2001"));
            async { true }
        })
        .await
        .unwrap();
    assert_eq!(theirs, 1);
}

on_both_backends!(filters_sorting_paging_and_scopes);
