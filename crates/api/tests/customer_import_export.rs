//! Customers to and from CSV: an import adds the good rows (owned by the importing agent) and
//! names each refused row and why; the export holds what the list's filters match, within the
//! data scope, and needs the `export` permission.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};

const FILE: &str = "\u{feff}姓名,电话,公司,标签,备注\n\
张三,13800138000;0755123456,深圳科技,VIP;老客户,ignored\n\
,13900000000,,,\n\
李四,not-a-number,,,\n\
\"Wang, Wu\",13700000000,,,\n\
重复,13800138000,,,\n";

#[tokio::test]
async fn an_import_adds_good_rows_and_reports_the_others_and_the_export_reads_back() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, _, body) = app
        .call_raw(
            Method::POST,
            "/api/v1/customers/import",
            Some(&agent),
            Some("text/csv"),
            FILE.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let report: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(report["created"], 2, "{report}");
    let rows: Vec<i64> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, [2, 3, 5], "{report}");
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("name"),
        "{report}"
    );
    assert!(
        report["errors"][2]["message"]
            .as_str()
            .unwrap()
            .contains("another customer"),
        "{report}"
    );
    let (_, list) = app
        .call(Method::GET, "/api/v1/customers?q=张三", Some(&agent), None)
        .await;
    assert_eq!(list["items"][0]["numbers"][1], "0755123456");
    assert_eq!(list["items"][0]["tags"][1], "老客户");
    assert_eq!(list["items"][0]["owner_id"], t.agent.0);

    // The agent's role has no `export`; the admin's has.
    let (st, _, _) = app
        .call_raw(
            Method::GET,
            "/api/v1/customers/export",
            Some(&agent),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let (st, ct, file) = app
        .call_raw(
            Method::GET,
            "/api/v1/customers/export?tag=VIP",
            Some(&admin),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(ct.unwrap().starts_with("text/csv"));
    let text = String::from_utf8(file).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "name,numbers,company,tags,owner,created");
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[1].starts_with("张三,13800138000;0755123456,深圳科技,VIP;老客户,acme 1001,"),
        "{text}"
    );
}

#[tokio::test]
async fn a_file_without_the_required_columns_or_not_text_answers_400_and_one_past_5_mb_413() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    for body in [
        b"company,tags\nA,B\n".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x41],
    ] {
        let (st, _, resp) = app
            .call_raw(
                Method::POST,
                "/api/v1/customers/import",
                Some(&agent),
                Some("text/csv"),
                body,
            )
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST);
        let v: serde_json::Value = serde_json::from_slice(&resp).unwrap();
        assert_eq!(code(&v), "invalid_file");
    }
    // A list larger than the API's usual 256 KB is taken: 4,800 rows, about 330 KB.
    let mut list = b"name,numbers\n".to_vec();
    for i in 0..4_800 {
        list.extend_from_slice(
            format!("Customer {i:04} of the spring trade fair visitors list Hall 4,139{i:08}\n")
                .as_bytes(),
        );
    }
    assert!(list.len() > 300 * 1024, "{} bytes", list.len());
    let (st, _, resp) = app
        .call_raw(
            Method::POST,
            "/api/v1/customers/import",
            Some(&agent),
            Some("text/csv"),
            list,
        )
        .await;
    let v: serde_json::Value = serde_json::from_slice(&resp).unwrap();
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["created"], 4_800, "{v}");
    // Past 5 MB: 413, nothing added.
    let mut big = b"name,numbers\n".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b'x');
    let (st, _, resp) = app
        .call_raw(
            Method::POST,
            "/api/v1/customers/import",
            Some(&agent),
            Some("text/csv"),
            big,
        )
        .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    let v: serde_json::Value = serde_json::from_slice(&resp).unwrap();
    assert_eq!(code(&v), "payload_too_large");
}
