//! Call-record search over 1,000,000 records, on SQLite and PostgreSQL: p50/p99 of the filtered,
//! paged list (`GET /api/v1/calls`, with its count) and the time and peak memory of exporting
//! 100,000 rows to CSV and Excel (`GET /api/v1/calls/export`), through the real HTTP routes.
//!
//! Run: `cargo run --release -p call-search` (SQLite only), or with PostgreSQL:
//! `PATCHBAY_BENCH_POSTGRES_URL=postgres://USER@127.0.0.1:PORT/postgres cargo run --release -p call-search`
//! (a throw-away database is created on that server and dropped after). `-- ROWS` changes the
//! number of records (default 1,000,000). Prints figures; asserts nothing about time.
//!
//! The records: one enterprise, 20 agents in 4 skill groups, a call every 2 s over about 23 days,
//! inbound and outbound, answered, missed and abandoned, from 200,000 distinct numbers, written by
//! one SQL statement per backend (the way the engine writes them would take hours). Every list
//! request also counts its matches (the page's total), as the web app's list does; "matches" is
//! that total for the last run of a kind.

mod data;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use bench_harness::{Samples, fmt_duration};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The request path of a query kind's `i`-th run.
type PathOf = Box<dyn Fn(usize) -> String>;

/// List queries run per kind.
const RUNS: usize = 20;
/// Rows the export covers.
const EXPORT_ROWS: i64 = 100_000;

#[tokio::main]
async fn main() {
    let rows: i64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("ROWS must be a number"))
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    run("SQLite", &sqlite, rows).await;
    match std::env::var("PATCHBAY_BENCH_POSTGRES_URL") {
        Ok(admin) => {
            let url = data::create_pg_database(&admin).await;
            run("PostgreSQL", &url, rows).await;
            data::drop_pg_database(&admin).await;
        }
        Err(_) => println!(
            "\nPostgreSQL: skipped (set PATCHBAY_BENCH_POSTGRES_URL to an admin URL to run it)"
        ),
    }
}

/// One request through the app; the status and the whole body.
async fn request(app: &axum::Router, token: &str, path: &str) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, body.to_vec())
}

async fn run(label: &str, url: &str, rows: i64) {
    println!("\n== {label}: {rows} call records ==");
    let store = store::Store::open(url, &store::SecretKey::generate())
        .await
        .expect("open store");
    let setup = data::setup(&store).await;
    let t = Instant::now();
    data::fill(url, &setup, rows).await;
    println!(
        "written in {:.1} s (one INSERT … SELECT, then ANALYZE)",
        t.elapsed().as_secs_f64()
    );

    let clock = Arc::new(engine::ManualClock::new(data::BASE + rows * data::STEP_MS));
    let state = api::AppState::new(store.clone(), clock);
    let app = api::app(state);
    let token = data::login(&app).await;
    let agent_token = data::login_agent(&app).await;

    let day = 24 * 3_600_000;
    let last = data::BASE + (rows - 1) * data::STEP_MS;
    let week_from = last - 7 * day;
    let kinds: Vec<(&str, PathOf, bool)> = vec![
        (
            "newest first, page 1",
            Box::new(|_| "/api/v1/calls?page_size=20".to_owned()),
            false,
        ),
        (
            "page 50 of everything",
            Box::new(|_| "/api/v1/calls?page=50&page_size=20".to_owned()),
            false,
        ),
        (
            "one day + agent + answered",
            Box::new(move |i| {
                let from = last - ((i % 20) as i64 + 1) * day;
                format!(
                    "/api/v1/calls?from={from}&to={}&agent_id={}&result=answered&page=2",
                    from + day,
                    setup.agents[i % setup.agents.len()]
                )
            }),
            false,
        ),
        (
            "7 days, sorted by talk time",
            Box::new(move |_| {
                format!("/api/v1/calls?from={week_from}&sort=talk_seconds&order=desc")
            }),
            false,
        ),
        (
            "skill group + missed",
            Box::new(move |i| {
                format!(
                    "/api/v1/calls?skill_group_id={}&result=missed",
                    setup.groups[i % setup.groups.len()]
                )
            }),
            false,
        ),
        (
            "number contains (7 digits)",
            Box::new(|i| format!("/api/v1/calls?q=138000{}", 10 + i % 80)),
            false,
        ),
        (
            "agent with skill_groups scope",
            Box::new(|_| "/api/v1/calls?page_size=20".to_owned()),
            true,
        ),
    ];
    for (name, path, as_agent) in &kinds {
        let mut samples = Samples::with_capacity(RUNS);
        let mut total = 0;
        for i in 0..RUNS {
            let p = path(i);
            let t = Instant::now();
            let (st, body) = request(&app, if *as_agent { &agent_token } else { &token }, &p).await;
            samples.push(t.elapsed());
            assert_eq!(
                st,
                StatusCode::OK,
                "{p}: {}",
                String::from_utf8_lossy(&body)
            );
            let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
            total = v["total"].as_i64().unwrap_or(0);
        }
        println!(
            "{}  (matches {total})",
            samples.summary(&format!("list: {name}"))
        );
    }

    // The newest EXPORT_ROWS rows, by time range.
    let from = last - (EXPORT_ROWS - 1) * data::STEP_MS;
    for format in ["csv", "xlsx"] {
        reset_peak_rss();
        let before = peak_rss_mib();
        let t = Instant::now();
        let (st, bytes) = streamed(
            &app,
            &token,
            &format!("/api/v1/calls/export?format={format}&from={from}&lang=en"),
        )
        .await;
        let took = t.elapsed();
        assert_eq!(st, StatusCode::OK);
        println!(
            "export {format}: {EXPORT_ROWS} rows in {} ({:.1} MB), peak RSS {:.0} MiB (was {:.0} MiB before)",
            fmt_duration(took),
            bytes as f64 / 1e6,
            peak_rss_mib(),
            before
        );
    }
    store.close().await;
}

/// One request whose body is read frame by frame and dropped, as a client saving a download
/// would: the status and the body's length.
async fn streamed(app: &axum::Router, token: &str, path: &str) -> (StatusCode, usize) {
    let req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let mut body = resp.into_body();
    let mut n = 0;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.expect("body frame").into_data() {
            n += data.len();
        }
    }
    (status, n)
}

/// Resets the process's peak resident set (`VmHWM`) to its current size (Linux).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident set since the last reset, in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
