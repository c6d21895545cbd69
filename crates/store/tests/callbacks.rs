//! Scheduled callbacks (SPEC §3): pending until their due day ends in the enterprise's time
//! zone, then expired; done when a call the agent places to the number connects (linked to its
//! record) or by hand; filters and data scopes.

#![allow(clippy::unwrap_used)]

mod common;

use model::calls::{CallDirection, CallEvent};
use model::customers::{CallbackQuery, CallbackState};
use model::{EnterpriseId, UserId};
use store::{CallScope, CallbackInput, Store, StoreError};

/// 2026-03-02 00:00 in UTC+8 (the enterprise's local midnight), in unix ms.
const MIDNIGHT: i64 = 1_772_380_800_000;
const HOUR: i64 = 3_600_000;

async fn setup(store: &Store) -> (EnterpriseId, UserId, UserId) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let a = t
        .create_user(&common::new_user("1", role), 1)
        .await
        .unwrap()
        .id;
    let b = t
        .create_user(&common::new_user("2", role), 1)
        .await
        .unwrap()
        .id;
    (e, a, b)
}

fn cb(number: &str, agent: UserId, due_at: i64) -> CallbackInput {
    CallbackInput {
        customer: None,
        number: number.to_owned(),
        agent,
        due_at,
        remark: Some("报价".to_owned()),
    }
}

async fn a_callback_expires_when_its_day_ends_in_the_enterprise_time_zone(store: &Store) {
    let (e, a, _) = setup(store).await;
    let t = store.tenant(e);
    // Due at 10:00 local on 2 March.
    let c = t
        .create_callback(
            &cb("13800138000", a, MIDNIGHT + 10 * HOUR),
            a,
            MIDNIGHT,
            MIDNIGHT,
        )
        .await
        .unwrap();
    assert_eq!(c.state, CallbackState::Pending);
    // 23:59 the same day, an overdue callback is still pending …
    let same_day = t
        .callback(c.id, CallScope::Enterprise, MIDNIGHT)
        .await
        .unwrap();
    assert_eq!(same_day.state, CallbackState::Pending);
    // … and from the next local midnight on it is expired.
    let next_day = MIDNIGHT + 24 * HOUR;
    let expired = t
        .callback(c.id, CallScope::Enterprise, next_day)
        .await
        .unwrap();
    assert_eq!(expired.state, CallbackState::Expired);
    let q = |state| CallbackQuery {
        state: Some(state),
        ..CallbackQuery::default()
    };
    let count = |state, day| {
        let q = q(state);
        async move {
            t.callbacks(&q, CallScope::Enterprise, day)
                .await
                .unwrap()
                .total
        }
    };
    assert_eq!(count(CallbackState::Pending, MIDNIGHT).await, 1);
    assert_eq!(count(CallbackState::Expired, next_day).await, 1);
    assert_eq!(count(CallbackState::Pending, next_day).await, 0);
    // Rescheduled to the next day, it is pending again.
    let moved = t
        .update_callback(
            c.id,
            CallScope::Enterprise,
            next_day + 9 * HOUR,
            Some("改天"),
            next_day,
        )
        .await
        .unwrap();
    assert_eq!(moved.state, CallbackState::Pending);
    assert_eq!(moved.remark.as_deref(), Some("改天"));
}

async fn a_placed_call_that_connects_does_the_callback_and_links_its_record(store: &Store) {
    let (e, a, b) = setup(store).await;
    let t = store.tenant(e);
    let mine = t
        .create_callback(
            &cb("13800138000", a, MIDNIGHT + HOUR),
            a,
            MIDNIGHT,
            MIDNIGHT,
        )
        .await
        .unwrap();
    let other_number = t
        .create_callback(
            &cb("13900000000", a, MIDNIGHT + HOUR),
            a,
            MIDNIGHT,
            MIDNIGHT,
        )
        .await
        .unwrap();
    let other_agent = t
        .create_callback(
            &cb("13800138000", b, MIDNIGHT + HOUR),
            b,
            MIDNIGHT,
            MIDNIGHT,
        )
        .await
        .unwrap();
    let at = MIDNIGHT + 2 * HOUR;
    let place = |key: &'static str| CallEvent::Started {
        key: key.into(),
        enterprise: e,
        direction: CallDirection::AgentOutbound,
        caller: "4008000000".into(),
        callee: "13800138000".into(),
        enterprise_number: Some("4008000000".into()),
        agent: Some(a),
        at,
    };
    // A call that never connects does nothing.
    store.apply_call_event(&place("unanswered")).await.unwrap();
    let still = t
        .callback(mine.id, CallScope::Enterprise, MIDNIGHT)
        .await
        .unwrap();
    assert_eq!(still.state, CallbackState::Pending);
    store.apply_call_event(&place("k1")).await.unwrap();
    store
        .apply_call_event(&CallEvent::Answered {
            key: "k1".into(),
            at: at + 5_000,
            recording: None,
        })
        .await
        .unwrap();
    let done = t
        .callback(mine.id, CallScope::Enterprise, MIDNIGHT)
        .await
        .unwrap();
    assert_eq!(done.state, CallbackState::Done);
    assert_eq!(done.done_at, Some(at + 5_000));
    let record = t.calls(&model::PageQuery::default(), None).await.unwrap();
    let k1 = record
        .items
        .iter()
        .find(|r| r.answered_at.is_some())
        .unwrap();
    assert_eq!(done.call_id, Some(k1.id));
    for id in [other_number.id, other_agent.id] {
        let c = t
            .callback(id, CallScope::Enterprise, MIDNIGHT)
            .await
            .unwrap();
        assert_eq!(c.state, CallbackState::Pending, "{c:?}");
    }
    // Marked by hand, no call is linked; marking again keeps the first time.
    let by_hand = t
        .mark_callback_done(other_number.id, CallScope::Enterprise, at, MIDNIGHT)
        .await
        .unwrap();
    assert_eq!(
        (by_hand.state, by_hand.call_id),
        (CallbackState::Done, None)
    );
    let again = t
        .mark_callback_done(other_number.id, CallScope::Enterprise, at + 1, MIDNIGHT)
        .await
        .unwrap();
    assert_eq!(again.done_at, Some(at));
}

async fn filters_and_scopes_pick_the_callbacks(store: &Store) {
    let (e, a, b) = setup(store).await;
    let t = store.tenant(e);
    let customer = t
        .create_customer(
            &store::CustomerInput {
                name: "赵六".into(),
                numbers: vec!["13700000000".into()],
                ..store::CustomerInput::default()
            },
            a,
            1,
        )
        .await
        .unwrap();
    let mut with_customer = cb("13700000000", a, MIDNIGHT + HOUR);
    with_customer.customer = Some(customer.id);
    t.create_callback(&with_customer, a, 1, MIDNIGHT)
        .await
        .unwrap();
    t.create_callback(&cb("13800138000", a, MIDNIGHT + 30 * HOUR), a, 1, MIDNIGHT)
        .await
        .unwrap();
    t.create_callback(&cb("13900000000", b, MIDNIGHT + 2 * HOUR), b, 1, MIDNIGHT)
        .await
        .unwrap();
    let numbers = |q: CallbackQuery, scope| async move {
        t.callbacks(&q, scope, MIDNIGHT)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|c| c.number)
            .collect::<Vec<_>>()
    };
    // Today (in the time range) and by due time.
    let today = CallbackQuery {
        from: Some(MIDNIGHT),
        to: Some(MIDNIGHT + 24 * HOUR),
        ..CallbackQuery::default()
    };
    assert_eq!(
        numbers(today.clone(), CallScope::Enterprise).await,
        ["13700000000", "13900000000"]
    );
    assert_eq!(
        numbers(today.clone(), CallScope::Agent(a)).await,
        ["13700000000"]
    );
    let by_agent = CallbackQuery {
        agent_id: Some(b.0),
        ..CallbackQuery::default()
    };
    assert_eq!(
        numbers(by_agent, CallScope::Enterprise).await,
        ["13900000000"]
    );
    let by_name = CallbackQuery {
        q: Some("赵".into()),
        ..CallbackQuery::default()
    };
    assert_eq!(
        numbers(by_name, CallScope::Enterprise).await,
        ["13700000000"]
    );
    let page = t
        .callbacks(&today, CallScope::Enterprise, MIDNIGHT)
        .await
        .unwrap();
    assert_eq!(page.items[0].customer_name.as_deref(), Some("赵六"));
    // Another agent's callback is not found with scope `self`, for every change.
    let theirs = page.items[1].id;
    assert!(matches!(
        t.callback(theirs, CallScope::Agent(a), MIDNIGHT).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        t.mark_callback_done(theirs, CallScope::Agent(a), 1, MIDNIGHT)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        t.delete_callback(theirs, CallScope::Agent(a)).await,
        Err(StoreError::NotFound)
    ));
    t.delete_callback(theirs, CallScope::Agent(b))
        .await
        .unwrap();
    // An agent of another enterprise cannot be given a callback.
    let (other, role) = common::enterprise(store, "other").await;
    let stranger = store
        .tenant(other)
        .create_user(&common::new_user("9", role), 1)
        .await
        .unwrap()
        .id;
    let err = t
        .create_callback(&cb("1", stranger, MIDNIGHT), a, 1, MIDNIGHT)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidReference), "{err:?}");
}

on_both_backends!(
    a_callback_expires_when_its_day_ends_in_the_enterprise_time_zone,
    a_placed_call_that_connects_does_the_callback_and_links_its_record,
    filters_and_scopes_pick_the_callbacks,
);
