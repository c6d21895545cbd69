//! An in-process app over a fresh SQLite store with a manual clock, and request helpers.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use api::{AppState, auth};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use engine::ManualClock;
use http_body_util::BodyExt;
use model::{DataScope, EnterpriseId, Permission, RoleId, UserId};
use serde_json::Value;
use store::{NewUser, Store};
use tower::ServiceExt;

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

/// An enterprise with an admin (password `admin-pass`) and an agent (`agent-pass`).
pub struct Tenant {
    pub id: EnterpriseId,
    pub code: String,
    pub admin_role: RoleId,
    pub agent_role: RoleId,
    pub admin: UserId,
    pub agent: UserId,
}

pub const ADMIN_PASS: &str = "admin-pass";
pub const AGENT_PASS: &str = "agent-pass";

impl TestApp {
    pub async fn new() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::open(&url, &store::SecretKey::generate())
            .await
            .unwrap();
        let clock = Arc::new(ManualClock::new(1_700_000_000_000));
        let state = AppState::new(store, clock.clone());
        TestApp {
            state,
            clock,
            _dir: dir,
        }
    }

    pub async fn tenant(&self, code: &str) -> Tenant {
        let store = &self.state.store;
        let e = store.create_enterprise(code, code, 0).await.unwrap();
        let t = store.tenant(e.id);
        let admin_role = t
            .create_role(
                "Admin",
                None,
                &Permission::ALL,
                DataScope::Enterprise,
                true,
                0,
            )
            .await
            .unwrap();
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
            .unwrap();
        let mk = |work_id: &str, role: RoleId, pass: &str| NewUser {
            work_id: work_id.into(),
            name: format!("{code} {work_id}"),
            mobile: None,
            department: None,
            role_id: role,
            enabled: true,
            password_hash: auth::hash_password_blocking(pass).unwrap(),
        };
        let admin = t
            .create_user(&mk("admin", admin_role.id, ADMIN_PASS), 0)
            .await
            .unwrap();
        let agent = t
            .create_user(&mk("1001", agent_role.id, AGENT_PASS), 0)
            .await
            .unwrap();
        Tenant {
            id: e.id,
            code: code.into(),
            admin_role: admin_role.id,
            agent_role: agent_role.id,
            admin: admin.id,
            agent: agent.id,
        }
    }

    /// Sends a request; `token` as bearer, `body` as JSON text when given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_owned())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let resp = api::app(self.state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        (status, json)
    }

    /// Sends a request with a raw body of `content_type`; returns the status, the response's
    /// content type and its body bytes.
    pub async fn call_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Option<String>, Vec<u8>) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let req = req.body(Body::from(body)).unwrap();
        let resp = api::app(self.state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let ct = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, ct, bytes.to_vec())
    }

    pub async fn login(
        &self,
        enterprise: &str,
        work_id: &str,
        password: &str,
    ) -> (StatusCode, Value) {
        let body = serde_json::json!({ "enterprise": enterprise, "work_id": work_id, "password": password });
        self.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(&body.to_string()),
        )
        .await
    }

    /// Logs in as if from `source`; returns the status, the `Retry-After` header and the body.
    pub async fn login_from(
        &self,
        source: std::net::IpAddr,
        enterprise: &str,
        work_id: &str,
        password: &str,
    ) -> (StatusCode, Option<u64>, Value) {
        let body = serde_json::json!({ "enterprise": enterprise, "work_id": work_id, "password": password });
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .extension(axum::extract::ConnectInfo(std::net::SocketAddr::new(
                source, 40_000,
            )))
            .body(Body::from(body.to_string()))
            .unwrap();
        let resp = api::app(self.state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, retry_after, serde_json::from_slice(&bytes).unwrap())
    }

    pub async fn token(&self, enterprise: &str, work_id: &str, password: &str) -> String {
        let (status, body) = self.login(enterprise, work_id, password).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }
}

/// The error code of an error body.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}

impl TestApp {
    /// Starts a SIP endpoint on a free loopback port with the store's directory, RTP on
    /// `rtp_ports`, and `widget_calls` web widget calls per address; the app uses it.
    pub async fn start_sip(&mut self, rtp_ports: (u16, u16), widget_calls: u32) {
        let config = engine::sipd::SipConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            rtp_ports,
            rtp_timeout: std::time::Duration::from_secs(60),
            kernel_forwarding: false,
            directory: self.state.store.sip_directory().await.unwrap(),
            realm: "patchbay".to_owned(),
            recordings_dir: None,
            call_events: None,
            hub: Some(self.state.hub.clone()),
            public_media: None,
            sip_public: None,
            widget_calls_per_address: widget_calls,
            shutdown_drain: std::time::Duration::ZERO,
            guard: Default::default(),
            outbound_check: None,
        };
        let sip = engine::sipd::start(config, std::future::pending())
            .await
            .unwrap();
        self.state.sip = Some(sip);
    }
}

/// The platform administrator's password in tests (made as `patchbay admin create` does).
pub const PLATFORM_PASS: &str = "platform-pass";

/// An enterprise made the real way: by the platform administrator through the API, whose first
/// admin signed in and created agent `1001` (named "CODE 1001") with the 坐席 role.
pub struct RealTenant {
    pub id: EnterpriseId,
    pub code: String,
    pub admin_password: String,
    pub admin_token: String,
    pub agent: UserId,
    pub agent_password: String,
}

impl TestApp {
    /// Creates platform administrator `root` in the store (what `patchbay admin create root`
    /// does) and signs it in; returns its token.
    pub async fn platform_token(&self) -> String {
        let hash = auth::hash_password_blocking(PLATFORM_PASS).unwrap();
        self.state
            .store
            .create_platform_admin("root", &hash, 0)
            .await
            .unwrap();
        let body = serde_json::json!({ "username": "root", "password": PLATFORM_PASS });
        let (st, body) = self
            .call(
                Method::POST,
                "/api/v1/platform/auth/login",
                None,
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// The platform administrator creates enterprise `code`; its admin signs in with the password
    /// shown once and creates agent `1001`.
    pub async fn real_tenant(&self, platform_token: &str, code: &str) -> RealTenant {
        let req = serde_json::json!({ "code": code, "name": format!("{code} Co.") });
        let (st, created) = self
            .call(
                Method::POST,
                "/api/v1/platform/enterprises",
                Some(platform_token),
                Some(&req.to_string()),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{created}");
        let admin_password = created["admin_password"].as_str().unwrap().to_owned();
        let admin_token = self.token(code, "admin", &admin_password).await;
        let (st, roles) = self
            .call(Method::GET, "/api/v1/roles", Some(&admin_token), None)
            .await;
        assert_eq!(st, StatusCode::OK, "{roles}");
        let agent_role = roles["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "坐席")
            .expect("the agent role")["id"]
            .clone();
        let req = serde_json::json!({ "work_id": "1001", "name": format!("{code} 1001"), "role_id": agent_role });
        let (st, user) = self
            .call(
                Method::POST,
                "/api/v1/users",
                Some(&admin_token),
                Some(&req.to_string()),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{user}");
        RealTenant {
            id: EnterpriseId(created["enterprise"]["id"].as_i64().unwrap()),
            code: code.to_owned(),
            admin_password,
            admin_token,
            agent: UserId(user["user"]["id"].as_i64().unwrap()),
            agent_password: user["initial_password"].as_str().unwrap().to_owned(),
        }
    }
}

/// A browser-like WebRTC offer (Opus, ICE candidate on loopback), as the web widget sends.
pub fn webrtc_offer() -> String {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    webrtc::WebRtcClient::new(
        std::time::Instant::now(),
        socket.local_addr().unwrap(),
        webrtc::Codec::Opus,
    )
    .unwrap()
    .1
}

impl TestApp {
    /// Gives enterprise `e` a peer trunk from 127.0.0.1 (nothing listens at its port 5999) and
    /// enterprise number `number` on it, answered with the welcome prompt.
    pub async fn loopback_number(&self, e: EnterpriseId, number: &str) {
        let tenant = self.state.store.tenant(e);
        let trunk = tenant
            .create_trunk(
                &model::telephony::TrunkInput {
                    name: "carrier".to_owned(),
                    mode: model::telephony::TrunkMode::Peer,
                    host: "127.0.0.1".to_owned(),
                    port: 5999,
                    transport: model::telephony::SipTransport::Udp,
                    username: None,
                    password: None,
                    allowed_sources: vec!["127.0.0.1".to_owned()],
                    codecs: vec!["PCMA".to_owned()],
                    max_calls: 0,
                    register_expires: 3600,
                    enabled: true,
                    keepalive: false,
                    public_address: None,
                },
                0,
            )
            .await
            .unwrap();
        tenant
            .create_number(
                &model::telephony::NumberInput {
                    number: number.to_owned(),
                    trunk_id: trunk.id,
                    service: model::telephony::NumberService::Welcome,
                    description: None,
                },
                0,
            )
            .await
            .unwrap();
    }
}
