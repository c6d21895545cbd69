//! Request limits: body size, and where a token may travel in the URL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{AGENT_PASS, TestApp, code};
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn a_token_in_the_query_is_refused_on_a_normal_route() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let token = app.token("acme", "1001", AGENT_PASS).await;
    let (st, body) = app
        .call(
            Method::GET,
            &format!("/api/v1/me?token={token}"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    // Not even on the events path without a WebSocket upgrade.
    let (st, _) = app
        .call(
            Method::GET,
            &format!("/api/v1/events?token={token}"),
            None,
            None,
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = app
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(st, StatusCode::OK, "the bearer header still works");
}

#[tokio::test]
async fn a_token_in_the_query_is_accepted_on_the_events_socket() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let token = app.token("acme", "1001", AGENT_PASS).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = api::app(app.state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?token={token}"))
            .await
            .unwrap();
    let first = loop {
        match ws.next().await.unwrap().unwrap() {
            Message::Text(t) => {
                break serde_json::from_str::<serde_json::Value>(t.as_str()).unwrap();
            }
            Message::Close(c) => panic!("socket closed: {c:?}"),
            _ => {}
        }
    };
    assert_eq!(first["type"], "hello");
    assert_eq!(first["me"]["work_id"], "1001");
}

#[tokio::test]
async fn an_oversize_json_body_gets_413() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let password = "x".repeat(api::MAX_BODY_BYTES + 1);
    let body = serde_json::json!({ "enterprise": "acme", "work_id": "1001", "password": password });
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        "{body}"
    );
}
