//! Caller history for the call pops: earlier ended inbound calls from a number, in any of the
//! forms it is written in, counted per enterprise, with the latest one's start.

#![allow(clippy::unwrap_used)]

mod common;

use model::calls::{CallDirection, CallEvent, HangupSide};
use store::{CallerHistory, Store};

async fn call(
    store: &Store,
    key: &str,
    e: model::EnterpriseId,
    direction: CallDirection,
    caller: &str,
    at: i64,
    ended: bool,
) {
    store
        .apply_call_event(&CallEvent::Started {
            key: key.to_owned(),
            enterprise: e,
            direction,
            caller: caller.to_owned(),
            callee: "4008000000".to_owned(),
            enterprise_number: Some("4008000000".to_owned()),
            agent: None,
            at,
        })
        .await
        .unwrap();
    if ended {
        store
            .apply_call_event(&CallEvent::Ended {
                key: key.to_owned(),
                at: at + 30_000,
                failure: None,
                hangup_side: HangupSide::Customer,
            })
            .await
            .unwrap();
    }
}

async fn a_first_time_caller_has_no_history(store: &Store) {
    let (a, _) = common::enterprise(store, "acme").await;
    call(
        store,
        "now",
        a,
        CallDirection::Inbound,
        "13800138000",
        5_000,
        false,
    )
    .await;
    let h = store
        .tenant(a)
        .caller_history(&["13800138000"])
        .await
        .unwrap();
    assert_eq!(h, CallerHistory::default());
    assert_eq!(
        store.tenant(a).caller_history(&[]).await.unwrap(),
        CallerHistory::default()
    );
}

async fn earlier_ended_calls_count_and_the_latest_one_is_the_last_call(store: &Store) {
    let (a, _) = common::enterprise(store, "acme").await;
    let (b, _) = common::enterprise(store, "bolt").await;
    let n = "13800138000";
    call(store, "a1", a, CallDirection::Inbound, n, 1_000, true).await;
    call(store, "a2", a, CallDirection::Inbound, n, 90_000, true).await;
    // Neither the call ringing now, another number, an outbound call from the same text, nor a
    // call to another enterprise counts.
    call(store, "a3", a, CallDirection::Inbound, n, 200_000, false).await;
    call(
        store,
        "a4",
        a,
        CallDirection::Inbound,
        "13900139000",
        150_000,
        true,
    )
    .await;
    call(
        store,
        "a5",
        a,
        CallDirection::AgentOutbound,
        n,
        160_000,
        true,
    )
    .await;
    call(store, "b1", b, CallDirection::Inbound, n, 170_000, true).await;
    let h = store.tenant(a).caller_history(&[n]).await.unwrap();
    assert_eq!(
        h,
        CallerHistory {
            calls: 2,
            last_call_at: Some(90_000)
        }
    );
    let hb = store.tenant(b).caller_history(&[n]).await.unwrap();
    assert_eq!(hb.calls, 1);
}

async fn every_form_of_the_number_is_one_caller(store: &Store) {
    let (a, _) = common::enterprise(store, "acme").await;
    call(
        store,
        "a1",
        a,
        CallDirection::Inbound,
        "13800138000",
        1_000,
        true,
    )
    .await;
    call(
        store,
        "a2",
        a,
        CallDirection::Inbound,
        "+8613800138000",
        2_000,
        true,
    )
    .await;
    call(
        store,
        "a3",
        a,
        CallDirection::Inbound,
        "008613800138000",
        3_000,
        true,
    )
    .await;
    call(
        store,
        "a4",
        a,
        CallDirection::Inbound,
        "8613800138000",
        4_000,
        true,
    )
    .await;
    // More forms than one statement takes are looked up in turns; duplicates count once.
    let forms = [
        "13800138000",
        "013800138000",
        "+8613800138000",
        "8613800138000",
        "008613800138000",
        "+86013800138000",
        "+86 138 0013 8000",
        "138-0013-8000",
        "8613800138000",
        "13800138000",
    ];
    let h = store.tenant(a).caller_history(&forms[..5]).await.unwrap();
    assert_eq!(
        h,
        CallerHistory {
            calls: 4,
            last_call_at: Some(4_000)
        }
    );
    let chunked = store.tenant(a).caller_history(&forms).await.unwrap();
    assert_eq!(chunked, h);
}

on_both_backends!(
    a_first_time_caller_has_no_history,
    earlier_ended_calls_count_and_the_latest_one_is_the_last_call,
    every_form_of_the_number_is_one_caller,
);
