//! Login and logout.

use axum::extract::State;
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use model::account::{LoginRequest, LoginResponse};
use model::{ErrorBody, Event};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self as a, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
}

/// An Argon2 hash checked when the user does not exist, so response time does not reveal which
/// work IDs exist.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    a::hash_password_blocking(&a::generate_password()).unwrap_or_default()
});

fn invalid_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "wrong enterprise, work ID or password",
    )
}

fn locked(until: i64) -> ApiError {
    ApiError::new(
        StatusCode::LOCKED,
        "account_locked",
        "too many failed logins: the account is locked for a while",
    )
    .with_details(serde_json::json!({ "locked_until": until }))
}

/// Signs in with enterprise code, work ID and password. Five wrong passwords in a row lock the
/// account for 15 minutes.
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = LoginResponse),
        (status = 401, description = "Wrong enterprise, work ID or password", body = ErrorBody),
        (status = 403, description = "Account disabled", body = ErrorBody),
        (status = 423, description = "Account locked", body = ErrorBody),
    )
)]
pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let now = state.now();
    let enterprise = state
        .store
        .enterprise_by_code(req.enterprise.trim())
        .await?;
    let creds = match &enterprise {
        Some(e) => {
            state
                .store
                .tenant(e.id)
                .credentials(req.work_id.trim())
                .await?
        }
        None => None,
    };
    let (Some(enterprise), Some(creds)) = (enterprise, creds) else {
        a::verify_password(req.password, DUMMY_HASH.clone()).await?;
        return Err(invalid_credentials());
    };
    let tenant = state.store.tenant(enterprise.id);
    if let Some(until) = creds.locked_until.filter(|&t| t > now) {
        return Err(locked(until));
    }
    if !a::verify_password(req.password, creds.password_hash).await? {
        let lock_ms = i64::try_from(state.auth.lockout.as_millis()).unwrap_or(i64::MAX);
        return match tenant
            .record_failed_login(creds.user_id, now, state.auth.max_failed_logins, lock_ms)
            .await?
        {
            Some(until) => Err(locked(until)),
            None => Err(invalid_credentials()),
        };
    }
    if !creds.enabled {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "account_disabled",
            "this account is disabled: ask your administrator",
        ));
    }
    tenant.clear_failed_logins(creds.user_id).await?;
    let token = a::generate_token();
    let ttl = state.auth.session_ttl;
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(256).collect::<String>());
    tenant
        .create_session(
            creds.user_id,
            &a::token_hash(&token),
            user_agent.as_deref(),
            now,
            now + i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2),
        )
        .await?;
    let me = tenant.me(creds.user_id).await?;
    let cookie = a::session_cookie(&token, ttl.as_secs(), state.auth.secure_cookie);
    Ok(([(SET_COOKIE, cookie)], Json(LoginResponse { token, me })))
}

/// Signs out: revokes this session and clears the cookie.
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub(crate) async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<impl IntoResponse> {
    user.tenant(&state)
        .revoke_session(user.user_id, user.session_id, state.now())
        .await?;
    state.hub.publish(
        user.user_id,
        Event::SessionRevoked {
            session_id: user.session_id,
            reason: "logout".to_owned(),
        },
    );
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, a::clear_cookie())]))
}
