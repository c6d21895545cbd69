//! Outbound campaigns through the API (SPEC §5): an admin creates one and drives its state,
//! imports a customer list with a per-row error report, and the assigned agent sees the list
//! masked, sorted by name and filtered by outcome, saves notes and outcomes, and dials only a
//! running campaign inside its calling hours.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};

const HOUR: i64 = 3_600_000;

const FILE: &str = "\u{feff}姓名,电话,城市\n\
王五,138 0000 0001,深圳\n\
李四,+86 138 0000 0002,北京\n\
坏号,12ab,\n\
重复,0086 13800000001,\n\
拒接,13900000009,\n\
,,\n\
张三,13800000003,\n";

#[tokio::test]
async fn admin_creates_imports_and_agent_works_the_list() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let now = 1_700_000_000_000_i64;

    // A number on the do-not-call list is refused by the import.
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/do-not-call",
            Some(&admin),
            Some(r#"{"number":"139 0000 0009","reason":"complained"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(body["number"], "+8613900000009");

    let input = serde_json::json!({
        "name": "Spring offer", "description": "call them all",
        "start_at": now + HOUR, "end_at": now + 48 * HOUR,
        "caller_numbers": ["4008000000"], "agent_ids": [t.agent.0],
        "masking": true, "hours_from": "00:00", "hours_to": "00:00",
    });
    let (st, c) = app
        .call(
            Method::POST,
            "/api/v1/campaigns",
            Some(&admin),
            Some(&input.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    assert_eq!(c["state"], "not_started");
    assert_eq!(c["max_attempts"], 5);
    let id = c["id"].as_i64().unwrap();

    // Agents cannot create; bad input is a 400 naming the field.
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/campaigns",
            Some(&agent),
            Some(&input.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let mut bad = input.clone();
    bad["end_at"] = serde_json::json!(now);
    let (st, body) = app
        .call(
            Method::POST,
            "/api/v1/campaigns",
            Some(&admin),
            Some(&bad.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    let mut bad = input.clone();
    bad["hours_from"] = serde_json::json!("25:00");
    let (st, _) = app
        .call(
            Method::POST,
            "/api/v1/campaigns",
            Some(&admin),
            Some(&bad.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(c["abandon_cap_percent"], 3.0, "the default cap: {c}");
    assert_eq!(c["abandon_rate"], 0.0);
    for cap in [0.2, 25.0] {
        let mut bad = input.clone();
        bad["abandon_cap_percent"] = serde_json::json!(cap);
        let (st, body) = app
            .call(
                Method::POST,
                "/api/v1/campaigns",
                Some(&admin),
                Some(&bad.to_string()),
            )
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.to_string().contains("abandon_cap_percent"), "{body}");
    }
    let mut capped = input.clone();
    capped["mode"] = serde_json::json!("predictive");
    capped["abandon_cap_percent"] = serde_json::json!(2.5);
    let (st, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/campaigns/{id}"),
            Some(&admin),
            Some(&capped.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["abandon_cap_percent"], 2.5);
    assert_eq!(body["mode"], "predictive");
    let (st, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/campaigns/{id}"),
            Some(&admin),
            Some(&input.to_string()),
        )
        .await;
    assert_eq!(
        (st, &body["abandon_cap_percent"]),
        (StatusCode::OK, &serde_json::json!(3.0))
    );

    // Import: two good rows, a bad number, a duplicate in the file, a do-not-call number.
    let (st, _, body) = app
        .call_raw(
            Method::POST,
            &format!("/api/v1/campaigns/{id}/import?file_name=list.csv"),
            Some(&admin),
            Some("text/csv"),
            FILE.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let report: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(report["total_rows"], 6, "{report}");
    assert_eq!(report["imported"], 3, "{report}");
    let reasons: Vec<(i64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        [(4, "bad_number"), (5, "duplicate"), (6, "do_not_call")]
    );
    // The report downloads as CSV.
    let rid = report["id"].as_i64().unwrap();
    let (st, ctype, csv) = app
        .call_raw(
            Method::GET,
            &format!("/api/v1/campaign-imports/{rid}/errors"),
            Some(&admin),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(ctype.unwrap().starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("4,12ab,bad_number"), "{csv}");
    // Importing the same file again adds nothing.
    let (_, _, body) = app
        .call_raw(
            Method::POST,
            &format!("/api/v1/campaigns/{id}/import"),
            Some(&admin),
            None,
            FILE.as_bytes().to_vec(),
        )
        .await;
    let again: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(again["imported"], 0, "{again}");
    // A file that is no list is a 400.
    let (st, _, _) = app
        .call_raw(
            Method::POST,
            &format!("/api/v1/campaigns/{id}/import"),
            Some(&admin),
            None,
            b"foo,bar\n1,2\n".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);

    // The agent sees the campaign and its customers, masked and by name.
    let (st, mine) = app
        .call(Method::GET, "/api/v1/campaigns", Some(&agent), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{mine}");
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["customers"], 3);
    let (st, list) = app
        .call(
            Method::GET,
            &format!("/api/v1/campaigns/{id}/customers"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for r in list["items"].as_array().unwrap() {
        assert!(r["number"].as_str().unwrap().ends_with("****"), "{r}");
        assert_eq!(r["attempts"], 0);
    }
    assert!(!list.to_string().contains("0001"), "{list}");
    let first = list["items"][0]["id"].as_i64().unwrap();

    // Not running yet: dialing is refused, saying why.
    let (st, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/campaign-customers/{first}/dial"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "campaign_not_running"),
        "{body}"
    );

    // Start, pause, resume, with refusals for actions the state does not allow.
    let act = |a: &str| format!(r#"{{"action":"{a}"}}"#);
    let url = format!("/api/v1/campaigns/{id}/actions");
    let (st, body) = app
        .call(Method::POST, &url, Some(&admin), Some(&act("resume")))
        .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "invalid_state"));
    let (st, body) = app
        .call(Method::POST, &url, Some(&admin), Some(&act("start")))
        .await;
    assert_eq!(
        (st, body["state"].as_str()),
        (StatusCode::OK, Some("running")),
        "{body}"
    );
    let (_, body) = app
        .call(Method::POST, &url, Some(&admin), Some(&act("pause")))
        .await;
    assert_eq!(body["state"], "paused");
    let (_, body) = app
        .call(Method::POST, &url, Some(&admin), Some(&act("resume")))
        .await;
    assert_eq!(body["state"], "running");

    // Running and all-day hours: the call goes past every check to the (stopped) SIP endpoint.
    let (st, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/campaign-customers/{first}/dial"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{body}");

    // Save notes and an outcome; filter by outcome.
    let (st, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/campaign-customers/{first}"),
            Some(&agent),
            Some(r#"{"notes":"call back Monday"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["notes"], "call back Monday");
    let (st, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/campaign-customers/{first}"),
            Some(&agent),
            Some(r#"{"outcome":"busy"}"#),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "not_called"),
        "{body}"
    );

    // The row goes into the customer database with its fields, once.
    let to = format!("/api/v1/campaign-customers/{first}/to-customer");
    let (st, body) = app.call(Method::POST, &to, Some(&agent), None).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(body["owner_id"], t.agent.0);
    assert!(
        body["numbers"][0].as_str().unwrap().starts_with("138"),
        "{body}"
    );
    let (st, body) = app.call(Method::POST, &to, Some(&agent), None).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "customer_number_taken")
    );

    // Nothing is busy yet.
    let (_, list) = app
        .call(
            Method::GET,
            &format!("/api/v1/campaigns/{id}/customers?outcome=busy"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(list["total"], 0);

    // Completed: history, read-only.
    let (_, body) = app
        .call(Method::POST, &url, Some(&admin), Some(&act("complete")))
        .await;
    assert_eq!(body["state"], "completed");
    let (_, hist) = app
        .call(
            Method::GET,
            "/api/v1/campaigns?history=true",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(hist[0]["id"], id);
    let (_, current) = app
        .call(Method::GET, "/api/v1/campaigns", Some(&admin), None)
        .await;
    assert!(current.as_array().unwrap().is_empty());
    let (st, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/campaigns/{id}"),
            Some(&admin),
            Some(&input.to_string()),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "campaign_read_only")
    );
    let (st, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/campaign-customers/{first}"),
            Some(&agent),
            Some(r#"{"notes":"x"}"#),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "campaign_read_only")
    );
}

#[tokio::test]
async fn dialing_waits_for_the_calling_hours() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let now = 1_700_000_000_000_i64; // 06:13 in Shanghai
    let input = serde_json::json!({
        "name": "Morning", "start_at": now - HOUR, "end_at": now + 48 * HOUR,
        "agent_ids": [t.agent.0], "hours_from": "09:00", "hours_to": "20:00",
    });
    let (_, c) = app
        .call(
            Method::POST,
            "/api/v1/campaigns",
            Some(&admin),
            Some(&input.to_string()),
        )
        .await;
    assert_eq!(c["state"], "running", "{c}");
    let id = c["id"].as_i64().unwrap();
    app.call_raw(
        Method::POST,
        &format!("/api/v1/campaigns/{id}/import"),
        Some(&admin),
        None,
        "name,number\nA,13800000001\n".as_bytes().to_vec(),
    )
    .await;
    let (_, list) = app
        .call(
            Method::GET,
            &format!("/api/v1/campaigns/{id}/customers"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(
        list["items"][0]["number"], "+8613800000001",
        "not masked: {list}"
    );
    let cid = list["items"][0]["id"].as_i64().unwrap();
    let (st, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/campaign-customers/{cid}/dial"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "outside_calling_hours"),
        "{body}"
    );
    // 09:00 Shanghai the same day is 01:00 UTC.
    assert_eq!(
        body["error"]["details"]["next_open"], 1_700_010_000_000_i64,
        "{body}"
    );
}

async fn create(
    app: &TestApp,
    admin: &str,
    input: &serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    app.call(
        Method::POST,
        "/api/v1/campaigns",
        Some(admin),
        Some(&input.to_string()),
    )
    .await
}

#[tokio::test]
async fn calling_hours_default_to_the_enterprises_time_zone() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let now = app.state.now();
    let input = serde_json::json!({
        "name": "Evening", "start_at": now - HOUR, "end_at": now + 48 * HOUR,
        "agent_ids": [t.agent.0],
    });
    let (_, c) = create(&app, &admin, &input).await;
    assert_eq!(c["time_zone"], "Asia/Shanghai", "{c}");
    let (st, _) = app
        .call(
            Method::PUT,
            "/api/v1/enterprise/settings",
            Some(&admin),
            Some(r#"{"time_zone":"Europe/Berlin"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, berlin) = create(&app, &admin, &input).await;
    assert_eq!(berlin["time_zone"], "Europe/Berlin", "{berlin}");
    // A change that names no zone keeps the campaign's own.
    let id = c["id"].as_i64().unwrap();
    let mut renamed = input.clone();
    renamed["name"] = "Evening 2".into();
    let (st, changed) = app
        .call(
            Method::PUT,
            &format!("/api/v1/campaigns/{id}"),
            Some(&admin),
            Some(&renamed.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{changed}");
    assert_eq!(changed["name"], "Evening 2");
    assert_eq!(changed["time_zone"], "Asia/Shanghai", "{changed}");
}
