//! A transferred call's record: one segment per agent in order (the first closed by the
//! transfer), both agents see the call under the `self` scope, and notes from each agent read
//! back in order with their authors, never from another enterprise.

#![allow(clippy::unwrap_used)]

mod common;

use model::calls::{CallDirection, CallEvent, CallQuery};
use model::{CallId, PageQuery};
use store::{CallScope, Store, StoreError};

fn started(key: &str, e: model::EnterpriseId, at: i64) -> CallEvent {
    CallEvent::Started {
        key: key.to_owned(),
        enterprise: e,
        direction: CallDirection::Inbound,
        caller: "13800000001".to_owned(),
        callee: "4008000000".to_owned(),
        enterprise_number: None,
        agent: None,
        at,
    }
}

fn segment(key: &str, agent: model::UserId, from: i64, to: i64, transferred: bool) -> CallEvent {
    CallEvent::Segment {
        key: key.to_owned(),
        agent,
        from,
        to,
        transferred,
    }
}

async fn a_transferred_call_keeps_both_agents_and_their_notes(store: &Store) {
    let (a, role) = common::enterprise(store, "acme").await;
    let (b, brole) = common::enterprise(store, "bolt").await;
    let ta = store.tenant(a);
    let first = ta
        .create_user(&common::new_user("1001", role), 5)
        .await
        .unwrap();
    let second = ta
        .create_user(&common::new_user("1002", role), 5)
        .await
        .unwrap();
    let stranger = store
        .tenant(b)
        .create_user(&common::new_user("1001", brole), 5)
        .await
        .unwrap();
    store
        .apply_call_event(&started("t1", a, 1_000))
        .await
        .unwrap();
    store
        .apply_call_event(&started("b1", b, 1_000))
        .await
        .unwrap();
    // The second agent's segment arrives last but started later: read back by start.
    store
        .apply_call_event(&segment("t1", first.id, 2_000, 32_000, true))
        .await
        .unwrap();
    store
        .apply_call_event(&CallEvent::AgentAnswered {
            key: "t1".to_owned(),
            agent: second.id,
        })
        .await
        .unwrap();
    store
        .apply_call_event(&segment("t1", second.id, 40_000, 95_000, false))
        .await
        .unwrap();
    assert!(matches!(
        store
            .apply_call_event(&segment("nope", first.id, 0, 1, false))
            .await,
        Err(StoreError::NotFound)
    ));

    let id = ta.call_id_of_key("t1").await.unwrap();
    assert!(matches!(
        store.tenant(b).call_id_of_key("t1").await,
        Err(StoreError::NotFound)
    ));
    let s = ta.call_segments(id).await.unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!((s[0].agent_id, s[0].transferred), (first.id, true));
    assert_eq!((s[0].started_at, s[0].ended_at), (2_000, 32_000));
    assert_eq!(s[0].agent_work_id.as_deref(), Some("1001"));
    assert_eq!((s[1].agent_id, s[1].transferred), (second.id, false));
    assert!(store.tenant(b).call_segments(id).await.unwrap().is_empty());

    // Both agents took part: each sees the call under the `self` scope.
    for agent in [first.id, second.id] {
        let page = ta
            .list_calls(&CallQuery::default(), CallScope::Agent(agent))
            .await
            .unwrap();
        assert_eq!(page.total, 1, "agent {agent:?} sees the call");
        assert!(ta.call_in_scope(id, CallScope::Agent(agent)).await.is_ok());
    }
    let third = ta
        .create_user(&common::new_user("1003", role), 5)
        .await
        .unwrap();
    assert_eq!(
        ta.list_calls(&CallQuery::default(), CallScope::Agent(third.id))
            .await
            .unwrap()
            .total,
        0
    );

    // Who may write notes on it after the call: the agents who talked on it.
    assert!(
        ta.talked_on(id, first.id).await.unwrap(),
        "the transferring agent"
    );
    assert!(
        ta.talked_on(id, second.id).await.unwrap(),
        "the agent who took it"
    );
    assert!(
        !ta.talked_on(id, third.id).await.unwrap(),
        "an agent never on it"
    );
    assert!(ta.call_exists(id).await.unwrap());
    assert!(!store.tenant(b).call_exists(id).await.unwrap());
    assert!(!store.tenant(b).talked_on(id, stranger.id).await.unwrap());

    let n1 = ta
        .add_call_note(id, first.id, "客户要求退款，订单 A123", 10_000)
        .await
        .unwrap();
    assert_eq!(n1.author_id, first.id);
    assert_eq!(n1.text, "客户要求退款，订单 A123");
    ta.add_call_note(id, second.id, "Refund approved", 50_000)
        .await
        .unwrap();
    let notes = ta.call_notes(id).await.unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].author_id, first.id);
    assert_eq!(notes[1].author_id, second.id);
    assert!(notes[1].author_name.is_some());
    // Another enterprise can neither read nor write them.
    assert!(store.tenant(b).call_notes(id).await.unwrap().is_empty());
    assert!(matches!(
        store
            .tenant(b)
            .add_call_note(id, stranger.id, "mine", 60_000)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        ta.add_call_note(CallId(id.0 + 1_000), first.id, "x", 1)
            .await,
        Err(StoreError::NotFound)
    ));
    let _ = PageQuery::default();
}

on_both_backends!(a_transferred_call_keeps_both_agents_and_their_notes);
