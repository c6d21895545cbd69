//! Opens a fresh store on each backend for the repository tests.
//!
//! SQLite: a new file in a temporary directory. PostgreSQL: a new database on the server named by
//! `PATCHBAY_TEST_POSTGRES_URL` (the README's test command starts one). Without that variable the
//! PostgreSQL half is skipped with a message, unless `CI` or `PATCHBAY_REQUIRE_POSTGRES` is set, in
//! which case it fails: CI must never pass without having run against PostgreSQL.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU32, Ordering};

use model::{DataScope, EnterpriseId, Permission, RoleId};
use sqlx::Connection;
use store::{NewUser, Store};

/// A store plus what keeps it alive (the SQLite temp dir).
pub struct TestDb {
    pub store: Store,
    /// Where the database is, to open it again or look at it directly.
    pub url: String,
    /// The key its secrets are sealed with.
    pub key: store::SecretKey,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let key = store::SecretKey::generate();
    let store = Store::open(&url, &key).await.expect("open sqlite store");
    TestDb {
        store,
        url,
        key,
        _dir: Some(dir),
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub async fn postgres() -> Option<TestDb> {
    let Ok(admin_url) = std::env::var("PATCHBAY_TEST_POSTGRES_URL") else {
        if std::env::var_os("CI").is_some()
            || std::env::var_os("PATCHBAY_REQUIRE_POSTGRES").is_some()
        {
            panic!(
                "PATCHBAY_TEST_POSTGRES_URL is not set: the PostgreSQL store tests must run here"
            );
        }
        eprintln!("PATCHBAY_TEST_POSTGRES_URL not set: skipping the PostgreSQL half of this test");
        return None;
    };
    let name = format!(
        "patchbay_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await
    .expect("drop old test database");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b.to_owned())
        .expect("URL with a database path");
    let url = format!("{base}/{name}");
    let key = store::SecretKey::generate();
    let store = Store::open(&url, &key).await.expect("open postgres store");
    Some(TestDb {
        store,
        url,
        key,
        _dir: None,
    })
}

/// Runs one async test body against SQLite and PostgreSQL, as two test functions.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let db = $crate::common::sqlite().await;
                super::$name(&db.store).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(db) = $crate::common::postgres().await {
                    super::$name(&db.store).await;
                }
            }
        }
        )*
    };
}

/// An enterprise with an admin role, ready for tests.
pub async fn enterprise(store: &Store, code: &str) -> (EnterpriseId, RoleId) {
    let e = store
        .create_enterprise(code, &format!("{code} Ltd"), 1_000)
        .await
        .expect("create enterprise");
    let role = store
        .tenant(e.id)
        .create_role(
            "Admin",
            None,
            &Permission::ALL,
            DataScope::Enterprise,
            true,
            1_000,
        )
        .await
        .expect("create role");
    (e.id, role.id)
}

pub fn new_user(work_id: &str, role: RoleId) -> NewUser {
    NewUser {
        work_id: work_id.to_owned(),
        name: format!("User {work_id}"),
        mobile: None,
        department: None,
        role_id: role,
        enabled: true,
        password_hash: "$argon2id$stub-hash-for-store-tests".to_owned(),
    }
}
