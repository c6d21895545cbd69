//! The platform administrator (made on the server with `patchbay admin create`) creates an
//! enterprise through the API; its first admin signs in with the password shown once and creates
//! an agent, who signs in. Disabling the enterprise signs everyone in it out and refuses their
//! sign-ins; enabling it lets them back. Platform and enterprise sessions open only their own
//! routes.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{PLATFORM_PASS, TestApp, code};

#[tokio::test]
async fn the_platform_admin_creates_an_enterprise_whose_admin_creates_an_agent() {
    let app = TestApp::new().await;
    let platform = app.platform_token().await;
    let (st, me) = app
        .call(Method::GET, "/api/v1/platform/me", Some(&platform), None)
        .await;
    assert_eq!(
        (st, me["username"].as_str()),
        (StatusCode::OK, Some("root"))
    );

    let acme = app.real_tenant(&platform, "acme").await;
    // The agent the enterprise's admin created signs in.
    let (st, body) = app.login("acme", "1001", &acme.agent_password).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["me"]["enterprise_code"], "acme");
    assert_eq!(body["me"]["name"], "acme 1001");

    // The enterprise came with the standard roles and its admin holds every permission.
    let (_, me) = app
        .call(Method::GET, "/api/v1/me", Some(&acme.admin_token), None)
        .await;
    assert_eq!(me["enterprise_name"], "acme Co.");
    assert!(
        me["permissions"].as_array().unwrap().len() >= 10,
        "the first admin has every permission: {me}"
    );

    let (st, list) = app
        .call(
            Method::GET,
            "/api/v1/platform/enterprises",
            Some(&platform),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(list[0]["code"], "acme");
    assert_eq!(list[0]["user_count"], 2, "admin and agent: {list}");
    assert_eq!(list[0]["enabled"], true);
    let (st, one) = app
        .call(
            Method::GET,
            &format!("/api/v1/platform/enterprises/{}", acme.id.0),
            Some(&platform),
            None,
        )
        .await;
    assert_eq!((st, one["code"].as_str()), (StatusCode::OK, Some("acme")));
}

#[tokio::test]
async fn bad_or_taken_enterprise_codes_get_a_clear_4xx() {
    let app = TestApp::new().await;
    let platform = app.platform_token().await;
    app.real_tenant(&platform, "acme").await;
    let post = |body: &'static str| {
        let app = &app;
        let platform = platform.clone();
        async move {
            app.call(
                Method::POST,
                "/api/v1/platform/enterprises",
                Some(&platform),
                Some(body),
            )
            .await
        }
    };
    let (st, body) = post(r#"{"code":"acme","name":"Again"}"#).await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "code_taken"));
    for bad in [
        r#"{"code":"Acme","name":"x"}"#,
        r#"{"code":"a","name":"x"}"#,
        r#"{"code":"-acme","name":"x"}"#,
        r#"{"code":"ac me","name":"x"}"#,
        r#"{"code":"acme2","name":"  "}"#,
        r#"{"code":"acme2","name":"x","admin_work_id":"ad min"}"#,
    ] {
        let (st, body) = post(bad).await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::BAD_REQUEST, "validation_failed"),
            "{bad}: {body}"
        );
    }
    let (st, body) = post(r#"{"code":"acme2","name":"x","plan":"gold"}"#).await;
    assert_eq!((st, code(&body)), (StatusCode::BAD_REQUEST, "invalid_body"));
    let (st, body) = app
        .call(
            Method::PATCH,
            "/api/v1/platform/enterprises/999999",
            Some(&platform),
            Some(r#"{"enabled":false}"#),
        )
        .await;
    assert_eq!((st, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (st, _) = app
        .call(
            Method::GET,
            "/api/v1/platform/enterprises/nope",
            Some(&platform),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_disabled_enterprise_is_signed_out_and_cannot_sign_in_until_enabled() {
    let app = TestApp::new().await;
    let platform = app.platform_token().await;
    let acme = app.real_tenant(&platform, "acme").await;
    let other = app.real_tenant(&platform, "other").await;
    let patch = |enabled: bool| {
        let app = &app;
        let platform = platform.clone();
        let url = format!("/api/v1/platform/enterprises/{}", acme.id.0);
        async move {
            app.call(
                Method::PATCH,
                &url,
                Some(&platform),
                Some(&format!(r#"{{"enabled":{enabled},"name":"Acme Renamed"}}"#)),
            )
            .await
        }
    };
    let (st, body) = patch(false).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(
        (body["enabled"].as_bool(), body["name"].as_str()),
        (Some(false), Some("Acme Renamed"))
    );
    let (st, _) = app
        .call(Method::GET, "/api/v1/me", Some(&acme.admin_token), None)
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "the admin's session ended");
    let (st, body) = app.login("acme", "admin", &acme.admin_password).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::FORBIDDEN, "enterprise_disabled")
    );
    // A wrong password still says only "wrong credentials".
    let (st, body) = app.login("acme", "admin", "wrong-password").await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    // The other enterprise is untouched.
    let (st, _) = app
        .call(Method::GET, "/api/v1/me", Some(&other.admin_token), None)
        .await;
    assert_eq!(st, StatusCode::OK);

    let (st, _) = patch(true).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = app.login("acme", "admin", &acme.admin_password).await;
    assert_eq!(st, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn platform_and_enterprise_sessions_open_only_their_own_routes() {
    let app = TestApp::new().await;
    let platform = app.platform_token().await;
    let acme = app.real_tenant(&platform, "acme").await;
    for path in ["/api/v1/platform/me", "/api/v1/platform/enterprises"] {
        let (st, _) = app
            .call(Method::GET, path, Some(&acme.admin_token), None)
            .await;
        assert_eq!(
            st,
            StatusCode::UNAUTHORIZED,
            "{path} with an enterprise session"
        );
    }
    for path in ["/api/v1/me", "/api/v1/users", "/api/v1/calls"] {
        let (st, _) = app.call(Method::GET, path, Some(&platform), None).await;
        assert_eq!(
            st,
            StatusCode::UNAUTHORIZED,
            "{path} with the platform session"
        );
    }
    // Wrong platform passwords and unknown names answer alike.
    for (user, pass) in [("root", "wrong-password"), ("nobody", PLATFORM_PASS)] {
        let body = serde_json::json!({ "username": user, "password": pass }).to_string();
        let (st, body) = app
            .call(
                Method::POST,
                "/api/v1/platform/auth/login",
                None,
                Some(&body),
            )
            .await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::UNAUTHORIZED, "invalid_credentials")
        );
    }
    // An enterprise admin's password is no platform password.
    let body =
        serde_json::json!({ "username": "admin", "password": acme.admin_password }).to_string();
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/platform/auth/login",
            None,
            Some(&body),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/platform/auth/logout",
            Some(&platform),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = app
        .call(Method::GET, "/api/v1/platform/me", Some(&platform), None)
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "signed out");
}
