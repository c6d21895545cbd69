//! Customers to and from Excel: an .xlsx file imports like a CSV one (the first sheet, the same
//! column titles in English or Chinese), its progress goes to the importing user's events socket
//! batch by batch, a damaged workbook is refused without changing anything, and the export as
//! `format=xlsx` is a workbook holding what the list's filters match.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Cursor;

use axum::http::{Method, StatusCode};
use calamine::{Reader, Xlsx};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};
use model::Event;
use rust_xlsxwriter::Workbook;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook whose first sheet holds `rows` (the first row the titles); a number-like cell is
/// written as a number, as a spreadsheet program keeps a typed phone number. A second sheet
/// that must not be read.
fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, cells) in (0u32..).zip(rows) {
        for (c, cell) in (0u16..).zip(cells.iter()) {
            if let (true, Ok(n)) = (r > 0, cell.parse::<f64>()) {
                sheet.write_number(r, c, n).unwrap();
            } else if !cell.is_empty() {
                sheet.write_string(r, c, *cell).unwrap();
            }
        }
    }
    let other = book.add_worksheet();
    other.write_string(0, 0, "name").unwrap();
    other.write_string(0, 1, "numbers").unwrap();
    other.write_string(1, 0, "Not me").unwrap();
    other.write_string(1, 1, "13000000000").unwrap();
    book.save_to_buffer().unwrap()
}

async fn import(app: &TestApp, token: &str, file: Vec<u8>) -> (StatusCode, serde_json::Value) {
    let (st, _, body) = app
        .call_raw(
            Method::POST,
            "/api/v1/customers/import",
            Some(token),
            Some("application/octet-stream"),
            file,
        )
        .await;
    (st, serde_json::from_slice(&body).unwrap())
}

async fn customer_count(app: &TestApp, token: &str) -> i64 {
    let (st, list) = app
        .call(Method::GET, "/api/v1/customers", Some(token), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    list["total"].as_i64().unwrap()
}

/// The rows of a workbook's first sheet as text.
fn sheet_rows(file: Vec<u8>) -> Vec<Vec<String>> {
    let mut book = Xlsx::new(Cursor::new(file)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[tokio::test]
async fn an_excel_file_imports_with_progress_and_the_export_as_excel_reads_back() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let mut events = app.state.hub.subscribe(t.agent);
    let file = workbook(&[
        &["姓名", "电话", "公司", "标签", "备注"],
        &["张三", "13800138000", "深圳科技", "VIP;老客户", "ignored"],
        &["", "13900000000", "", "", ""],
        &["李四", "not-a-number", "", "", ""],
        &["", "", "", "", ""],
        &["Wang Wu", "13700000000;0755123456", "", "VIP", ""],
        &["重复", "13800138000", "", "", ""],
    ]);
    let (st, report) = import(&app, &agent, file).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(report["created"], 2, "{report}");
    // Rows count from the first after the titles; the blank row 4 is skipped, not refused.
    let rows: Vec<i64> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, [2, 3, 6], "{report}");
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
    // One batch: all five data rows handled.
    let Ok(event) = events.try_recv() else {
        panic!("no progress event")
    };
    assert_eq!(*event, Event::CustomerImport { done: 5, total: 5 });
    let (_, list) = app
        .call(Method::GET, "/api/v1/customers?q=张三", Some(&agent), None)
        .await;
    assert_eq!(list["items"][0]["numbers"][0], "13800138000");
    assert_eq!(list["items"][0]["tags"][1], "老客户");
    assert_eq!(list["items"][0]["owner_id"], t.agent.0);
    assert_eq!(
        customer_count(&app, &agent).await,
        2,
        "the second sheet is not read"
    );

    // The agent's role has no `export`; the admin's has.
    let (st, _, _) = app
        .call_raw(
            Method::GET,
            "/api/v1/customers/export?format=xlsx",
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
            "/api/v1/customers/export?format=xlsx&tag=VIP&q=wang",
            Some(&admin),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&file));
    assert_eq!(ct.as_deref(), Some(XLSX));
    let rows = sheet_rows(file);
    assert_eq!(
        rows[0],
        ["name", "numbers", "company", "tags", "owner", "created"]
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows[1][..5],
        ["Wang Wu", "13700000000;0755123456", "", "VIP", "acme 1001"]
    );
    assert_eq!(rows[1][5], "2023-11-15", "{rows:?}");
    // Without filters: both customers; the workbook imports back (nothing new: the numbers
    // are taken).
    let (_, _, file) = app
        .call_raw(
            Method::GET,
            "/api/v1/customers/export?format=xlsx",
            Some(&admin),
            None,
            vec![],
        )
        .await;
    let mut names: Vec<String> = sheet_rows(file.clone())[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    names.sort();
    assert_eq!(names, ["Wang Wu", "张三"]);
    let (st, report) = import(&app, &admin, file).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(report["created"], 0, "{report}");
    assert_eq!(report["errors"].as_array().unwrap().len(), 2, "{report}");
    // `csv` stays the default; an unknown format is refused.
    let (st, ct, _) = app
        .call_raw(
            Method::GET,
            "/api/v1/customers/export",
            Some(&admin),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(ct.unwrap().starts_with("text/csv"));
    let (st, body) = app
        .call(
            Method::GET,
            "/api/v1/customers/export?format=pdf",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn a_large_import_is_written_and_reported_in_batches_of_500() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let mut events = app.state.hub.subscribe(t.agent);
    let names: Vec<String> = (0..1_200).map(|i| format!("客户{i}")).collect();
    let numbers: Vec<String> = (0..1_200).map(|i| format!("1380000{i:04}")).collect();
    let mut rows: Vec<Vec<&str>> = vec![vec!["name", "numbers"]];
    for (n, number) in names.iter().zip(&numbers) {
        rows.push(vec![n, number]);
    }
    // One refused row, counted as handled before the first batch.
    rows.push(vec!["No number", ""]);
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let (st, report) = import(&app, &agent, workbook(&rows)).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(report["created"], 1_200);
    assert_eq!(report["errors"][0]["row"], 1_201);
    let mut progress = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let Event::CustomerImport { done, total } = *e {
            progress.push((done, total));
        }
    }
    assert_eq!(progress, [(501, 1_201), (1_001, 1_201), (1_201, 1_201)]);
    assert_eq!(customer_count(&app, &agent).await, 1_200);
}

#[tokio::test]
async fn a_damaged_or_empty_workbook_is_refused_and_nothing_changes() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, report) = import(
        &app,
        &agent,
        workbook(&[&["name", "numbers"], &["张三", "13800138000"]]),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(customer_count(&app, &agent).await, 1);
    let good = workbook(&[&["name", "numbers"], &["李四", "13900139000"]]);
    let mut damaged = good.clone();
    damaged.truncate(good.len() / 2);
    let mut scrambled = good.clone();
    for b in &mut scrambled[200..1_000] {
        *b ^= 0x5a;
    }
    for file in [b"PK\x03\x04 not a workbook".to_vec(), damaged, scrambled] {
        let (st, body) = import(&app, &agent, file).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&body), "invalid_file", "{body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("xlsx"),
            "{body}"
        );
    }
    // A workbook without the required columns, or with titles only.
    for file in [
        workbook(&[&["company", "tags"], &["A", "B"]]),
        workbook(&[]),
    ] {
        let (st, body) = import(&app, &agent, file).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(code(&body), "invalid_file", "{body}");
    }
    assert_eq!(customer_count(&app, &agent).await, 1);
}
