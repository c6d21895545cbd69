//! Consult (咨询) through the API with a running SIP endpoint: every bad request is a 400
//! naming the field, an agent without a call gets the 409 a phone bar can act on, and a role
//! without `consult_transfer` gets 403. (Consults that ring, answer, complete and join run in
//! the browser e2e and the `callflow` tests.)

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};

#[tokio::test]
async fn consult_requests_are_checked_before_any_call_is_touched() {
    let mut app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("beta").await;
    app.start_sip((41_100, 41_199), 4).await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let post = |path: &'static str, body: Option<String>| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.call(Method::POST, path, Some(&admin), body.as_deref())
                .await
        }
    };
    for bad in [
        "{}".to_owned(),
        format!(r#"{{"agent_id":{},"number":"13900139000"}}"#, t.agent.0),
        r#"{"number":"12"}"#.to_owned(),
        r#"{"number":"1390013900x"}"#.to_owned(),
        r#"{"number":"139 0013 9000 <sip:evil>"}"#.to_owned(),
        // Another enterprise's agent is nobody here.
        format!(r#"{{"agent_id":{}}}"#, other.agent.0),
        r#"{"agent_id":1,"group_id":2}"#.to_owned(),
        r#"{"group_id":2,"number":"13900139000"}"#.to_owned(),
        r#"{"group_id":"sales"}"#.to_owned(),
    ] {
        let (st, body) = post("/api/v1/me/call/consult", Some(bad.clone())).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    for bad in [
        r#"{"digits":""}"#,
        r#"{"digits":"12x"}"#,
        r#"{"digits":"123456789012345678901234567890123"}"#,
        r#"{"keys":"1"}"#,
    ] {
        let (st, body) = post("/api/v1/me/call/dtmf", Some(bad.to_owned())).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (st, body) = post(
        "/api/v1/me/call/dtmf",
        Some(r#"{"digits":"1#*a"}"#.to_owned()),
    )
    .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "no_such_call"));
    let (st, body) = post("/api/v1/me/call/consult/transfer", None).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");

    // Well-formed, but the admin talks on no call.
    let good = format!(r#"{{"agent_id":{}}}"#, t.agent.0);
    let (st, body) = post("/api/v1/me/call/consult", Some(good)).await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "no_such_call"));
    let (st, body) = post(
        "/api/v1/me/call/consult",
        Some(r#"{"group_id":1}"#.to_owned()),
    )
    .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "no_such_call"));
    for step in ["complete", "join", "cancel"] {
        let path: &'static str = match step {
            "complete" => "/api/v1/me/call/consult/complete",
            "join" => "/api/v1/me/call/consult/join",
            _ => "/api/v1/me/call/consult/cancel",
        };
        let (st, body) = post(path, None).await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::CONFLICT, "no_such_call"),
            "{step}"
        );
    }

    // The demo agent role may not consult.
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/me/call/consult",
            Some(&agent),
            Some(r#"{"number":"13900139000"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/me/call/consult/cancel",
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn stepping_into_a_call_is_checked_and_refused_with_reasons() {
    let mut app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("beta").await;
    app.start_sip((41_200, 41_299), 4).await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let post = |path: String| {
        let admin = admin.clone();
        let app = &app;
        async move { app.call(Method::POST, &path, Some(&admin), None).await }
    };
    let agent = t.agent.0;
    let (st, body) = post(format!("/api/v1/monitor/agents/{agent}/snoop")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    let (st, _) = post(format!("/api/v1/monitor/agents/{}/listen", t.admin.0)).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "one's own call");
    let (st, _) = post(format!("/api/v1/monitor/agents/{}/listen", other.agent.0)).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "another enterprise's agent");
    for step in ["listen", "whisper", "barge", "disconnect"] {
        let (st, body) = post(format!("/api/v1/monitor/agents/{agent}/{step}")).await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::CONFLICT, "not_talking"),
            "{step}: the agent is on no call"
        );
    }
    // An agent without the monitor permission.
    let as_agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/monitor/agents/{}/listen", t.admin.0),
            Some(&as_agent),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}
