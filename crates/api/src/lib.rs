//! Patchbay's HTTP layer.
//!
//! [`app`] builds the whole router from an [`AppState`]: REST under `/api/v1` (documented by
//! [`openapi`], served at `/api/v1/openapi.json`), the events WebSocket, `/healthz`, `/readyz`,
//! Prometheus `/metrics`, and the web app's static files. Handlers stay thin: they authenticate ([`auth::CurrentUser`]), check a
//! permission, validate input, and call the store through the caller's tenant handle.

pub mod auth;
mod error;
mod extract;
pub mod metrics;
mod pops;
mod routes;
mod state;
mod validate;
mod web;

use auth::SecurityAddon;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use error::ApiError;
pub use pops::enrich_offer;
pub use state::{AppState, AuthSettings};

/// The OpenAPI document's fixed parts; paths and schemas are collected from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Patchbay API",
        description = "REST API of Patchbay, the self-hosted call center. Errors always have the shape {\"error\": {\"code\", \"message\"}}."
    ),
    modifiers(&SecurityAddon),
    components(schemas(model::Event)),
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

/// The complete application: API, WebSocket, health checks, metrics and web app.
pub fn app(state: AppState) -> Router {
    metrics::prometheus();
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
        .layer(axum::middleware::from_fn(metrics::track_http))
        .with_state(state)
}
