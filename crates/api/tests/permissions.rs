//! Admin pages need `manage_users`; an agent gets 403 naming the permission.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};

#[tokio::test]
async fn an_agent_without_manage_users_gets_403_on_admin_routes() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let admin_routes = [
        (Method::GET, "/api/v1/users".to_owned(), None),
        (
            Method::POST,
            "/api/v1/users".to_owned(),
            Some(r#"{"work_id":"9","name":"x","role_id":1}"#),
        ),
        (Method::DELETE, format!("/api/v1/users/{}", t.admin), None),
        (Method::GET, "/api/v1/roles".to_owned(), None),
        (
            Method::PATCH,
            format!("/api/v1/roles/{}", t.agent_role),
            Some(r#"{"permissions":["manage_users"]}"#),
        ),
        (Method::GET, "/api/v1/skill-groups".to_owned(), None),
        (
            Method::POST,
            "/api/v1/custom-statuses".to_owned(),
            Some(r#"{"name":"x"}"#),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{}/reset-password", t.admin),
            None,
        ),
    ];
    for (m, path, body) in admin_routes {
        let (st, resp) = app.call(m.clone(), &path, Some(&agent), body).await;
        assert_eq!(
            (st, code(&resp)),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{m} {path}"
        );
        assert!(
            resp["error"]["message"]
                .as_str()
                .unwrap()
                .contains("manage_users")
        );
    }
    // The agent still sees itself, and the admin is untouched.
    let (st, me) = app
        .call(Method::GET, "/api/v1/me", Some(&agent), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        me["permissions"],
        serde_json::json!(["agent_login", "answer_dial"])
    );
    app.token("acme", "admin", ADMIN_PASS).await;
}

#[tokio::test]
async fn the_builtin_admin_role_cannot_be_deleted_or_stripped() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let url = format!("/api/v1/roles/{}", t.admin_role);
    let (st, body) = app.call(Method::DELETE, &url, Some(&admin), None).await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "builtin_role"));
    let (st, body) = app
        .call(
            Method::PATCH,
            &url,
            Some(&admin),
            Some(r#"{"permissions":[]}"#),
        )
        .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "builtin_role"));
    let (st, body) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/roles/{}", t.agent_role),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "role_in_use"));
}

#[tokio::test]
async fn admins_cannot_delete_or_disable_themselves() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let url = format!("/api/v1/users/{}", t.admin);
    let (st, body) = app.call(Method::DELETE, &url, Some(&admin), None).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "cannot_modify_self")
    );
    let (st, body) = app
        .call(
            Method::PATCH,
            &url,
            Some(&admin),
            Some(r#"{"enabled":false}"#),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "cannot_modify_self")
    );
}
