//! The events WebSocket keeps enterprises apart. Two enterprises made by the platform
//! administrator, each set up by its own admin through the API (a trunk, an IVR number queueing to
//! a skill group, its agent in the group), a running SIP endpoint. While alpha's agent signs in
//! and a web visitor calls alpha's number, is offered to that agent and waits in alpha's queue,
//! alpha's admin watches it on the monitor events and alpha's agent sees the offer; beta's admin and agent, connected all along,
//! receive their own enterprise's events and not one of alpha's.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{RealTenant, TestApp, webrtc_offer};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Serves the app on a loopback port and opens `token`'s events socket.
async fn socket(app: &TestApp, token: &str) -> Socket {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = api::app(app.state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let (ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?token={token}"))
            .await
            .unwrap();
    ws
}

/// Every event a socket received until it stayed quiet for `quiet`.
async fn drain(ws: &mut Socket, quiet: Duration) -> Vec<Value> {
    let mut out = Vec::new();
    while let Ok(Some(msg)) = tokio::time::timeout(quiet, ws.next()).await {
        if let Message::Text(t) = msg.unwrap() {
            out.push(serde_json::from_str(t.as_str()).unwrap());
        }
    }
    out
}

/// Reads events until one satisfies `want` (at most 10 s); returns every event read.
async fn until(ws: &mut Socket, want: impl Fn(&Value) -> bool) -> Vec<Value> {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .unwrap_or_else(|_| panic!("no such event within 10 s; got {out:?}"));
        if let Message::Text(t) = msg.unwrap().unwrap() {
            let ev: Value = serde_json::from_str(t.as_str()).unwrap();
            let done = want(&ev);
            out.push(ev);
            if done {
                return out;
            }
        }
    }
}

/// The enterprise's admin sets it up as in the admin console: a trunk from 127.0.0.1, `number`
/// running an IVR that queues callers to a skill group, and its agent in that group.
async fn set_up(app: &TestApp, t: &RealTenant, number: &str) {
    let admin = Some(t.admin_token.as_str());
    let post = |path: &'static str, body: Value| async move {
        let (st, reply) = app
            .call(Method::POST, path, admin, Some(&body.to_string()))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{path}: {reply}");
        reply
    };
    let trunk = post(
        "/api/v1/trunks",
        json!({ "name": format!("{} carrier", t.code), "mode": "peer", "host": "127.0.0.1",
                "port": 9, "allowed_sources": ["127.0.0.1"], "keepalive": false }),
    )
    .await;
    let n = post(
        "/api/v1/numbers",
        json!({ "number": number, "trunk_id": trunk["id"], "service": "ivr" }),
    )
    .await;
    let group = post(
        "/api/v1/skill-groups",
        json!({ "name": format!("{} sales", t.code) }),
    )
    .await;
    let members = json!([{ "user_id": t.agent.0, "skill_level": 3 }]);
    let (st, reply) = app
        .call(
            Method::PUT,
            &format!("/api/v1/skill-groups/{}/members", group["id"]),
            admin,
            Some(&members.to_string()),
        )
        .await;
    assert!(st.is_success(), "{reply}");
    let flow = json!({ "flow": { "start": "q", "steps": { "q": { "type": "queue", "group_id": group["id"] } } } });
    let (st, reply) = app
        .call(
            Method::PUT,
            &format!("/api/v1/numbers/{}/flow", n["id"]),
            admin,
            Some(&flow.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{reply}");
}

async fn sign_in_idle(app: &TestApp, token: &str) {
    for body in [
        r#"{"login":"online","device":"desk_phone"}"#,
        r#"{"phone":"idle"}"#,
    ] {
        let (st, reply) = app
            .call(Method::PUT, "/api/v1/me/presence", Some(token), Some(body))
            .await;
        assert_eq!(st, StatusCode::OK, "{reply}");
    }
}

#[tokio::test]
async fn no_event_of_one_enterprise_reaches_another_enterprises_users() {
    let mut app = TestApp::new().await;
    app.start_sip((41_600, 41_699), 4).await;
    let platform = app.platform_token().await;
    let a = app.real_tenant(&platform, "alpha").await;
    let b = app.real_tenant(&platform, "beta").await;
    set_up(&app, &a, "4001110031").await;
    set_up(&app, &b, "4002220032").await;
    let a_agent = app.token("alpha", "1001", &a.agent_password).await;
    let b_agent = app.token("beta", "1001", &b.agent_password).await;

    let mut a_admin_ws = socket(&app, &a.admin_token).await;
    let mut a_agent_ws = socket(&app, &a_agent).await;
    let mut b_admin_ws = socket(&app, &b.admin_token).await;
    let mut b_agent_ws = socket(&app, &b_agent).await;
    let mut beta_saw = Vec::new();
    for ws in [&mut b_admin_ws, &mut b_agent_ws] {
        beta_saw.extend(until(ws, |e| e["type"] == "hello").await);
    }

    // Beta's own agent goes idle: beta's admin sees it (the sockets work).
    sign_in_idle(&app, &b_agent).await;
    beta_saw.extend(
        until(&mut b_admin_ws, |e| {
            e["type"] == "monitor_agent" && e.to_string().contains("beta 1001")
        })
        .await,
    );

    // Alpha's agent goes idle and a visitor calls alpha's number: the IVR queues the call and
    // alpha's agent rings. Alpha's admin and agent see it all.
    sign_in_idle(&app, &a_agent).await;
    until(&mut a_admin_ws, |e| {
        e["type"] == "monitor_agent" && e.to_string().contains("alpha 1001")
    })
    .await;
    let body = json!({ "number": "4001110031", "sdp": webrtc_offer() }).to_string();
    let (st, call) = app
        .call(Method::POST, "/api/v1/widget/calls", None, Some(&body))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{call}");
    // The agent's desk phone is not registered: the offer rings (presence `ringing`), then
    // ends at once and the agent is made busy; the visitor waits in the queue.
    until(&mut a_agent_ws, |e| {
        e["type"] == "presence" && e["presence"]["phone"] == "ringing"
    })
    .await;
    until(&mut a_agent_ws, |e| e["type"] == "offer_ended").await;
    until(&mut a_admin_ws, |e| {
        e["type"] == "monitor_agent" && e.to_string().contains("ringing")
    })
    .await;
    until(&mut a_admin_ws, |e| {
        e["type"] == "monitor_queue" && e["queue"]["waiting"] == 1
    })
    .await;
    let (st, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/widget/calls/{}", call["call_id"].as_str().unwrap()),
            None,
            None,
        )
        .await;
    assert!(st.is_success());
    until(&mut a_admin_ws, |e| {
        e["type"] == "monitor_queue" && e["queue"]["waiting"] == 0
    })
    .await;

    // Everything beta's sockets received meanwhile is beta's.
    for ws in [&mut b_admin_ws, &mut b_agent_ws] {
        beta_saw.extend(drain(ws, Duration::from_millis(500)).await);
    }
    assert!(
        beta_saw.iter().any(|e| e["type"] == "monitor_agent"),
        "beta's monitor events reached beta: {beta_saw:?}"
    );
    for ev in &beta_saw {
        let text = ev.to_string();
        assert!(
            !text.contains("alpha") && !text.contains("4001110031"),
            "beta received alpha's event: {text}"
        );
        assert_ne!(ev["type"], "ringing", "beta's agent rang for alpha: {text}");
    }
}
