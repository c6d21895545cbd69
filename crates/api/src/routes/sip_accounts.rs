//! Agents' SIP credentials for desk phones (needs `manage_users`), with live registrations.

use axum::extract::State;
use axum::http::StatusCode;
use model::telephony::{SipAccount, SipAccountInput};
use model::{ErrorBody, Permission, UserId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self as a, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(
        get_sip_account,
        put_sip_account,
        delete_sip_account
    ))
}

async fn view(
    state: &AppState,
    user: UserId,
    username: String,
    password: Option<String>,
) -> SipAccount {
    let (registrations, realm) = match &state.sip {
        Some(sip) => (sip.registrations(&username).await, sip.realm.clone()),
        None => (Vec::new(), "patchbay".to_owned()),
    };
    SipAccount {
        user_id: user,
        username,
        password,
        realm,
        registrations,
    }
}

/// An agent's SIP account and the desk phone's live registrations (the password is not shown).
#[utoipa::path(get, path = "/users/{id}/sip-account", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, body = SipAccount),
        (status = 404, description = "No such user, or no SIP account", body = ErrorBody),
    ))]
pub(crate) async fn get_sip_account(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<SipAccount>> {
    user.require(Permission::ManageUsers)?;
    let tenant = user.tenant(&state);
    tenant.user(UserId(id)).await?;
    let (username, _) = tenant
        .sip_account(UserId(id))
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(view(&state, UserId(id), username, None).await))
}

/// Creates or changes an agent's SIP account. Without a password a new account gets a generated
/// one; the password in effect is returned in this response only when it was set now.
#[utoipa::path(put, path = "/users/{id}/sip-account", tag = "users", request_body = SipAccountInput,
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, body = SipAccount),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "User name taken", body = ErrorBody),
    ))]
pub(crate) async fn put_sip_account(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<SipAccountInput>,
) -> ApiResult<Json<SipAccount>> {
    user.require(Permission::ManageUsers)?;
    let username = validate::sip_username(&req.username)?;
    if let Some(p) = &req.password
        && (p.chars().count() < 8 || p.chars().count() > 64 || p.chars().any(char::is_control))
    {
        return Err(ApiError::validation(
            "password",
            "must be 8 to 64 characters without control characters",
        ));
    }
    let tenant = user.tenant(&state);
    tenant.user(UserId(id)).await?;
    let current = tenant.sip_account(UserId(id)).await?;
    let (password, shown) = match (req.password, current) {
        (Some(p), _) => (p.clone(), Some(p)),
        (None, Some((_, Some(p)))) => (p, None),
        // A new account, or one whose password no longer opens: a new password, shown once.
        (None, _) => {
            let p = a::generate_password();
            (p.clone(), Some(p))
        }
    };
    tenant
        .set_sip_account(UserId(id), &username, &password, state.now())
        .await?;
    state.reload_sip().await?;
    Ok(Json(view(&state, UserId(id), username, shown).await))
}

/// Removes an agent's SIP account; the desk phone can no longer register.
#[utoipa::path(delete, path = "/users/{id}/sip-account", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete_sip_account(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageUsers)?;
    user.tenant(&state).delete_sip_account(UserId(id)).await?;
    state.reload_sip().await?;
    Ok(StatusCode::NO_CONTENT)
}
