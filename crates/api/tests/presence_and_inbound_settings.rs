//! The agent's presence through the API with a running SIP endpoint (sign in, idle, busy,
//! custom statuses, auto-answer, refusals with reasons; a signed-out agent cannot dial), the
//! monitor's permission, and the validation of IVR flows and queue settings, with every problem
//! named.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};

/// An app whose SIP endpoint runs on a free loopback port, with the store's directory.
async fn with_sip() -> (TestApp, common::Tenant) {
    let mut app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let g = app
        .state
        .store
        .tenant(t.id)
        .create_skill_group("Sales", None, 0)
        .await
        .unwrap();
    app.state
        .store
        .tenant(t.id)
        .add_skill_group_member(g.id, t.agent, 3)
        .await
        .unwrap();
    app.start_sip((41_000, 41_099), 4).await;
    (app, t)
}

#[tokio::test]
async fn an_agent_signs_in_goes_idle_and_busy_and_is_told_what_is_refused() {
    let (app, _t) = with_sip().await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let put = |body: &'static str| {
        let agent = agent.clone();
        let app = &app;
        async move {
            app.call(Method::PUT, "/api/v1/me/presence", Some(&agent), Some(body))
                .await
        }
    };
    let (st, body) = app
        .call(Method::GET, "/api/v1/me/presence", Some(&agent), None)
        .await;
    assert_eq!(
        (st, body["login"].as_str()),
        (StatusCode::OK, Some("offline"))
    );

    let (st, body) = put(r#"{"phone":"idle"}"#).await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "not_signed_in"));
    let (st, body) = put(r#"{"login":"online"}"#).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(
        (body["login"].as_str(), body["phone"].as_str()),
        (Some("online"), Some("busy"))
    );
    assert_eq!(body["device"], "desk_phone");
    let (st, body) = put(r#"{"phone":"idle","auto_answer":true}"#).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(
        (body["phone"].as_str(), body["auto_answer"].as_bool()),
        (Some("idle"), Some(true))
    );
    for bad in [
        r#"{"phone":"talking"}"#,
        r#"{"login":"custom"}"#,
        r#"{"login":"custom","custom_status_id":999}"#,
        r#"{"custom_status_id":1}"#,
        r#"{"phone":"idle","extra":1}"#,
    ] {
        let (st, body) = put(bad).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (st, body) = app
        .call(Method::GET, "/api/v1/me/queues", Some(&agent), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body[0]["name"], "Sales");
    assert_eq!(body[0]["idle_agents"], 1);
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/call/hangup",
            Some(&agent),
            Some("{}"),
        )
        .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "no_such_call"));
    // No body at all (curl -X POST) means the current call too.
    let (st, body) = app
        .call(Method::POST, "/api/v1/me/call/hangup", Some(&agent), None)
        .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "no_such_call"));
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/me/call/transfer",
            Some(&agent),
            Some("{}"),
        )
        .await;
    // This role may not transfer (nor list colleagues to transfer to).
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Notes need a call being talked on; a bad note is refused before that.
    let (st, body) = app
        .call(Method::GET, "/api/v1/me/call/notes", Some(&agent), None)
        .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "not_talking"));
    let long = format!(r#"{{"text":"{}"}}"#, "长".repeat(2_001));
    for bad in [r#"{"text":"  "}"#, long.as_str(), r#"{"note":"x"}"#] {
        let (st, _) = app
            .call(
                Method::POST,
                "/api/v1/me/call/notes",
                Some(&agent),
                Some(bad),
            )
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad:.40}");
    }
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/call/notes",
            Some(&agent),
            Some(r#"{"text":"回访"}"#),
        )
        .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "not_talking"));
    let (st, _) = app
        .call(Method::GET, "/api/v1/me/colleagues", Some(&agent), None)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, body) = put(r#"{"login":"offline"}"#).await;
    assert_eq!(
        (st, body["login"].as_str()),
        (StatusCode::OK, Some("offline"))
    );
}

#[tokio::test]
async fn a_custom_status_counts_as_busy_and_only_supervisors_see_the_monitor() {
    let (app, t) = with_sip().await;
    let ta = app.state.store.tenant(t.id);
    let status = ta.create_custom_status("小休", None, 0).await.unwrap();
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let body = format!(r#"{{"login":"custom","custom_status_id":{}}}"#, status.id.0);
    let (st, p) = app
        .call(
            Method::PUT,
            "/api/v1/me/presence",
            Some(&agent),
            Some(&body),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert_eq!(
        (p["login"].as_str(), p["phone"].as_str()),
        (Some("custom"), Some("busy"))
    );
    assert_eq!(p["custom_status_id"], status.id.0);

    let (st, _) = app
        .call(Method::GET, "/api/v1/monitor", Some(&agent), None)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let (st, m) = app
        .call(Method::GET, "/api/v1/monitor", Some(&admin), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{m}");
    assert_eq!(m["agents"][0]["work_id"], "1001");
    assert_eq!(m["agents"][0]["presence"]["login"], "custom");
    assert_eq!(m["queues"][0]["name"], "Sales");
    assert_eq!(m["queues"][0]["waiting"], 0);
}

#[tokio::test]
async fn a_signed_out_agent_cannot_dial_and_is_told_to_sign_in() {
    let (app, _t) = with_sip().await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let dial = || {
        app.call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(r#"{"number":"13800138000"}"#),
        )
    };
    let (st, body) = dial().await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "not_signed_in"),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("sign in")),
        "{body}"
    );
    // Signed in, the refusal is no longer about signing in (this tenant has no trunk).
    let (st, body) = app
        .call(
            Method::PUT,
            "/api/v1/me/presence",
            Some(&agent),
            Some(r#"{"login":"online"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, body) = dial().await;
    assert_eq!(st, StatusCode::CONFLICT, "{body}");
    assert_ne!(code(&body), "not_signed_in", "{body}");
}

#[tokio::test]
async fn presence_without_a_sip_endpoint_is_unavailable() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, body) = app
        .call(Method::GET, "/api/v1/me/presence", Some(&agent), None)
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    );
}

#[tokio::test]
async fn an_invalid_ivr_flow_is_refused_with_every_problem_and_a_valid_one_is_kept() {
    let (app, t) = with_sip().await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let (_, trunk) = app
        .call(
            Method::POST,
            "/api/v1/trunks",
            Some(&admin),
            Some(r#"{"name":"local","mode":"peer","host":"127.0.0.1","allowed_sources":["127.0.0.1"]}"#),
        )
        .await;
    let body = format!(
        r#"{{"number":"4008000000","trunk_id":{},"service":"ivr"}}"#,
        trunk["id"]
    );
    let (st, n) = app
        .call(Method::POST, "/api/v1/numbers", Some(&admin), Some(&body))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{n}");
    let url = format!("/api/v1/numbers/{}/flow", n["id"]);
    let bad = r#"{"flow":{"start":"menu","steps":{
        "menu":{"type":"menu","prompt":{"builtin":"ivr-menu"},"options":{"1":"nowhere","x":"menu"}}}}}"#;
    let (st, body) = app.call(Method::PUT, &url, Some(&admin), Some(bad)).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_flow"),
        "{body}"
    );
    let problems = body["error"]["details"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(body.to_string().contains("nowhere"));
    let (st, body) = app
        .call(
            Method::PUT,
            &url,
            Some(&admin),
            Some(r#"{"flow":{"start":1}}"#),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_flow"),
        "{body}"
    );

    let groups = app
        .state
        .store
        .tenant(t.id)
        .skill_groups(&Default::default())
        .await
        .unwrap();
    let good = format!(
        r#"{{"flow":{{"start":"q","steps":{{"q":{{"type":"queue","group_id":{}}}}}}}}}"#,
        groups.items[0].id.0
    );
    let (st, body) = app.call(Method::PUT, &url, Some(&admin), Some(&good)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["flow"]["start"], "q");
    let (st, body) = app
        .call(Method::PUT, &url, Some(&admin), Some(r#"{"flow":null}"#))
        .await;
    assert_eq!((st, body["flow"].is_null()), (StatusCode::OK, true));
}

#[tokio::test]
async fn queue_settings_out_of_range_are_named() {
    let (app, t) = with_sip().await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let ta = app.state.store.tenant(t.id);
    let sales = ta.skill_groups(&Default::default()).await.unwrap().items[0].id;
    let url = format!("/api/v1/skill-groups/{}/settings", sales.0);
    for (bad, field) in [
        (r#"{"ring_timeout_secs":2}"#, "ring_timeout_secs"),
        (r#"{"max_wait_secs":5}"#, "max_wait_secs"),
        (
            r#"{"overflow":{"type":"number","number":"abc"}}"#,
            "overflow.number",
        ),
        (
            &format!(
                r#"{{"overflow":{{"type":"group","group_id":{}}}}}"#,
                sales.0
            ) as &str,
            "overflow.group_id",
        ),
        (
            r#"{"survey":true,"survey_prompt_id":999999}"#,
            "survey_prompt_id",
        ),
    ] {
        let (st, body) = app.call(Method::PUT, &url, Some(&admin), Some(bad)).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error"]["details"]["field"], field, "{body}");
    }
    let (st, body) = app
        .call(
            Method::PUT,
            &url,
            Some(&admin),
            Some(r#"{"strategy":"round_robin","ring_timeout_secs":10,"max_wait_secs":60}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["settings"]["strategy"], "round_robin");
    assert_eq!(body["settings"]["overflow"]["type"], "goodbye");
    assert_eq!(body["settings"]["survey"], false, "off unless asked for");

    // The survey on, with an uploaded prompt of the enterprise.
    let prompt = ta
        .create_prompt("Rate us", None, &[0i16; 800], 1)
        .await
        .unwrap();
    let on = format!(r#"{{"survey":true,"survey_prompt_id":{}}}"#, prompt.id.0);
    let (st, body) = app.call(Method::PUT, &url, Some(&admin), Some(&on)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["settings"]["survey"], true);
    assert_eq!(body["settings"]["survey_prompt_id"], prompt.id.0);
}
