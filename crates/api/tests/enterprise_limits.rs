//! Per-enterprise limits and time zone, set by the platform administrator, with a running SIP
//! endpoint: one more agent signing in than the enterprise's seats gets 409 `agent_limit`; a
//! call beyond its concurrent calls is refused everywhere a call starts (a carrier's INVITE gets
//! `486 Call Limit Reached`, a placed call 409 `call_limit`, a widget call 503 `call_limit`);
//! lowered or lifted limits apply to the next call without a restart.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{AGENT_PASS, TestApp, code, webrtc_offer};
use serde_json::{Value, json};

const NUMBER: &str = "4001110002";

async fn widget_call(app: &TestApp) -> (StatusCode, Value) {
    let body = json!({ "number": NUMBER, "sdp": webrtc_offer() }).to_string();
    app.call(Method::POST, "/api/v1/widget/calls", None, Some(&body))
        .await
}

/// A carrier's INVITE to the enterprise number from 127.0.0.1: the final answer's status line.
async fn carrier_invite(sip: std::net::SocketAddr, n: u32) -> String {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let me = socket.local_addr().unwrap();
    let sdp = format!(
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {} RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n",
        me.port() + 2
    );
    let invite = format!(
        "INVITE sip:{NUMBER}@{sip} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {me};branch=z9hG4bK-limit-{n}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:13800138000@127.0.0.1>;tag=lim{n}\r\n\
         To: <sip:{NUMBER}@127.0.0.1>\r\n\
         Call-ID: limit-{n}@127.0.0.1\r\n\
         CSeq: 1 INVITE\r\n\
         Contact: <sip:13800138000@{me}>\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    );
    socket.send_to(invite.as_bytes(), sip).await.unwrap();
    let mut buf = vec![0u8; 4096];
    loop {
        let (n, _) = tokio::time::timeout(Duration::from_secs(5), socket.recv_from(&mut buf))
            .await
            .expect("a final answer within 5 s")
            .unwrap();
        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
        let status = text.lines().next().unwrap_or_default().to_owned();
        if !status.starts_with("SIP/2.0 1") {
            return status;
        }
    }
}

async fn presence(app: &TestApp, token: &str, login: &str) -> (StatusCode, Value) {
    let body = json!({ "login": login, "device": "desk_phone" }).to_string();
    app.call(Method::PUT, "/api/v1/me/presence", Some(token), Some(&body))
        .await
}

async fn set_limits(app: &TestApp, platform: &str, id: i64, limits: Value) -> Value {
    let (st, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/platform/enterprises/{id}"),
            Some(platform),
            Some(&json!({ "limits": limits }).to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body
}

#[tokio::test]
async fn the_platform_admin_sets_a_time_zone_and_limits_and_bad_ones_are_refused() {
    let app = TestApp::new().await;
    let platform = app.platform_token().await;
    let create = |body: Value| {
        let (app, platform) = (&app, &platform);
        async move {
            app.call(
                Method::POST,
                "/api/v1/platform/enterprises",
                Some(platform),
                Some(&body.to_string()),
            )
            .await
        }
    };
    let (st, body) = create(json!({
        "code": "ny", "name": "NY Sales", "time_zone": "America/New_York",
        "limits": { "agents": 20, "concurrent_calls": 30, "widget_calls": 0 }
    }))
    .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let e = &body["enterprise"];
    assert_eq!(e["time_zone"], "America/New_York");
    assert_eq!(
        e["limits"],
        json!({ "agents": 20, "concurrent_calls": 30, "widget_calls": 0 })
    );
    // The enterprise's own admin sees the zone the platform chose.
    let admin = app
        .token("ny", "admin", body["admin_password"].as_str().unwrap())
        .await;
    let (_, settings) = app
        .call(
            Method::GET,
            "/api/v1/enterprise/settings",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(settings["time_zone"], "America/New_York");

    let (st, body) = create(json!({ "code": "plain", "name": "Plain" })).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(body["enterprise"]["time_zone"], "Asia/Shanghai");
    assert_eq!(
        body["enterprise"]["limits"],
        json!({ "agents": null, "concurrent_calls": null, "widget_calls": null })
    );

    for (bad, field) in [
        (json!({ "time_zone": "Mars/Olympus" }), "time_zone"),
        (json!({ "limits": { "agents": 0 } }), "limits.agents"),
        (
            json!({ "limits": { "concurrent_calls": 100_001 } }),
            "limits.concurrent_calls",
        ),
    ] {
        let mut body = json!({ "code": "bad", "name": "Bad" });
        body.as_object_mut()
            .unwrap()
            .extend(bad.as_object().unwrap().clone());
        let (st, reply) = create(body).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{reply}");
        assert_eq!(reply["error"]["details"]["field"], field, "{reply}");
    }
    for bad in [
        json!({ "limits": { "agents": -1 } }),
        json!({ "limits": { "seats": 3 } }),
    ] {
        let mut body = json!({ "code": "bad", "name": "Bad" });
        body.as_object_mut()
            .unwrap()
            .extend(bad.as_object().unwrap().clone());
        let (st, reply) = create(body).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{reply}");
    }
    let (_, list) = app
        .call(
            Method::GET,
            "/api/v1/platform/enterprises",
            Some(&platform),
            None,
        )
        .await;
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["ny", "plain"], "nothing made by a refused request");

    // A zone change through the platform route, and one that is refused, which changes nothing.
    let id = list[0]["id"].as_i64().unwrap();
    let patch = |body: Value| {
        let (app, platform) = (&app, &platform);
        async move {
            app.call(
                Method::PATCH,
                &format!("/api/v1/platform/enterprises/{id}"),
                Some(platform),
                Some(&body.to_string()),
            )
            .await
        }
    };
    let (st, body) = patch(json!({ "time_zone": "Europe/London" })).await;
    assert_eq!(
        (st, &body["time_zone"]),
        (StatusCode::OK, &json!("Europe/London"))
    );
    assert_eq!(body["limits"]["agents"], 20, "limits untouched: {body}");
    let (st, _) = patch(json!({ "time_zone": "Nowhere", "name": "Renamed" })).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (_, body) = app
        .call(
            Method::GET,
            &format!("/api/v1/platform/enterprises/{id}"),
            Some(&platform),
            None,
        )
        .await;
    assert_eq!(
        (&body["name"], &body["time_zone"]),
        (&json!("NY Sales"), &json!("Europe/London"))
    );
}

#[tokio::test]
async fn an_enterprise_at_its_limits_refuses_one_more_agent_and_one_more_call() {
    let mut app = TestApp::new().await;
    let platform = app.platform_token().await;
    let t = app.tenant("acme").await;
    app.loopback_number(t.id, NUMBER).await;
    let tenant = app.state.store.tenant(t.id);
    let second = tenant
        .create_user(
            &store::NewUser {
                work_id: "1002".into(),
                name: "acme 1002".into(),
                mobile: None,
                department: None,
                role_id: t.agent_role,
                enabled: true,
                password_hash: api::auth::hash_password_blocking(AGENT_PASS).unwrap(),
            },
            0,
        )
        .await
        .unwrap();
    app.start_sip((41_400, 41_499), 4).await;
    let sip = app.state.sip.as_ref().unwrap().local_addr;
    // Set while the endpoint runs: applied without a restart.
    let info = set_limits(
        &app,
        &platform,
        t.id.0,
        json!({ "agents": 1, "concurrent_calls": 1, "widget_calls": 1 }),
    )
    .await;
    assert_eq!(info["limits"]["agents"], 1);

    // Seats: the second agent signing in is refused until the first signs out.
    let a1 = app.token("acme", "1001", AGENT_PASS).await;
    let a2 = app.token("acme", "1002", AGENT_PASS).await;
    let (st, body) = presence(&app, &a1, "online").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, body) = presence(&app, &a2, "online").await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "agent_limit"));
    assert!(
        body["error"]["message"].as_str().unwrap().contains('1'),
        "the message names the limit: {body}"
    );
    let (st, _) = presence(&app, &a1, "online").await;
    assert_eq!(
        st,
        StatusCode::OK,
        "an agent already in changes status freely"
    );
    let (st, _) = presence(&app, &a1, "offline").await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = presence(&app, &a2, "online").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let _ = second;

    // One call at once: the widget call takes the line; then a second widget call, the
    // carrier's INVITE and the agent's placed call are refused, each in its own words.
    let (st, first) = widget_call(&app).await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    let (st, body) = widget_call(&app).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "call_limit")
    );
    assert_eq!(
        carrier_invite(sip, 1).await,
        "SIP/2.0 486 Call Limit Reached"
    );
    let dial = json!({ "number": "13900139000" }).to_string();
    let (st, body) = app
        .call(Method::POST, "/api/v1/me/dial", Some(&a2), Some(&dial))
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "call_limit"),
        "{body}"
    );

    // The line is free again once the visitor hangs up.
    let id = first["call_id"].as_str().unwrap();
    let (st, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/widget/calls/{id}"),
            None,
            None,
        )
        .await;
    assert!(st.is_success());
    let mut freed = false;
    for _ in 0..50 {
        let (_, body) = app
            .call(Method::POST, "/api/v1/me/dial", Some(&a2), Some(&dial))
            .await;
        if code(&body) != "call_limit" {
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(freed, "the ended widget call gave its line back");

    // Two calls at once once the limit is raised; the widget's own limit still holds at one.
    set_limits(
        &app,
        &platform,
        t.id.0,
        json!({ "concurrent_calls": 2, "widget_calls": 1 }),
    )
    .await;
    let (st, body) = widget_call(&app).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (st, body) = widget_call(&app).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "call_limit")
    );
    // No limits at all: a second widget call goes in.
    set_limits(&app, &platform, t.id.0, json!({})).await;
    let (st, body) = widget_call(&app).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (st, body) = presence(&app, &a1, "online").await;
    assert_eq!(st, StatusCode::OK, "no seat limit any more: {body}");
}
