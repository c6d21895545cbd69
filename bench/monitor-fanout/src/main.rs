//! The real-time monitor's event fan-out (SPEC §4): 2,000 signed-in agents in 20 skill groups,
//! 50 supervisors each on their own events WebSocket (the real axum server on loopback, the real
//! SIP endpoint's ACD), and 100 agent status changes per second (idle ↔ busy, through the same
//! engine handle `PUT /me/presence` uses). For every change and every supervisor: the delay from
//! asking for the change to its `monitor_agent` event arriving on that supervisor's socket
//! (parsed). Each change also sends the group's `monitor_queue` and every member's `queues`
//! event, as in production.
//!
//! Run: `cargo run --release -p monitor-fanout` (`-- SECONDS` changes the 20 s run). Prints
//! figures; asserts nothing about time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, header};
use bench_harness::Samples;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use model::presence::{LoginState, PhoneState, PresenceChange};
use model::{DataScope, EnterpriseId, Permission, UserId};
use store::{NewUser, Store};
use tokio_tungstenite::tungstenite::Message;
use tower::ServiceExt;

const AGENTS: usize = 2_000;
const GROUPS: usize = 20;
const SUPERVISORS: usize = 50;
const CHANGES_PER_SEC: u64 = 100;
const PASSWORD: &str = "supervisor-pass";

/// When each agent's latest change was asked for, and to which phone status.
type Sent = Arc<Mutex<HashMap<i64, (PhoneState, Instant)>>>;

#[tokio::main]
async fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("SECONDS must be a number"))
        .unwrap_or(20);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Store::open(&url, &store::SecretKey::generate())
        .await
        .expect("open store");
    let (enterprise, agents) = seed(&store).await;

    let mut state = api::AppState::new(store.clone(), Arc::new(engine::SystemClock));
    let config = engine::sipd::SipConfig {
        listen: "127.0.0.1:0".parse().expect("address"),
        rtp_ports: (42_000, 42_099),
        rtp_timeout: Duration::from_secs(60),
        kernel_forwarding: true,
        directory: store.sip_directory().await.expect("directory"),
        realm: "patchbay".to_owned(),
        recordings_dir: None,
        call_events: None,
        hub: Some(state.hub.clone()),
        public_media: None,
        sip_public: None,
        widget_calls_per_address: 4,
        shutdown_drain: std::time::Duration::ZERO,
        guard: Default::default(),
        outbound_check: None,
    };
    let sip = engine::sipd::start(config, std::future::pending())
        .await
        .expect("start the SIP endpoint");
    state.sip = Some(sip.clone());

    let online = PresenceChange {
        login: Some(LoginState::Online),
        ..PresenceChange::default()
    };
    for a in &agents {
        sip.change_presence(enterprise, *a, online.clone())
            .await
            .expect("sign in");
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let app = api::app(state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });

    let sent: Sent = Arc::default();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let mut readers = Vec::new();
    for i in 0..SUPERVISORS {
        let token = login(&state, &format!("s{i:03}")).await;
        let (ws, _) =
            tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?token={token}"))
                .await
                .expect("connect the events socket");
        readers.push(tokio::spawn(read(ws, sent.clone(), stop.clone())));
    }
    // Let the sockets send their first messages.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let total = CHANGES_PER_SEC * secs;
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / CHANGES_PER_SEC));
    let mut change_time = Samples::with_capacity(usize::try_from(total).unwrap_or(0));
    let started = Instant::now();
    for n in 0..total {
        tick.tick().await;
        let idx = usize::try_from(n).unwrap_or(0) % AGENTS;
        let agent = agents[idx];
        // Every agent went idle in its first change, busy in its second, and so on.
        let round = usize::try_from(n).unwrap_or(0) / AGENTS;
        let phone = if round.is_multiple_of(2) {
            PhoneState::Idle
        } else {
            PhoneState::Busy
        };
        let asked = Instant::now();
        sent.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(agent.0, (phone, asked));
        let change = PresenceChange {
            phone: Some(phone),
            ..PresenceChange::default()
        };
        sip.change_presence(enterprise, agent, change)
            .await
            .expect("status change");
        change_time.push(asked.elapsed());
    }
    let driving = started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _ = stop_tx.send(true);
    let mut all = Samples::with_capacity(usize::try_from(total).unwrap_or(0) * SUPERVISORS);
    let mut events = 0u64;
    let mut fewest = u64::MAX;
    for r in readers {
        let (samples, n) = r.await.expect("reader");
        fewest = fewest.min(samples.len() as u64);
        for d in samples {
            all.push(d);
        }
        events += n;
    }
    println!(
        "monitor fan-out: {AGENTS} agents in {GROUPS} groups, {SUPERVISORS} supervisors, {total} changes in {:.1} s ({:.0}/s asked)",
        driving.as_secs_f64(),
        total as f64 / driving.as_secs_f64()
    );
    println!("{}", change_time.summary("engine answers a status change"));
    println!(
        "{}",
        all.summary("change to monitor_agent on a supervisor's socket")
    );
    println!(
        "delivered: {} of {} (fewest on one socket: {fewest} of {total}); messages read in all: {events}",
        all.len(),
        total * SUPERVISORS as u64,
    );
}

/// One enterprise with 2,000 agents in 20 groups and 50 supervisors who watch it all.
async fn seed(store: &Store) -> (EnterpriseId, Vec<UserId>) {
    let e = store
        .create_enterprise("bench", "Bench Ltd", 0)
        .await
        .expect("enterprise");
    let t = store.tenant(e.id);
    let agent_role = t
        .create_role(
            "Agent",
            None,
            &[Permission::AgentLogin, Permission::AnswerDial],
            DataScope::Own,
            false,
            0,
        )
        .await
        .expect("role");
    let lead_role = t
        .create_role(
            "Supervisor",
            None,
            &[Permission::Monitor],
            DataScope::Enterprise,
            false,
            0,
        )
        .await
        .expect("role");
    let hash = tokio::task::spawn_blocking(|| api::auth::hash_password_blocking(PASSWORD))
        .await
        .expect("hash")
        .expect("hash");
    let user = |work_id: String, role| NewUser {
        work_id: work_id.clone(),
        name: format!("坐席 {work_id}"),
        mobile: None,
        department: None,
        role_id: role,
        enabled: true,
        password_hash: hash.clone(),
    };
    let mut groups = Vec::new();
    for g in 0..GROUPS {
        let group = t
            .create_skill_group(&format!("Group {g:02}"), None, 0)
            .await
            .expect("group");
        groups.push(group.id);
    }
    let mut agents = Vec::new();
    for i in 0..AGENTS {
        let u = t
            .create_user(&user(format!("{:04}", 1000 + i), agent_role.id), 0)
            .await
            .expect("agent");
        t.add_skill_group_member(groups[i % GROUPS], u.id, 3)
            .await
            .expect("member");
        agents.push(u.id);
    }
    for i in 0..SUPERVISORS {
        t.create_user(&user(format!("s{i:03}"), lead_role.id), 0)
            .await
            .expect("supervisor");
    }
    (e.id, agents)
}

/// A session token for `work_id`, through the login route.
async fn login(state: &api::AppState, work_id: &str) -> String {
    let body =
        serde_json::json!({ "enterprise": "bench", "work_id": work_id, "password": PASSWORD });
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .extension(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            40_000,
        ))))
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = api::app(state.clone()).oneshot(req).await.expect("login");
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    v["token"].as_str().expect("a token").to_owned()
}

/// Reads one supervisor's socket until told to stop: the delay of every `monitor_agent` event
/// that shows an asked-for change, and how many messages came.
async fn read(
    mut ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    sent: Sent,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> (Vec<Duration>, u64) {
    let mut out = Vec::new();
    let mut n = 0u64;
    loop {
        let msg = tokio::select! {
            m = ws.next() => m,
            _ = stop.wait_for(|s| *s) => break,
        };
        let Some(Ok(Message::Text(text))) = msg else {
            if msg.is_none() {
                break;
            }
            continue;
        };
        let at = Instant::now();
        n += 1;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(text.as_str()) else {
            continue;
        };
        if v["type"] != "monitor_agent" {
            continue;
        }
        let p = &v["agent"]["presence"];
        let (Some(user), Some(phone)) = (p["user_id"].as_i64(), p["phone"].as_str()) else {
            continue;
        };
        let asked = sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&user)
            .copied();
        if let Some((want, asked)) = asked {
            let want = match want {
                PhoneState::Idle => "idle",
                _ => "busy",
            };
            if phone == want {
                out.push(at.duration_since(asked));
            }
        }
    }
    (out, n)
}
