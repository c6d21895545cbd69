//! What every handler can reach.

use std::sync::Arc;
use std::time::Duration;

use engine::{Clock, EventHub};
use store::Store;

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
}

/// Login and session policy.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// How long a session lives after login.
    pub session_ttl: Duration,
    /// Consecutive failed logins that lock an account.
    pub max_failed_logins: i32,
    /// How long a lock lasts.
    pub lockout: Duration,
    /// Mark the session cookie `Secure` (when served over HTTPS).
    pub secure_cookie: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            session_ttl: Duration::from_secs(7 * 24 * 3600),
            max_failed_logins: 5,
            lockout: Duration::from_secs(15 * 60),
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
            clock,
            auth: AuthSettings::default(),
            sip: None,
            recordings_dir: None,
            transcription_engines: Arc::default(),
            metrics_token: None,
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
