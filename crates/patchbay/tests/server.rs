//! The whole server on a real socket: first start seeds the demo enterprise, its admin logs in
//! over HTTP, the events WebSocket greets them and is told when the session ends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures_util::StreamExt;
use patchbay::cli::SettingsArgs;
use patchbay::config::Config;
use patchbay::{demo, serve};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

struct Running {
    base: String,
    dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start() -> Running {
    start_with(|_| {}).await
}

async fn start_with(tweak: impl FnOnce(&mut Config)) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        data_dir: dir.path().to_owned(),
        ..Config::load(&SettingsArgs::default()).unwrap()
    };
    tweak(&mut config);
    let store = serve::open_store(&config).await.unwrap();
    demo::seed_if_empty(&store, &config.data_dir, config.sip_listen, 0)
        .await
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("127.0.0.1:{}", listener.local_addr().unwrap().port());
    let (tx, rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let transcription = patchbay::transcription::Transcription::load(&config).unwrap();
        serve::run(listener, store, &config, &transcription, None, async {
            let _ = rx.await;
        })
        .await
    });
    Running {
        base,
        dir,
        stop: Some(tx),
        task,
    }
}

fn demo_password(dir: &std::path::Path, work_id: &str) -> String {
    let text = std::fs::read_to_string(dir.join(demo::CREDENTIALS_FILE)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cols| cols[1] == work_id)
        .map(|cols| cols[2].to_owned())
        .expect("account in the credentials file")
}

#[tokio::test]
async fn the_demo_admin_logs_in_and_the_events_socket_reports_the_logout() {
    let mut srv = start().await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let health = http
        .get(format!("http://{}/healthz", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    let pw = demo_password(srv.dir.path(), "admin");
    let login: serde_json::Value = http
        .post(format!("http://{}/api/v1/auth/login", srv.base))
        .json(&serde_json::json!({"enterprise": "demo", "work_id": "admin", "password": pw}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap();
    assert!(login["me"]["permissions"].as_array().unwrap().len() >= 11);

    let groups: serde_json::Value = http
        .get(format!("http://{}/api/v1/skill-groups", srv.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = groups["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Sales 销售", "Support 客服"]);
    assert_eq!(
        groups["items"][0]["members"].as_array().unwrap().len(),
        2,
        "1001 and 1002 in Sales"
    );

    let mut req = format!("ws://{}/api/v1/events", srv.base)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let hello = next_json(&mut ws).await;
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["me"]["work_id"], "admin");

    let resp = http
        .post(format!("http://{}/api/v1/auth/logout", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let ev = next_json(&mut ws).await;
    assert_eq!(ev["type"], "session_revoked");
    assert_eq!(ev["reason"], "logout");

    srv.stop.take().unwrap().send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), srv.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn with_no_demo_an_empty_database_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_owned(),
        no_demo: true,
        ..Config::load(&SettingsArgs::default()).unwrap()
    };
    let store = serve::open_store(&config).await.unwrap();
    assert!(serve::seed_demo(&config, &store).await.unwrap().is_empty());
    assert_eq!(store.enterprise_count().await.unwrap(), 0);
    assert!(!dir.path().join(demo::CREDENTIALS_FILE).exists());

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let transcription = patchbay::transcription::Transcription::load(&config).unwrap();
        serve::run(listener, store, &config, &transcription, None, async {
            let _ = rx.await;
        })
        .await
    });
    let http = reqwest::Client::new();
    assert_eq!(
        http.get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let login = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"enterprise": "demo", "work_id": "admin", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 401, "no demo enterprise to sign in to");
    tx.send(()).unwrap();
    task.await.unwrap().unwrap();
}

async fn next_json<S>(ws: &mut S) -> serde_json::Value
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("an event within 10 s")
            .expect("socket open")
            .unwrap();
        if let Message::Text(t) = msg {
            return serde_json::from_str(&t).unwrap();
        }
    }
}

#[tokio::test]
async fn the_web_app_shell_is_served_for_client_routes() {
    let mut srv = start().await;
    let resp = reqwest::get(format!("http://{}/admin/users", srv.base))
        .await
        .unwrap();
    // 200 with the app when web/dist was built before compiling, else 404 with a hint.
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    assert!(
        (status == 200 && text.contains("<div id=\"root\""))
            || (status == 404 && text.contains("npm run build")),
        "{status}: {text}"
    );
    srv.stop.take().unwrap().send(()).unwrap();
}

/// Reads until the peer closes the connection (or 5 s pass): what it sent, and how long it took.
async fn until_closed(conn: &mut tokio::net::TcpStream) -> (String, Duration) {
    use tokio::io::AsyncReadExt;
    let started = std::time::Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), conn.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => panic!("still open after 5 s"),
        }
    }
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_client_that_sends_its_request_head_too_slowly_is_cut_off_and_others_are_served() {
    use tokio::io::AsyncWriteExt;
    let mut srv = start_with(|c| c.http_header_timeout_secs = 1).await;
    // Slowloris: half a request head, then nothing.
    let mut slow = tokio::net::TcpStream::connect(&srv.base).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    // A silent client: connects and sends nothing.
    let mut silent = tokio::net::TcpStream::connect(&srv.base).await.unwrap();
    // Meanwhile a normal client is served at once.
    let ok = reqwest::get(format!("http://{}/healthz", srv.base))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let (_, slow_after) = until_closed(&mut slow).await;
    let (_, silent_after) = until_closed(&mut silent).await;
    assert!(slow_after < Duration::from_secs(4), "{slow_after:?}");
    assert!(silent_after < Duration::from_secs(4), "{silent_after:?}");
    // A kept-alive connection that sends its second request head too slowly is closed too,
    // after its first request was answered.
    let mut kept = tokio::net::TcpStream::connect(&srv.base).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHo")
        .await
        .unwrap();
    let (answered, kept_after) = until_closed(&mut kept).await;
    assert_eq!(answered.matches("HTTP/1.1 200").count(), 1, "{answered}");
    assert!(kept_after < Duration::from_secs(4), "{kept_after:?}");
    srv.stop.take().unwrap().send(()).unwrap();
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_and_a_freed_slot_serves_again() {
    use tokio::io::AsyncWriteExt;
    let mut srv = start_with(|c| {
        c.http_max_connections = 3;
        c.http_header_timeout_secs = 2;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut c = tokio::net::TcpStream::connect(&srv.base).await.unwrap();
        // Each holds its slot with a request head not yet finished.
        c.write_all(b"GET /healthz HTTP/1.1\r\n").await.unwrap();
        held.push(c);
    }
    // Give the server the moment to accept all three.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut fourth = tokio::net::TcpStream::connect(&srv.base).await.unwrap();
    let _ = fourth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let (answer, after) = until_closed(&mut fourth).await;
    assert!(answer.is_empty(), "served beyond the cap: {answer}");
    assert!(after < Duration::from_secs(1), "{after:?}");
    // One held connection finishes its request and leaves: its slot serves the next client.
    held[0]
        .write_all(b"Host: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = until_closed(&mut held[0]).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let ok = reqwest::get(format!("http://{}/healthz", srv.base))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    srv.stop.take().unwrap().send(()).unwrap();
}
