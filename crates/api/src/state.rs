//! What every handler can reach.

use std::sync::Arc;
use std::time::Duration;

use engine::{Clock, EventHub};
use store::Store;

use crate::auth::Argon2Permits;
use crate::throttle::{LoginThrottle, ThrottlePolicy};

/// Shared application state; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Fan-out of events to users' WebSockets.
    pub hub: Arc<EventHub>,
    /// Where "now" comes from (a manual clock in tests).
    pub clock: Arc<dyn Clock>,
    /// Login and session policy.
    pub auth: AuthSettings,
    /// The SIP endpoint, when one runs.
    pub sip: Option<engine::sipd::SipHandle>,
    /// Where call recordings are (for `/calls/{id}/recording`).
    pub recordings_dir: Option<std::path::PathBuf>,
    /// The speech-to-text engines and whether each can be used, decided at start-up (for
    /// `/enterprise/transcription-engines`); empty when the server did not say.
    pub transcription_engines: Arc<Vec<model::org::TranscriptionEngine>>,
    /// When set, `/metrics` answers only `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// Failed logins per source address and account, and the delays they earn.
    pub login_throttle: Arc<LoginThrottle>,
    /// Permits for Argon2 work (hashing and checking passwords), one per core, so a flood of
    /// logins cannot take every blocking thread.
    pub argon2_permits: Arc<Argon2Permits>,
    /// When this process started (unix ms): browsers that see it change know Patchbay restarted
    /// and that every agent was signed out.
    pub started_at: i64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`trusted_proxies`).
    pub trusted_proxies: Arc<crate::TrustedProxies>,
}

/// Login and session policy.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// How long a session lives after login.
    pub session_ttl: Duration,
    /// Mark the session cookie `Secure` (when served over HTTPS). A trusted proxy's
    /// `X-Forwarded-Proto: https` marks it too.
    pub secure_cookie: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            session_ttl: Duration::from_secs(7 * 24 * 3600),
            secure_cookie: false,
        }
    }
}

impl AppState {
    /// State over a store with the real clock and default policy.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        AppState {
            store,
            hub: Arc::new(EventHub::default()),
            started_at: clock.now_ms(),
            clock,
            auth: AuthSettings::default(),
            sip: None,
            recordings_dir: None,
            transcription_engines: Arc::default(),
            metrics_token: None,
            login_throttle: Arc::new(LoginThrottle::new(ThrottlePolicy::default())),
            argon2_permits: Arc::new(Argon2Permits::per_core()),
            trusted_proxies: Arc::default(),
        }
    }

    /// Tells the SIP endpoint that numbers, trunks or SIP accounts changed.
    pub async fn reload_sip(&self) -> Result<(), store::StoreError> {
        if let Some(sip) = &self.sip {
            sip.set_directory(self.store.sip_directory().await?).await;
        }
        Ok(())
    }

    /// Now, in unix ms.
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
