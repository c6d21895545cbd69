//! Every API route keeps enterprises apart: a second enterprise's admin gets 404 on each of the
//! first enterprise's resources, and lists show only their own rows.
//!
//! The table below must name every route of the OpenAPI document; a new route without a case
//! fails the test, so nobody adds an endpoint without deciding how it is isolated.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, TestApp};

/// How a route is checked.
#[derive(Debug, Clone, Copy)]
enum Case {
    /// A route on one resource: enterprise B's admin must get 404 for enterprise A's resource.
    Foreign(Resource),
    /// A list: B's admin must not see A's rows (A's row names all contain "alpha").
    List,
    /// Acts only on the caller's own account or session (login, logout, me …): nothing of
    /// another enterprise is addressable through it.
    OwnAccount,
}

#[derive(Debug, Clone, Copy)]
enum Resource {
    User,
    Role,
    SkillGroup,
    CustomStatus,
    Session,
}

fn case(path: &str, method: &str) -> Option<Case> {
    use Case::*;
    use Resource::*;
    Some(match (path, method) {
        ("/api/v1/auth/login" | "/api/v1/auth/logout", "post") => OwnAccount,
        ("/api/v1/me", "get")
        | ("/api/v1/me/password", "post")
        | ("/api/v1/me/sessions", "get") => OwnAccount,
        ("/api/v1/permissions", "get") => OwnAccount,
        ("/api/v1/me/sessions/{id}", "delete") => Foreign(Session),
        (
            "/api/v1/users" | "/api/v1/roles" | "/api/v1/skill-groups" | "/api/v1/custom-statuses",
            "get",
        ) => List,
        // Creating writes into the caller's own enterprise only; checked by the lists afterwards.
        (
            "/api/v1/users" | "/api/v1/roles" | "/api/v1/skill-groups" | "/api/v1/custom-statuses",
            "post",
        ) => OwnAccount,
        ("/api/v1/users/{id}" | "/api/v1/users/{id}/reset-password", _) => Foreign(User),
        ("/api/v1/roles/{id}", _) => Foreign(Role),
        ("/api/v1/skill-groups/{id}" | "/api/v1/skill-groups/{id}/members", _) => {
            Foreign(SkillGroup)
        }
        ("/api/v1/custom-statuses/{id}", _) => Foreign(CustomStatus),
        _ => return None,
    })
}

fn body_for(path: &str, method: &str) -> Option<&'static str> {
    match method {
        "patch" => Some(r#"{"name":"stolen"}"#),
        "put" if path.ends_with("/members") => Some("[]"),
        _ => None,
    }
}

#[tokio::test]
async fn a_second_enterprise_gets_404_on_every_resource_of_the_first() {
    let app = TestApp::new().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let ta = app.state.store.tenant(a.id);
    let group = ta.create_skill_group("alpha group", None, 0).await.unwrap();
    let status = ta
        .create_custom_status("alpha break", None, 0)
        .await
        .unwrap();
    let role = ta
        .create_role("alpha role", None, &[], model::DataScope::Own, false, 0)
        .await
        .unwrap();
    let tb = app.state.store.tenant(b.id);
    tb.create_skill_group("beta group", None, 0).await.unwrap();
    tb.create_custom_status("beta break", None, 0)
        .await
        .unwrap();
    let a_token = app.token("alpha", "admin", ADMIN_PASS).await;
    let a_session = app
        .call(Method::GET, "/api/v1/me/sessions", Some(&a_token), None)
        .await
        .1[0]["id"]
        .as_i64()
        .unwrap();
    let b_token = app.token("beta", "admin", ADMIN_PASS).await;

    let doc = serde_json::to_value(api::openapi()).unwrap();
    let mut checked = 0;
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let Some(c) = case(path, method) else {
                missing.push(format!("{method} {path}"));
                continue;
            };
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            match c {
                Case::Foreign(r) => {
                    let id = match r {
                        Resource::User => a.agent.0,
                        Resource::Role => role.id.0,
                        Resource::SkillGroup => group.id.0,
                        Resource::CustomStatus => status.id.0,
                        Resource::Session => a_session,
                    };
                    let url = path.replace("{id}", &id.to_string());
                    let (st, body) = app
                        .call(m, &url, Some(&b_token), body_for(path, method))
                        .await;
                    assert_eq!(
                        st,
                        StatusCode::NOT_FOUND,
                        "{method} {url} as beta's admin: {body}"
                    );
                    assert_eq!(common::code(&body), "not_found");
                }
                Case::List => {
                    let (st, body) = app.call(m, path, Some(&b_token), None).await;
                    assert_eq!(st, StatusCode::OK, "{method} {path}: {body}");
                    assert!(
                        body["total"].as_i64().unwrap() >= 1,
                        "beta sees its own rows of {path}"
                    );
                    let text = body.to_string();
                    assert!(
                        !text.contains("alpha"),
                        "{path} leaked alpha's rows: {text}"
                    );
                }
                Case::OwnAccount => {}
            }
            checked += 1;
        }
    }
    assert!(
        missing.is_empty(),
        "routes without an isolation case: {missing:?}"
    );
    assert!(checked >= 20, "only {checked} routes checked");

    // Alpha's rows are untouched by everything beta tried.
    assert_eq!(ta.user(a.agent).await.unwrap().name, "alpha 1001");
    assert_eq!(ta.role(role.id).await.unwrap().name, "alpha role");
    assert_eq!(ta.skill_group(group.id).await.unwrap().name, "alpha group");
    assert_eq!(
        ta.custom_status(status.id).await.unwrap().name,
        "alpha break"
    );
    let (st, _) = app
        .call(Method::GET, "/api/v1/me", Some(&a_token), None)
        .await;
    assert_eq!(
        st,
        StatusCode::OK,
        "alpha's session survived beta's revoke attempt"
    );
}
