//! The signed-in user's own account: profile, password, sessions.

use axum::extract::State;
use axum::http::StatusCode;
use model::account::{Me, PasswordChange, SessionInfo};
use model::{ErrorBody, Event, SessionId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self as a, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::routes::revoke_sessions;
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(sessions))
        .routes(routes!(revoke_session))
}

/// Who is signed in, with role, permissions and skill groups.
#[utoipa::path(get, path = "/me", tag = "me",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub(crate) async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Me>> {
    Ok(Json(user.tenant(&state).me(user.user_id).await?))
}

/// Changes the password; every other session of the user is signed out.
#[utoipa::path(post, path = "/me/password", tag = "me", request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "New password too weak", body = ErrorBody),
        (status = 401, description = "Old password wrong", body = ErrorBody),
    ))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<PasswordChange>,
) -> ApiResult<StatusCode> {
    validate::password("new_password", &req.new_password)?;
    let tenant = user.tenant(&state);
    let hash = tenant.password_hash(user.user_id).await?;
    if !a::verify_password(&state.argon2_permits, req.old_password, hash).await? {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "old_password: wrong password",
        ));
    }
    let new_hash = a::hash_password_bounded(&state.argon2_permits, req.new_password).await?;
    tenant.set_password(user.user_id, &new_hash).await?;
    revoke_sessions(
        &state,
        tenant,
        user.user_id,
        Some(user.session_id),
        "password_changed",
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The user's live sessions, newest first.
#[utoipa::path(get, path = "/me/sessions", tag = "me",
    responses((status = 200, body = Vec<SessionInfo>), (status = 401, body = ErrorBody)))]
pub(crate) async fn sessions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<SessionInfo>>> {
    Ok(Json(
        user.tenant(&state)
            .sessions_of(user.user_id, user.session_id, state.now())
            .await?,
    ))
}

/// Signs one of the user's sessions out (e.g. a browser left open elsewhere).
#[utoipa::path(delete, path = "/me/sessions/{id}", tag = "me",
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 204, description = "Revoked"), (status = 404, body = ErrorBody)))]
pub(crate) async fn revoke_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let id = SessionId(id);
    user.tenant(&state)
        .revoke_session(user.user_id, id, state.now())
        .await?;
    state.hub.publish(
        user.user_id,
        Event::SessionRevoked {
            session_id: id,
            reason: "revoked".to_owned(),
        },
    );
    Ok(StatusCode::NO_CONTENT)
}
