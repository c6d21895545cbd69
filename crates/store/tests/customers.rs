//! Customers (SPEC §10): profiles with numbers, tags and free fields, owners and data scopes,
//! look-up by any written form of a number, follow-ups, and the timeline of calls, follow-ups
//! and callbacks.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use model::calls::{CallDirection, CallEvent, HangupSide};
use model::customers::{CustomerQuery, TimelineKind};
use model::{CustomerId, EnterpriseId, UserId};
use store::{CallScope, CallbackInput, CustomerInput, Store, StoreError};

fn input(name: &str, numbers: &[&str], owner: Option<UserId>) -> CustomerInput {
    CustomerInput {
        name: name.to_owned(),
        company: Some(format!("{name} Co")),
        numbers: numbers.iter().map(|n| (*n).to_owned()).collect(),
        tags: vec!["VIP".to_owned()],
        fields: BTreeMap::from([("城市".to_owned(), "深圳".to_owned())]),
        owner,
    }
}

/// An enterprise with agents 1 and 2 in one skill group, agent 3 outside it in department "B"
/// with agent 4.
async fn setup(store: &Store) -> (EnterpriseId, [UserId; 4]) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let mut ids = Vec::new();
    for (w, dept) in [("1", "A"), ("2", "A"), ("3", "B"), ("4", "B")] {
        let mut u = common::new_user(w, role);
        u.department = Some(dept.to_owned());
        ids.push(t.create_user(&u, 1_000).await.unwrap().id);
    }
    let g = t.create_skill_group("Sales", None, 1_000).await.unwrap();
    t.add_skill_group_member(g.id, ids[0], 3).await.unwrap();
    t.add_skill_group_member(g.id, ids[1], 3).await.unwrap();
    (e, [ids[0], ids[1], ids[2], ids[3]])
}

async fn a_customer_is_created_found_by_number_and_edited(store: &Store) {
    let (e, [a1, ..]) = setup(store).await;
    let t = store.tenant(e);
    let c = t
        .create_customer(
            &input("张三", &["13800138000", "0755123456"], Some(a1)),
            a1,
            5_000,
        )
        .await
        .unwrap();
    assert_eq!(c.numbers, ["13800138000", "0755123456"]);
    assert_eq!(c.tags, ["VIP"]);
    assert_eq!(c.fields["城市"], "深圳");
    assert_eq!(c.owner_name.as_deref(), Some("User 1"));

    // A call from +8613800138000 finds them by one of the number's written forms.
    let found = t
        .customer_by_number(&["+8613800138000", "13800138000"], CallScope::Enterprise)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id, found.name.as_str(), found.visible),
        (c.id, "张三", true)
    );
    assert!(
        t.customer_by_number(&["13900000000"], CallScope::Enterprise)
            .await
            .unwrap()
            .is_none()
    );

    let mut changed = input("张三丰", &["13800138000"], None);
    changed.tags = vec!["老客户".to_owned()];
    let c2 = t
        .update_customer(c.id, CallScope::Enterprise, &changed, 6_000)
        .await
        .unwrap();
    assert_eq!(c2.name, "张三丰");
    assert_eq!(c2.numbers, ["13800138000"]);
    assert_eq!(c2.owner_id, None);
    assert_eq!(c2.updated_at, 6_000);
    // The number dropped is free again.
    t.create_customer(&input("李四", &["0755123456"], None), a1, 7_000)
        .await
        .unwrap();
}

async fn a_number_belongs_to_one_customer_only(store: &Store) {
    let (e, [a1, ..]) = setup(store).await;
    let t = store.tenant(e);
    t.create_customer(&input("A", &["13800138000"], None), a1, 1)
        .await
        .unwrap();
    let err = t
        .create_customer(&input("B", &["13900000000", "13800138000"], None), a1, 2)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate("customer_number")),
        "{err:?}"
    );
    // Nothing of B was kept (one transaction).
    let all = t
        .customers(&CustomerQuery::default(), CallScope::Enterprise, a1)
        .await
        .unwrap();
    assert_eq!(all.total, 1);
    // Another enterprise may know the same number.
    let (other, role) = common::enterprise(store, "other").await;
    let u = store
        .tenant(other)
        .create_user(&common::new_user("9", role), 1)
        .await
        .unwrap();
    store
        .tenant(other)
        .create_customer(&input("C", &["13800138000"], None), u.id, 3)
        .await
        .unwrap();
    // And an owner from another enterprise is refused.
    let err = t
        .create_customer(&input("D", &["13700000000"], Some(u.id)), a1, 4)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidReference), "{err:?}");
}

async fn a_batch_keeps_the_good_customers_and_leaves_out_the_refused(store: &Store) {
    let (e, [a1, ..]) = setup(store).await;
    let t = store.tenant(e);
    t.create_customer(&input("A", &["13800138000"], None), a1, 1)
        .await
        .unwrap();
    let (other, role) = common::enterprise(store, "other").await;
    let stranger = store
        .tenant(other)
        .create_user(&common::new_user("9", role), 1)
        .await
        .unwrap();
    let batch = [
        input("B", &["13900000000"], Some(a1)),
        // Its second number is A's.
        input("C", &["13700000000", "13800138000"], None),
        // Its number is B's, earlier in the same batch.
        input("D", &["13900000000"], None),
        // Its owner is another enterprise's user.
        input("E", &["13600000000"], Some(stranger.id)),
        // C's first number is free again: C left nothing behind.
        input("F", &["13700000000"], None),
    ];
    let created = t.create_customers(&batch, a1, 2).await.unwrap();
    assert_eq!(created.len(), 5);
    assert!(created[0].is_ok() && created[4].is_ok(), "{created:?}");
    assert!(
        matches!(created[1], Err(StoreError::Duplicate("customer_number"))),
        "{created:?}"
    );
    assert!(
        matches!(created[2], Err(StoreError::Duplicate("customer_number"))),
        "{created:?}"
    );
    assert!(
        matches!(created[3], Err(StoreError::InvalidReference)),
        "{created:?}"
    );
    let all = t
        .customers(&CustomerQuery::default(), CallScope::Enterprise, a1)
        .await
        .unwrap();
    let mut names: Vec<&str> = all.items.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["A", "B", "F"]);
    let b = t
        .customer(*created[0].as_ref().unwrap(), CallScope::Enterprise)
        .await
        .unwrap();
    assert_eq!(b.numbers, ["13900000000"]);
    assert_eq!(b.owner_id, Some(a1));
    assert_eq!(b.created_at, 2);
}

async fn data_scopes_apply_through_the_owner(store: &Store) {
    let (e, [a1, a2, a3, a4]) = setup(store).await;
    let t = store.tenant(e);
    for (name, n, owner) in [
        ("one", "1001", Some(a1)),
        ("two", "1002", Some(a2)),
        ("three", "1003", Some(a3)),
        ("four", "1004", Some(a4)),
        ("nobody", "1005", None),
    ] {
        t.create_customer(&input(name, &[n], owner), a1, 1)
            .await
            .unwrap();
    }
    let names = |scope: CallScope, me: UserId| {
        let q = CustomerQuery::default();
        async move {
            let mut v: Vec<String> = t
                .customers(&q, scope, me)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|c| c.name)
                .collect();
            v.sort();
            v
        }
    };
    assert_eq!(names(CallScope::Agent(a1), a1).await, ["one"]);
    assert_eq!(
        names(CallScope::SkillGroupsOf(a1), a1).await,
        ["one", "two"]
    );
    assert_eq!(
        names(CallScope::DepartmentOf(a3), a3).await,
        ["four", "three"]
    );
    assert_eq!(names(CallScope::Enterprise, a1).await.len(), 5);
    // "my customers" within the enterprise scope.
    let mine = t
        .customers(
            &CustomerQuery {
                mine: Some(true),
                ..CustomerQuery::default()
            },
            CallScope::Enterprise,
            a2,
        )
        .await
        .unwrap();
    assert_eq!(mine.items[0].name, "two");
    assert_eq!(mine.total, 1);
    // Out of scope is not found, for reading, changing and deleting alike.
    let two = t
        .customer_by_number(&["1002"], CallScope::Agent(a1))
        .await
        .unwrap()
        .unwrap();
    assert!(
        !two.visible,
        "the pop names the customer but cannot open them"
    );
    let id = two.id;
    assert!(matches!(
        t.customer(id, CallScope::Agent(a1)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        t.update_customer(id, CallScope::Agent(a1), &input("x", &["1"], None), 2)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        t.delete_customer(id, CallScope::Agent(a1)).await,
        Err(StoreError::NotFound)
    ));
    t.delete_customer(id, CallScope::Agent(a2)).await.unwrap();
    // Deleting an agent leaves their customers to nobody.
    t.delete_user(a4).await.unwrap();
    let four = t
        .customer_by_number(&["1004"], CallScope::Enterprise)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(four.owner_name, None);
}

async fn search_finds_name_company_number_and_tag(store: &Store) {
    let (e, [a1, ..]) = setup(store).await;
    let t = store.tenant(e);
    let mut vip = input("Alice", &["13800138000"], Some(a1));
    vip.company = Some("Widgets Ltd".to_owned());
    t.create_customer(&vip, a1, 1).await.unwrap();
    let mut plain = input("Bob", &["13900139000"], Some(a1));
    plain.tags = vec!["prospect".to_owned()];
    plain.company = None;
    t.create_customer(&plain, a1, 1).await.unwrap();
    let search = |q: Option<&str>, tag: Option<&str>| CustomerQuery {
        q: q.map(str::to_owned),
        tag: tag.map(str::to_owned),
        ..CustomerQuery::default()
    };
    for (q, tag, expect) in [
        (Some("ali"), None, vec!["Alice"]),
        (Some("widgets"), None, vec!["Alice"]),
        (Some("139001"), None, vec!["Bob"]),
        (None, Some("vip"), vec!["Alice"]),
        (None, Some("prospect"), vec!["Bob"]),
        (Some("%"), None, vec![]),
    ] {
        let got: Vec<String> = t
            .customers(&search(q, tag), CallScope::Enterprise, a1)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(got, expect, "q={q:?} tag={tag:?}");
    }
}

async fn the_timeline_holds_calls_follow_ups_and_callbacks_newest_first(store: &Store) {
    let (e, [a1, a2, ..]) = setup(store).await;
    let t = store.tenant(e);
    let c = t
        .create_customer(&input("王五", &["13800138000"], Some(a1)), a1, 1)
        .await
        .unwrap();
    // An inbound call from +86… taken by agent 2, an outbound one by agent 1, and a call of
    // somebody else.
    for (key, dir, caller, callee, agent, at) in [
        (
            "in",
            CallDirection::Inbound,
            "+8613800138000",
            "4008000000",
            a2,
            10_000,
        ),
        (
            "out",
            CallDirection::AgentOutbound,
            "4008000000",
            "13800138000",
            a1,
            30_000,
        ),
        (
            "other",
            CallDirection::Inbound,
            "13900000000",
            "4008000000",
            a1,
            40_000,
        ),
    ] {
        store
            .apply_call_event(&CallEvent::Started {
                key: key.into(),
                enterprise: e,
                direction: dir,
                caller: caller.into(),
                callee: callee.into(),
                enterprise_number: Some("4008000000".into()),
                agent: Some(agent),
                at,
            })
            .await
            .unwrap();
        store
            .apply_call_event(&CallEvent::Ended {
                key: key.into(),
                at: at + 1_000,
                failure: None,
                hangup_side: HangupSide::Customer,
            })
            .await
            .unwrap();
    }
    let f = t.add_follow_up(c.id, a1, "想要报价", 20_000).await.unwrap();
    assert_eq!(f.author_name.as_deref(), Some("User 1"));
    t.create_callback(
        &CallbackInput {
            customer: Some(c.id),
            number: "13800138000".into(),
            agent: a1,
            due_at: 50_000,
            remark: Some("报价".into()),
        },
        a1,
        20_000,
        0,
    )
    .await
    .unwrap();
    let forms: Vec<String> = ["13800138000", "+8613800138000"]
        .map(str::to_owned)
        .to_vec();
    let tl = t
        .customer_timeline(c.id, &forms, Some(CallScope::Enterprise), 0, 100)
        .await
        .unwrap();
    let kinds: Vec<(TimelineKind, i64)> = tl.iter().map(|x| (x.kind, x.at)).collect();
    assert_eq!(
        kinds,
        [
            (TimelineKind::Callback, 50_000),
            (TimelineKind::Call, 30_000),
            (TimelineKind::FollowUp, 20_000),
            (TimelineKind::Call, 10_000),
        ]
    );
    // Agent 1 with scope `self` sees only their own call in it; without call records, none.
    let own = t
        .customer_timeline(c.id, &forms, Some(CallScope::Agent(a1)), 0, 100)
        .await
        .unwrap();
    assert_eq!(
        own.iter().filter(|x| x.kind == TimelineKind::Call).count(),
        1
    );
    let none = t.customer_timeline(c.id, &forms, None, 0, 2).await.unwrap();
    assert_eq!(none.len(), 2);
    assert!(none.iter().all(|x| x.kind != TimelineKind::Call));
    // Follow-ups of another enterprise's customer cannot be added.
    let (other, _) = common::enterprise(store, "other").await;
    let err = store
        .tenant(other)
        .add_follow_up(c.id, a1, "x", 1)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidReference), "{err:?}");
    // Deleting the customer takes their follow-ups and callbacks.
    t.delete_customer(c.id, CallScope::Enterprise)
        .await
        .unwrap();
    assert!(t.follow_ups(CustomerId(c.id.0)).await.unwrap().is_empty());
}

on_both_backends!(
    a_customer_is_created_found_by_number_and_edited,
    a_number_belongs_to_one_customer_only,
    a_batch_keeps_the_good_customers_and_leaves_out_the_refused,
    data_scopes_apply_through_the_owner,
    search_finds_name_company_number_and_tag,
    the_timeline_holds_calls_follow_ups_and_callbacks_newest_first,
);
