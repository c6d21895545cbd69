//! Customers and scheduled callbacks through the API: an agent adds a caller to "my customers",
//! the ringing pop names them, the look-up finds them by any written form of the number with
//! their last follow-up, the timeline lists follow-ups and callbacks; callbacks are listed for
//! today, rescheduled, done and expire at the end of their day; data scope `self` keeps agents
//! to their own; bad input answers 400 naming the field.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000;

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), Some(&body.to_string()))
        .await
}

#[tokio::test]
async fn an_agent_adds_a_customer_who_then_pops_by_name_with_the_last_follow_up() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, c) = post(
        &app,
        &agent,
        "/api/v1/customers",
        json!({"name": "张三", "numbers": ["13800138000"], "company": "深圳科技", "tags": ["VIP", "VIP"], "fields": {"城市": "深圳"}}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    assert_eq!(
        c["owner_id"], t.agent.0,
        "an agent's new customer is theirs"
    );
    assert_eq!(c["tags"], json!(["VIP"]));
    let id = c["id"].as_i64().unwrap();

    let (st, f) = post(
        &app,
        &agent,
        &format!("/api/v1/customers/{id}/follow-ups"),
        json!({"body": "想要报价\n下周再联系"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{f}");
    assert_eq!(f["author_name"], "acme 1001");

    // The caller's number as the trunk sends it (+86…) finds them.
    let (st, found) = app
        .call(
            Method::GET,
            "/api/v1/customers/lookup?number=%2B8613800138000",
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{found}");
    assert_eq!(found["customer"]["name"], "张三");
    assert_eq!(found["customer"]["visible"], true);
    assert_eq!(found["last_follow_up"]["body"], "想要报价\n下周再联系");
    let (_, none) = app
        .call(
            Method::GET,
            "/api/v1/customers/lookup?number=13900000000",
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(none["customer"], Value::Null);

    // The ringing pop carries the name.
    let mut offer = model::presence::Offer {
        call: "c1".into(),
        caller: "+8613800138000".into(),
        enterprise_number: "4008000000".into(),
        group_id: model::SkillGroupId(1),
        group_name: "Sales".into(),
        auto_answer: false,
        customer_name: None,
        location: None,
        previous_calls: 0,
        last_call_at: None,
        consult_by: None,
        consult_from: None,
        transferred_by: None,
        transferred_from: None,
    };
    api::enrich_offer(&app.state.store, t.id, &mut offer).await;
    assert_eq!(offer.customer_name.as_deref(), Some("张三"));

    // The same number cannot become a second customer.
    let (st, dup) = post(
        &app,
        &agent,
        "/api/v1/customers",
        json!({"name": "李四", "numbers": ["13800138000"]}),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(code(&dup), "customer_number_taken");

    // Edit: the numbers are replaced as a whole; company cleared with null.
    let (st, c2) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/customers/{id}"),
            Some(&agent),
            Some(r#"{"numbers":["13800138000","075512345678"],"company":null}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{c2}");
    assert_eq!(c2["numbers"], json!(["13800138000", "075512345678"]));
    assert_eq!(c2["company"], Value::Null);
    assert_eq!(c2["name"], "张三");
}

#[tokio::test]
async fn callbacks_show_today_turn_done_and_expire_at_the_end_of_the_day() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let now = app.state.now();
    let (_, c) = post(
        &app,
        &agent,
        "/api/v1/customers",
        json!({"name": "王五", "numbers": ["13800138000"]}),
    )
    .await;
    let customer = c["id"].as_i64().unwrap();
    // Scheduled for the number only: the customer is found by it.
    let (st, cb) = post(
        &app,
        &agent,
        "/api/v1/callbacks",
        json!({"number": "13800138000", "due_at": now + 2 * 60_000, "remark": "回电报价"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{cb}");
    assert_eq!(cb["customer_id"], customer);
    assert_eq!(cb["customer_name"], "王五");
    assert_eq!(cb["state"], "pending");
    let id = cb["id"].as_i64().unwrap();

    let (st, today) = app
        .call(Method::GET, "/api/v1/me/callbacks", Some(&agent), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(today.as_array().unwrap().len(), 1);

    // In the customer's timeline.
    let (_, tl) = app
        .call(
            Method::GET,
            &format!("/api/v1/customers/{customer}/timeline"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(tl[0]["kind"], "callback");
    assert_eq!(tl[0]["callback"]["remark"], "回电报价");

    // The next day (the clock passes the enterprise's midnight), it has expired and is no
    // longer on today's list.
    app.clock.advance_ms(24 * HOUR);
    let (_, cb2) = app
        .call(
            Method::GET,
            "/api/v1/callbacks?state=expired",
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(cb2["total"], 1, "{cb2}");
    let (_, today) = app
        .call(Method::GET, "/api/v1/me/callbacks", Some(&agent), None)
        .await;
    assert_eq!(today, json!([]));
    // Rescheduled to an hour from now: pending again, and done by hand.
    let later = app.state.now() + HOUR;
    let (st, moved) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/callbacks/{id}"),
            Some(&agent),
            Some(&json!({ "due_at": later }).to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{moved}");
    assert_eq!(moved["state"], "pending");
    let (st, done) = post(
        &app,
        &agent,
        &format!("/api/v1/callbacks/{id}/done"),
        json!(null),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{done}");
    assert_eq!(done["state"], "done");
    let (st, again) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/callbacks/{id}"),
            Some(&agent),
            Some(r#"{"remark":"x"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(code(&again), "callback_done");
    let (st, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/callbacks/{id}"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn an_agent_with_scope_self_sees_and_assigns_only_their_own() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let now = app.state.now();
    // The admin's own customer and callback, and one given to the agent.
    let (_, theirs) = post(
        &app,
        &admin,
        "/api/v1/customers",
        json!({"name": "Admin's", "numbers": ["13700000000"]}),
    )
    .await;
    let (st, given) = post(
        &app,
        &admin,
        "/api/v1/customers",
        json!({"name": "Given", "numbers": ["13600000000"], "owner_id": t.agent.0}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{given}");
    let (_, admin_cb) = post(
        &app,
        &admin,
        "/api/v1/callbacks",
        json!({"number": "13700000000", "due_at": now + HOUR}),
    )
    .await;
    let (st, agent_cb) = post(
        &app,
        &admin,
        "/api/v1/callbacks",
        json!({"number": "13600000000", "due_at": now + HOUR, "agent_id": t.agent.0}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{agent_cb}");

    let (_, list) = app
        .call(Method::GET, "/api/v1/customers", Some(&agent), None)
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "Given");
    let (_, cbs) = app
        .call(Method::GET, "/api/v1/callbacks", Some(&agent), None)
        .await;
    assert_eq!(cbs["total"], 1);
    assert_eq!(cbs["items"][0]["number"], "13600000000");
    let (_, all) = app
        .call(Method::GET, "/api/v1/callbacks", Some(&admin), None)
        .await;
    assert_eq!(all["total"], 2);

    // The admin's customer: named in the pop's look-up, but not to be opened.
    let (_, found) = app
        .call(
            Method::GET,
            "/api/v1/customers/lookup?number=13700000000",
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(found["customer"]["visible"], false);
    let tid = theirs["id"].as_i64().unwrap();
    for (m, path) in [
        (Method::GET, format!("/api/v1/customers/{tid}")),
        (Method::DELETE, format!("/api/v1/customers/{tid}")),
        (Method::GET, format!("/api/v1/customers/{tid}/timeline")),
        (
            Method::POST,
            format!("/api/v1/callbacks/{}/done", admin_cb["id"]),
        ),
    ] {
        let (st, body) = app.call(m.clone(), &path, Some(&agent), None).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{m} {path}: {body}");
    }
    // Scope `self` cannot give customers or callbacks to others.
    let (st, body) = post(
        &app,
        &agent,
        "/api/v1/customers",
        json!({"name": "X", "numbers": ["13500000000"], "owner_id": t.admin.0}),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    let (st, _) = post(
        &app,
        &agent,
        "/api/v1/callbacks",
        json!({"number": "13500000000", "due_at": now + HOUR, "agent_id": t.admin.0}),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_customer_and_callback_input_answers_400_naming_the_field() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let now = app.state.now();
    let long = "x".repeat(101);
    for (path, body, field) in [
        (
            "/api/v1/customers",
            json!({"name": "", "numbers": ["1380013800"]}),
            "name",
        ),
        (
            "/api/v1/customers",
            json!({"name": long, "numbers": ["1380013800"]}),
            "name",
        ),
        (
            "/api/v1/customers",
            json!({"name": "A", "numbers": []}),
            "numbers",
        ),
        (
            "/api/v1/customers",
            json!({"name": "A", "numbers": ["abc"]}),
            "numbers",
        ),
        (
            "/api/v1/customers",
            json!({"name": "A", "numbers": ["123456", "123456"]}),
            "numbers",
        ),
        (
            "/api/v1/customers",
            json!({"name": "A", "numbers": ["123456"], "tags": [""]}),
            "tags",
        ),
        (
            "/api/v1/callbacks",
            json!({"number": "x1", "due_at": now + HOUR}),
            "number",
        ),
        (
            "/api/v1/callbacks",
            json!({"number": "123456", "due_at": now - 48 * HOUR}),
            "due_at",
        ),
        (
            "/api/v1/callbacks",
            json!({"number": "123456", "due_at": now + 400 * 24 * HOUR}),
            "due_at",
        ),
        (
            "/api/v1/callbacks",
            json!({"number": "123456", "due_at": now + HOUR, "customer_id": 999}),
            "customer_id",
        ),
        (
            "/api/v1/callbacks",
            json!({"number": "123456", "due_at": now + HOUR, "remark": "\u{7}"}),
            "remark",
        ),
    ] {
        let (st, b) = post(&app, &agent, path, body.clone()).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{body}: {b}");
        assert_eq!(b["error"]["details"]["field"], field, "{body}: {b}");
    }
    for path in [
        "/api/v1/customers?page_size=0",
        "/api/v1/customers?mine=maybe",
        "/api/v1/callbacks?state=later",
        "/api/v1/callbacks?from=10&to=5",
        "/api/v1/customers/lookup",
        "/api/v1/customers/1/timeline?limit=0",
    ] {
        let (st, b) = app.call(Method::GET, path, Some(&agent), None).await;
        assert!(
            st == StatusCode::BAD_REQUEST || st == StatusCode::NOT_FOUND,
            "{path}: {st} {b}"
        );
        assert_ne!(code(&b), "internal", "{path}: {b}");
    }
    // A follow-up without text.
    let (_, c) = post(
        &app,
        &agent,
        "/api/v1/customers",
        json!({"name": "A", "numbers": ["123456"]}),
    )
    .await;
    let (st, b) = post(
        &app,
        &agent,
        &format!("/api/v1/customers/{}/follow-ups", c["id"]),
        json!({"body": "   "}),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{b}");
}

#[tokio::test]
async fn users_without_answer_dial_get_403() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let role = app
        .state
        .store
        .tenant(t.id)
        .create_role(
            "Viewer",
            None,
            &[model::Permission::ViewCallRecords],
            model::DataScope::Enterprise,
            false,
            0,
        )
        .await
        .unwrap();
    app.state
        .store
        .tenant(t.id)
        .create_user(
            &store::NewUser {
                work_id: "v1".into(),
                name: "Viewer".into(),
                mobile: None,
                department: None,
                role_id: role.id,
                enabled: true,
                password_hash: api::auth::hash_password_blocking("viewer-pass").unwrap(),
            },
            0,
        )
        .await
        .unwrap();
    let viewer = app.token("acme", "v1", "viewer-pass").await;
    for path in [
        "/api/v1/customers",
        "/api/v1/callbacks",
        "/api/v1/me/callbacks",
    ] {
        let (st, _) = app.call(Method::GET, path, Some(&viewer), None).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{path}");
    }
}

/// How many of the agent's callbacks have expired.
async fn expired(app: &TestApp, token: &str) -> Value {
    let (_, page) = app
        .call(
            Method::GET,
            "/api/v1/callbacks?state=expired",
            Some(token),
            None,
        )
        .await;
    page["total"].clone()
}

/// How many callbacks the agent's phone bar lists for today.
async fn todays(app: &TestApp, token: &str) -> usize {
    let (_, list) = app
        .call(Method::GET, "/api/v1/me/callbacks", Some(token), None)
        .await;
    list.as_array().unwrap().len()
}

#[tokio::test]
async fn today_and_expiry_follow_the_enterprises_time_zone() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    // The clock: 2023-11-14 22:13:20 UTC, that is 06:13 on the 15th in Shanghai and 17:13 on
    // the 14th in New York.
    let now = app.state.now();
    let (st, s) = app
        .call(
            Method::GET,
            "/api/v1/enterprise/settings",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(s["time_zone"], "Asia/Shanghai", "the default");
    for bad in ["Mars/Olympus_Mons", "", "UTC+8"] {
        let (st, body) = app
            .call(
                Method::PUT,
                "/api/v1/enterprise/settings",
                Some(&admin),
                Some(&json!({ "time_zone": bad }).to_string()),
            )
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error"]["details"]["field"], "time_zone");
    }
    // A callback 8 h ahead: the same day in Shanghai (14:13), tomorrow in New York (01:13).
    let (st, cb) = post(
        &app,
        &agent,
        "/api/v1/callbacks",
        json!({"number": "13800138000", "due_at": now + 8 * HOUR}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{cb}");
    assert_eq!(todays(&app, &agent).await, 1, "today in Shanghai");

    let (st, s) = app
        .call(
            Method::PUT,
            "/api/v1/enterprise/settings",
            Some(&admin),
            Some(r#"{"time_zone":"America/New_York"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{s}");
    assert_eq!(s["time_zone"], "America/New_York");
    assert_eq!(todays(&app, &agent).await, 0, "tomorrow in New York");
    // New York's midnight passes: it is today's.
    app.clock.advance_ms(7 * HOUR);
    assert_eq!(todays(&app, &agent).await, 1, "after New York's midnight");
    // 23 h later it is 23:13 in New York, still its day (in Shanghai it would have expired at
    // its midnight, hours ago); an hour later it has expired.
    app.clock.advance_ms(23 * HOUR);
    assert_eq!(expired(&app, &agent).await, 0);
    assert_eq!(todays(&app, &agent).await, 1);
    app.clock.advance_ms(HOUR);
    assert_eq!(expired(&app, &agent).await, 1);
    assert_eq!(todays(&app, &agent).await, 0);
}
