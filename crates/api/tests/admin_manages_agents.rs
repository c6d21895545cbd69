//! The admin's everyday path: create a role, a skill group and an agent in it; the agent logs in
//! with the initial password and sees role and group.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, TestApp};

#[tokio::test]
async fn an_admin_creates_an_agent_who_then_logs_in() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let (st, role) = app
        .call(Method::POST, "/api/v1/roles", Some(&admin),
            Some(r#"{"name":"质检员","description":"QA","permissions":["agent_login","view_recordings"],"data_scope":"skill_groups"}"#))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{role}");
    let (st, group) = app
        .call(
            Method::POST,
            "/api/v1/skill-groups",
            Some(&admin),
            Some(r#"{"name":"VIP 客服"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let body = format!(
        r#"{{"work_id":"3001","name":"李四","mobile":"+8613800138000","role_id":{}}}"#,
        role["id"]
    );
    let (st, created) = app
        .call(Method::POST, "/api/v1/users", Some(&admin), Some(&body))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    let password = created["initial_password"].as_str().unwrap().to_owned();
    assert_eq!(password.len(), 12);
    let members = format!(
        r#"[{{"user_id":{},"skill_level":4}}]"#,
        created["user"]["id"]
    );
    let (st, g) = app
        .call(
            Method::PUT,
            &format!("/api/v1/skill-groups/{}/members", group["id"]),
            Some(&admin),
            Some(&members),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(g["members"][0]["work_id"], "3001");

    let (st, login) = app.login("acme", "3001", &password).await;
    assert_eq!(st, StatusCode::OK, "{login}");
    let me = &login["me"];
    assert_eq!(me["role_name"], "质检员");
    assert_eq!(me["data_scope"], "skill_groups");
    assert_eq!(me["skill_groups"][0]["name"], "VIP 客服");
    assert_eq!(me["skill_groups"][0]["skill_level"], 4);

    let (_, page) = app
        .call(
            Method::GET,
            "/api/v1/users?q=%E6%9D%8E&page_size=1",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(page["total"], 1, "search by part of the Chinese name");
    assert_eq!(page["items"][0]["skill_groups"][0]["name"], "VIP 客服");

    let (st, reset) = app
        .call(
            Method::POST,
            &format!("/api/v1/users/{}/reset-password", created["user"]["id"]),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app.login("acme", "3001", &password).await;
    assert_eq!(
        st,
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
    let (st, _) = app
        .login("acme", "3001", reset["initial_password"].as_str().unwrap())
        .await;
    assert_eq!(st, StatusCode::OK);
}
