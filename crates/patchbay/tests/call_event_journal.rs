//! Call events journaled by a run that died before writing them are written by the next start,
//! before the calls left open are closed as interrupted: a call that ended just before a crash
//! keeps its real end, and an event the dead run had written is not written again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use engine::journal::Journal;
use model::calls::{CallDirection, CallEvent, CallResult, HangupSide};
use patchbay::cli::SettingsArgs;
use patchbay::config::{Config, PortRange};
use patchbay::{records, serve};

fn started(key: &str, enterprise: model::EnterpriseId, caller: &str, at: i64) -> CallEvent {
    CallEvent::Started {
        key: key.to_owned(),
        enterprise,
        direction: CallDirection::Inbound,
        caller: caller.to_owned(),
        callee: "4008000000".to_owned(),
        enterprise_number: Some("4008000000".to_owned()),
        agent: None,
        at,
    }
}

#[tokio::test]
async fn events_a_crashed_run_journaled_are_written_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_owned(),
        sip_listen: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: PortRange {
            low: 41_700,
            high: 41_799,
        },
        ..Config::load(&SettingsArgs::default()).unwrap()
    };
    let store = serve::open_store(&config).await.unwrap();
    serve::seed_demo(&config, &store).await.unwrap();
    let demo = store.enterprise_by_code("demo").await.unwrap().unwrap().id;

    // The run that dies: it wrote call A's start, journaled the rest, and was killed.
    let t0 = 1_800_000_000_000;
    let a_started = started("call-a", demo, "13800000001", t0);
    store.apply_call_event(&a_started).await.unwrap();
    {
        let (journal, pending) = Journal::open(&dir.path().join(records::JOURNAL_FILE)).unwrap();
        assert!(pending.is_empty());
        let seq = journal.append(&a_started);
        journal.applied(seq);
        journal.append(&CallEvent::Answered {
            key: "call-a".to_owned(),
            at: t0 + 2_000,
            recording: None,
        });
        journal.append(&CallEvent::Ended {
            key: "call-a".to_owned(),
            at: t0 + 9_000,
            failure: None,
            hangup_side: HangupSide::Customer,
        });
        // Call B started in the last moment: nothing of it reached the database.
        journal.append(&started("call-b", demo, "13800000002", t0 + 8_000));
    }

    let (_stop, stop_rx) = tokio::sync::watch::channel(false);
    let hub = Arc::new(engine::EventHub::default());
    let (_sip, _records) = serve::start_sip(&config, &store, hub, stop_rx)
        .await
        .unwrap();

    let page = store
        .tenant(demo)
        .calls(&Default::default(), None)
        .await
        .unwrap();
    let find = |caller: &str| {
        page.items
            .iter()
            .find(|c| c.caller == caller)
            .unwrap_or_else(|| panic!("no record for {caller}: {:?}", page.items))
            .clone()
    };
    assert_eq!(page.items.len(), 2, "{:?}", page.items);
    // A: its real answer and end, from the journal.
    let a = find("13800000001");
    assert_eq!(a.answered_at, Some(t0 + 2_000));
    assert_eq!(a.ended_at, Some(t0 + 9_000));
    assert_eq!(a.hangup_side, Some(HangupSide::Customer));
    assert_eq!(a.talk_seconds, 7);
    // B: it exists, and was closed as interrupted by the start-up after the replay.
    let b = find("13800000002");
    assert_eq!(b.started_at, t0 + 8_000);
    assert_eq!(b.result, CallResult::Interrupted);
    assert_eq!(b.hangup_side, Some(HangupSide::System));
    // Nothing is left to replay.
    let journal_len = std::fs::metadata(dir.path().join(records::JOURNAL_FILE))
        .unwrap()
        .len();
    assert_eq!(journal_len, 0);
}
