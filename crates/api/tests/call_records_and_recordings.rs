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
