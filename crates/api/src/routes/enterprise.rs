//! The enterprise's contact-center settings (needs `manage_users`): after-call work, whether
//! every call is transcribed and the time zone, and which speech-to-text engines the server has.

use axum::extract::State;
use model::org::{EnterpriseSettings, EnterpriseSettingsUpdate, TranscriptionEngine};
use model::{ErrorBody, Permission};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, update_settings))
        .routes(routes!(transcription_engines))
}

/// The enterprise's settings: after-call work length, transcription of every call, time zone.
#[utoipa::path(get, path = "/enterprise/settings", tag = "enterprise",
    responses((status = 200, body = EnterpriseSettings), (status = 403, body = ErrorBody)))]
pub(crate) async fn get_settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<EnterpriseSettings>> {
    user.require(Permission::ManageUsers)?;
    Ok(Json(user.tenant(&state).enterprise_settings().await?))
}

/// Changes the enterprise's settings; fields left out keep their value.
#[utoipa::path(put, path = "/enterprise/settings", tag = "enterprise",
    request_body = EnterpriseSettingsUpdate,
    responses(
        (status = 200, body = EnterpriseSettings),
        (status = 400, description = "A value out of range", body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
pub(crate) async fn update_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<EnterpriseSettingsUpdate>,
) -> ApiResult<Json<EnterpriseSettings>> {
    user.require(Permission::ManageUsers)?;
    if req
        .after_call_work_secs
        .is_some_and(|s| !(0..=600).contains(&s))
    {
        return Err(ApiError::validation(
            "after_call_work_secs",
            "must be 0 to 600 seconds",
        ));
    }
    let zone = req.time_zone.as_deref().map(str::trim);
    if let Some(z) = zone
        && !crate::local_day::is_zone(z)
    {
        return Err(ApiError::validation(
            "time_zone",
            "must be an IANA time zone such as Asia/Shanghai or America/New_York",
        ));
    }
    let tenant = user.tenant(&state);
    if let Some(z) = zone {
        tenant.set_time_zone(z).await?;
    }
    if let Some(secs) = req.after_call_work_secs {
        tenant.set_after_call_work_secs(secs).await?;
    }
    if let Some(on) = req.transcribe_all_calls {
        tenant.set_transcribe_all_calls(on).await?;
    }
    // After-call work and the time zone reach the ACD through the SIP endpoint's directory.
    state.reload_sip().await?;
    Ok(Json(tenant.enterprise_settings().await?))
}

/// The server's speech-to-text engines: which can be used, which live calls use, and for one that
/// cannot, what the operator must do (build it in, or configure its model). Chinese
/// transcription needs sherpa-onnx with a model.
#[utoipa::path(get, path = "/enterprise/transcription-engines", tag = "enterprise",
    responses((status = 200, body = Vec<TranscriptionEngine>), (status = 403, body = ErrorBody)))]
pub(crate) async fn transcription_engines(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<TranscriptionEngine>>> {
    user.require(Permission::ManageUsers)?;
    Ok(Json(state.transcription_engines.as_ref().clone()))
}
