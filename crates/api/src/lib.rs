//! Patchbay's HTTP layer.
//!
//! [`app`] builds the whole router from an [`AppState`]: REST under `/api/v1` (documented by
//! [`openapi`], served at `/api/v1/openapi.json`), the events WebSocket, `/healthz`, `/readyz`,
//! Prometheus `/metrics`, and the web app's static files. Handlers stay thin: they authenticate ([`auth::CurrentUser`]), check a
//! permission, validate input, and call the store through the caller's tenant handle.

pub mod auth;
pub mod campaign_dialer;
mod campaign_import;
mod error;
mod extract;
mod forwarded;
mod local_day;
pub mod metrics;
mod pops;
mod risk;
mod routes;
mod spreadsheet;
mod state;
pub mod throttle;
mod validate;
mod web;

use auth::SecurityAddon;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use error::ApiError;
pub use forwarded::TrustedProxies;
pub use pops::enrich_offer;
pub use risk::PhoneDialChecks;
pub use routes::monitor::publish_figures;
pub use state::{AppState, AuthSettings};

/// The OpenAPI document's fixed parts; paths and schemas are collected from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Patchbay API",
        description = "REST API of Patchbay, the self-hosted call center. Errors always have the shape {\"error\": {\"code\", \"message\"}}."
    ),
    modifiers(&SecurityAddon),
    components(schemas(
        model::Event,
        model::calls::CallSort,
        model::calls::SortOrder,
        model::calls::ExportFormat,
        model::calls::ExportLang
    )),
    security(("session_cookie" = []), ("bearer" = []))
)]
struct ApiDoc;

/// The API routes with their documentation, before state is attached.
fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", routes::router())
}

/// The OpenAPI document of every `/api/v1` route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

/// Largest request body the JSON and other extractors accept (413 beyond). Prompt uploads read
/// their body themselves, up to 20 MB.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Longest time a request may take until its response starts (408 beyond); long enough for a
/// 20 MB prompt upload over a slow link. A WebSocket's life after its upgrade is not counted.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Answers 408 `request_timeout` when the handler has not answered within [`REQUEST_TIMEOUT`].
async fn time_limit(req: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "the request took too long",
        )
        .into_response(),
    }
}

/// The complete application: API, WebSocket, health checks, metrics and web app.
pub fn app(state: AppState) -> Router {
    metrics::prometheus();
    let trusted = state.trusted_proxies.clone();
    let (router, doc) = api_router().split_for_parts();
    let doc = std::sync::Arc::new(doc);
    router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .route("/api/v1/events", axum::routing::get(routes::events::events))
        .route("/healthz", axum::routing::get(routes::health::healthz))
        .route("/readyz", axum::routing::get(routes::health::readyz))
        .route("/metrics", axum::routing::get(metrics::scrape))
        .fallback(web::serve)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(time_limit))
        .layer(axum::middleware::from_fn(metrics::track_http))
        // Outermost: the client's address is known to everything inside.
        .layer(axum::middleware::from_fn_with_state(
            trusted,
            forwarded::resolve,
        ))
        .with_state(state)
}
