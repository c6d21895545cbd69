//! The real-time monitor narrowed by data scope (a team lead sees their own skill groups and
//! their members; an enterprise-wide supervisor sees all), with each group's figures for today
//! and its service-level settings, which the skill-group settings validate.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, TestApp, code};
use model::{DataScope, Permission};
use store::NewUser;

#[tokio::test]
async fn a_team_lead_watches_only_their_groups_and_everyone_sees_todays_figures() {
    let mut app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let ta = app.state.store.tenant(t.id);
    let sales = ta.create_skill_group("Sales", None, 0).await.unwrap();
    let support = ta.create_skill_group("Support", None, 0).await.unwrap();
    let lead_role = ta
        .create_role(
            "Team lead",
            None,
            &[Permission::Monitor],
            DataScope::SkillGroups,
            false,
            0,
        )
        .await
        .unwrap();
    let lead = ta
        .create_user(
            &NewUser {
                work_id: "2001".into(),
                name: "Lead".into(),
                mobile: None,
                department: None,
                role_id: lead_role.id,
                enabled: true,
                password_hash: api::auth::hash_password_blocking("lead-pass").unwrap(),
            },
            0,
        )
        .await
        .unwrap();
    ta.add_skill_group_member(sales.id, lead.id, 1)
        .await
        .unwrap();
    ta.add_skill_group_member(support.id, t.agent, 1)
        .await
        .unwrap();
    app.start_sip((41_400, 41_499), 4).await;

    // The agent (in Support) signs in so the ACD knows them.
    let agent = app.token("acme", "1001", common::AGENT_PASS).await;
    let (st, body) = app
        .call(
            Method::PUT,
            "/api/v1/me/presence",
            Some(&agent),
            Some(r#"{"login":"online"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");

    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let (st, m) = app
        .call(Method::GET, "/api/v1/monitor", Some(&admin), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{m}");
    let names = |v: &serde_json::Value, key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&m, "queues"), ["Sales", "Support"]);
    assert_eq!(names(&m, "figures"), ["Sales", "Support"]);
    assert_eq!(m["figures"][0]["offered"], 0);
    assert_eq!(m["figures"][0]["service_level"], serde_json::Value::Null);
    assert_eq!(m["figures"][0]["service_level_secs"], 20);
    assert_eq!(m["figures"][0]["service_level_target"], 80);
    let agent_row = m["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["work_id"] == "1001")
        .unwrap();
    assert_eq!(agent_row["groups"][0], support.id.0);
    assert_eq!(agent_row["call"], serde_json::Value::Null);

    let lead_token = app.token("acme", "2001", "lead-pass").await;
    let (st, m) = app
        .call(Method::GET, "/api/v1/monitor", Some(&lead_token), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{m}");
    assert_eq!(names(&m, "queues"), ["Sales"]);
    assert_eq!(names(&m, "figures"), ["Sales"]);
    let work_ids: Vec<&str> = m["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["work_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        work_ids,
        ["2001"],
        "the Support agent is outside the lead's groups: {m}"
    );
}

#[tokio::test]
async fn service_level_settings_are_stored_and_validated() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let g = app
        .state
        .store
        .tenant(t.id)
        .create_skill_group("Sales", None, 0)
        .await
        .unwrap();
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let path = format!("/api/v1/skill-groups/{}/settings", g.id.0);
    let (st, body) = app
        .call(
            Method::PUT,
            &path,
            Some(&admin),
            Some(r#"{"service_level_secs":15,"service_level_target":90}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(
        (
            &body["settings"]["service_level_secs"],
            &body["settings"]["service_level_target"]
        ),
        (&serde_json::json!(15), &serde_json::json!(90))
    );
    for (bad, field) in [
        (r#"{"service_level_secs":0}"#, "service_level_secs"),
        (r#"{"service_level_target":101}"#, "service_level_target"),
    ] {
        let (st, body) = app.call(Method::PUT, &path, Some(&admin), Some(bad)).await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::BAD_REQUEST, "validation_failed"),
            "{body}"
        );
        assert!(body.to_string().contains(field), "{body}");
    }
}
