//! Risk control (风控) on click-to-dial: the same number at most 3 times in 15 minutes and 5 in
//! 24 hours (409 `risk_limited` with `retry_after`), the do-not-call list, domestic numbers
//! only by default, and settings per enterprise. The counters live in the database.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};

const MINUTE: i64 = 60_000;

#[tokio::test]
async fn the_fourth_call_in_fifteen_minutes_is_refused_until_the_first_leaves_the_window() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let dial = |n: &str| format!(r#"{{"number":"{n}"}}"#);
    // Written three ways, it is one number. The SIP endpoint is not running in this test, so
    // an allowed call ends in 503 after risk control counted it.
    for n in ["13800000001", "+8613800000001", "013800000001"] {
        let (st, body) = app
            .call(
                Method::POST,
                "/api/v1/me/dial",
                Some(&agent),
                Some(&dial(n)),
            )
            .await;
        assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        app.clock.advance_ms(MINUTE);
    }
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("13800000001")),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "risk_limited"),
        "{body}"
    );
    assert_eq!(body["error"]["details"]["retry_after"], 12 * 60, "{body}");
    // Another number is fine; extensions are no outbound calls.
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("13800000002")),
        )
        .await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE);
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("1002")),
        )
        .await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE);
    // One millisecond before the first call is 15 minutes old: still refused; then allowed.
    app.clock.advance_ms(12 * MINUTE - 1);
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("13800000001")),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    app.clock.advance_ms(1);
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("13800000001")),
        )
        .await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE);
    // Four calls so far today; the fifth in 24 hours is allowed, the sixth is not.
    app.clock.advance_ms(60 * MINUTE);
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("13800000001")),
        )
        .await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE);
    app.clock.advance_ms(60 * MINUTE);
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("13800000001")),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "risk_limited"),
        "{body}"
    );
    assert_eq!(body["error"]["details"]["window_minutes"], 1440, "{body}");
}

#[tokio::test]
async fn do_not_call_destinations_and_settings() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let dial = |n: &str| format!(r#"{{"number":"{n}"}}"#);

    app.call(
        Method::POST,
        "/api/v1/do-not-call",
        Some(&admin),
        Some(r#"{"number":"13800000009"}"#),
    )
    .await;
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("+8613800000009")),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "do_not_call"),
        "{body}"
    );
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/do-not-call",
            Some(&admin),
            Some(r#"{"number":"13800000009"}"#),
        )
        .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "already_listed"));
    let (st, _) = app
        .call(
            Method::DELETE,
            "/api/v1/do-not-call/+8613800000009",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = app
        .call(Method::GET, "/api/v1/do-not-call", Some(&agent), None)
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // Abroad is refused by default …
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("+14155550100")),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "destination_not_allowed"),
        "{body}"
    );
    let (st, s) = app
        .call(Method::GET, "/api/v1/risk-control", Some(&admin), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(s["destinations"], serde_json::json!(["+86"]));
    assert_eq!(
        s["limits"][0],
        serde_json::json!({"window_minutes": 15, "max_calls": 3})
    );
    // … until the admin allows it; limits are the enterprise's own.
    let settings =
        r#"{"limits":[{"window_minutes":60,"max_calls":1}],"destinations":["+86","+1"]}"#;
    let (st, body) = app
        .call(
            Method::PUT,
            "/api/v1/risk-control",
            Some(&admin),
            Some(settings),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("+14155550100")),
        )
        .await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE);
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&agent),
            Some(&dial("+14155550100")),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "risk_limited"),
        "{body}"
    );
    assert_eq!(body["error"]["details"]["retry_after"], 3600);
    let bad = r#"{"limits":[{"window_minutes":0,"max_calls":1}],"destinations":[]}"#;
    let (st, _) = app
        .call(Method::PUT, "/api/v1/risk-control", Some(&admin), Some(bad))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let bad = r#"{"limits":[],"destinations":["86"]}"#;
    let (st, _) = app
        .call(Method::PUT, "/api/v1/risk-control", Some(&admin), Some(bad))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn transfers_to_outside_numbers_pass_risk_control() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    app.call(
        Method::POST,
        "/api/v1/do-not-call",
        Some(&admin),
        Some(r#"{"number":"13800000009"}"#),
    )
    .await;
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/call/transfer",
            Some(&admin),
            Some(r#"{"number":"13800000009"}"#),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "do_not_call"),
        "{body}"
    );
}
