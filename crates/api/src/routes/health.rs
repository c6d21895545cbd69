//! `/healthz`: 200 while the database answers.

use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// Liveness and readiness in one: checks the database.
pub(crate) async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
