//! Call records over the API: an agent with the `self` scope sees only its own calls, and a
//! recording streams whole or by byte range (206 with Content-Range) for seeking.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp};
use model::calls::{CallDirection, CallEvent, HangupSide};
use tower::ServiceExt;

#[tokio::test]
async fn agents_see_their_own_calls_and_recordings_stream_by_range() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = TestApp::new().await;
    app.state.recordings_dir = Some(dir.path().to_owned());
    let t = app.tenant("acme").await;
    let wav: Vec<u8> = (0..1_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("1-1.wav"), &wav).unwrap();
    let store = &app.state.store;
    for (key, agent, recording) in [("k1", Some(t.agent), Some("1-1.wav")), ("k2", None, None)] {
        store
            .apply_call_event(&CallEvent::Started {
                key: key.into(),
                enterprise: t.id,
                direction: CallDirection::Inbound,
                caller: "13800000001".into(),
                callee: "4008000000".into(),
                enterprise_number: Some("4008000000".into()),
                agent,
                at: 1_000,
            })
            .await
            .unwrap();
        store
            .apply_call_event(&CallEvent::Answered {
                key: key.into(),
                at: 2_000,
                recording: recording.map(Into::into),
            })
            .await
            .unwrap();
        store
            .apply_call_event(&CallEvent::Ended {
                key: key.into(),
                at: 32_000,
                failure: None,
                hangup_side: HangupSide::Customer,
            })
            .await
            .unwrap();
    }
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let (st, all) = app
        .call(Method::GET, "/api/v1/calls", Some(&admin), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{all}");
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"][0]["talk_seconds"], 30);

    let (st, _) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/roles/{}", t.agent_role.0),
            Some(&admin),
            Some(r#"{"permissions":["agent_login","view_call_records"]}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, own) = app
        .call(Method::GET, "/api/v1/calls", Some(&agent), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{own}");
    assert_eq!(
        own["total"], 1,
        "the self scope sees only the agent's call: {own}"
    );
    let id = own["items"][0]["id"].as_i64().unwrap();
    let other = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_i64() != Some(id))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (st, _) = app
        .call(
            Method::GET,
            &format!("/api/v1/calls/{other}"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(
        st,
        StatusCode::NOT_FOUND,
        "another agent's call is invisible"
    );

    let get = |range: Option<&str>, path: String| {
        let mut b = Request::builder()
            .uri(path)
            .header("authorization", format!("Bearer {admin}"));
        if let Some(r) = range {
            b = b.header("range", r);
        }
        b.body(Body::empty()).unwrap()
    };
    let app_router = api::app(app.state.clone());
    let whole = app_router
        .clone()
        .oneshot(get(None, format!("/api/v1/calls/{id}/recording")))
        .await
        .unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["content-type"], "audio/wav");
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    let part = app_router
        .clone()
        .oneshot(get(
            Some("bytes=100-199"),
            format!("/api/v1/calls/{id}/recording"),
        ))
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], "bytes 100-199/1000");
    let body = http_body_util::BodyExt::collect(part.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(&body[..], &wav[100..200]);
    let none = app_router
        .oneshot(get(None, format!("/api/v1/calls/{other}/recording")))
        .await
        .unwrap();
    assert_eq!(
        none.status(),
        StatusCode::NOT_FOUND,
        "a call without a recording"
    );
}

/// After the archiver compresses a finished call's WAV, the recording route serves the Ogg Opus
/// file from its day folder as `audio/ogg` (seekable by range); after the retention period it
/// answers 404 and the record says when the recording was removed.
#[tokio::test]
async fn a_compressed_recording_is_served_as_ogg_opus_until_retention_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = TestApp::new().await;
    app.state.recordings_dir = Some(dir.path().to_owned());
    let t = app.tenant("acme").await;
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 8_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(dir.path().join("5-1.wav"), spec).unwrap();
    for i in 0..16_000u32 {
        let s = ((f64::from(i) * 0.3).sin() * 9_000.0) as i16;
        w.write_sample(s).unwrap();
        w.write_sample(-s).unwrap();
    }
    w.finalize().unwrap();
    let store = &app.state.store;
    let started = 1_700_000_000_000;
    for ev in [
        CallEvent::Started {
            key: "k1".into(),
            enterprise: t.id,
            direction: CallDirection::Inbound,
            caller: "13800000001".into(),
            callee: "4008000000".into(),
            enterprise_number: None,
            agent: None,
            at: started,
        },
        CallEvent::Answered {
            key: "k1".into(),
            at: started + 1_000,
            recording: Some("5-1.wav".into()),
        },
        CallEvent::Ended {
            key: "k1".into(),
            at: started + 3_000,
            failure: None,
            hangup_side: HangupSide::Customer,
        },
    ] {
        store.apply_call_event(&ev).await.unwrap();
    }
    let far = i64::MAX / 4;
    let pass = recordings::compress_pending(store, dir.path(), far)
        .await
        .unwrap();
    assert_eq!(pass.compressed, 1, "{pass:?}");
    assert!(dir.path().join("2023-11-14/5-1.ogg").is_file());

    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let (_, all) = app
        .call(Method::GET, "/api/v1/calls", Some(&admin), None)
        .await;
    let id = all["items"][0]["id"].as_i64().unwrap();
    let (st, ct, body) = app
        .call_raw(
            Method::GET,
            &format!("/api/v1/calls/{id}/recording"),
            Some(&admin),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(ct.as_deref(), Some("audio/ogg; codecs=opus"));
    assert_eq!(&body[..4], b"OggS");
    assert!(body.len() * 8 < 44 + 16_000 * 4, "{} bytes", body.len());

    let removed_at = started + 31 * 86_400_000;
    let n = recordings::remove_expired(store, dir.path(), removed_at, 30)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let (st, body) = app
        .call(
            Method::GET,
            &format!("/api/v1/calls/{id}/recording"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{body}");
    let (_, record) = app
        .call(
            Method::GET,
            &format!("/api/v1/calls/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(record["has_recording"], false);
    assert_eq!(record["recording_deleted_at"], removed_at);
}
