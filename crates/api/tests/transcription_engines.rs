//! `GET /enterprise/transcription-engines` reports the server's speech-to-text engines as the
//! server decided them at start-up (for admins: `manage_users`), so the Settings page can say
//! that Chinese transcription needs a sherpa-onnx model.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};
use model::org::{TranscriptionEngine, TranscriptionEngineStatus};

fn engine(name: &str, status: TranscriptionEngineStatus, live: bool) -> TranscriptionEngine {
    TranscriptionEngine {
        name: name.into(),
        status,
        languages: if name == "pocketsphinx" {
            vec!["en".into()]
        } else {
            Vec::new()
        },
        live,
        detail: format!("{name} detail"),
    }
}

#[tokio::test]
async fn admins_see_each_engine_its_state_and_which_one_live_calls_use() {
    let mut app = TestApp::new().await;
    app.state.transcription_engines = Arc::new(vec![
        engine("pocketsphinx", TranscriptionEngineStatus::Ready, true),
        engine("sherpa-onnx", TranscriptionEngineStatus::NoModel, false),
    ]);
    let _t = app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let url = "/api/v1/enterprise/transcription-engines";
    let (st, body) = app.call(Method::GET, url, Some(&admin), None).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        serde_json::json!([
            {"name": "pocketsphinx", "status": "ready", "languages": ["en"], "live": true,
             "detail": "pocketsphinx detail"},
            {"name": "sherpa-onnx", "status": "no_model", "languages": [], "live": false,
             "detail": "sherpa-onnx detail"},
        ])
    );

    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, body) = app.call(Method::GET, url, Some(&agent), None).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "forbidden");
}
