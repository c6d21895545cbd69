//! Prometheus metrics (`/metrics`): HTTP requests are counted and timed by a middleware that
//! labels them with the matched route (never the raw path); calls, RTP, queues, agents and trunks
//! are read from the SIP endpoint when Prometheus scrapes.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use model::presence::{LoginState, PhoneState};
use model::telephony::TrunkState;

use crate::state::AppState;

/// Upper bounds of the latency histograms, in seconds.
const LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How long a scrape waits for the SIP endpoint's answer about one enterprise.
const ASK_TIMEOUT: Duration = Duration::from_secs(2);

/// The agent states reported (`patchbay_agents{state}`): signed out, a custom status, or the
/// phone state of a signed-in agent.
const AGENT_STATES: [&str; 7] = [
    "offline",
    "custom",
    "busy",
    "idle",
    "ringing",
    "talking",
    "after_call_work",
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's Prometheus recorder; the first call installs it as the global `metrics`
/// recorder and starts a thread that folds histogram samples every few seconds.
pub fn prometheus() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        // Only an empty bucket list is refused, and this one is not: fall back to summaries.
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!(
                "another metrics recorder is installed: /metrics shows only what reaches this one"
            );
        }
        let upkeep = handle.clone();
        let _ = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(Duration::from_secs(5));
                    upkeep.run_upkeep();
                }
            });
        describe();
        gauge!("patchbay_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
        handle
    })
}

/// The `# HELP` lines.
fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_gauge!(
        "patchbay_build_info",
        "The running version (label), always 1"
    );
    describe_counter!(
        "patchbay_http_requests_total",
        "HTTP requests by method, matched route and status"
    );
    describe_histogram!(
        "patchbay_http_request_duration_seconds",
        Unit::Seconds,
        "HTTP request latency by method and matched route"
    );
    describe_gauge!(
        "patchbay_sip_up",
        "1 while the SIP endpoint answers its handle"
    );
    describe_gauge!("patchbay_calls_active", "Calls live now");
    describe_counter!("patchbay_calls_answered_total", "Calls answered");
    describe_counter!(
        "patchbay_calls_ended_total",
        "Calls ended by BYE (either side)"
    );
    describe_counter!(
        "patchbay_calls_rtp_timeout_total",
        "Calls hung up because the peer's RTP stopped"
    );
    describe_counter!(
        "patchbay_rtp_packets_received_total",
        "RTP packets received from peers (folded in every RTCP interval and at hang-up)"
    );
    describe_counter!(
        "patchbay_rtp_packets_expected_total",
        "RTP packets the peers' sequence numbers say were sent to us"
    );
    describe_counter!(
        "patchbay_rtp_foreign_packets_total",
        "RTP and RTCP packets ignored for coming from a source other than the call leg's peer (strict RTP)"
    );
    describe_counter!(
        "patchbay_rtp_kernel_forwarded_packets_total",
        "RTP packets forwarded between a call's two legs by the kernel (media_kernel_forwarding) instead of the media workers"
    );
    describe_counter!(
        "patchbay_call_panics_total",
        "Calls whose handling panicked; each was ended and the other calls went on"
    );
    describe_gauge!("patchbay_agents", "Agents of an enterprise by state");
    describe_gauge!(
        "patchbay_queue_waiting",
        "Callers waiting in a skill group's queue"
    );
    describe_gauge!(
        "patchbay_queue_idle_agents",
        "Members of a skill group signed in and idle"
    );
    describe_gauge!(
        "patchbay_queue_longest_wait_seconds",
        Unit::Seconds,
        "How long the oldest caller in a skill group's queue has waited"
    );
    describe_gauge!(
        "patchbay_trunk_up",
        "1 while a trunk is registered or answers OPTIONS"
    );
    describe_gauge!(
        "patchbay_trunk_state",
        "A trunk's state (1 on the current one)"
    );
    describe_gauge!("patchbay_trunk_active_calls", "Calls on a trunk now");
    describe_gauge!(
        "patchbay_sip_transactions",
        "SIP transactions alive (updated every second)"
    );
    describe_gauge!(
        "patchbay_sip_tcp_connections",
        "SIP TCP connections open from peers (updated every second)"
    );
    describe_counter!(
        "patchbay_sip_requests_refused_total",
        "SIP requests refused by the defences: rate_limited (dropped while the source is blocked), overload (503 with Retry-After), auth_throttled (403 Too Many Failures)"
    );
    describe_counter!(
        "patchbay_sip_sources_blocked_total",
        "Source addresses blocked for going over their request rate"
    );
    describe_counter!(
        "patchbay_sip_auth_failures_total",
        "Digest answers that failed (each logged as `sip auth failed: ...`)"
    );
    describe_counter!(
        "patchbay_sip_tcp_closed_total",
        "SIP TCP connections closed by the defences: cap (over the connection caps), idle"
    );
}

/// Counts and times every request by method, matched route and status.
pub(crate) async fn track_http(req: Request, next: Next) -> Response {
    let route = match req.extensions().get::<MatchedPath>() {
        Some(p) => p.as_str().to_owned(),
        None if req.uri().path().starts_with("/api/") => "unmatched".to_owned(),
        None => "web app".to_owned(),
    };
    let method = match *req.method() {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let client = req
        .extensions()
        .get::<crate::forwarded::ClientAddr>()
        .map(|c| c.ip);
    let start = Instant::now();
    let resp = next.run(req).await;
    let elapsed = start.elapsed();
    let status = resp.status().as_u16();
    // Client addresses only at DEBUG, like other personal data.
    tracing::debug!(
        method,
        route,
        client = client.map(tracing::field::display),
        status,
        ms = elapsed.as_secs_f64() * 1e3,
        "http request"
    );
    counter!(
        "patchbay_http_requests_total",
        "method" => method,
        "route" => route.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    histogram!(
        "patchbay_http_request_duration_seconds",
        "method" => method,
        "route" => route
    )
    .record(elapsed.as_secs_f64());
    resp
}

/// `GET /metrics`: the Prometheus text format. With `metrics_token` set, only for
/// `Authorization: Bearer <token>`.
pub(crate) async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given != Some(token.as_str()) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "metrics need the bearer token (metrics_token)\n",
            )
                .into_response();
        }
    }
    let handle = prometheus();
    observe(&state).await;
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Reads the SIP endpoint's counters, trunks and every enterprise's monitor into the recorder.
async fn observe(state: &AppState) {
    let Some(sip) = &state.sip else {
        gauge!("patchbay_sip_up").set(0.0);
        return;
    };
    let s = &sip.stats;
    let load = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
    gauge!("patchbay_calls_active").set(load(&s.active) as f64);
    counter!("patchbay_calls_answered_total").absolute(load(&s.answered));
    counter!("patchbay_calls_ended_total").absolute(load(&s.ended));
    counter!("patchbay_calls_rtp_timeout_total").absolute(load(&s.rtp_timeouts));
    counter!("patchbay_rtp_packets_received_total").absolute(load(&s.rtp_received));
    counter!("patchbay_rtp_packets_expected_total").absolute(load(&s.rtp_expected));
    counter!("patchbay_rtp_foreign_packets_total").absolute(load(&s.rtp_foreign));
    counter!("patchbay_rtp_kernel_forwarded_packets_total").absolute(load(&s.rtp_kernel_forwarded));
    counter!("patchbay_call_panics_total").absolute(load(&s.call_panics));
    let g = &s.guard;
    gauge!("patchbay_sip_transactions").set(load(&g.transactions) as f64);
    gauge!("patchbay_sip_tcp_connections").set(load(&g.tcp_connections) as f64);
    for (reason, n) in [
        ("rate_limited", &g.rate_limited),
        ("overload", &g.overload),
        ("auth_throttled", &g.auth_throttled),
    ] {
        counter!("patchbay_sip_requests_refused_total", "reason" => reason).absolute(load(n));
    }
    counter!("patchbay_sip_sources_blocked_total").absolute(load(&g.sources_blocked));
    counter!("patchbay_sip_auth_failures_total").absolute(load(&g.auth_failures));
    for (reason, n) in [("cap", &g.tcp_refused), ("idle", &g.tcp_idle_closed)] {
        counter!("patchbay_sip_tcp_closed_total", "reason" => reason).absolute(load(n));
    }

    let trunks: Vec<_> = sip
        .trunk_status
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .map(|(id, st)| (id.0.to_string(), st.state, st.active_calls))
        .collect();
    for (id, st, active) in trunks {
        for (name, s) in [
            ("unknown", TrunkState::Unknown),
            ("up", TrunkState::Up),
            ("failed", TrunkState::Failed),
            ("disabled", TrunkState::Disabled),
        ] {
            gauge!("patchbay_trunk_state", "trunk_id" => id.clone(), "state" => name)
                .set(if st == s { 1.0 } else { 0.0 });
        }
        gauge!("patchbay_trunk_up", "trunk_id" => id.clone()).set(if st == TrunkState::Up {
            1.0
        } else {
            0.0
        });
        gauge!("patchbay_trunk_active_calls", "trunk_id" => id).set(f64::from(active));
    }

    let enterprises = match state.store.list_enterprises().await {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: cannot list enterprises");
            Vec::new()
        }
    };
    let answering = crate::routes::health::sip_check(state).await.is_ok();
    gauge!("patchbay_sip_up").set(if answering { 1.0 } else { 0.0 });
    if !answering {
        return;
    }
    let now = state.now();
    for ent in enterprises {
        let Ok(Some(m)) = tokio::time::timeout(ASK_TIMEOUT, sip.monitor(ent.id)).await else {
            break;
        };
        let mut counts = [0u32; AGENT_STATES.len()];
        for a in &m.agents {
            let p = &a.presence;
            let i = match (p.login, p.phone) {
                (LoginState::Offline, _) => 0,
                (LoginState::Custom, PhoneState::Busy) => 1,
                (_, PhoneState::Busy) => 2,
                (_, PhoneState::Idle) => 3,
                (_, PhoneState::Ringing) => 4,
                (_, PhoneState::Talking) => 5,
                (_, PhoneState::AfterCallWork) => 6,
            };
            counts[i] += 1;
        }
        for (name, n) in AGENT_STATES.iter().zip(counts) {
            gauge!("patchbay_agents", "enterprise" => ent.code.clone(), "state" => *name)
                .set(f64::from(n));
        }
        for q in &m.queues {
            let labels = [
                ("enterprise", ent.code.clone()),
                ("group_id", q.group_id.0.to_string()),
            ];
            gauge!("patchbay_queue_waiting", &labels).set(f64::from(q.waiting));
            gauge!("patchbay_queue_idle_agents", &labels).set(f64::from(q.idle_agents));
            let wait = q.oldest_since.map_or(0, |t| (now - t).max(0));
            gauge!("patchbay_queue_longest_wait_seconds", &labels).set(wait as f64 / 1e3);
        }
    }
}
