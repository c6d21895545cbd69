//! The web call widget's API with a running SIP endpoint: a visitor's WebRTC offer to an
//! enterprise number is answered and the call is named by an unguessable id; digits and hang-up
//! go by that id; unknown numbers, bad offers and digits, too many calls from one address and a
//! turned-off widget are refused with reasons.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, code, webrtc_offer};

/// An app with a SIP endpoint (widget calls per address: `cap`) and the number 4001110001.
async fn with_widget(cap: u32) -> TestApp {
    let mut app = TestApp::new().await;
    let t = app.tenant("acme").await;
    app.loopback_number(t.id, "4001110001").await;
    app.start_sip((41_300, 41_399), cap).await;
    app
}

fn call_body(number: &str, sdp: &str) -> String {
    serde_json::json!({ "number": number, "sdp": sdp }).to_string()
}

#[tokio::test]
async fn a_visitor_calls_presses_digits_and_hangs_up_by_the_calls_id() {
    let app = with_widget(4).await;
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/widget/calls",
            None,
            Some(&call_body("4001110001", &webrtc_offer())),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let id = body["call_id"].as_str().unwrap().to_owned();
    assert!(id.len() >= 32, "an unguessable id: {id}");
    assert!(body["sdp"].as_str().unwrap().contains("a=ice-lite"));
    let dtmf = |id: String, digit: &'static str| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                &format!("/api/v1/widget/calls/{id}/dtmf"),
                None,
                Some(&serde_json::json!({ "digit": digit }).to_string()),
            )
            .await
        }
    };
    let (st, _) = dtmf(id.clone(), "1").await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, body) = dtmf(id.clone(), "x").await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );
    let (st, body) = dtmf(id.clone(), "12").await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );
    let (st, body) = dtmf("0123456789abcdef0123456789abcdef".to_owned(), "1").await;
    assert_eq!((st, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    assert!(
        app.state
            .sip
            .as_ref()
            .unwrap()
            .stats
            .digits
            .lock()
            .unwrap()
            .contains('1')
    );

    let path = format!("/api/v1/widget/calls/{id}");
    let (st, _) = app.call(Method::DELETE, &path, None, None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, body) = app.call(Method::DELETE, &path, None, None).await;
    assert_eq!((st, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (st, _) = dtmf(id, "2").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_numbers_and_unusable_offers_are_refused_with_reasons() {
    let app = with_widget(4).await;
    let post = |body: String| {
        let app = &app;
        async move {
            app.call(Method::POST, "/api/v1/widget/calls", None, Some(&body))
                .await
        }
    };
    let (st, body) = post(call_body("4009999999", &webrtc_offer())).await;
    assert_eq!((st, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (st, body) = post(call_body("4001110001", "v=0 nonsense")).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "validation_failed"),
        "{body}"
    );
    let (st, body) = post(call_body("not a number", &webrtc_offer())).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );
    let (st, body) = post(call_body("4001110001", "")).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );
    let (st, body) = post(r#"{"number":"4001110001"}"#.to_owned()).await;
    assert_eq!((st, code(&body)), (StatusCode::BAD_REQUEST, "invalid_body"));
    // Nothing was left running.
    let stats = &app.state.sip.as_ref().unwrap().stats;
    assert_eq!(stats.active.load(std::sync::atomic::Ordering::Relaxed), 0);
}

#[tokio::test]
async fn one_address_runs_only_so_many_widget_calls_and_zero_turns_the_widget_off() {
    let app = with_widget(1).await;
    let post = || {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/v1/widget/calls",
                None,
                Some(&call_body("4001110001", &webrtc_offer())),
            )
            .await
        }
    };
    let (st, first) = post().await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, body) = post().await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_calls")
    );
    let id = first["call_id"].as_str().unwrap();
    app.call(
        Method::DELETE,
        &format!("/api/v1/widget/calls/{id}"),
        None,
        None,
    )
    .await;
    let (st, _) = post().await;
    assert_eq!(st, StatusCode::CREATED, "room again after the hang-up");

    let off = with_widget(0).await;
    let (st, body) = off
        .call(
            Method::POST,
            "/api/v1/widget/calls",
            None,
            Some(&call_body("4001110001", &webrtc_offer())),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::FORBIDDEN, "widget_disabled")
    );
}
