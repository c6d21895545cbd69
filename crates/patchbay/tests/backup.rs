//! `patchbay backup DEST`: a running server's SQLite database copied while it serves, the copy
//! opened by the store with the data in it; PostgreSQL dumped with `pg_dump -Fc` and read back
//! by `pg_restore --list`.
//!
//! The PostgreSQL half runs against `PATCHBAY_TEST_POSTGRES_URL` (an admin URL, as the store
//! tests take it) and is skipped without it, unless `PATCHBAY_REQUIRE_POSTGRES` or `CI` is set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use patchbay::cli::SettingsArgs;
use patchbay::config::Config;
use patchbay::{demo, serve};
use sqlx::Connection;
use tokio::net::TcpListener;

fn demo_password(dir: &Path, work_id: &str) -> String {
    let text = std::fs::read_to_string(dir.join(demo::CREDENTIALS_FILE)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cols| cols[1] == work_id)
        .map(|cols| cols[2].to_owned())
        .expect("account in the credentials file")
}

/// `patchbay backup DEST` with `args`: exit success, stdout, stderr.
fn backup(args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_patchbay"))
        .arg("backup")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn migrations(url: &str) -> i64 {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    n.0
}

#[tokio::test]
async fn a_running_servers_sqlite_database_is_copied_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().join("data"),
        ..Config::load(&SettingsArgs::default()).unwrap()
    };
    let store = serve::open_store(&config).await.unwrap();
    demo::seed_if_empty(&store, &config.data_dir, config.sip_listen, 0)
        .await
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = config.clone();
    let task = tokio::spawn(async move {
        let transcription = patchbay::transcription::Transcription::load(&served).unwrap();
        serve::run(listener, store, &served, &transcription, None, async {
            let _ = stopped.await;
        })
        .await
    });

    // Data made through the API just before the backup.
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let pw = demo_password(&config.data_dir, "admin");
    let resp = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"enterprise": "demo", "work_id": "admin", "password": pw}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = http
        .post(format!("{base}/api/v1/skill-groups"))
        .json(&serde_json::json!({"name": "Backed up 备份"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{:?}", resp.text().await);

    let dest = dir.path().join("copy.db");
    let data_dir = config.data_dir.as_os_str();
    let (ok, out, err) = backup(&[dest.as_os_str(), "--data-dir".as_ref(), data_dir]);
    assert!(ok, "{out}\n{err}");
    let size = std::fs::metadata(&dest).unwrap().len();
    assert!(size > 0);
    assert!(
        out.contains(&dest.display().to_string()) && out.contains(&format!("{size} bytes")),
        "{out}"
    );
    // The server still serves while and after the copy is taken.
    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    // A second backup to the same file is refused, the first left as it was.
    let (ok, _, err) = backup(&[dest.as_os_str(), "--data-dir".as_ref(), data_dir]);
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::metadata(&dest).unwrap().len(), size);

    // The copy: every migration applied as in the original, the data there.
    let copy_url = format!("sqlite://{}", dest.display());
    assert_eq!(
        migrations(&copy_url).await,
        migrations(&config.database_url()).await
    );
    let migration_files =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations/sqlite"))
            .unwrap()
            .count();
    assert_eq!(
        usize::try_from(migrations(&copy_url).await).unwrap(),
        migration_files
    );
    let copy = store::Store::open(&copy_url, &store::SecretKey::generate())
        .await
        .unwrap();
    let ent = copy.enterprise_by_code("demo").await.unwrap().unwrap();
    let groups = copy
        .tenant(ent.id)
        .skill_groups(&Default::default())
        .await
        .unwrap();
    let names: Vec<&str> = groups.items.iter().map(|g| g.name.as_str()).collect();
    assert!(names.contains(&"Backed up 备份"), "{names:?}");
    copy.close().await;

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[test]
fn a_missing_sqlite_database_is_not_created_by_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("copy.db");
    let data_dir = dir.path().join("nothing-here");
    let (ok, _, err) = backup(&[
        dest.as_os_str(),
        "--data-dir".as_ref(),
        data_dir.as_os_str(),
    ]);
    assert!(!ok);
    assert!(err.contains("no SQLite database"), "{err}");
    assert!(!dest.exists() && !data_dir.join("patchbay.db").exists());
}

#[tokio::test]
async fn a_postgresql_database_is_dumped_in_pg_dumps_custom_format() {
    let Ok(admin_url) = std::env::var("PATCHBAY_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none()
                && std::env::var_os("PATCHBAY_REQUIRE_POSTGRES").is_none(),
            "PATCHBAY_TEST_POSTGRES_URL is not set: the PostgreSQL backup test must run here"
        );
        eprintln!("PATCHBAY_TEST_POSTGRES_URL not set: skipping the PostgreSQL backup test");
        return;
    };
    let name = format!("patchbay_backup_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{base}/{name}");
    let dir = tempfile::tempdir().unwrap();
    let store = store::Store::open(&url, &store::SecretKey::generate())
        .await
        .unwrap();
    demo::seed_if_empty(&store, dir.path(), "127.0.0.1:5060".parse().unwrap(), 0)
        .await
        .unwrap();

    let dest = dir.path().join("patchbay.dump");
    let (ok, out, err) = backup(&[dest.as_os_str(), "--database-url".as_ref(), url.as_ref()]);
    assert!(ok, "{out}\n{err}");
    let size = std::fs::metadata(&dest).unwrap().len();
    assert!(size > 1000, "{size} bytes");
    assert!(out.contains("pg_dump"), "{out}");
    let list = Command::new("pg_restore")
        .arg("--list")
        .arg(&dest)
        .output()
        .unwrap();
    assert!(list.status.success(), "{list:?}");
    let toc = String::from_utf8_lossy(&list.stdout);
    assert!(toc.contains("TABLE DATA public enterprises"), "{toc}");

    // A database that is not there: pg_dump's own message, and no file left behind.
    let gone = dir.path().join("gone.dump");
    let bad = format!("{base}/{name}_missing");
    let (ok, _, err) = backup(&[gone.as_os_str(), "--database-url".as_ref(), bad.as_ref()]);
    assert!(!ok);
    assert!(
        err.contains("pg_dump failed") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!gone.exists());

    store.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
}
