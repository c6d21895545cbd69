//! Transcripts over the API: a call's stored transcript (same permission and data scope as its
//! record), the keyword search of call records, the enterprise's transcription and after-call
//! work settings, and the agent's live-transcription switch refused when not on a call.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};
use model::calls::{CallDirection, CallEvent, TranscriptSegment, TranscriptSpeaker};

async fn call_with_transcript(app: &TestApp, t: &common::Tenant, key: &str, agent: bool) -> i64 {
    let store = &app.state.store;
    store
        .apply_call_event(&CallEvent::Started {
            key: key.into(),
            enterprise: t.id,
            direction: CallDirection::Inbound,
            caller: "13800000001".into(),
            callee: "4008000000".into(),
            enterprise_number: None,
            agent: agent.then_some(t.agent),
            at: 1_000,
        })
        .await
        .unwrap();
    for (speaker, start_ms, text) in [
        (TranscriptSpeaker::Agent, 3_000, "您好 how can I help"),
        (
            TranscriptSpeaker::Customer,
            500,
            &*format!("{key} 我要退款 REFUND"),
        ),
    ] {
        store
            .apply_call_event(&CallEvent::Transcript {
                key: key.into(),
                segment: TranscriptSegment {
                    speaker,
                    start_ms,
                    end_ms: start_ms + 2_000,
                    text: text.to_owned(),
                    confidence: 0.5,
                    is_final: true,
                },
            })
            .await
            .unwrap();
    }
    store
        .tenant(t.id)
        .calls(&model::PageQuery::default(), None)
        .await
        .unwrap()
        .items[0]
        .id
        .0
}

#[tokio::test]
async fn a_calls_transcript_reads_back_in_order_and_calls_are_found_by_a_word_of_it() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let own = call_with_transcript(&app, &t, "mine", true).await;
    let other = call_with_transcript(&app, &t, "theirs", false).await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;

    let (st, body) = app
        .call(
            Method::GET,
            &format!("/api/v1/calls/{own}/transcript"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let segs = body.as_array().unwrap();
    assert_eq!(segs.len(), 2);
    assert_eq!(segs[0]["speaker"], "customer");
    assert_eq!(segs[0]["start_ms"], 500);
    assert_eq!(segs[0]["end_ms"], 2_500);
    assert_eq!(segs[0]["final"], true);
    assert_eq!(segs[1]["speaker"], "agent");
    assert_eq!(segs[1]["text"], "您好 how can I help");

    let (st, body) = app
        .call(
            Method::GET,
            "/api/v1/calls/999999/transcript",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{body}");

    let search = |q: &str| format!("/api/v1/calls?keyword={q}");
    let (st, body) = app
        .call(Method::GET, &search("refund"), Some(&admin), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 2, "case-insensitive: {body}");
    let (_, body) = app
        .call(
            Method::GET,
            &search("%E9%80%80%E6%AC%BE"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(body["total"], 2, "退款 in Chinese: {body}");
    let (_, body) = app
        .call(Method::GET, &search("theirs"), Some(&admin), None)
        .await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["id"], other);
    let (_, body) = app
        .call(
            Method::GET,
            &format!("{}&q=1380", search("mine")),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(body["total"], 1, "with the number search: {body}");
    let (st, body) = app
        .call(Method::GET, &search(&"x".repeat(101)), Some(&admin), None)
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "validation_failed");

    // An agent without `view_call_records` may not read transcripts; with it and the `self`
    // scope, only those of its own calls.
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let url = format!("/api/v1/calls/{own}/transcript");
    let (st, _) = app.call(Method::GET, &url, Some(&agent), None).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
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
    let (st, body) = app.call(Method::GET, &url, Some(&agent), None).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, _) = app
        .call(
            Method::GET,
            &format!("/api/v1/calls/{other}/transcript"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "not the agent's call");
    let (_, body) = app
        .call(Method::GET, &search("refund"), Some(&agent), None)
        .await;
    assert_eq!(body["total"], 1, "own calls only: {body}");
}

#[tokio::test]
async fn admins_set_transcription_of_all_calls_and_after_call_work() {
    let app = TestApp::new().await;
    let _t = app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let url = "/api/v1/enterprise/settings";
    let (st, body) = app.call(Method::GET, url, Some(&admin), None).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["transcribe_all_calls"], false);
    assert_eq!(body["after_call_work_secs"], 0);
    let (st, body) = app
        .call(
            Method::PUT,
            url,
            Some(&admin),
            Some(r#"{"transcribe_all_calls":true}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["transcribe_all_calls"], true);
    let (st, body) = app
        .call(
            Method::PUT,
            url,
            Some(&admin),
            Some(r#"{"after_call_work_secs":30}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["after_call_work_secs"], 30);
    assert_eq!(body["transcribe_all_calls"], true, "left out: kept");
    for bad in [
        r#"{"after_call_work_secs":601}"#,
        r#"{"after_call_work_secs":-1}"#,
        r#"{"transcribe_all_calls":"yes"}"#,
        r#"{"unknown":1}"#,
    ] {
        let (st, body) = app.call(Method::PUT, url, Some(&admin), Some(bad)).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, _) = app.call(Method::GET, url, Some(&agent), None).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app
        .call(
            Method::PUT,
            url,
            Some(&agent),
            Some(r#"{"transcribe_all_calls":false}"#),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_live_transcription_switch_needs_a_call() {
    let mut app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let url = "/api/v1/me/call/transcription";
    let (st, body) = app
        .call(Method::POST, url, Some(&agent), Some(r#"{"on":true}"#))
        .await;
    assert_eq!(
        st,
        StatusCode::SERVICE_UNAVAILABLE,
        "no SIP endpoint: {body}"
    );

    let config = engine::sipd::SipConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (41_200, 41_299),
        rtp_timeout: std::time::Duration::from_secs(60),
        directory: app.state.store.sip_directory().await.unwrap(),
        realm: "patchbay".to_owned(),
        recordings_dir: None,
        call_events: None,
        hub: Some(app.state.hub.clone()),
        public_media: None,
        widget_calls_per_address: 4,
    };
    app.state.sip = Some(
        engine::sipd::start(config, std::future::pending())
            .await
            .unwrap(),
    );
    for on in ["true", "false"] {
        let (st, body) = app
            .call(
                Method::POST,
                url,
                Some(&agent),
                Some(&format!(r#"{{"on":{on}}}"#)),
            )
            .await;
        assert_eq!(st, StatusCode::CONFLICT, "{body}");
        assert_eq!(code(&body), "not_in_call");
    }
    for bad in [r#"{}"#, r#"{"on":"yes"}"#, r#"{"on":true,"call":"1"}"#] {
        let (st, body) = app.call(Method::POST, url, Some(&agent), Some(bad)).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    // Only roles that take calls may switch it.
    let (st, _) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/roles/{}", t.agent_role.0),
            Some(&app.token("acme", "admin", ADMIN_PASS).await),
            Some(r#"{"permissions":["agent_login"]}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, _) = app
        .call(Method::POST, url, Some(&agent), Some(r#"{"on":true}"#))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}
