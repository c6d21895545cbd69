//! Call records from engine events: opened, answered, closed once; listed newest first, searched,
//! limited to an agent's own calls, and kept per enterprise.

#![allow(clippy::unwrap_used)]

mod common;

use model::PageQuery;
use model::calls::{CallDirection, CallEvent, CallResult, HangupSide, SurveyOutcome};
use store::{Store, StoreError};

fn started(
    key: &str,
    e: model::EnterpriseId,
    caller: &str,
    agent: Option<model::UserId>,
    at: i64,
) -> CallEvent {
    CallEvent::Started {
        key: key.to_owned(),
        enterprise: e,
        direction: CallDirection::Inbound,
        caller: caller.to_owned(),
        callee: "4008000000".to_owned(),
        enterprise_number: Some("4008000000".to_owned()),
        agent,
        at,
    }
}

async fn call_records_follow_the_engines_events(store: &Store) {
    let (a, role) = common::enterprise(store, "acme").await;
    let (b, _) = common::enterprise(store, "bolt").await;
    let agent = store
        .tenant(a)
        .create_user(&common::new_user("1001", role), 5)
        .await
        .unwrap();
    store
        .apply_call_event(&started("k1", a, "13800000001", Some(agent.id), 1_000))
        .await
        .unwrap();
    store
        .apply_call_event(&CallEvent::Answered {
            key: "k1".into(),
            at: 3_000,
            recording: Some("1-1.wav".into()),
        })
        .await
        .unwrap();
    let ended = CallEvent::Ended {
        key: "k1".into(),
        at: 63_500,
        failure: None,
        hangup_side: HangupSide::Customer,
    };
    store.apply_call_event(&ended).await.unwrap();
    store
        .apply_call_event(&CallEvent::Media {
            key: "k1".into(),
            received: 3_000,
            lost: 3,
            jitter_us: 1_500,
        })
        .await
        .unwrap();
    // A second end (e.g. both legs reporting) does not move the end time.
    store
        .apply_call_event(&CallEvent::Ended {
            key: "k1".into(),
            at: 99_000,
            failure: None,
            hangup_side: HangupSide::System,
        })
        .await
        .unwrap();
    store
        .apply_call_event(&started("k2", a, "13900000002", None, 2_000))
        .await
        .unwrap();
    store
        .apply_call_event(&CallEvent::Ended {
            key: "k2".into(),
            at: 4_000,
            failure: Some("busy".into()),
            hangup_side: HangupSide::System,
        })
        .await
        .unwrap();
    store
        .apply_call_event(&started("k3", b, "13700000003", None, 5_000))
        .await
        .unwrap();

    let ta = store.tenant(a);
    let page = ta.calls(&PageQuery::default(), None).await.unwrap();
    assert_eq!(page.total, 2, "bolt's call is not acme's");
    assert_eq!(page.items[0].caller, "13900000002", "newest first");
    assert_eq!(page.items[0].result, CallResult::Failed);
    assert_eq!(page.items[0].failure.as_deref(), Some("busy"));
    let first = &page.items[1];
    assert_eq!(first.result, CallResult::Answered);
    assert_eq!(first.talk_seconds, 60);
    assert_eq!(first.ended_at, Some(63_500));
    assert_eq!(first.hangup_side, Some(HangupSide::Customer));
    assert!(first.has_recording);
    assert_eq!((first.rtp_received, first.rtp_lost), (Some(3_000), Some(3)));
    assert_eq!(first.jitter_ms, Some(1.5));
    let own = ta
        .calls(&PageQuery::default(), Some(agent.id))
        .await
        .unwrap();
    assert_eq!(own.total, 1);
    let found = ta
        .calls(
            &PageQuery {
                q: Some("1390".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    let (rec, file) = ta.call(first.id).await.unwrap();
    assert_eq!(rec.caller, "13800000001");
    assert_eq!(file.as_deref(), Some("1-1.wav"));
    assert!(matches!(
        store.tenant(b).call(first.id).await,
        Err(StoreError::NotFound)
    ));
    let live = store
        .tenant(b)
        .calls(&PageQuery::default(), None)
        .await
        .unwrap();
    assert_eq!(live.items[0].result, CallResult::InProgress);
}

on_both_backends!(call_records_follow_the_engines_events);

/// Hold time is the sum of every hold; a hold still on at the end counts up to the end, and a
/// resume without a hold (or a second hold while held) changes nothing.
async fn hold_time_adds_every_hold_up_to_the_end(store: &Store) {
    let (a, _) = common::enterprise(store, "holdco").await;
    let hold = |on, at| CallEvent::Hold {
        key: "h1".into(),
        on,
        at,
    };
    for ev in [
        started("h1", a, "13800000009", None, 1_000),
        CallEvent::Answered {
            key: "h1".into(),
            at: 2_000,
            recording: None,
        },
        hold(false, 3_000),
        hold(true, 10_000),
        hold(true, 12_000),
        hold(false, 25_000),
        hold(true, 40_000),
        CallEvent::Ended {
            key: "h1".into(),
            at: 47_500,
            failure: None,
            hangup_side: HangupSide::Customer,
        },
        // Nothing moves after the end.
        hold(false, 90_000),
    ] {
        store.apply_call_event(&ev).await.unwrap();
    }
    let page = store
        .tenant(a)
        .calls(&PageQuery::default(), None)
        .await
        .unwrap();
    let rec = &page.items[0];
    assert_eq!(
        rec.hold_seconds, 22,
        "15 s, then 7.5 s held when the call ended"
    );
    assert_eq!(rec.talk_seconds, 45);
}

on_both_backends!(hold_time_adds_every_hold_up_to_the_end);

async fn the_survey_result_is_on_the_record(store: &Store) {
    let (a, _) = common::enterprise(store, "surveyco").await;
    for (key, survey) in [
        ("s-rated", Some(Some(4))),
        ("s-none", Some(None)),
        ("s-off", None),
    ] {
        store
            .apply_call_event(&started(key, a, "13800000009", None, 1_000))
            .await
            .unwrap();
        if let Some(rating) = survey {
            store
                .apply_call_event(&CallEvent::Survey {
                    key: key.into(),
                    rating,
                })
                .await
                .unwrap();
        }
    }
    let page = store
        .tenant(a)
        .calls(&PageQuery::default(), None)
        .await
        .unwrap();
    let mut got: Vec<(String, SurveyOutcome, Option<i32>)> = page
        .items
        .iter()
        .map(|c| (c.caller.clone(), c.survey, c.satisfaction))
        .collect();
    got.sort_by_key(|g| format!("{:?}", g.1));
    assert_eq!(
        got.iter().map(|g| (g.1, g.2)).collect::<Vec<_>>(),
        [
            (SurveyOutcome::NoAnswer, None),
            (SurveyOutcome::NotOffered, None),
            (SurveyOutcome::Rated, Some(4)),
        ]
    );
}

on_both_backends!(the_survey_result_is_on_the_record);
