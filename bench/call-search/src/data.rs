//! The benchmark's data: an enterprise with agents and skill groups made through the store, a
//! million call records written by one SQL statement, and sign-ins through the API.

use axum::body::Body;
use axum::http::{Method, Request, header};
use http_body_util::BodyExt;
use model::{DataScope, Permission};
use sqlx::Connection;
use tower::ServiceExt;

/// The first call's start (2026-01-01 00:00 UTC), unix ms.
pub(crate) const BASE: i64 = 1_767_225_600_000;
/// One call every 2 s.
pub(crate) const STEP_MS: i64 = 2_000;
const AGENTS: usize = 20;
const GROUPS: usize = 4;
const PASSWORD: &str = "bench-password";
const DB_NAME: &str = "patchbay_bench_call_search";

/// Ids made by [`setup`].
#[derive(Debug, Clone)]
pub(crate) struct Setup {
    pub(crate) enterprise: i64,
    pub(crate) agents: Vec<i64>,
    pub(crate) groups: Vec<i64>,
}

/// Enterprise `bench`: an admin (`admin`), 20 agents (`a0`…; `a0` has the `skill_groups` data
/// scope) and 4 skill groups of 5 agents each.
pub(crate) async fn setup(store: &store::Store) -> Setup {
    let e = store
        .create_enterprise("bench", "Bench", 0)
        .await
        .expect("enterprise");
    let t = store.tenant(e.id);
    let admin = t
        .create_role(
            "Admin",
            None,
            &Permission::ALL,
            DataScope::Enterprise,
            true,
            0,
        )
        .await
        .expect("role");
    let lead = t
        .create_role(
            "Lead",
            None,
            &[Permission::ViewCallRecords, Permission::AnswerDial],
            DataScope::SkillGroups,
            false,
            0,
        )
        .await
        .expect("role");
    let hash = api::auth::hash_password_blocking(PASSWORD).expect("hash");
    let user = |work_id: String, role| store::NewUser {
        work_id,
        name: "Bench".to_owned(),
        mobile: None,
        department: None,
        role_id: role,
        enabled: true,
        password_hash: hash.clone(),
    };
    t.create_user(&user("admin".to_owned(), admin.id), 0)
        .await
        .expect("admin");
    let mut groups = Vec::new();
    for g in 0..GROUPS {
        groups.push(
            t.create_skill_group(&format!("Group {g}"), None, 0)
                .await
                .expect("group")
                .id,
        );
    }
    let mut agents = Vec::new();
    for a in 0..AGENTS {
        let role = if a == 0 { lead.id } else { admin.id };
        let u = t
            .create_user(&user(format!("a{a}"), role), 0)
            .await
            .expect("agent");
        t.add_skill_group_member(groups[a % GROUPS], u.id, 3)
            .await
            .expect("member");
        agents.push(u.id.0);
    }
    Setup {
        enterprise: e.id.0,
        agents,
        groups: groups.into_iter().map(|g| g.0).collect(),
    }
}

/// The columns of a generated call `i` (`i` from 0): shared by both backends' statements.
fn columns(s: &Setup) -> String {
    let agents = s.agents.len();
    let groups = s.groups.len();
    // Agents and groups are consecutive ids (made one after the other on an empty database).
    let (a0, g0) = (s.agents[0], s.groups[0]);
    format!(
        "{e}, 'k' || CAST(i AS TEXT), \
         CASE WHEN i % 3 = 0 THEN 'agent_outbound' ELSE 'inbound' END, \
         CAST(13800000000 + i % 200000 AS TEXT), '4008000000', '4008000000', \
         {a0} + (i / 3) % {agents}, {BASE} + i * {STEP_MS}, \
         CASE WHEN i % 5 = 0 THEN NULL ELSE {BASE} + i * {STEP_MS} + 5000 END, \
         {BASE} + i * {STEP_MS} + 5000 + (i % 300) * 1000, 'customer', \
         CASE i % 10 WHEN 0 THEN 'missed' WHEN 5 THEN 'abandoned' ELSE 'answered' END, \
         {g0} + (i / 7) % {groups}, {BASE} + i * {STEP_MS} + 1000",
        e = s.enterprise
    )
}

const INSERT: &str = "INSERT INTO calls (enterprise_id, call_key, direction, caller, callee, \
     enterprise_number, agent_id, started_at, answered_at, ended_at, hangup_side, result, \
     skill_group_id, queued_at)";

/// Writes `rows` call records with one statement, then refreshes the planner's statistics.
pub(crate) async fn fill(url: &str, s: &Setup, rows: i64) {
    let cols = columns(s);
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("sqlite");
        let sql = format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {}) \
             {INSERT} SELECT {cols} FROM n",
            rows - 1
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut c)
            .await
            .expect("insert");
        sqlx::query("ANALYZE")
            .execute(&mut c)
            .await
            .expect("analyze");
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.expect("postgres");
        let sql = format!(
            "{INSERT} SELECT {cols} FROM generate_series(0::bigint, {}::bigint) AS g(i)",
            rows - 1
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut c)
            .await
            .expect("insert");
        sqlx::query("ANALYZE calls")
            .execute(&mut c)
            .await
            .expect("analyze");
    }
}

async fn login_as(app: &axum::Router, work_id: &str) -> String {
    let body = serde_json::json!({"enterprise": "bench", "work_id": work_id, "password": PASSWORD});
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("login");
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    v["token"].as_str().expect("token").to_owned()
}

/// A bearer token of the admin (data scope `enterprise`).
pub(crate) async fn login(app: &axum::Router) -> String {
    login_as(app, "admin").await
}

/// A bearer token of agent `a0` (data scope `skill_groups`).
pub(crate) async fn login_agent(app: &axum::Router) -> String {
    login_as(app, "a0").await
}

/// Creates the benchmark's database on the server of `admin_url`; its URL.
pub(crate) async fn create_pg_database(admin_url: &str) -> String {
    let mut c = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("postgres admin");
    for sql in [
        format!("DROP DATABASE IF EXISTS {DB_NAME}"),
        format!("CREATE DATABASE {DB_NAME}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut c)
            .await
            .expect("database");
    }
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .expect("URL with a database");
    format!("{base}/{DB_NAME}")
}

/// Drops the benchmark's database.
pub(crate) async fn drop_pg_database(admin_url: &str) {
    let mut c = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("postgres admin");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {DB_NAME}"
    )))
    .execute(&mut c)
    .await
    .expect("drop");
}
