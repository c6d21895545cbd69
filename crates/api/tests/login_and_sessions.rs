//! Login, throttling of failed logins, logout, password change and session revocation.

#![allow(clippy::unwrap_used)]

mod common;

use std::net::IpAddr;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};

fn ip(last: u8) -> IpAddr {
    IpAddr::from([192, 0, 2, last])
}

#[tokio::test]
async fn repeated_wrong_passwords_from_one_address_wait_growing_delays_then_the_right_one_works() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let me = ip(1);
    for _ in 0..5 {
        let (st, _, body) = app.login_from(me, "acme", "1001", "wrong-password").await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::UNAUTHORIZED, "invalid_credentials")
        );
    }
    let mut waits = Vec::new();
    for _ in 0..4 {
        let (st, _, _) = app.login_from(me, "acme", "1001", "wrong-password").await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        let (st, retry_after, body) = app.login_from(me, "acme", "1001", AGENT_PASS).await;
        assert_eq!(
            (st, code(&body)),
            (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            "even the right password waits its turn"
        );
        let wait = retry_after.unwrap();
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{wait} s")),
            "{body}"
        );
        waits.push(wait);
        app.clock.advance_ms(i64::try_from(wait).unwrap() * 1000);
    }
    assert_eq!(waits, [1, 2, 4, 8], "each failure doubles the wait");
    let (st, _, body) = app.login_from(me, "acme", "1001", AGENT_PASS).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["me"]["work_id"], "1001");
    // The success clears the count: the next mistake is free again.
    let (st, _, _) = app.login_from(me, "acme", "1001", "wrong-password").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_attackers_guesses_from_one_address_do_not_stop_the_real_user_from_another() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let attacker = ip(66);
    let mut throttled = 0;
    for _ in 0..50 {
        let (st, _, _) = app.login_from(attacker, "acme", "admin", "guess").await;
        if st == StatusCode::TOO_MANY_REQUESTS {
            throttled += 1;
        }
        app.clock.advance_ms(500);
    }
    assert!(throttled > 30, "the attacker is slowed down ({throttled})");
    let (st, _, _) = app.login_from(attacker, "acme", "admin", ADMIN_PASS).await;
    assert_eq!(
        st,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing address waits"
    );
    let (st, _, body) = app.login_from(ip(1), "acme", "admin", ADMIN_PASS).await;
    assert_eq!(st, StatusCode::OK, "the real user gets in at once: {body}");
}

#[tokio::test]
async fn guesses_from_many_addresses_delay_the_real_user_a_few_seconds_at_most() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    for i in 0..60 {
        app.login_from(ip(100 + i), "acme", "admin", "guess").await;
    }
    let (st, retry_after, body) = app.login_from(ip(1), "acme", "admin", ADMIN_PASS).await;
    if st == StatusCode::TOO_MANY_REQUESTS {
        let wait = retry_after.unwrap();
        assert!(wait <= 5, "{wait} s");
        app.clock.advance_ms(i64::try_from(wait).unwrap() * 1000);
        let (st, _, body) = app.login_from(ip(1), "acme", "admin", ADMIN_PASS).await;
        assert_eq!(st, StatusCode::OK, "{body}");
    } else {
        assert_eq!(st, StatusCode::OK, "{body}");
    }
}

#[tokio::test]
async fn an_unknown_user_and_a_wrong_password_answer_the_same_and_nothing_is_locked() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let (wrong_status, _, wrong) = app.login_from(ip(1), "acme", "1001", "nope").await;
    let (unknown_status, _, unknown) = app.login_from(ip(2), "acme", "9999", "nope").await;
    let (no_ent_status, _, no_ent) = app.login_from(ip(3), "nope", "1001", "nope").await;
    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!((unknown_status, &unknown), (wrong_status, &wrong));
    assert_eq!((no_ent_status, &no_ent), (wrong_status, &wrong));
    // Many failures on either never answer 423 or anything that tells them apart.
    for i in 0..30 {
        let (a, _, ab) = app.login_from(ip(10), "acme", "1001", "nope").await;
        let (b, _, bb) = app.login_from(ip(11), "acme", "9999", "nope").await;
        assert_eq!((a, code(&ab)), (b, code(&bb)), "attempt {i}");
        assert_ne!(a, StatusCode::LOCKED);
        app.clock.advance_ms(60_000);
    }
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

#[tokio::test]
async fn password_checks_wait_for_a_free_argon2_permit_and_answer_503_when_none_frees_up() {
    let mut app = TestApp::new().await;
    app.tenant("acme").await;
    // No permit at all: the check never runs, and the caller hears so instead of waiting forever.
    app.state.argon2_permits = std::sync::Arc::new(api::auth::Argon2Permits::new(
        0,
        std::time::Duration::from_millis(50),
    ));
    let (st, _, body) = app.login_from(ip(1), "acme", "1001", AGENT_PASS).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "server_busy"),
        "{body}"
    );
    // One permit: concurrent logins take turns and all succeed.
    app.state.argon2_permits = std::sync::Arc::new(api::auth::Argon2Permits::new(
        1,
        std::time::Duration::from_secs(30),
    ));
    let logins = (0..4).map(|i| app.login_from(ip(10 + i), "acme", "1001", AGENT_PASS));
    for (st, _, body) in futures_util::future::join_all(logins).await {
        assert_eq!(st, StatusCode::OK, "{body}");
    }
}
