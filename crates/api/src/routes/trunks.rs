//! Admin CRUD of SIP trunks (needs `manage_numbers`), with each trunk's live status.

use axum::extract::State;
use axum::http::StatusCode;
use model::telephony::{Trunk, TrunkInput, TrunkMode};
use model::{ErrorBody, Permission, TrunkId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_trunks, create_trunk))
        .routes(routes!(get_trunk, update_trunk, delete_trunk))
}

/// Checks and normalises a trunk's settings; `stored_password` tells whether an update without a
/// password still has one.
fn checked(mut t: TrunkInput, stored_password: bool) -> ApiResult<TrunkInput> {
    t.name = validate::text("name", &t.name, 1, 64)?;
    t.host = validate::host("host", &t.host)?;
    if t.port == 0 {
        return Err(ApiError::validation("port", "must be between 1 and 65535"));
    }
    t.username = validate::optional_text("username", t.username.as_deref(), 64)?;
    if let Some(p) = &t.password
        && (p.chars().count() > 128 || p.chars().any(char::is_control))
    {
        return Err(ApiError::validation(
            "password",
            "must be at most 128 characters without control characters",
        ));
    }
    if t.mode == TrunkMode::Register {
        let has_password = match &t.password {
            Some(p) => !p.is_empty(),
            None => stored_password,
        };
        if t.username.is_none() || !has_password {
            return Err(ApiError::validation(
                "username",
                "a registering trunk needs a user name and a password",
            ));
        }
    }
    if t.allowed_sources.len() > 32 {
        return Err(ApiError::validation(
            "allowed_sources",
            "at most 32 addresses",
        ));
    }
    for s in &mut t.allowed_sources {
        let ip: std::net::IpAddr = s.trim().parse().map_err(|_| {
            ApiError::validation("allowed_sources", &format!("{s:?} is not an IP address"))
        })?;
        *s = ip.to_string();
    }
    t.allowed_sources.sort();
    t.allowed_sources.dedup();
    t.public_address = match t.public_address.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => {
            let ip: std::net::IpAddr = s.parse().map_err(|_| {
                ApiError::validation("public_address", &format!("{s:?} is not an IP address"))
            })?;
            if ip.is_unspecified() || ip.is_multicast() {
                return Err(ApiError::validation(
                    "public_address",
                    "must be an address peers can reach, not 0.0.0.0, :: or multicast",
                ));
            }
            Some(ip.to_string())
        }
    };
    let mut codecs = Vec::new();
    for c in &t.codecs {
        let c = c.trim().to_ascii_uppercase();
        if c != "PCMA" && c != "PCMU" {
            return Err(ApiError::validation("codecs", "each must be PCMA or PCMU"));
        }
        if !codecs.contains(&c) {
            codecs.push(c);
        }
    }
    if codecs.is_empty() {
        return Err(ApiError::validation("codecs", "choose at least one codec"));
    }
    t.codecs = codecs;
    if t.max_calls > 100_000 {
        return Err(ApiError::validation("max_calls", "must be at most 100000"));
    }
    if !(60..=86_400).contains(&t.register_expires) {
        return Err(ApiError::validation(
            "register_expires",
            "must be between 60 and 86400 seconds",
        ));
    }
    Ok(t)
}

fn with_status(state: &AppState, mut t: Trunk) -> Trunk {
    t.status = state.sip.as_ref().and_then(|s| s.trunk_status(t.id));
    t
}

/// The enterprise's trunks with their live status.
#[utoipa::path(get, path = "/trunks", tag = "trunks",
    responses((status = 200, body = Vec<Trunk>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_trunks(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<Trunk>>> {
    user.require(Permission::ManageNumbers)?;
    let trunks = user.tenant(&state).trunks().await?;
    Ok(Json(
        trunks.into_iter().map(|t| with_status(&state, t)).collect(),
    ))
}

/// Creates a trunk; the SIP endpoint starts using it at once.
#[utoipa::path(post, path = "/trunks", tag = "trunks", request_body = TrunkInput,
    responses(
        (status = 201, body = Trunk),
        (status = 400, body = ErrorBody),
        (status = 409, description = "Name taken", body = ErrorBody),
    ))]
pub(crate) async fn create_trunk(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<TrunkInput>,
) -> ApiResult<(StatusCode, Json<Trunk>)> {
    user.require(Permission::ManageNumbers)?;
    let req = checked(req, false)?;
    let t = user.tenant(&state).create_trunk(&req, state.now()).await?;
    state.reload_sip().await?;
    Ok((StatusCode::CREATED, Json(with_status(&state, t))))
}

/// One trunk with its live status.
#[utoipa::path(get, path = "/trunks/{id}", tag = "trunks",
    params(("id" = i64, Path, description = "Trunk id")),
    responses((status = 200, body = Trunk), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_trunk(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Trunk>> {
    user.require(Permission::ManageNumbers)?;
    let t = user.tenant(&state).trunk(TrunkId(id)).await?;
    Ok(Json(with_status(&state, t)))
}

/// Replaces a trunk's settings (a missing password keeps the stored one).
#[utoipa::path(put, path = "/trunks/{id}", tag = "trunks", request_body = TrunkInput,
    params(("id" = i64, Path, description = "Trunk id")),
    responses(
        (status = 200, body = Trunk),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ))]
pub(crate) async fn update_trunk(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<TrunkInput>,
) -> ApiResult<Json<Trunk>> {
    user.require(Permission::ManageNumbers)?;
    let tenant = user.tenant(&state);
    let current = tenant.trunk(TrunkId(id)).await?;
    let req = checked(req, current.has_password)?;
    let t = tenant.update_trunk(TrunkId(id), &req).await?;
    state.reload_sip().await?;
    Ok(Json(with_status(&state, t)))
}

/// Deletes a trunk (409 `in_use` while numbers are on it).
#[utoipa::path(delete, path = "/trunks/{id}", tag = "trunks",
    params(("id" = i64, Path, description = "Trunk id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Numbers are on it", body = ErrorBody),
    ))]
pub(crate) async fn delete_trunk(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageNumbers)?;
    user.tenant(&state).delete_trunk(TrunkId(id)).await?;
    state.reload_sip().await?;
    Ok(StatusCode::NO_CONTENT)
}
