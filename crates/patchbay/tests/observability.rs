//! Operating the server: `/metrics` in the Prometheus text format holds HTTP, call, RTP, queue,
//! agent and trunk figures after an API call and a SIP call; `/readyz` says 200 while the
//! database and the SIP endpoint answer and 503 naming the SIP endpoint once it stops;
//! `patchbay serve --no-demo` starts without any enterprise.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use media::g711;
use media::rtp::RtpFrame;
use media::tone::ToneGenerator;
use patchbay::cli::SettingsArgs;
use patchbay::config::{Config, PortRange};
use patchbay::{demo, serve};
use tokio::net::{TcpListener, UdpSocket};

mod common;

use common::{final_response, in_dialog, invite};

/// One sample of the text format: name, labels, value.
#[derive(Debug, Clone)]
struct Sample {
    name: String,
    labels: HashMap<String, String>,
    value: f64,
}

/// Parses the Prometheus text exposition format (0.0.4), strictly enough to fail on anything
/// malformed: `# HELP` / `# TYPE` comments, then `name{label="value",...} number` lines.
fn parse_prometheus(text: &str) -> (Vec<Sample>, HashMap<String, String>) {
    let mut samples = Vec::new();
    let mut types = HashMap::new();
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            && !n.starts_with(|c: char| c.is_ascii_digit())
    };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(name_ok(name), "{line}");
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "{line}"
            );
            types.insert(name.to_owned(), kind.to_owned());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("series value");
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("bad value in {line}")),
        };
        let (name, labels) = match series.split_once('{') {
            None => (series, HashMap::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').expect("labels end with }");
                let mut labels = HashMap::new();
                let mut chars = body.chars().peekable();
                while chars.peek().is_some() {
                    let key: String = chars.by_ref().take_while(|&c| c != '=').collect();
                    assert!(name_ok(&key), "label name {key:?} in {line}");
                    assert_eq!(chars.next(), Some('"'), "{line}");
                    let mut val = String::new();
                    loop {
                        match chars.next().expect("closing quote") {
                            '\\' => match chars.next().expect("escape") {
                                'n' => val.push('\n'),
                                c => val.push(c),
                            },
                            '"' => break,
                            c => val.push(c),
                        }
                    }
                    labels.insert(key, val);
                    match chars.next() {
                        Some(',') | None => {}
                        Some(c) => panic!("unexpected {c:?} in {line}"),
                    }
                }
                (name, labels)
            }
        };
        assert!(name_ok(name), "metric name in {line}");
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    (samples, types)
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
}

struct Server {
    http: String,
    sip: SocketAddr,
    handle: engine::sipd::SipHandle,
    dir: tempfile::TempDir,
    stop_sip: tokio::sync::watch::Sender<bool>,
    stop_http: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// The whole server in-process as `serve::main` starts it, on port 0 and loopback.
async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_owned(),
        sip_listen: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: PortRange {
            low: 41_600,
            high: 41_699,
        },
        ..Config::load(&SettingsArgs::default()).unwrap()
    };
    let store = serve::open_store(&config).await.unwrap();
    assert!(!serve::seed_demo(&config, &store).await.unwrap().is_empty());
    let (stop_sip, stop_rx) = tokio::sync::watch::channel(false);
    let hub = Arc::new(engine::EventHub::default());
    let (sip, _records) = serve::start_sip(&config, &store, hub.clone(), stop_rx)
        .await
        .unwrap();
    let sip_addr = sip.local_addr;
    let handle = sip.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let transcription = patchbay::transcription::Transcription::load(&config).unwrap();
        serve::run(
            listener,
            store,
            &config,
            &transcription,
            Some((sip, hub)),
            async {
                let _ = rx.await;
            },
        )
        .await
    });
    Server {
        http,
        sip: sip_addr,
        handle,
        dir,
        stop_sip,
        stop_http: Some(tx),
        task,
    }
}

/// Calls the echo number 9196, sends a second of tone, hangs up.
async fn echo_call(server: SocketAddr) {
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let rtp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (sp, rp) = (
        sip.local_addr().unwrap().port(),
        rtp.local_addr().unwrap().port(),
    );
    sip.send_to(invite("9196", sp, rp, "metrics-1").as_bytes(), server)
        .await
        .unwrap();
    let ok = final_response(&sip).await;
    assert_eq!(ok.status(), Some(200));
    let answer = sip::sdp::parse_audio(&ok.body).unwrap();
    sip.send_to(in_dialog("ACK", 1, &ok, sp).as_bytes(), server)
        .await
        .unwrap();
    let mut tone = ToneGenerator::continuous(1_000.0, 10_000);
    for i in 0..50u16 {
        let f = RtpFrame {
            payload_type: 0,
            seq: i,
            timestamp: u32::from(i) * 160,
            ssrc: 7,
            marker: i == 0,
            payload: g711::encode_ulaw(&tone.next_frame()),
        };
        rtp.send_to(&f.to_bytes(), answer.rtp_addr()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sip.send_to(in_dialog("BYE", 2, &ok, sp).as_bytes(), server)
        .await
        .unwrap();
    assert_eq!(final_response(&sip).await.status(), Some(200));
}

async fn scrape(http: &reqwest::Client, base: &str) -> (Vec<Sample>, HashMap<String, String>) {
    let resp = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let ctype = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ctype.starts_with("text/plain; version=0.0.4"), "{ctype}");
    parse_prometheus(&resp.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_after_an_api_call_and_an_echo_call_and_readiness_of_database_and_sip() {
    let mut srv = start().await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();

    let ready = http
        .get(format!("{}/readyz", srv.http))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["sip"], "ok");
    assert_eq!(body["checks"]["media"], "ok");

    // An API call: the admin signs in and lists users (the route is labelled as matched).
    let creds = std::fs::read_to_string(srv.dir.path().join(demo::CREDENTIALS_FILE)).unwrap();
    let pw = creds
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|c| c[1] == "admin")
        .map(|c| c[2].to_owned())
        .unwrap();
    let login = http
        .post(format!("{}/api/v1/auth/login", srv.http))
        .json(&serde_json::json!({"enterprise": "demo", "work_id": "admin", "password": pw}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let user = http
        .get(format!("{}/api/v1/users/1", srv.http))
        .send()
        .await
        .unwrap();
    assert_eq!(user.status(), 200);
    // 1001 signs in: the monitor then has an agent in a state.
    let agent = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let pw = creds
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|c| c[1] == "1001")
        .map(|c| c[2].to_owned())
        .unwrap();
    let login = agent
        .post(format!("{}/api/v1/auth/login", srv.http))
        .json(&serde_json::json!({"enterprise": "demo", "work_id": "1001", "password": pw}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let presence = agent
        .put(format!("{}/api/v1/me/presence", srv.http))
        .json(&serde_json::json!({"login": "online"}))
        .send()
        .await
        .unwrap();
    assert_eq!(presence.status(), 200, "{:?}", presence.text().await);

    echo_call(srv.sip).await;

    // RTP counters are folded in at hang-up; give the endpoint a moment.
    let mut samples = Vec::new();
    let mut types = HashMap::new();
    for _ in 0..50 {
        (samples, types) = scrape(&http, &srv.http).await;
        if value(&samples, "patchbay_rtp_packets_received_total", &[]).unwrap_or(0.0) > 0.0
            && value(&samples, "patchbay_calls_ended_total", &[]).unwrap_or(0.0) > 0.0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let get = |name: &str, labels: &[(&str, &str)]| {
        value(&samples, name, labels).unwrap_or_else(|| panic!("{name} {labels:?} missing"))
    };
    assert_eq!(types["patchbay_http_requests_total"], "counter");
    assert_eq!(types["patchbay_http_request_duration_seconds"], "histogram");
    assert_eq!(
        get(
            "patchbay_http_requests_total",
            &[
                ("route", "/api/v1/users/{id}"),
                ("method", "GET"),
                ("status", "200")
            ]
        ),
        1.0
    );
    assert!(
        samples
            .iter()
            .filter(|s| s.name == "patchbay_http_requests_total")
            .all(|s| s.labels["route"] != "/api/v1/users/1"),
        "routes are matched templates, not raw paths"
    );
    assert!(
        get(
            "patchbay_http_request_duration_seconds_count",
            &[("route", "/api/v1/auth/login"), ("method", "POST")]
        ) >= 2.0
    );
    assert!(
        get(
            "patchbay_http_request_duration_seconds_bucket",
            &[
                ("route", "/api/v1/auth/login"),
                ("method", "POST"),
                ("le", "+Inf")
            ]
        ) >= 2.0
    );
    assert_eq!(types["patchbay_calls_answered_total"], "counter");
    assert!(get("patchbay_calls_answered_total", &[]) >= 1.0);
    assert!(get("patchbay_calls_ended_total", &[]) >= 1.0);
    assert_eq!(get("patchbay_calls_active", &[]), 0.0);
    let received = get("patchbay_rtp_packets_received_total", &[]);
    let expected = get("patchbay_rtp_packets_expected_total", &[]);
    assert!(
        received >= 45.0 && expected >= received,
        "{received} received of {expected}"
    );
    assert_eq!(get("patchbay_sip_up", &[]), 1.0);
    // Agents by state: 1001 signed in (busy until idle), 1002 never signed in today.
    assert_eq!(
        get(
            "patchbay_agents",
            &[("enterprise", "demo"), ("state", "busy")]
        ),
        1.0
    );
    // Queues of both demo groups, empty now.
    let queues: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.name == "patchbay_queue_waiting" && s.labels["enterprise"] == "demo")
        .collect();
    assert_eq!(queues.len(), 2, "{queues:?}");
    assert!(queues.iter().all(|s| s.value == 0.0));
    // The demo's local trunk (peer mode, loopback).
    assert!(
        samples.iter().any(|s| s.name == "patchbay_trunk_state"),
        "trunk status reported"
    );
    assert!(get("patchbay_build_info", &[]) == 1.0);

    // The SIP endpoint stops: not ready, and the body says which part is down. The media
    // workers stop a moment after the endpoint: wait for both (or 5 s).
    srv.stop_sip.send(true).unwrap();
    let mut body = serde_json::Value::Null;
    for _ in 0..50 {
        let r = http
            .get(format!("{}/readyz", srv.http))
            .send()
            .await
            .unwrap();
        if r.status() == 503 {
            body = r.json().await.unwrap();
            if body["down"] == serde_json::json!(["sip", "media"]) {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(body["status"], "not_ready", "{body}");
    // The endpoint's media workers stopped with it.
    assert_eq!(body["down"], serde_json::json!(["sip", "media"]), "{body}");
    assert_eq!(body["checks"]["database"], "ok");
    let health = http
        .get(format!("{}/healthz", srv.http))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "liveness does not depend on SIP");

    srv.stop_http.take().unwrap().send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), srv.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[test]
fn serve_no_demo_starts_empty_and_ready() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_patchbay"))
        .args(["serve", "--no-demo", "--http-listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(dir.path())
        // Through the environment: the keys that were once ignored there.
        .env("PATCHBAY_SIP_LISTEN", "127.0.0.1:0")
        .env("PATCHBAY_RTP_PORTS", "41700-41799")
        .env("PATCHBAY_LOG_FORMAT", "json")
        .env("PATCHBAY_METRICS_TOKEN", "s3cret")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Start-up messages are plain lines; log lines (JSON here) go to the same stdout, read to the
    // end on a thread of its own (a closed pipe would fail the server's next line).
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut base = None;
    let mut logs = Vec::new();
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(60)) {
        if line.starts_with('{') {
            let v: serde_json::Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
            assert!(v["level"].is_string(), "{line}");
            logs.push(v);
            continue;
        }
        assert!(!line.contains("demo enterprise"), "{line}");
        if let Some(url) = line.strip_prefix("Patchbay is serving the web UI at ") {
            base = Some(url.to_owned());
            break;
        }
    }
    assert!(
        logs.iter().any(|l| l["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no_demo"))),
        "{logs:?}"
    );
    let base = base.expect("the server says where it serves");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), 200);
        let login = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"enterprise": "demo", "work_id": "admin", "password": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 401, "no demo enterprise to sign in to");
        let open = http.get(format!("{base}/metrics")).send().await.unwrap();
        assert_eq!(open.status(), 401, "metrics_token guards /metrics");
        let metrics = http
            .get(format!("{base}/metrics"))
            .bearer_auth("s3cret")
            .send()
            .await
            .unwrap();
        assert_eq!(metrics.status(), 200);
        let (samples, _) = parse_prometheus(&metrics.text().await.unwrap());
        assert!(
            !samples.iter().any(|s| s.name == "patchbay_agents"),
            "no enterprise, no agents"
        );
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        !dir.path().join(demo::CREDENTIALS_FILE).exists(),
        "no demo credentials written"
    );
    // Only Patchbay's user reads its data: the folder 0700, the database 0600.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(dir.path()), 0o700);
    assert_eq!(mode(&dir.path().join("patchbay.db")), 0o600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_media_worker_that_stops_makes_readiness_fail_and_the_endpoint_stop_for_a_restart() {
    let srv = start().await;
    let http = reqwest::Client::new();
    let ready = |http: reqwest::Client, url: String| async move {
        let r = http.get(url).send().await.unwrap();
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    let url = format!("{}/readyz", srv.http);
    assert_eq!(ready(http.clone(), url.clone()).await.0, 200);

    srv.handle.inject_media_fault(0).await;
    // The endpoint notices at its next once-a-second round and stops: the binary then exits
    // non-zero (`serve::main`) for its supervisor to restart it.
    tokio::time::timeout(Duration::from_secs(5), srv.handle.stopped())
        .await
        .expect("the endpoint stops after a media worker stopped");
    let (status, body) = ready(http, url).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["checks"]["media"], "media-0 stopped", "{body}");
    assert!(
        body["down"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("media")),
        "{body}"
    );
}
