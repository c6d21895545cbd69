//! Patchbay behind a real nginx, configured from the example the README shows
//! (`packaging/reverse-proxy/nginx.conf`): pages, API and the events WebSocket work through it,
//! and with `trusted_proxies` each forwarded visitor has its own login throttle while without
//! it every visitor is the proxy.
//!
//! Skips (with a message) when nginx is not installed, unless `PATCHBAY_REQUIRE_NGINX=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::StreamExt;
use patchbay::cli::SettingsArgs;
use patchbay::config::Config;
use patchbay::{demo, serve};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The nginx binary, or `None` (and the reason printed) when the test is to be skipped.
fn nginx_binary() -> Option<PathBuf> {
    let found = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var("PATCHBAY_REQUIRE_NGINX").as_deref() != Ok("1"),
            "nginx is not installed and PATCHBAY_REQUIRE_NGINX=1 (apt-get install nginx-light)"
        );
        eprintln!("SKIPPED: nginx is not installed (apt-get install nginx-light)");
    }
    found
}

/// A Patchbay server (HTTP only) on a free port, with the demo enterprise.
struct Patchbay {
    port: u16,
    dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Patchbay {
    async fn start(trusted_proxies: &[&str]) -> Patchbay {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_owned(),
            trusted_proxies: api::TrustedProxies::parse(trusted_proxies).unwrap(),
            ..Config::load(&SettingsArgs::default()).unwrap()
        };
        let store = serve::open_store(&config).await.unwrap();
        demo::seed_if_empty(&store, &config.data_dir, config.sip_listen, 0)
            .await
            .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            let transcription = patchbay::transcription::Transcription::load(&config).unwrap();
            serve::run(listener, store, &config, &transcription, None, async {
                let _ = rx.await;
            })
            .await
        });
        Patchbay {
            port,
            dir,
            stop: Some(tx),
            task,
        }
    }

    async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
}

/// nginx in the foreground (one process, no daemon, no system service) on a free port of
/// 127.0.0.1, proxying to Patchbay with the README's example; stopped when dropped.
struct Nginx {
    port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Nginx {
    async fn start(binary: &Path, upstream: u16) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let example = std::fs::read_to_string(example_path("nginx.conf")).unwrap();
        // The example as it stands, on plain HTTP at this test's ports.
        let site: String = example
            .lines()
            .filter(|l| !l.trim_start().starts_with("ssl_certificate"))
            .map(|l| {
                l.replace("listen 443 ssl;", &format!("listen 127.0.0.1:{port};"))
                    .replace("127.0.0.1:8080", &format!("127.0.0.1:{upstream}"))
                    + "\n"
            })
            .collect();
        let d = dir.path().display();
        let conf = format!(
            "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log stderr warn;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
             {site}\n}}\n"
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(binary)
            .arg("-e")
            .arg("stderr")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let nginx = Nginx {
            port,
            child,
            _dir: dir,
        };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return nginx;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("nginx did not start listening on {port}");
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn example_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../packaging/reverse-proxy/{name}"))
}

fn demo_password(dir: &Path, work_id: &str) -> String {
    let text = std::fs::read_to_string(dir.join(demo::CREDENTIALS_FILE)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cols| cols[1] == work_id)
        .map(|cols| cols[2].to_owned())
        .expect("account in the credentials file")
}

/// A sign-in to the demo enterprise as `work_id` from the visitor `forwarded_for` (the
/// `X-Forwarded-For` the client sends nginx): the status.
async fn login(http: &reqwest::Client, base: &str, forwarded_for: &str, password: &str) -> u16 {
    http.post(format!("{base}/api/v1/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&serde_json::json!({"enterprise": "demo", "work_id": "1001", "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn pages_the_api_and_the_events_websocket_work_through_nginx() {
    let Some(binary) = nginx_binary() else { return };
    let pb = Patchbay::start(&["127.0.0.1"]).await;
    let nginx = Nginx::start(&binary, pb.port).await;
    let base = format!("http://127.0.0.1:{}", nginx.port);
    let direct = format!("http://127.0.0.1:{}", pb.port);
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();

    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    // The web app's page is the same through nginx as straight from Patchbay.
    let page = http.get(format!("{base}/")).send().await.unwrap();
    let page_direct = http.get(format!("{direct}/")).send().await.unwrap();
    assert_eq!(page.status(), page_direct.status());
    assert_eq!(
        page.bytes().await.unwrap(),
        page_direct.bytes().await.unwrap()
    );

    let pw = demo_password(pb.dir.path(), "admin");
    let resp = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"enterprise": "demo", "work_id": "admin", "password": pw}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // nginx says the client came over plain HTTP: the cookie is not `Secure`.
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(!cookie.contains("Secure"), "{cookie}");
    let login: serde_json::Value = resp.json().await.unwrap();
    let token = login["token"].as_str().unwrap().to_owned();
    let groups: serde_json::Value = http
        .get(format!("{base}/api/v1/skill-groups"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(groups["items"].as_array().unwrap().len(), 2);

    let mut req = format!("ws://127.0.0.1:{}/api/v1/events", nginx.port)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(resp.status(), 101, "upgraded through nginx");
    let hello = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .expect("a greeting through nginx")
        .unwrap()
        .unwrap();
    let hello: serde_json::Value = serde_json::from_str(hello.to_text().unwrap()).unwrap();
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["me"]["work_id"], "admin");
    // Events keep flowing through the proxy after the upgrade.
    let resp = http
        .post(format!("{base}/api/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let ev = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .expect("an event through nginx")
        .unwrap()
        .unwrap();
    let ev: serde_json::Value = serde_json::from_str(ev.to_text().unwrap()).unwrap();
    assert_eq!(ev["type"], "session_revoked");

    drop(ws);
    drop(nginx);
    pb.stop().await;
}

/// Six wrong passwords for one account from visitor A earn A a wait (429); then visitor B tries
/// the same account. Returns B's status.
async fn after_a_guesses(nginx_port: u16) -> (u16, u16) {
    let base = format!("http://127.0.0.1:{nginx_port}");
    let http = reqwest::Client::new();
    let a = "198.51.100.1";
    for i in 0..6 {
        assert_eq!(login(&http, &base, a, "wrong").await, 401, "guess {i}");
    }
    let a_again = login(&http, &base, a, "wrong").await;
    let b = login(&http, &base, "198.51.100.2", "wrong").await;
    (a_again, b)
}

#[tokio::test]
async fn forwarded_visitors_are_throttled_apart_only_when_the_proxy_is_trusted() {
    let Some(binary) = nginx_binary() else { return };

    let pb = Patchbay::start(&["127.0.0.1"]).await;
    let nginx = Nginx::start(&binary, pb.port).await;
    let (a, b) = after_a_guesses(nginx.port).await;
    assert_eq!(a, 429, "the guessing visitor waits");
    assert_eq!(
        b, 401,
        "another visitor behind the same proxy is not held up"
    );
    drop(nginx);
    pb.stop().await;

    // Without `trusted_proxies` the header is not believed: everyone is nginx's address.
    let pb = Patchbay::start(&[]).await;
    let nginx = Nginx::start(&binary, pb.port).await;
    let (a, b) = after_a_guesses(nginx.port).await;
    assert_eq!(a, 429);
    assert_eq!(b, 429, "every visitor shares the proxy's address");
    drop(nginx);
    pb.stop().await;
}

#[test]
fn the_readme_shows_the_tested_proxy_examples() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    for name in ["nginx.conf", "Caddyfile"] {
        let example = std::fs::read_to_string(example_path(name)).unwrap();
        assert!(
            readme.contains(example.trim_end()),
            "README.md must show packaging/reverse-proxy/{name} as it is"
        );
    }
}
