//! Built-in HTTPS on the real binary: with `tls_cert` and `tls_key` the HTTP port speaks TLS
//! only, a client that trusts the certificate signs in (cookie `Secure`), and after the files
//! are replaced and SIGHUP is sent, new connections get the new certificate.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use patchbay::demo;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A self-signed certificate for 127.0.0.1 and localhost, written to `dir`.
fn write_certificate(dir: &Path) -> CertificateDer<'static> {
    let made =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    // Replaced the way certbot and friends do: a new file moved over the old one.
    std::fs::write(dir.join("cert.pem.new"), made.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem.new"), made.signing_key.serialize_pem()).unwrap();
    std::fs::rename(dir.join("cert.pem.new"), dir.join("cert.pem")).unwrap();
    std::fs::rename(dir.join("key.pem.new"), dir.join("key.pem")).unwrap();
    made.cert.der().clone()
}

/// A TLS client that trusts `cert` only.
fn trusting(cert: &CertificateDer<'static>) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.clone()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// One HTTP/1.1 request over a new TLS connection: the certificate the server showed and the
/// response's head and body.
async fn https(
    client: &tokio_rustls::TlsConnector,
    port: u16,
    request: &str,
) -> std::io::Result<(CertificateDer<'static>, String, String)> {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let mut tls = client.connect(name, tcp).await?;
    let shown = tls.get_ref().1.peer_certificates().unwrap()[0].clone();
    tls.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    // The server closes after the response (`Connection: close`); some close without TLS's
    // close_notify, which is fine here.
    let _ = tls.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Ok((shown, head.to_owned(), body.to_owned()))
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
}

fn post_json(path: &str, body: &serde_json::Value) -> String {
    let body = body.to_string();
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with the certificate in `dir`; the port it serves on (from its start-up
/// line, which must say https).
fn start(dir: &Path) -> (Server, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_patchbay"))
        .args(["serve", "--http-listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(dir.join("data"))
        .env("PATCHBAY_SIP_LISTEN", "127.0.0.1:0")
        .env("PATCHBAY_RTP_PORTS", "41900-41999")
        .env("PATCHBAY_TLS_CERT", dir.join("cert.pem"))
        .env("PATCHBAY_TLS_KEY", dir.join("key.pem"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let server = Server { child };
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(60)) {
        if let Some(url) = line.strip_prefix("Patchbay is serving the web UI at ") {
            let port = url
                .strip_prefix("https://127.0.0.1:")
                .unwrap_or_else(|| panic!("not an https URL: {url}"))
                .parse()
                .unwrap();
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || while lines.recv().is_ok() {});
            return (server, port);
        }
    }
    panic!("the server did not say where it serves");
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

#[tokio::test]
async fn https_only_with_a_secure_cookie_and_a_new_certificate_after_sighup() {
    let dir = tempfile::tempdir().unwrap();
    let first = write_certificate(dir.path());
    let (server, port) = start(dir.path());
    let old_client = trusting(&first);

    let (shown, head, body) = https(&old_client, port, &get("/healthz")).await.unwrap();
    assert_eq!(shown, first);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body, "ok");

    let pw = demo_password(&dir.path().join("data"), "admin");
    let login = serde_json::json!({"enterprise": "demo", "work_id": "admin", "password": pw});
    let (_, head, body) = https(&old_client, port, &post_json("/api/v1/auth/login", &login))
        .await
        .unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{body}");
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .expect("a session cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");

    // Plain HTTP to the same port gets no HTTP answer.
    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(plain.is_err(), "plain HTTP answered: {plain:?}");

    // A broken new file on SIGHUP: logged, the certificate in use stays.
    std::fs::write(dir.path().join("key.pem"), "garbage\n").unwrap();
    hang_up(&server);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (shown, head, _) = https(&old_client, port, &get("/healthz")).await.unwrap();
    assert_eq!(shown, first, "a bad new key keeps the old certificate");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");

    // New files and SIGHUP: new connections see the new certificate.
    let second = write_certificate(dir.path());
    assert_ne!(first, second);
    hang_up(&server);
    let new_client = trusting(&second);
    let mut seen = None;
    for _ in 0..50 {
        if let Ok((shown, head, _)) = https(&new_client, port, &get("/healthz")).await {
            seen = Some((shown, head));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (shown, head) = seen.expect("the new certificate is served after SIGHUP");
    assert_eq!(shown, second);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        https(&old_client, port, &get("/healthz")).await.is_err(),
        "the old certificate is no longer shown"
    );
}

fn hang_up(server: &Server) {
    let status = Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}
