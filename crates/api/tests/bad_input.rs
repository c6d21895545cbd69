//! Bad input gets a clear 4xx in the one error shape, and nothing stored is lost.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, TestApp, code};

async fn admin() -> (TestApp, common::Tenant, String) {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let token = app.token("acme", "admin", ADMIN_PASS).await;
    (app, t, token)
}

#[tokio::test]
async fn malformed_json_is_a_400_invalid_json() {
    let (app, _, token) = admin().await;
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&token),
            Some("{\"work_id\": "),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "invalid_json");
}

#[tokio::test]
async fn unknown_fields_are_refused_naming_the_field() {
    let (app, t, token) = admin().await;
    let body = format!(
        r#"{{"work_id":"2001","name":"x","role_id":{},"salary":1}}"#,
        t.agent_role.0
    );
    let (st, body) = app
        .call(Method::POST, "/api/v1/users", Some(&token), Some(&body))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "invalid_body");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("salary")
    );
}

#[tokio::test]
async fn over_long_and_malformed_fields_are_refused_naming_the_field() {
    let (app, t, token) = admin().await;
    let role = t.agent_role.0;
    let long = "名".repeat(65);
    let cases = [
        (
            "/api/v1/users",
            format!(r#"{{"work_id":"2001","name":"{long}","role_id":{role}}}"#),
            "name",
        ),
        (
            "/api/v1/users",
            format!(
                r#"{{"work_id":"{}","name":"x","role_id":{role}}}"#,
                "1".repeat(21)
            ),
            "work_id",
        ),
        (
            "/api/v1/users",
            format!(r#"{{"work_id":"20 01","name":"x","role_id":{role}}}"#),
            "work_id",
        ),
        (
            "/api/v1/users",
            format!(r#"{{"work_id":"2001","name":"x","role_id":{role},"mobile":"call me"}}"#),
            "mobile",
        ),
        (
            "/api/v1/users",
            r#"{"work_id":"2001","name":"x","role_id":999}"#.to_owned(),
            "role_id",
        ),
        (
            "/api/v1/users",
            format!(r#"{{"work_id":"2001","name":"  ","role_id":{role}}}"#),
            "name",
        ),
        (
            "/api/v1/roles",
            format!(r#"{{"name":"{long}","permissions":[],"data_scope":"self"}}"#),
            "name",
        ),
        (
            "/api/v1/skill-groups",
            format!(r#"{{"name":"g","description":"{}"}}"#, "d".repeat(257)),
            "description",
        ),
        (
            "/api/v1/custom-statuses",
            format!(r#"{{"name":"{}"}}"#, "s".repeat(33)),
            "name",
        ),
    ];
    for (path, body, field) in cases {
        let (st, resp) = app
            .call(Method::POST, path, Some(&token), Some(&body))
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{path} {body}: {resp}");
        assert_eq!(code(&resp), "validation_failed", "{path}: {resp}");
        assert!(
            resp["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(field),
            "{resp}"
        );
    }
    let (_, users) = app
        .call(Method::GET, "/api/v1/users", Some(&token), None)
        .await;
    assert_eq!(users["total"], 2, "nothing was created");
}

#[tokio::test]
async fn an_unknown_permission_or_scope_is_refused() {
    let (app, _, token) = admin().await;
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/roles",
            Some(&token),
            Some(r#"{"name":"r","permissions":["root"],"data_scope":"self"}"#),
        )
        .await;
    assert_eq!((st, code(&body)), (StatusCode::BAD_REQUEST, "invalid_body"));
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/roles",
            Some(&token),
            Some(r#"{"name":"r","permissions":[],"data_scope":"galaxy"}"#),
        )
        .await;
    assert_eq!((st, code(&body)), (StatusCode::BAD_REQUEST, "invalid_body"));
}

#[tokio::test]
async fn a_duplicate_work_id_is_a_409_and_the_first_user_stays() {
    let (app, t, token) = admin().await;
    let body = format!(
        r#"{{"work_id":"1001","name":"Impostor","role_id":{}}}"#,
        t.agent_role.0
    );
    let (st, resp) = app
        .call(Method::POST, "/api/v1/users", Some(&token), Some(&body))
        .await;
    assert_eq!((st, code(&resp)), (StatusCode::CONFLICT, "work_id_taken"));
    let (_, user) = app
        .call(
            Method::GET,
            &format!("/api/v1/users/{}", t.agent),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(user["name"], "acme 1001");
}

#[tokio::test]
async fn duplicate_names_and_bad_skill_levels_are_refused() {
    let (app, t, token) = admin().await;
    let (st, g) = app
        .call(
            Method::POST,
            "/api/v1/skill-groups",
            Some(&token),
            Some(r#"{"name":"Sales"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, resp) = app
        .call(
            Method::POST,
            "/api/v1/skill-groups",
            Some(&token),
            Some(r#"{"name":"Sales"}"#),
        )
        .await;
    assert_eq!((st, code(&resp)), (StatusCode::CONFLICT, "name_taken"));
    let url = format!("/api/v1/skill-groups/{}/members", g["id"]);
    for bad in [
        format!(r#"[{{"user_id":{},"skill_level":0}}]"#, t.agent),
        format!(r#"[{{"user_id":{},"skill_level":6}}]"#, t.agent),
        format!(
            r#"[{{"user_id":{0},"skill_level":3}},{{"user_id":{0},"skill_level":4}}]"#,
            t.agent
        ),
        r#"[{"user_id":424242,"skill_level":3}]"#.to_owned(),
    ] {
        let (st, resp) = app.call(Method::PUT, &url, Some(&token), Some(&bad)).await;
        assert_eq!(
            (st, code(&resp)),
            (StatusCode::BAD_REQUEST, "validation_failed"),
            "{bad}: {resp}"
        );
    }
}

#[tokio::test]
async fn a_malformed_path_id_is_a_400() {
    let (app, _, token) = admin().await;
    let (st, body) = app
        .call(Method::GET, "/api/v1/users/abc", Some(&token), None)
        .await;
    assert_eq!((st, code(&body)), (StatusCode::BAD_REQUEST, "invalid_path"));
    let (st, body) = app
        .call(Method::GET, "/api/v1/users?page=minus", Some(&token), None)
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_query")
    );
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s() {
    let (app, _, token) = admin().await;
    let (st, body) = app
        .call(Method::GET, "/api/v1/nothing-here", Some(&token), None)
        .await;
    assert_eq!((st, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
}
