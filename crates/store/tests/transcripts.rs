//! Transcripts: final segments from the engine's call events are stored per call, read back in
//! time order, found by keyword (any case, Chinese too) and never seen by another enterprise;
//! the enterprise's transcribe-all-calls switch.

#![allow(clippy::unwrap_used)]

mod common;

use model::calls::{CallDirection, CallEvent, TranscriptSegment, TranscriptSpeaker};
use model::{CallId, PageQuery};
use store::{Store, StoreError};

fn started(key: &str, e: model::EnterpriseId, agent: Option<model::UserId>, at: i64) -> CallEvent {
    CallEvent::Started {
        key: key.to_owned(),
        enterprise: e,
        direction: CallDirection::Inbound,
        caller: "13800000001".to_owned(),
        callee: "4008000000".to_owned(),
        enterprise_number: None,
        agent,
        at,
    }
}

fn said(key: &str, speaker: TranscriptSpeaker, start_ms: i64, text: &str) -> CallEvent {
    CallEvent::Transcript {
        key: key.to_owned(),
        segment: TranscriptSegment {
            speaker,
            start_ms,
            end_ms: start_ms + 1_500,
            text: text.to_owned(),
            confidence: 0.75,
            is_final: true,
        },
    }
}

async fn id_of(store: &Store, e: model::EnterpriseId, caller_sorted_index: usize) -> CallId {
    let page = store
        .tenant(e)
        .calls(&PageQuery::default(), None)
        .await
        .unwrap();
    page.items[caller_sorted_index].id
}

async fn transcripts_are_stored_searched_and_kept_per_enterprise(store: &Store) {
    let (a, role) = common::enterprise(store, "acme").await;
    let (b, _) = common::enterprise(store, "bolt").await;
    let agent = store
        .tenant(a)
        .create_user(&common::new_user("1001", role), 5)
        .await
        .unwrap();
    store
        .apply_call_event(&started("a1", a, Some(agent.id), 1_000))
        .await
        .unwrap();
    store
        .apply_call_event(&started("a2", a, None, 2_000))
        .await
        .unwrap();
    store
        .apply_call_event(&started("b1", b, None, 3_000))
        .await
        .unwrap();
    // Out of order on purpose: the transcript reads back by start time.
    for ev in [
        said("a1", TranscriptSpeaker::Agent, 4_000, "how can I help"),
        said(
            "a1",
            TranscriptSpeaker::Customer,
            1_000,
            "Hello, my REFUND please",
        ),
        said("a2", TranscriptSpeaker::Customer, 500, "我想查询订单"),
        said("a2", TranscriptSpeaker::Agent, 2_500, "100%_done"),
        said("b1", TranscriptSpeaker::Customer, 0, "refund for bolt"),
    ] {
        store.apply_call_event(&ev).await.unwrap();
    }
    // A segment for a call Patchbay has no record of changes nothing and says so.
    assert!(matches!(
        store
            .apply_call_event(&said("nope", TranscriptSpeaker::Agent, 0, "lost"))
            .await,
        Err(StoreError::NotFound)
    ));

    let ta = store.tenant(a);
    let a2 = id_of(store, a, 0).await;
    let a1 = id_of(store, a, 1).await;
    let b1 = id_of(store, b, 0).await;

    let t = ta.call_transcript(a1).await.unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].speaker, TranscriptSpeaker::Customer);
    assert_eq!(t[0].text, "Hello, my REFUND please");
    assert_eq!((t[0].start_ms, t[0].end_ms), (1_000, 2_500));
    assert!((t[0].confidence - 0.75).abs() < 1e-6);
    assert!(t[0].is_final);
    assert_eq!(t[1].speaker, TranscriptSpeaker::Agent);
    assert!(ta.call_transcript(a2).await.unwrap().len() == 2);

    // Another enterprise's call does not exist for this one, and vice versa.
    assert!(matches!(
        ta.call_transcript(b1).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.tenant(b).call_transcript(a1).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.tenant(b).call_transcript(b1).await.unwrap().len(), 1);

    let search = |kw: &'static str, agent: Option<model::UserId>| async move {
        store
            .tenant(a)
            .search_calls(&PageQuery::default(), Some(kw), agent)
            .await
            .unwrap()
    };
    let hits = search("refund", None).await;
    assert_eq!(hits.total, 1, "bolt's refund is not acme's");
    assert_eq!(hits.items[0].id, a1);
    assert_eq!(search("ReFuNd", None).await.total, 1, "any case");
    assert_eq!(search("查询", None).await.items[0].id, a2, "Chinese");
    assert_eq!(
        search("%", None).await.total,
        1,
        "% is a character, not a wildcard"
    );
    assert_eq!(search("0%_d", None).await.items[0].id, a2);
    assert_eq!(search("_", None).await.total, 1, "_ too");
    assert_eq!(search("missing", None).await.total, 0);
    assert_eq!(
        search("  ", None).await.total,
        2,
        "a blank keyword filters nothing"
    );
    assert_eq!(
        search("查询", Some(agent.id)).await.total,
        0,
        "own calls only"
    );
    assert_eq!(search("help", Some(agent.id)).await.total, 1);
    // Keyword and number search together.
    let both = ta
        .search_calls(
            &PageQuery {
                q: Some("1380".into()),
                ..Default::default()
            },
            Some("help"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(both.total, 1);
}

async fn transcribe_all_calls_is_an_enterprise_setting(store: &Store) {
    let (a, _) = common::enterprise(store, "acme").await;
    let (b, _) = common::enterprise(store, "bolt").await;
    let ta = store.tenant(a);
    assert!(!ta.transcribe_all_calls().await.unwrap(), "off by default");
    ta.set_transcribe_all_calls(true).await.unwrap();
    ta.set_after_call_work_secs(9).await.unwrap();
    let s = ta.enterprise_settings().await.unwrap();
    assert!(s.transcribe_all_calls);
    assert_eq!(s.after_call_work_secs, 9);
    assert!(!store.tenant(b).transcribe_all_calls().await.unwrap());
    ta.set_transcribe_all_calls(false).await.unwrap();
    assert!(!ta.transcribe_all_calls().await.unwrap());
}

on_both_backends!(
    transcripts_are_stored_searched_and_kept_per_enterprise,
    transcribe_all_calls_is_an_enterprise_setting
);
