//! A supervisor's steps into a call read back in order with their name, never from another
//! enterprise, and a step for a call with no record is refused.

#![allow(clippy::unwrap_used)]

mod common;

use model::calls::{CallDirection, CallEvent};
use store::{Store, StoreError};

fn started(key: &str, e: model::EnterpriseId) -> CallEvent {
    CallEvent::Started {
        key: key.to_owned(),
        enterprise: e,
        direction: CallDirection::Inbound,
        caller: "13800000001".to_owned(),
        callee: "4008000000".to_owned(),
        enterprise_number: None,
        agent: None,
        at: 1_000,
    }
}

fn step(key: &str, supervisor: model::UserId, step: &str, at: i64) -> CallEvent {
    CallEvent::Supervision {
        key: key.to_owned(),
        supervisor,
        step: step.to_owned(),
        at,
    }
}

async fn a_supervisors_steps_are_kept_with_the_call(store: &Store) {
    let (a, role) = common::enterprise(store, "acme").await;
    let (b, _) = common::enterprise(store, "bolt").await;
    let ta = store.tenant(a);
    let sup = ta
        .create_user(&common::new_user("9001", role), 5)
        .await
        .unwrap();
    store.apply_call_event(&started("s1", a)).await.unwrap();
    // Written out of order: read back by time.
    for (s, at) in [("whisper", 5_000), ("listen", 2_000), ("disconnect", 9_000)] {
        store
            .apply_call_event(&step("s1", sup.id, s, at))
            .await
            .unwrap();
    }
    assert!(matches!(
        store
            .apply_call_event(&step("nope", sup.id, "listen", 1))
            .await,
        Err(StoreError::NotFound)
    ));
    let id = ta.call_id_of_key("s1").await.unwrap();
    let steps = ta.call_supervision(id).await.unwrap();
    assert_eq!(
        steps.iter().map(|s| s.step.as_str()).collect::<Vec<_>>(),
        ["listen", "whisper", "disconnect"]
    );
    assert_eq!(steps[0].supervisor_id, sup.id);
    assert_eq!(steps[0].supervisor_work_id.as_deref(), Some("9001"));
    assert_eq!(steps[2].at, 9_000);
    assert!(
        store
            .tenant(b)
            .call_supervision(id)
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_backends!(a_supervisors_steps_are_kept_with_the_call);
