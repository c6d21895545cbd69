//! Configuration: built-in defaults, then the TOML file (`--config`), then `PATCHBAY_*`
//! environment variables, then flags; later sources win. Unknown keys in the file and malformed
//! values anywhere stop start-up with a message naming the key.
//!
//! Every key of [`Config`] can be set from the environment as `PATCHBAY_<KEY>`: the keys are
//! taken from the struct itself ([`Config::keys`]), so a new field gets its variable for free.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::cli::SettingsArgs;

/// Every setting, validated.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the database (SQLite), recordings and demo credentials live.
    pub data_dir: PathBuf,
    /// HTTP listen address of the web app and API.
    pub http_listen: SocketAddr,
    /// Database URL; `None` means SQLite at `DATA_DIR/patchbay.db`.
    pub database_url: Option<String>,
    /// Log filter (tracing's env-filter syntax).
    pub log: String,
    /// Mark the session cookie `Secure`; set when Patchbay is served over HTTPS.
    pub secure_cookie: bool,
    /// Reverse proxies (IP addresses or CIDR blocks) whose `X-Forwarded-For` (or `Forwarded:
    /// for=`) names the client: the widget's per-visitor cap, the login throttles and the
    /// access log then see the visitor, not the proxy. From any other peer the headers are
    /// ignored. File: a list; `PATCHBAY_TRUSTED_PROXIES`: comma-separated.
    #[serde(default)]
    pub trusted_proxies: api::TrustedProxies,
    /// PEM certificate chain for built-in HTTPS; with `tls_key`, the HTTP listener serves HTTPS
    /// only and the session cookie is `Secure`. Read again on SIGHUP.
    #[serde(default)]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    #[serde(default)]
    pub tls_key: Option<PathBuf>,
    /// SIP listen address (UDP and TCP).
    pub sip_listen: SocketAddr,
    /// RTP port range, `LOW-HIGH`.
    pub rtp_ports: PortRange,
    /// Seconds without RTP from a peer after which its call is hung up (at least 1).
    pub rtp_timeout_secs: u64,
    /// Forward two-party calls' RTP in the kernel (a TC program) when Patchbay may load one
    /// (root, or CAP_BPF and CAP_NET_ADMIN); otherwise, or when false, in user space.
    #[serde(default = "default_true")]
    pub media_kernel_forwarding: bool,
    /// The address browsers reach Patchbay's media ports on when it sits behind NAT (WebRTC
    /// answers announce it instead of the SIP listen address). File or `PATCHBAY_PUBLIC_ADDRESS`.
    #[serde(default)]
    pub public_address: Option<std::net::IpAddr>,
    /// The address SIP peers reach Patchbay on (behind NAT, on a cloud VM, or to name one
    /// address when bound to `0.0.0.0`): every SIP leg advertises it in Via, Contact and the
    /// SDP `o=`/`c=` lines (a trunk's own `public_address` wins on that trunk's legs). Unset:
    /// the `sip_listen` address, or, bound to all interfaces, the local address that routes to
    /// each peer. File or `PATCHBAY_SIP_PUBLIC_ADDRESS`.
    #[serde(default)]
    pub sip_public_address: Option<std::net::IpAddr>,
    /// How many web widget calls one visitor address may have at once; 0 turns the widget off.
    /// File or `PATCHBAY_WIDGET_CALLS_PER_ADDRESS`.
    #[serde(default = "default_widget_calls")]
    pub widget_calls_per_address: u32,
    /// A sherpa-onnx streaming model directory (engine 2: Chinese and other languages). When
    /// set, the model is loaded at start-up (a directory that does not hold a model, or a
    /// binary built without the `sherpa` feature, stops start-up) and live calls are
    /// transcribed with it. File or `PATCHBAY_SHERPA_ONNX_MODEL_DIR`.
    #[serde(default)]
    pub sherpa_onnx_model_dir: Option<PathBuf>,
    /// Start without creating the demo enterprise in an empty database (`serve --no-demo`).
    #[serde(default)]
    pub no_demo: bool,
    /// Log lines as human-readable text or as one JSON object a line.
    #[serde(default)]
    pub log_format: LogFormat,
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <token>`.
    #[serde(default)]
    pub metrics_token: Option<String>,
    /// Days a call's recording is kept (counted from the call's start); older recordings are
    /// removed and their records say so. 0 keeps them forever.
    #[serde(default)]
    pub recording_retention_days: u32,
    /// Compress each call's WAV recording to Opus in Ogg once the call has ended (about a tenth
    /// of the size). Off keeps the lossless WAV.
    #[serde(default = "yes")]
    pub compress_recordings: bool,
    /// On SIGTERM or Ctrl-C: new calls are refused (SIP 503 with `Retry-After`) and live calls
    /// may go on this many seconds; then they are hung up (BYE), their records closed, and the
    /// process exits. 0 hangs up at once.
    #[serde(default = "default_drain")]
    pub shutdown_drain_secs: u64,
    /// SIP under attack (README, "SIP under attack"): requests a second one source address may
    /// send on average before it is blocked; trunks and registered phones are never blocked.
    /// 0 turns per-source limits off.
    pub sip_requests_per_second_per_source: u32,
    /// Requests one source may send at once above its rate (at least the rate).
    pub sip_request_burst_per_source: u32,
    /// Seconds a source over its rate is dropped silently (at least 1).
    pub sip_source_block_secs: u64,
    /// SIP server transactions at work (not those only lingering for retransmissions after a
    /// final answer) beyond which new requests get 503 with `Retry-After`; 0: no cap.
    pub sip_max_transactions: u32,
    /// Live calls beyond which new INVITEs get 503 with `Retry-After`; 0: no cap.
    pub sip_max_calls: u32,
    /// Wrong passwords from one address before its REGISTERs get 403 for `sip_auth_block_secs`;
    /// 0 turns the throttle off.
    pub sip_auth_failures_per_source: u32,
    /// Wrong passwords for one SIP account (from any address but one it registered from)
    /// before its REGISTERs get 403 for `sip_auth_block_secs` (at least 1).
    pub sip_auth_failures_per_user: u32,
    /// Seconds failures are counted over, and a throttled address or account is refused (at
    /// least 1).
    pub sip_auth_block_secs: u64,
    /// Open SIP TCP connections at most (at least 1).
    pub sip_tcp_max_connections: u32,
    /// Open SIP TCP connections from one address at most; trunks may open more (at least 1).
    pub sip_tcp_max_connections_per_source: u32,
    /// Seconds a SIP TCP connection may bring nothing before it is closed; trunks' and
    /// registered phones' connections are kept (at least 1).
    pub sip_tcp_idle_timeout_secs: u64,
    /// Open HTTP(S) connections at most, the events WebSockets included; one more is closed as
    /// soon as it is accepted (at least 1).
    pub http_max_connections: u32,
    /// Seconds a client may take to send a complete request head, from connecting or from the
    /// end of the last response on a kept-alive connection; then the connection is closed (at
    /// least 1).
    pub http_header_timeout_secs: u64,
}

fn default_drain() -> u64 {
    30
}

fn yes() -> bool {
    true
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line (for log collectors).
    Json,
}

fn default_widget_calls() -> u32 {
    4
}

/// An inclusive port range written `LOW-HIGH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PortRange {
    /// First port.
    pub low: u16,
    /// Last port.
    pub high: u16,
}

impl TryFrom<String> for PortRange {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| format!("{s:?} is not LOW-HIGH"))?;
        let low: u16 = a
            .trim()
            .parse()
            .map_err(|_| format!("{a:?} is not a port"))?;
        let high: u16 = b
            .trim()
            .parse()
            .map_err(|_| format!("{b:?} is not a port"))?;
        if low < 1024 || high <= low {
            return Err(format!("{s:?}: need 1024 <= LOW < HIGH"));
        }
        Ok(PortRange { low, high })
    }
}

impl From<PortRange> for String {
    fn from(r: PortRange) -> String {
        format!("{}-{}", r.low, r.high)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./data"),
            http_listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            log: "info".to_owned(),
            secure_cookie: false,
            trusted_proxies: api::TrustedProxies::default(),
            tls_cert: None,
            tls_key: None,
            sip_listen: SocketAddr::from(([127, 0, 0, 1], 5060)),
            rtp_ports: PortRange {
                low: 20_000,
                high: 29_999,
            },
            rtp_timeout_secs: 60,
            media_kernel_forwarding: true,
            public_address: None,
            sip_public_address: None,
            widget_calls_per_address: default_widget_calls(),
            sherpa_onnx_model_dir: None,
            no_demo: false,
            log_format: LogFormat::Text,
            metrics_token: None,
            recording_retention_days: 0,
            compress_recordings: true,
            shutdown_drain_secs: default_drain(),
            sip_requests_per_second_per_source: 100,
            sip_request_burst_per_source: 200,
            sip_source_block_secs: 60,
            sip_max_transactions: 20_000,
            sip_max_calls: 2_000,
            sip_auth_failures_per_source: 5,
            sip_auth_failures_per_user: 10,
            sip_auth_block_secs: 300,
            sip_tcp_max_connections: 1_000,
            sip_tcp_max_connections_per_source: 50,
            sip_tcp_idle_timeout_secs: 120,
            http_max_connections: 10_000,
            http_header_timeout_secs: 30,
        }
    }
}

impl Config {
    /// Every configuration key: the fields of the struct, read from its serialized default
    /// (options serialize as null, so none is missing).
    pub fn keys() -> Vec<String> {
        match serde_json::to_value(Config::default()) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// Loads and validates the configuration from all sources.
    pub fn load(args: &SettingsArgs) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = &args.config {
            if !path.is_file() {
                bail!("configuration file {} does not exist", path.display());
            }
            fig = fig.merge(Toml::file_exact(path));
        }
        // Other `PATCHBAY_*` variables (test and build helpers) are not settings: left alone.
        let keys = Config::keys();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        fig = fig
            .merge(Env::prefixed("PATCHBAY_").only(&keys))
            .merge(Serialized::defaults(args));
        let config: Config = fig
            .extract()
            .map_err(|e| anyhow::anyhow!("bad configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.data_dir.as_os_str().is_empty() {
            bail!("bad configuration: data_dir must not be empty");
        }
        let supported = |url: &str| {
            ["sqlite:", "postgres:", "postgresql:"]
                .iter()
                .any(|p| url.starts_with(p))
        };
        if self.database_url.as_deref().is_some_and(|u| !supported(u)) {
            bail!("bad configuration: database_url must start with sqlite:// or postgres://");
        }
        if self
            .sherpa_onnx_model_dir
            .as_ref()
            .is_some_and(|d| d.as_os_str().is_empty())
        {
            bail!("bad configuration: sherpa_onnx_model_dir must not be empty (leave it out)");
        }
        for (key, path) in [("tls_cert", &self.tls_cert), ("tls_key", &self.tls_key)] {
            if path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
                bail!("bad configuration: {key} must not be empty (leave it out)");
            }
        }
        if self
            .sip_public_address
            .is_some_and(|ip| ip.is_unspecified() || ip.is_multicast())
        {
            bail!(
                "bad configuration: sip_public_address must be an address peers reach, not 0.0.0.0, :: or multicast"
            );
        }
        if self.rtp_timeout_secs == 0 {
            bail!("bad configuration: rtp_timeout_secs must be at least 1");
        }
        if self
            .metrics_token
            .as_ref()
            .is_some_and(|t| t.trim().is_empty())
        {
            bail!("bad configuration: metrics_token must not be empty (leave it out)");
        }
        for (key, value) in [
            ("sip_source_block_secs", self.sip_source_block_secs),
            (
                "sip_auth_failures_per_user",
                self.sip_auth_failures_per_user.into(),
            ),
            ("sip_auth_block_secs", self.sip_auth_block_secs),
            (
                "sip_tcp_max_connections",
                self.sip_tcp_max_connections.into(),
            ),
            (
                "sip_tcp_max_connections_per_source",
                self.sip_tcp_max_connections_per_source.into(),
            ),
            ("sip_tcp_idle_timeout_secs", self.sip_tcp_idle_timeout_secs),
            ("http_max_connections", self.http_max_connections.into()),
            ("http_header_timeout_secs", self.http_header_timeout_secs),
        ] {
            if value == 0 {
                bail!("bad configuration: {key} must be at least 1");
            }
        }
        tracing_subscriber::EnvFilter::try_new(&self.log)
            .with_context(|| format!("bad configuration: log filter {:?}", self.log))?;
        Ok(())
    }

    /// The SIP endpoint's defences, as configured.
    pub fn sip_guard(&self) -> engine::sipd::GuardConfig {
        let n = |v: u32| usize::try_from(v).unwrap_or(usize::MAX);
        let ms = |secs: u64| secs.saturating_mul(1_000);
        engine::sipd::GuardConfig {
            requests_per_second: self.sip_requests_per_second_per_source,
            burst: self.sip_request_burst_per_source,
            block_ms: ms(self.sip_source_block_secs),
            max_transactions: match self.sip_max_transactions {
                0 => usize::MAX,
                v => n(v),
            },
            max_calls: n(self.sip_max_calls),
            auth_failures_per_source: self.sip_auth_failures_per_source,
            auth_failures_per_user: self.sip_auth_failures_per_user,
            auth_block_ms: ms(self.sip_auth_block_secs),
            tcp_max_connections: n(self.sip_tcp_max_connections),
            tcp_max_per_source: n(self.sip_tcp_max_connections_per_source),
            tcp_idle_ms: ms(self.sip_tcp_idle_timeout_secs),
        }
    }

    /// The HTTP listener's limits, as configured.
    pub fn http_limits(&self) -> crate::http_limits::HttpLimits {
        crate::http_limits::HttpLimits {
            max_connections: usize::try_from(self.http_max_connections).unwrap_or(usize::MAX),
            header_timeout: std::time::Duration::from_secs(self.http_header_timeout_secs),
        }
    }

    /// The database URL to open.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("patchbay.db").display()))
    }
}

fn default_true() -> bool {
    true
}
