//! Records a crash left open: their last known activity is kept as events arrive, and closing
//! them makes them `interrupted`, hung up by the system, ended then, with their recording.

#![allow(clippy::unwrap_used)]

mod common;

use model::PageQuery;
use model::calls::{CallDirection, CallEvent, CallResult, HangupSide};
use store::Store;

fn started(key: &str, e: model::EnterpriseId, at: i64) -> CallEvent {
    CallEvent::Started {
        key: key.to_owned(),
        enterprise: e,
        direction: CallDirection::Inbound,
        caller: "13800000001".to_owned(),
        callee: "4008000000".to_owned(),
        enterprise_number: Some("4008000000".to_owned()),
        agent: None,
        at,
    }
}

async fn records_left_open_are_closed_as_interrupted_at_their_last_activity(store: &Store) {
    let (a, _) = common::enterprise(store, "acme").await;
    let group = store
        .tenant(a)
        .create_skill_group("Sales", None, 0)
        .await
        .unwrap()
        .id;
    for ev in [
        // q: answered by the IVR (recorded), queued, still waiting at the crash.
        started("q", a, 1_000),
        CallEvent::Answered {
            key: "q".into(),
            at: 1_200,
            recording: Some("1200-1.wav".into()),
        },
        CallEvent::Queued {
            key: "q".into(),
            group,
            at: 9_000,
        },
        // h: talking, put on hold at 20 s, still held at the crash.
        started("h", a, 2_000),
        CallEvent::Answered {
            key: "h".into(),
            at: 3_000,
            recording: None,
        },
        CallEvent::Hold {
            key: "h".into(),
            on: true,
            at: 20_000,
        },
        // d: over before the crash; it is left alone.
        started("d", a, 3_000),
        CallEvent::Ended {
            key: "d".into(),
            at: 4_000,
            failure: None,
            hangup_side: HangupSide::Customer,
        },
    ] {
        store.apply_call_event(&ev).await.unwrap();
    }
    let open = store.open_calls().await.unwrap();
    let seen: Vec<_> = open
        .iter()
        .map(|c| {
            (
                c.call_key.as_str(),
                c.last_activity_at,
                c.recording.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [("q", 9_000, Some("1200-1.wav")), ("h", 20_000, None)]
    );
    for c in &open {
        let end = if c.call_key == "h" {
            25_000
        } else {
            c.last_activity_at
        };
        assert!(
            store
                .close_interrupted(model::CallId(c.id), end)
                .await
                .unwrap()
        );
        // Closing twice changes nothing.
        assert!(
            !store
                .close_interrupted(model::CallId(c.id), 99_000)
                .await
                .unwrap()
        );
    }
    assert!(store.open_calls().await.unwrap().is_empty());
    let page = store
        .tenant(a)
        .calls(&PageQuery::default(), None)
        .await
        .unwrap();
    let by_key = |caller_started: i64| {
        page.items
            .iter()
            .find(|r| r.started_at == caller_started)
            .unwrap()
            .clone()
    };
    let q = by_key(1_000);
    assert_eq!(q.result, CallResult::Interrupted);
    assert_eq!(q.hangup_side, Some(HangupSide::System));
    assert_eq!(q.ended_at, Some(9_000));
    assert!(q.has_recording, "linked to its recording");
    let h = by_key(2_000);
    assert_eq!(h.result, CallResult::Interrupted);
    assert_eq!(h.ended_at, Some(25_000));
    assert_eq!(h.hold_seconds, 5, "the hold ran until the end");
    let d = by_key(3_000);
    assert_eq!(d.result, CallResult::Failed);
    assert_eq!(d.hangup_side, Some(HangupSide::Customer));
    // The result filter finds exactly the interrupted ones.
    let q = model::calls::CallQuery {
        result: Some(CallResult::Interrupted),
        ..Default::default()
    };
    let found = store
        .tenant(a)
        .list_calls(&q, store::CallScope::Enterprise)
        .await
        .unwrap();
    assert_eq!(found.items.len(), 2);
}

on_both_backends!(records_left_open_are_closed_as_interrupted_at_their_last_activity);
