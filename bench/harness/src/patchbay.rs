//! Patchbay's own binary as a benchmark's server: started in a fresh data directory on loopback
//! (the demo enterprise is created on first start), its admin signed in, configured through the
//! admin API as an administrator would. Being a process of its own, its CPU and memory are read
//! from /proc apart from the benchmark's.

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::http::{self, Response};
use crate::process::{KillOnDrop, log_file};

/// The log file Patchbay writes in the benchmark's directory.
pub const LOG: &str = "patchbay.log";

/// A running Patchbay, killed when dropped.
#[derive(Debug)]
pub struct Patchbay {
    /// The process.
    child: KillOnDrop,
    /// The HTTP API.
    pub http: SocketAddr,
    /// The SIP endpoint (UDP and TCP).
    pub sip: SocketAddr,
    /// The demo enterprise's administrator's bearer token.
    token: String,
}

/// The `patchbay` binary: `PATCHBAY_BIN` if set, else the one built next to this benchmark
/// (`cargo build --release -p patchbay` puts both in the same directory).
pub fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("PATCHBAY_BIN") {
        return PathBuf::from(p);
    }
    std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.join("patchbay")))
        .unwrap_or_else(|| PathBuf::from("patchbay"))
}

/// A loopback port free for both UDP and TCP right now.
fn free_port() -> std::io::Result<u16> {
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0")?;
        let port = udp.local_addr()?.port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err(std::io::Error::other("no free port"))
}

impl Patchbay {
    /// Starts `bin` with its data directory and log in `dir`, RTP on `rtp_ports` and settings
    /// `env` (`PATCHBAY_*` variables), waits until it answers and signs in as the demo
    /// administrator. Errors say what went wrong, for a human.
    pub fn start(
        bin: &Path,
        dir: &Path,
        rtp_ports: (u16, u16),
        env: &[(&str, String)],
    ) -> Result<Patchbay, String> {
        let http: SocketAddr = ([127, 0, 0, 1], free_port().map_err(|e| e.to_string())?).into();
        let sip: SocketAddr = ([127, 0, 0, 1], free_port().map_err(|e| e.to_string())?).into();
        let data = dir.join("data");
        let child = Command::new(bin)
            .arg("serve")
            .arg("--data-dir")
            .arg(&data)
            .args(["--http-listen", &http.to_string()])
            .args(["--sip-listen", &sip.to_string()])
            .args(["--rtp-ports", &format!("{}-{}", rtp_ports.0, rtp_ports.1)])
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(log_file(dir, LOG))
            .stderr(log_file(dir, "patchbay.err"))
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let mut child = KillOnDrop(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if child.has_exited() {
                return Err(format!("{} exited at start (see its log)", bin.display()));
            }
            if http::request(http, "GET", "/healthz", None, None).is_ok_and(|r| r.status == 200) {
                break;
            }
            if Instant::now() > deadline {
                return Err("Patchbay did not answer /healthz within 30 s".to_owned());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let password = admin_password(&data)?;
        let login = http::request(
            http,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&serde_json::json!({
                "enterprise": "demo", "work_id": "admin", "password": password
            })),
        )
        .map_err(|e| format!("login: {e}"))?;
        let token = login
            .field("token")
            .ok_or_else(|| format!("login refused: {login}"))?;
        Ok(Patchbay {
            child,
            http,
            sip,
            token,
        })
    }

    /// The process id, for /proc.
    pub fn pid(&self) -> u32 {
        self.child.pid()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        !self.child.has_exited()
    }

    /// An admin API request (`path` under `/api/v1`) as the demo administrator.
    pub fn admin(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> std::io::Result<Response> {
        http::request(
            self.http,
            method,
            &format!("/api/v1{path}"),
            Some(&self.token),
            body,
        )
    }

    /// An admin API upload (`path` under `/api/v1`): `body` as `content_type`.
    pub fn admin_upload(
        &self,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> std::io::Result<Response> {
        http::request_raw(
            self.http,
            "POST",
            &format!("/api/v1{path}"),
            Some(&self.token),
            Some(content_type),
            body,
        )
    }

    /// An anonymous request (`path` under `/api/v1`), as a visitor's browser makes them.
    pub fn public(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> std::io::Result<Response> {
        http::request(self.http, method, &format!("/api/v1{path}"), None, body)
    }

    /// Creates a trunk and returns its id, or what Patchbay answered.
    pub fn create_trunk(&self, trunk: &serde_json::Value) -> Result<i64, String> {
        created_id(self.admin("POST", "/trunks", Some(trunk)), "trunk")
    }

    /// Creates an enterprise number with `service` on `trunk` and returns its id.
    pub fn create_number(&self, number: &str, trunk: i64, service: &str) -> Result<i64, String> {
        let body = serde_json::json!({
            "number": number, "trunk_id": trunk, "service": service,
            "description": "benchmark"
        });
        created_id(self.admin("POST", "/numbers", Some(&body)), "number")
    }

    /// An IVR number `number` whose flow forwards every call to `to` over a peer trunk to a sipp
    /// far end on 127.0.0.1:`port` (PCMU, no OPTIONS pings: sipp takes every request as a call),
    /// with risk control's per-number limits lifted, as every call goes to the same number.
    pub fn forward_every_call(&self, number: &str, to: &str, port: u16) -> Result<(), String> {
        let trunk = self.create_trunk(&serde_json::json!({
            "name": "far end", "mode": "peer", "host": "127.0.0.1", "port": port,
            "allowed_sources": ["127.0.0.1"], "codecs": ["PCMU"], "keepalive": false
        }))?;
        let number = self.create_number(number, trunk, "ivr")?;
        self.lift_risk_limits()?;
        self.set_flow(
            number,
            &serde_json::json!({
                "start": "far", "steps": { "far": { "type": "external", "number": to } }
            }),
        )
    }

    /// Lifts risk control's per-number limits (a benchmark forwards every call to one number,
    /// which the default 3 calls in 15 minutes would refuse); destinations are still checked.
    pub fn lift_risk_limits(&self) -> Result<(), String> {
        let body = serde_json::json!({ "limits": [], "destinations": ["+86"] });
        match self.admin("PUT", "/risk-control", Some(&body)) {
            Ok(r) if r.status == 200 => Ok(()),
            Ok(r) => Err(format!("PUT /risk-control: {r}")),
            Err(e) => Err(format!("PUT /risk-control: {e}")),
        }
    }

    /// Sets a number's IVR flow.
    pub fn set_flow(&self, number: i64, flow: &serde_json::Value) -> Result<(), String> {
        let body = serde_json::json!({ "flow": flow });
        match self.admin("PUT", &format!("/numbers/{number}/flow"), Some(&body)) {
            Ok(r) if r.status == 200 => Ok(()),
            Ok(r) => Err(format!("PUT /numbers/{number}/flow: {r}")),
            Err(e) => Err(format!("PUT /numbers/{number}/flow: {e}")),
        }
    }
}

/// The `id` of what a `POST` created.
fn created_id(r: std::io::Result<Response>, what: &str) -> Result<i64, String> {
    match r {
        Ok(r) if r.status == 201 || r.status == 200 => r.json()["id"]
            .as_i64()
            .ok_or_else(|| format!("creating the {what}: no id in {r}")),
        Ok(r) => Err(format!("creating the {what}: {r}")),
        Err(e) => Err(format!("creating the {what}: {e}")),
    }
}

/// The demo administrator's generated password, from the credentials file of the first start.
fn admin_password(data: &Path) -> Result<String, String> {
    let path = data.join("demo-credentials.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.get(1) == Some(&"admin")).then(|| f.get(2).map(|p| (*p).to_owned()))?
        })
        .ok_or_else(|| format!("no admin line in {}", path.display()))
}
