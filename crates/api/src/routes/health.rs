//! `/healthz` (liveness: the process serves HTTP and its database answers) and `/readyz`
//! (readiness: the database answers, the SIP endpoint is running and its media workers beat).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use crate::state::AppState;

/// How long a readiness check waits for each part.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Liveness: 200 while the database answers.
pub(crate) async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// Whether the database answers a query.
pub(crate) async fn database_check(state: &AppState) -> Result<(), String> {
    match tokio::time::timeout(CHECK_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("unreachable: {e}")),
        Err(_) => Err("no answer within 2 s".to_owned()),
    }
}

/// Whether the SIP endpoint runs: its task answers a request through its handle.
pub(crate) async fn sip_check(state: &AppState) -> Result<(), String> {
    let Some(sip) = &state.sip else {
        return Err("not running (no SIP endpoint in this process)".to_owned());
    };
    match tokio::time::timeout(CHECK_TIMEOUT, sip.monitor(model::EnterpriseId(0))).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err("stopped".to_owned()),
        Err(_) => Err("no answer within 2 s".to_owned()),
    }
}

/// Whether every media worker thread runs and went round its loop within 2 s.
pub(crate) fn media_check(state: &AppState) -> Result<(), String> {
    let Some(sip) = &state.sip else {
        return Err("not running (no SIP endpoint in this process)".to_owned());
    };
    sip.media.check(CHECK_TIMEOUT)
}

/// Readiness: 200 `{"status": "ready", ...}` when the database, the SIP endpoint and the media
/// workers answer,
/// else 503 with `down` naming what does not and `checks` saying why.
pub(crate) async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let (db, sip) = tokio::join!(database_check(&state), sip_check(&state));
    let mut checks = serde_json::Map::new();
    let mut down = Vec::new();
    let media = media_check(&state);
    for (name, r) in [("database", db), ("sip", sip), ("media", media)] {
        match r {
            Ok(()) => {
                checks.insert(name.to_owned(), json!("ok"));
            }
            Err(why) => {
                tracing::warn!(part = name, why, "readiness check failed");
                checks.insert(name.to_owned(), json!(why));
                down.push(name);
            }
        }
    }
    let ready = down.is_empty();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if ready { "ready" } else { "not_ready" },
            "down": down,
            "checks": checks,
        })),
    )
}
