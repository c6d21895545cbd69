//! The numbers an agent may show when dialing: every agent may show a number nobody was named
//! for; a number named for a skill group or an agent is theirs only; dialing with another is a
//! 400 naming the field; bad lists are refused and nothing stored is lost.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp};
use model::telephony::{NumberInput, NumberService, TrunkInput, TrunkMode};
use serde_json::Value;

fn numbers_of(body: &Value) -> Vec<String> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|n| n["number"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_agent_may_show_only_the_numbers_named_for_them_or_for_everyone() {
    let mut app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("beta").await;
    let store = app.state.store.clone();
    let ta = store.tenant(t.id);
    let trunk = ta
        .create_trunk(
            &TrunkInput {
                name: "carrier".into(),
                mode: TrunkMode::Peer,
                host: "192.0.2.1".into(),
                port: 5060,
                transport: model::telephony::SipTransport::Udp,
                username: None,
                password: None,
                allowed_sources: vec![],
                codecs: vec!["PCMA".into()],
                max_calls: 0,
                register_expires: 3600,
                enabled: true,
                keepalive: false,
                public_address: None,
            },
            0,
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for n in ["4001000001", "4001000002", "4001000003"] {
        let num = ta
            .create_number(
                &NumberInput {
                    number: n.into(),
                    trunk_id: trunk.id,
                    service: NumberService::Ivr,
                    description: None,
                },
                0,
            )
            .await
            .unwrap();
        ids.push(num.id.0);
    }
    let sales = ta.create_skill_group("Sales", None, 0).await.unwrap();
    let other_group = store
        .tenant(other.id)
        .create_skill_group("Theirs", None, 0)
        .await
        .unwrap();
    app.start_sip((41_300, 41_399), 4).await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let put = |id: i64, body: String| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.call(
                Method::PUT,
                &format!("/api/v1/numbers/{id}/callers"),
                Some(&admin),
                Some(&body),
            )
            .await
        }
    };
    // The second number is for Sales, the third for the admin alone.
    let (st, body) = put(ids[1], format!(r#"{{"group_ids":[{}]}}"#, sales.id.0)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["group_ids"][0], sales.id.0);
    let (st, _) = put(ids[2], format!(r#"{{"user_ids":[{}]}}"#, t.admin.0)).await;
    assert_eq!(st, StatusCode::OK);
    // Refused: another enterprise's group, an unknown field; the lists stay.
    let (st, _) = put(ids[1], format!(r#"{{"group_ids":[{}]}}"#, other_group.id.0)).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = put(ids[1], r#"{"users":[1]}"#.to_owned()).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (_, body) = app
        .call(
            Method::GET,
            &format!("/api/v1/numbers/{}/callers", ids[1]),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        body["group_ids"][0], sales.id.0,
        "the list survived the refusals"
    );

    let mine = |token: String| {
        let app = &app;
        async move {
            let (st, body) = app
                .call(Method::GET, "/api/v1/me/caller-numbers", Some(&token), None)
                .await;
            assert_eq!(st, StatusCode::OK, "{body}");
            numbers_of(&body)
        }
    };
    assert_eq!(mine(agent.clone()).await, ["4001000001"]);
    ta.add_skill_group_member(sales.id, t.agent, 3)
        .await
        .unwrap();
    assert_eq!(mine(agent.clone()).await, ["4001000001", "4001000002"]);
    assert_eq!(mine(admin.clone()).await, ["4001000001", "4001000003"]);

    // Dialing with a number that is not the agent's is refused before anything rings.
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(r#"{"number":"13800138000","caller_number":"4001000003"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("caller_number")
    );
}
