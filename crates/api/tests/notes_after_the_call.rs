//! Notes after the call (小记, SPEC §3): an agent who talked on a call writes notes on its record
//! once it has ended (after-call work, or later); the agents after a transfer read and add
//! theirs; an agent offered the call who never answered it writes none (403 `not_your_call`);
//! another enterprise's call is "not found".

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{AGENT_PASS, TestApp, code};
use model::calls::{CallDirection, CallEvent, HangupSide};
use model::{CallId, UserId};

/// A call 1001 answered and transferred to `second`, who talked until the customer hung up.
async fn transferred_call(
    app: &TestApp,
    key: &str,
    e: model::EnterpriseId,
    first: UserId,
    second: UserId,
) -> CallId {
    let store = &app.state.store;
    let events = [
        CallEvent::Started {
            key: key.into(),
            enterprise: e,
            direction: CallDirection::Inbound,
            caller: "13800138000".into(),
            callee: "4008000000".into(),
            enterprise_number: Some("4008000000".into()),
            agent: None,
            at: 1_000,
        },
        CallEvent::AgentAnswered {
            key: key.into(),
            agent: first,
        },
        CallEvent::Answered {
            key: key.into(),
            at: 3_000,
            recording: None,
        },
        CallEvent::Segment {
            key: key.into(),
            agent: first,
            from: 3_000,
            to: 20_000,
            transferred: true,
        },
        CallEvent::AgentAnswered {
            key: key.into(),
            agent: second,
        },
        CallEvent::Segment {
            key: key.into(),
            agent: second,
            from: 25_000,
            to: 60_000,
            transferred: false,
        },
        CallEvent::Ended {
            key: key.into(),
            at: 60_000,
            failure: None,
            hangup_side: HangupSide::Customer,
        },
    ];
    for ev in &events {
        store.apply_call_event(ev).await.unwrap();
    }
    store.tenant(e).call_id_of_key(key).await.unwrap()
}

#[tokio::test]
async fn agents_who_talked_on_a_call_write_notes_on_it_afterwards() {
    let app = TestApp::new().await;
    let acme = app.tenant("acme").await;
    app.tenant("bolt").await;
    let t = app.state.store.tenant(acme.id);
    let mut users = Vec::new();
    for work_id in ["1002", "1003"] {
        let u = t
            .create_user(
                &store::NewUser {
                    work_id: work_id.into(),
                    name: format!("acme {work_id}"),
                    mobile: None,
                    department: None,
                    role_id: acme.agent_role,
                    enabled: true,
                    password_hash: api::auth::hash_password_blocking(AGENT_PASS).unwrap(),
                },
                0,
            )
            .await
            .unwrap();
        users.push(u.id);
    }
    let second = users[0];
    let id = transferred_call(&app, "n1", acme.id, acme.agent, second).await;
    let path = format!("/api/v1/me/calls/{}/notes", id.0);
    let first_tok = app.token("acme", "1001", AGENT_PASS).await;
    let second_tok = app.token("acme", "1002", AGENT_PASS).await;
    let never_tok = app.token("acme", "1003", AGENT_PASS).await;
    let stranger = app.token("bolt", "1001", AGENT_PASS).await;

    // After the call, the first agent (who transferred it) and the second both write.
    let (st, body) = app
        .call(
            Method::POST,
            &path,
            Some(&first_tok),
            Some(r#"{"text":"  客户要求周一回电  "}"#),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(body["text"], "客户要求周一回电");
    app.clock.advance_ms(1_000);
    let (st, body) = app
        .call(
            Method::POST,
            &path,
            Some(&second_tok),
            Some(r#"{"text":"Refund approved"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (st, body) = app.call(Method::GET, &path, Some(&second_tok), None).await;
    assert_eq!(st, StatusCode::OK);
    let texts: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["客户要求周一回电", "Refund approved"]);

    // Offered nothing or never answered: no say; read nothing either.
    for method in [Method::GET, Method::POST] {
        let (st, body) = app
            .call(
                method.clone(),
                &path,
                Some(&never_tok),
                Some(r#"{"text":"mine"}"#),
            )
            .await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::FORBIDDEN, "not_your_call"),
            "{method}"
        );
    }
    // Another enterprise's agent, and an unknown call: not found.
    let (st, _) = app
        .call(
            Method::POST,
            &path,
            Some(&stranger),
            Some(r#"{"text":"x"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = app
        .call(
            Method::GET,
            "/api/v1/me/calls/999999/notes",
            Some(&first_tok),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Bad notes are refused and change nothing.
    let long = format!(r#"{{"text":"{}"}}"#, "长".repeat(2_001));
    for bad in [
        r#"{"text":"   "}"#,
        long.as_str(),
        r#"{"note":"x"}"#,
        "not json",
    ] {
        let (st, _) = app
            .call(Method::POST, &path, Some(&first_tok), Some(bad))
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad:.40}");
    }
    let (_, body) = app.call(Method::GET, &path, Some(&first_tok), None).await;
    assert_eq!(body.as_array().unwrap().len(), 2);
    // Without the SIP engine there is no talking call to name.
    let (st, body) = app
        .call(
            Method::GET,
            "/api/v1/me/call/record",
            Some(&first_tok),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{body}");
}
