//! After a call ends its WAV is compressed into its day's folder and the record points at the
//! Ogg file; a recording older than the retention period is removed and the record says when.
//! Runs on SQLite and PostgreSQL, with `now` given (a simulated clock).

#![allow(clippy::unwrap_used)]

#[path = "../../store/tests/common/mod.rs"]
mod common;

use std::path::Path;

use model::calls::{CallDirection, CallEvent, HangupSide};
use store::Store;

/// 2026-12-06 03:48:18 UTC.
const T0: i64 = 1_796_528_898_000;
const DAY: i64 = 86_400_000;

fn write_wav(path: &Path, seconds: usize) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 8_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..seconds * 8_000 {
        let t = i as f64 / 8_000.0;
        w.write_sample(((t * 440.0 * std::f64::consts::TAU).sin() * 8_000.0) as i16)
            .unwrap();
        w.write_sample(((t * 300.0 * std::f64::consts::TAU).sin() * 8_000.0) as i16)
            .unwrap();
    }
    w.finalize().unwrap();
}

fn modified_ms(path: &Path) -> i64 {
    let m = std::fs::metadata(path).unwrap().modified().unwrap();
    m.duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

async fn call(store: &Store, e: model::EnterpriseId, key: &str, at: i64, wav: &str) {
    let started = CallEvent::Started {
        key: key.to_owned(),
        enterprise: e,
        direction: CallDirection::Inbound,
        caller: "13800000000".to_owned(),
        callee: "4001230001".to_owned(),
        enterprise_number: None,
        agent: None,
        at,
    };
    store.apply_call_event(&started).await.unwrap();
    let answered = CallEvent::Answered {
        key: key.to_owned(),
        at: at + 1_000,
        recording: Some(wav.to_owned()),
    };
    store.apply_call_event(&answered).await.unwrap();
}

async fn end(store: &Store, key: &str, at: i64) {
    let ended = CallEvent::Ended {
        key: key.to_owned(),
        at,
        failure: None,
        hangup_side: HangupSide::Customer,
    };
    store.apply_call_event(&ended).await.unwrap();
}

async fn a_finished_calls_wav_is_compressed_into_its_day_and_expires_after_the_retention_period(
    store: &Store,
) {
    let (e, _) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let dir = tempfile::tempdir().unwrap();
    let wav_name = format!("{T0}-1.wav");
    let wav = dir.path().join(&wav_name);
    write_wav(&wav, 3);
    call(store, e, "k1", T0, &wav_name).await;
    let modified = modified_ms(&wav);

    // Still talking: the WAV is left alone however old it looks.
    let pass = recordings::compress_pending(store, dir.path(), modified + DAY)
        .await
        .unwrap();
    assert_eq!(pass, recordings::Pass::default());
    assert!(wav.exists());

    end(store, "k1", T0 + 5_000).await;
    // Ended, but the media thread touched the file a moment ago: wait.
    let pass = recordings::compress_pending(store, dir.path(), modified + 1_000)
        .await
        .unwrap();
    assert_eq!(pass.waiting, 1, "{pass:?}");
    assert!(wav.exists());

    let pass = recordings::compress_pending(store, dir.path(), modified + 2_000)
        .await
        .unwrap();
    assert_eq!(pass.compressed, 1, "{pass:?}");
    assert!(!wav.exists(), "the WAV is removed");
    let ogg_name = format!("2026-12-06/{T0}-1.ogg");
    let ogg = dir.path().join(&ogg_name);
    let wav_len = 44 + 3 * 32_000;
    let ogg_len = std::fs::metadata(&ogg).unwrap().len();
    assert!(ogg_len * 8 <= wav_len, "{ogg_len} bytes from {wav_len}");
    let id = t
        .calls(&model::PageQuery::default(), None)
        .await
        .unwrap()
        .items[0]
        .id;
    let (record, file) = t.call(id).await.unwrap();
    assert!(record.has_recording);
    assert_eq!(file.as_deref(), Some(ogg_name.as_str()));
    // Nothing left to do.
    let pass = recordings::compress_pending(store, dir.path(), modified + 60_000)
        .await
        .unwrap();
    assert_eq!(pass, recordings::Pass::default());

    // A second call ten days later.
    let wav2_name = format!("{}-2.wav", T0 + 10 * DAY);
    write_wav(&dir.path().join(&wav2_name), 1);
    call(store, e, "k2", T0 + 10 * DAY, &wav2_name).await;
    end(store, "k2", T0 + 10 * DAY + 2_000).await;

    // Retention of 30 days: nothing to remove on day 29; on day 31 the first call's recording
    // goes, the second's stays; 0 days keeps everything.
    assert_eq!(
        recordings::remove_expired(store, dir.path(), T0 + 31 * DAY, 0)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        recordings::remove_expired(store, dir.path(), T0 + 29 * DAY, 30)
            .await
            .unwrap(),
        0
    );
    let now = T0 + 31 * DAY;
    assert_eq!(
        recordings::remove_expired(store, dir.path(), now, 30)
            .await
            .unwrap(),
        1
    );
    assert!(!ogg.exists(), "the expired recording is removed");
    assert!(dir.path().join(&wav2_name).exists(), "the newer one stays");
    let (record, file) = t.call(id).await.unwrap();
    assert!(!record.has_recording);
    assert_eq!(file, None);
    assert_eq!(record.recording_deleted_at, Some(now));
}

async fn a_record_whose_wav_is_gone_says_its_recording_was_removed(store: &Store) {
    let (e, _) = common::enterprise(store, "acme").await;
    let dir = tempfile::tempdir().unwrap();
    call(store, e, "k1", T0, "gone.wav").await;
    end(store, "k1", T0 + 1_000).await;
    let pass = recordings::compress_pending(store, dir.path(), T0 + DAY)
        .await
        .unwrap();
    assert_eq!(pass.missing, 1, "{pass:?}");
    let t = store.tenant(e);
    let id = t
        .calls(&model::PageQuery::default(), None)
        .await
        .unwrap()
        .items[0]
        .id;
    let (record, _) = t.call(id).await.unwrap();
    assert!(!record.has_recording);
    assert_eq!(record.recording_deleted_at, Some(T0 + DAY));
}

on_both_backends!(
    a_finished_calls_wav_is_compressed_into_its_day_and_expires_after_the_retention_period,
    a_record_whose_wav_is_gone_says_its_recording_was_removed,
);
