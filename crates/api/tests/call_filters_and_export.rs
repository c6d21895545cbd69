//! The call-record list's filters over the API, its exports to CSV and Excel (permission
//! `export`, the list's filters and data scope, streamed in pieces), and bad input answered 400.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};
use model::calls::{CallDirection, CallEvent, CallResult, HangupSide};

async fn call(
    app: &TestApp,
    key: &str,
    e: model::EnterpriseId,
    caller: &str,
    agent: Option<model::UserId>,
    at: i64,
    outcome: Option<CallResult>,
) {
    let store = &app.state.store;
    store
        .apply_call_event(&CallEvent::Started {
            key: key.into(),
            enterprise: e,
            direction: CallDirection::Inbound,
            caller: caller.into(),
            callee: "4008000000".into(),
            enterprise_number: Some("4008000000".into()),
            agent: None,
            at,
        })
        .await
        .unwrap();
    match outcome {
        None => {
            if let Some(a) = agent {
                store
                    .apply_call_event(&CallEvent::AgentAnswered {
                        key: key.into(),
                        agent: a,
                    })
                    .await
                    .unwrap();
            }
            store
                .apply_call_event(&CallEvent::Answered {
                    key: key.into(),
                    at: at + 3_000,
                    recording: None,
                })
                .await
                .unwrap();
        }
        Some(r) => store
            .apply_call_event(&CallEvent::Outcome {
                key: key.into(),
                result: r,
            })
            .await
            .map(|_| ())
            .unwrap(),
    }
    store
        .apply_call_event(&CallEvent::Ended {
            key: key.into(),
            at: at + 45_000,
            failure: None,
            hangup_side: HangupSide::Customer,
        })
        .await
        .unwrap();
}

/// The CSV's rows after the title row, split on commas (the test data has no quoted fields).
fn rows(csv: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::str::from_utf8(csv).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let titles = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    (
        titles,
        lines
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect(),
    )
}

#[tokio::test]
async fn exports_need_the_permission_and_hold_the_filtered_rows() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("bolt").await;
    let t0 = 1_700_000_000_000;
    // 640 answered calls of the agent (enough for several pieces of the CSV body), three
    // missed, two abandoned, and a call of another enterprise.
    for i in 0..640 {
        let caller = format!("139{:08}", i);
        call(
            &app,
            &format!("a{i}"),
            t.id,
            &caller,
            Some(t.agent),
            t0 + i * 60_000,
            None,
        )
        .await;
    }
    // The first call's customer rated it 5; the second was offered the survey and pressed
    // nothing.
    for (key, rating) in [("a0", Some(5)), ("a1", None)] {
        app.state
            .store
            .apply_call_event(&CallEvent::Survey {
                key: key.into(),
                rating,
            })
            .await
            .unwrap();
    }
    for (i, caller) in ["13800000001", "13800000002", "02161234567"]
        .iter()
        .enumerate()
    {
        let at = t0 + 3_600_000 * 24 + i as i64 * 1_000;
        call(
            &app,
            &format!("m{i}"),
            t.id,
            caller,
            None,
            at,
            Some(CallResult::Missed),
        )
        .await;
    }
    for i in 0..2 {
        call(
            &app,
            &format!("b{i}"),
            t.id,
            "13700000000",
            None,
            t0 + i,
            Some(CallResult::Abandoned),
        )
        .await;
    }
    call(
        &app,
        "x",
        other.id,
        "13800000001",
        None,
        t0,
        Some(CallResult::Missed),
    )
    .await;

    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    // The list: filters, the agent's name, sorting.
    let (st, missed) = app
        .call(
            Method::GET,
            "/api/v1/calls?result=missed&order=asc",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{missed}");
    assert_eq!(missed["total"], 3);
    assert_eq!(missed["items"][0]["caller"], "13800000001");
    let (_, answered) = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/calls?agent_id={}&from={}&to={}&q=1390000001&page_size=5",
                t.agent.0,
                t0,
                t0 + 20 * 60_000
            ),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        answered["total"], 10,
        "13900000010 … 13900000019: {answered}"
    );
    assert_eq!(answered["items"][0]["agent_name"], "acme 1001");
    assert_eq!(answered["items"][0]["agent_work_id"], "1001");

    // CSV in Chinese, the list's filters.
    let (st, ct, csv) = app
        .call_raw(
            Method::GET,
            "/api/v1/calls/export?format=csv&result=missed&utc_offset_minutes=480",
            Some(&admin),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(ct.as_deref(), Some("text/csv; charset=utf-8"));
    let (titles, data) = rows(&csv);
    assert_eq!(titles[0], "通话ID");
    assert_eq!(titles[12], "结果");
    assert_eq!(data.len(), 3);
    let callers: Vec<&str> = data.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(
        callers,
        ["02161234567", "13800000002", "13800000001"],
        "newest first, as the list"
    );
    assert!(data.iter().all(|r| r[12] == "未接" && r[14] == "客户"));
    assert_eq!(titles[15], "满意度");
    assert!(data.iter().all(|r| r[15] == "未邀评"), "not offered");
    assert_eq!(data[2][8], "2023-11-16 06:13:20", "the start in UTC+8");

    // Every answered call, in English, oldest first: more than one piece of the body.
    let (st, _, csv) = app
        .call_raw(
            Method::GET,
            "/api/v1/calls/export?format=csv&lang=en&result=answered&order=asc",
            Some(&admin),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(csv.len() > 64 * 1024, "{} bytes", csv.len());
    let (titles, data) = rows(&csv);
    assert_eq!(titles[..4], ["Call ID", "Direction", "Caller", "Callee"]);
    assert_eq!(data.len(), 640);
    assert_eq!(data[0][2], "13900000000");
    assert_eq!(data[639][2], "13900000639");
    assert!(
        data.iter()
            .all(|r| r[5] == "1001" && r[6] == "acme 1001" && r[11] == "42" && r[12] == "Answered")
    );
    assert_eq!(data[0][8], "2023-11-14 22:13:20", "UTC by default");
    assert_eq!(titles[15], "Satisfaction");
    let survey: Vec<&str> = data[..3].iter().map(|r| r[15].as_str()).collect();
    assert_eq!(survey, ["5", "No answer", "Not offered"]);

    // Excel: a workbook (zip) with one worksheet.
    let (st, ct, xlsx) = app
        .call_raw(
            Method::GET,
            "/api/v1/calls/export?format=xlsx&result=abandoned",
            Some(&admin),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        ct.as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert_eq!(&xlsx[..2], b"PK");
    assert!(xlsx.windows(24).any(|w| w == b"xl/worksheets/sheet1.xml"));

    // Without `export`: 403 naming it, for both formats. The agent role has neither permission.
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    for format in ["csv", "xlsx"] {
        let (st, body) = app
            .call(
                Method::GET,
                &format!("/api/v1/calls/export?format={format}"),
                Some(&agent),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    }
    let (st, _) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/roles/{}", t.agent_role.0),
            Some(&admin),
            Some(r#"{"permissions":["agent_login","view_call_records"]}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, body) = app
        .call(
            Method::GET,
            "/api/v1/calls/export?format=csv",
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "forbidden");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("export"),
        "{body}"
    );
    // With it, the agent's export keeps the `self` scope: only the agent's 640 calls.
    let (st, _) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/roles/{}", t.agent_role.0),
            Some(&admin),
            Some(r#"{"permissions":["agent_login","view_call_records","export"]}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, _, csv) = app
        .call_raw(
            Method::GET,
            "/api/v1/calls/export?format=csv",
            Some(&agent),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(rows(&csv).1.len(), 640);
    let (_, _, missed) = app
        .call_raw(
            Method::GET,
            "/api/v1/calls/export?format=csv&result=missed",
            Some(&agent),
            None,
            vec![],
        )
        .await;
    assert_eq!(
        rows(&missed).1.len(),
        0,
        "the missed calls rang no agent of this one"
    );

    // Bad input: 400 with a message.
    for (path, want) in [
        ("/api/v1/calls/export?format=pdf", "invalid_query"),
        ("/api/v1/calls/export", "invalid_query"),
        (
            "/api/v1/calls/export?format=csv&utc_offset_minutes=9000",
            "validation_failed",
        ),
        (
            "/api/v1/calls/export?format=csv&from=2000&to=1000",
            "validation_failed",
        ),
        ("/api/v1/calls?result=lost", "invalid_query"),
        ("/api/v1/calls?sort=caller", "invalid_query"),
        ("/api/v1/calls?from=yesterday", "invalid_query"),
        ("/api/v1/calls?from=-5", "validation_failed"),
        ("/api/v1/calls?page_size=500", "validation_failed"),
        ("/api/v1/calls?page=0", "validation_failed"),
        ("/api/v1/calls?direction=sideways", "invalid_query"),
    ] {
        let (st, body) = app.call(Method::GET, path, Some(&admin), None).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(code(&body), want, "{path}: {body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_skill_group_and_department_scopes_limit_list_and_export() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let (st, g) = app
        .call(
            Method::POST,
            "/api/v1/skill-groups",
            Some(&admin),
            Some(r#"{"name":"Support"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let support = model::SkillGroupId(g["id"].as_i64().unwrap());
    let (st, g) = app
        .call(
            Method::POST,
            "/api/v1/skill-groups",
            Some(&admin),
            Some(r#"{"name":"Sales"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let sales = model::SkillGroupId(g["id"].as_i64().unwrap());
    let tenant = app.state.store.tenant(t.id);
    tenant
        .add_skill_group_member(support, t.agent, 3)
        .await
        .unwrap();
    let t0 = 1_700_000_000_000;
    for (i, group) in [support, support, sales].into_iter().enumerate() {
        let key = format!("q{i}");
        call(
            &app,
            &key,
            t.id,
            &format!("1380000000{i}"),
            None,
            t0 + i as i64,
            Some(CallResult::Abandoned),
        )
        .await;
        app.state
            .store
            .apply_call_event(&CallEvent::Queued { key, group, at: t0 })
            .await
            .unwrap();
    }
    for scope in ["skill_groups", "department"] {
        let (st, body) = app
            .call(
                Method::PATCH,
                &format!("/api/v1/roles/{}", t.agent_role.0),
                Some(&admin),
                Some(&format!(
                    r#"{{"permissions":["view_call_records","export"],"data_scope":"{scope}"}}"#
                )),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
        let agent = app.token("acme", "1001", AGENT_PASS).await;
        let (_, list) = app
            .call(Method::GET, "/api/v1/calls", Some(&agent), None)
            .await;
        let (_, _, csv) = app
            .call_raw(
                Method::GET,
                "/api/v1/calls/export?format=csv",
                Some(&agent),
                None,
                vec![],
            )
            .await;
        let want = if scope == "skill_groups" { 2 } else { 0 };
        assert_eq!(list["total"], want, "{scope}: {list}");
        assert_eq!(rows(&csv).1.len(), want as usize, "{scope}");
    }
}
