//! Login, lockout after five failures, logout, password change and session revocation.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};

#[tokio::test]
async fn wrong_passwords_answer_401_then_the_fifth_locks_for_15_minutes() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    for _ in 0..4 {
        let (st, body) = app.login("acme", "1001", "wrong-password").await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::UNAUTHORIZED, "invalid_credentials")
        );
    }
    let (st, body) = app.login("acme", "1001", "wrong-password").await;
    assert_eq!((st, code(&body)), (StatusCode::LOCKED, "account_locked"));
    let until = body["error"]["details"]["locked_until"].as_i64().unwrap();

    let (st, _) = app.login("acme", "1001", AGENT_PASS).await;
    assert_eq!(
        st,
        StatusCode::LOCKED,
        "even the right password waits for the lock"
    );
    app.clock.advance_ms(14 * 60_000);
    let (st, _) = app.login("acme", "1001", AGENT_PASS).await;
    assert_eq!(st, StatusCode::LOCKED);
    app.clock.advance_ms(60_000);
    assert!(app.state.now() >= until);
    let (st, body) = app.login("acme", "1001", AGENT_PASS).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["me"]["work_id"], "1001");
}

#[tokio::test]
async fn unknown_enterprise_or_user_look_like_a_wrong_password() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    for (e, w) in [("nope", "1001"), ("acme", "9999")] {
        let (st, body) = app.login(e, w, AGENT_PASS).await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::UNAUTHORIZED, "invalid_credentials")
        );
    }
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in_and_loses_its_sessions() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let url = format!("/api/v1/users/{}", t.agent);
    let (st, _) = app
        .call(
            Method::PATCH,
            &url,
            Some(&admin),
            Some(r#"{"enabled":false}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(Method::GET, "/api/v1/me", Some(&agent), None)
        .await;
    assert_eq!(
        st,
        StatusCode::UNAUTHORIZED,
        "the agent's session was revoked"
    );
    let (st, body) = app.login("acme", "1001", AGENT_PASS).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::FORBIDDEN, "account_disabled")
    );
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let token = app.token("acme", "1001", AGENT_PASS).await;
    let (st, _) = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, body) = app
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
}

#[tokio::test]
async fn sessions_expire_after_their_lifetime() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let token = app.token("acme", "1001", AGENT_PASS).await;
    app.clock
        .advance_ms(i64::try_from(app.state.auth.session_ttl.as_millis()).unwrap());
    let (st, _) = app
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn changing_the_password_signs_out_other_sessions_but_not_this_one() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let here = app.token("acme", "1001", AGENT_PASS).await;
    let elsewhere = app.token("acme", "1001", AGENT_PASS).await;
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/password",
            Some(&here),
            Some(r#"{"old_password":"agent-pass","new_password":"short"}"#),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "weak_password")
    );
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/password",
            Some(&here),
            Some(r#"{"old_password":"nope-nope","new_password":"a-better-one"}"#),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/me/password",
            Some(&here),
            Some(r#"{"old_password":"agent-pass","new_password":"a-better-one"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", Some(&here), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", Some(&elsewhere), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (st, _) = app.login("acme", "1001", "a-better-one").await;
    assert_eq!(st, StatusCode::OK);
}

#[tokio::test]
async fn requests_without_a_session_are_401() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    for path in ["/api/v1/me", "/api/v1/users", "/api/v1/roles"] {
        let (st, body) = app.call(Method::GET, path, None, None).await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::UNAUTHORIZED, "unauthenticated"),
            "{path}"
        );
        let (st, _) = app
            .call(Method::GET, path, Some("forged-token"), None)
            .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{path}");
    }
}
