//! The admin API for trunks, numbers and desk-phone SIP accounts: validation with the field named,
//! conflicts with their codes, passwords never listed, and click-to-dial refusing clearly when
//! no SIP endpoint runs.

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

const TRUNK: &str = r#"{"name":"carrier","mode":"register","host":"sip.carrier.example","port":5080,
    "username":"acme","password":"trunk-secret","allowed_sources":["192.0.2.10"],"codecs":["pcmu"]}"#;

#[tokio::test]
async fn a_trunk_is_created_with_its_password_hidden_and_bad_settings_are_named() {
    let (app, _, token) = admin().await;
    let (st, body) = app
        .call(Method::POST, "/api/v1/trunks", Some(&token), Some(TRUNK))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(body["has_password"], true);
    assert_eq!(body["codecs"][0], "PCMU");
    assert!(!body.to_string().contains("trunk-secret"));
    let id = body["id"].as_i64().unwrap();

    for (bad, field) in [
        (r#"{"name":"x","mode":"peer","host":"not a host!"}"#, "host"),
        (
            r#"{"name":"x","mode":"peer","host":"10.0.0.1","port":0}"#,
            "port",
        ),
        (
            r#"{"name":"x","mode":"register","host":"10.0.0.1"}"#,
            "username",
        ),
        (
            r#"{"name":"x","mode":"peer","host":"10.0.0.1","allowed_sources":["nowhere"]}"#,
            "allowed_sources",
        ),
        (
            r#"{"name":"x","mode":"peer","host":"10.0.0.1","codecs":["G729"]}"#,
            "codecs",
        ),
        (
            r#"{"name":"x","mode":"peer","host":"10.0.0.1","register_expires":5}"#,
            "register_expires",
        ),
        (r#"{"name":"","mode":"peer","host":"10.0.0.1"}"#, "name"),
    ] {
        let (st, body) = app
            .call(Method::POST, "/api/v1/trunks", Some(&token), Some(bad))
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error"]["details"]["field"], field, "{bad}: {body}");
    }
    let (st, body) = app
        .call(Method::POST, "/api/v1/trunks", Some(&token), Some(TRUNK))
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{body}");

    // An update without a password keeps it, so a registering trunk stays valid.
    let update =
        r#"{"name":"carrier","mode":"register","host":"sip.carrier.example","username":"acme"}"#;
    let (st, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/trunks/{id}"),
            Some(&token),
            Some(update),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["has_password"], true);
    let (_, list) = app
        .call(Method::GET, "/api/v1/trunks", Some(&token), None)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn numbers_are_validated_unique_and_keep_their_trunk_from_deletion() {
    let (app, _, token) = admin().await;
    let (_, trunk) = app
        .call(Method::POST, "/api/v1/trunks", Some(&token), Some(TRUNK))
        .await;
    let tid = trunk["id"].as_i64().unwrap();
    let body = format!(r#"{{"number":"4001234567","trunk_id":{tid},"description":"hotline"}}"#);
    let (st, created) = app
        .call(Method::POST, "/api/v1/numbers", Some(&token), Some(&body))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    assert_eq!(created["service"], "welcome");
    let (st, dup) = app
        .call(Method::POST, "/api/v1/numbers", Some(&token), Some(&body))
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(code(&dup), "number_taken");
    let (st, bad) = app
        .call(
            Method::POST,
            "/api/v1/numbers",
            Some(&token),
            Some(&format!(r#"{{"number":"40-01","trunk_id":{tid}}}"#)),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(bad["error"]["details"]["field"], "number");
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/numbers",
            Some(&token),
            Some(r#"{"number":"4009999999","trunk_id":999999}"#),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "a trunk that does not exist");
    let (st, in_use) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/trunks/{tid}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(code(&in_use), "in_use");
    let (_, page) = app
        .call(Method::GET, "/api/v1/numbers?q=hot", Some(&token), None)
        .await;
    assert_eq!(page["total"], 1);
}

#[tokio::test]
async fn a_sip_account_shows_its_generated_password_once() {
    let (app, t, token) = admin().await;
    let url = format!("/api/v1/users/{}/sip-account", t.agent.0);
    let (st, _) = app.call(Method::GET, &url, Some(&token), None).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "no account yet");
    let (st, set) = app
        .call(
            Method::PUT,
            &url,
            Some(&token),
            Some(r#"{"username":"acme1001"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{set}");
    let password = set["password"].as_str().unwrap();
    assert!(password.len() >= 8);
    let (_, got) = app.call(Method::GET, &url, Some(&token), None).await;
    assert_eq!(got["username"], "acme1001");
    assert!(got["password"].is_null(), "the password is not shown again");
    let (_, renamed) = app
        .call(
            Method::PUT,
            &url,
            Some(&token),
            Some(r#"{"username":"acme-1001"}"#),
        )
        .await;
    assert!(renamed["password"].is_null(), "renaming keeps the password");
    let (st, bad) = app
        .call(
            Method::PUT,
            &url,
            Some(&token),
            Some(r#"{"username":"a b","password":"longenough"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(bad["error"]["details"]["field"], "username");
    let (st, short) = app
        .call(
            Method::PUT,
            &url,
            Some(&token),
            Some(r#"{"username":"acme1001","password":"short"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(short["error"]["details"]["field"], "password");
    let (st, _) = app.call(Method::DELETE, &url, Some(&token), None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn dialing_without_a_sip_endpoint_is_a_clear_503() {
    let (app, _, token) = admin().await;
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&token),
            Some(r#"{"number":"13800138000"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/me/dial",
            Some(&token),
            Some(r#"{"number":"call me"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
}
