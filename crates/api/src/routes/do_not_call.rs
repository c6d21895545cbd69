//! The enterprise's do-not-call list and risk-control settings (needs `manage_campaigns`).
//! Both apply to every outbound call, not only campaigns (see `crate::risk`).

use axum::extract::State;
use axum::http::StatusCode;
use model::campaigns::{DoNotCallEntry, NewDoNotCall, RiskSettings};
use model::{ErrorBody, Permission};
use store::StoreError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_do_not_call, add_do_not_call))
        .routes(routes!(remove_do_not_call))
        .routes(routes!(get_risk_settings, put_risk_settings))
}

/// A number in any usual form, normalised, or 400.
fn normalised(number: &str) -> ApiResult<String> {
    dialer::number::normalise(number).map_err(|e| ApiError::validation("number", &e.to_string()))
}

/// The do-not-call list, newest first.
#[utoipa::path(get, path = "/do-not-call", tag = "campaigns",
    responses((status = 200, body = Vec<DoNotCallEntry>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_do_not_call(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<DoNotCallEntry>>> {
    user.require(Permission::ManageCampaigns)?;
    Ok(Json(user.tenant(&state).do_not_call_list().await?))
}

/// Puts a number on the list (normalised to E.164); 409 `already_listed` when it is.
#[utoipa::path(post, path = "/do-not-call", tag = "campaigns", request_body = NewDoNotCall,
    responses((status = 201, body = DoNotCallEntry), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub(crate) async fn add_do_not_call(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(n): Json<NewDoNotCall>,
) -> ApiResult<(StatusCode, Json<DoNotCallEntry>)> {
    user.require(Permission::ManageCampaigns)?;
    let number = normalised(&n.number)?;
    if n.reason.chars().count() > 200 {
        return Err(ApiError::validation("reason", "at most 200 characters"));
    }
    let entry = user
        .tenant(&state)
        .add_do_not_call(&number, n.reason.trim(), user.user_id, state.now())
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                ApiError::conflict("already_listed", "the number is already on the list")
            }
            e => e.into(),
        })?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// Takes a number off the list.
#[utoipa::path(delete, path = "/do-not-call/{number}", tag = "campaigns",
    params(("number" = String, Path, description = "The number, in any usual form")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_do_not_call(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageCampaigns)?;
    let number = normalised(&number)?;
    user.tenant(&state).remove_do_not_call(&number).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Risk-control settings: per-number limits and allowed destinations (defaults: 3 calls in 15
/// minutes, 5 in 24 hours, domestic `+86` only).
#[utoipa::path(get, path = "/risk-control", tag = "campaigns",
    responses((status = 200, body = RiskSettings), (status = 403, body = ErrorBody)))]
pub(crate) async fn get_risk_settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<RiskSettings>> {
    user.require(Permission::ManageCampaigns)?;
    let (limits, destinations) = crate::risk::settings(user.tenant(&state)).await?;
    Ok(Json(crate::risk::to_model(&limits, &destinations)))
}

/// Replaces the risk-control settings.
#[utoipa::path(put, path = "/risk-control", tag = "campaigns", request_body = RiskSettings,
    responses((status = 200, body = RiskSettings), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub(crate) async fn put_risk_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(s): Json<RiskSettings>,
) -> ApiResult<Json<RiskSettings>> {
    user.require(Permission::ManageCampaigns)?;
    let (limits, destinations) = crate::risk::from_model(&s)?;
    let limits_json = serde_json::to_string(&limits).map_err(ApiError::internal)?;
    let dest_json = serde_json::to_string(&destinations).map_err(ApiError::internal)?;
    user.tenant(&state)
        .set_risk_settings(&limits_json, &dest_json, state.now())
        .await?;
    Ok(Json(crate::risk::to_model(&limits, &destinations)))
}
