//! Login and logout.

use axum::extract::State;
use axum::http::header::{RETRY_AFTER, SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use model::account::{LoginRequest, LoginResponse};
use model::{ErrorBody, Event};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self as a, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::routes::widget::{ClientIp, SecureCookie};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
}

/// An Argon2 hash checked when the user does not exist, so response time does not reveal which
/// work IDs exist.
pub(crate) static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    a::hash_password_blocking(&a::generate_password()).unwrap_or_default()
});

fn invalid_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "wrong enterprise, work ID or password",
    )
}

/// 429 `too_many_attempts` with `Retry-After` (whole seconds, rounded up).
pub(crate) fn throttled(wait_ms: i64) -> Response {
    let secs = (wait_ms.max(1) + 999) / 1000;
    let err = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        format!("too many failed sign-ins: try again in {secs} s"),
    )
    .with_details(serde_json::json!({ "retry_after_s": secs }));
    ([(RETRY_AFTER, secs.to_string())], err).into_response()
}

/// Signs in with enterprise code, work ID and password. After a few failures from one address,
/// or for one account, each further attempt must wait a delay that doubles with each failure
/// (429 with `Retry-After`); attempts from other addresses are slowed by a few seconds at most.
/// An unknown enterprise or work ID answers exactly like a wrong password.
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = LoginResponse),
        (status = 401, description = "Wrong enterprise, work ID or password", body = ErrorBody),
        (status = 403, description = "Account or enterprise disabled (only said after the right password)", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins: wait the `Retry-After` seconds", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
        (status = 503, description = "Too many sign-ins being checked at once: try again shortly", body = ErrorBody),
    )
)]
pub(crate) async fn login(
    State(state): State<AppState>,
    ClientIp(source): ClientIp,
    SecureCookie(secure): SecureCookie,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Response> {
    let now = state.now();
    let account = format!(
        "{}/{}",
        req.enterprise.trim().to_lowercase(),
        req.work_id.trim().to_lowercase()
    );
    if let Some(wait_ms) = state.login_throttle.check(&account, source, now) {
        return Ok(throttled(wait_ms));
    }
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
    // An unknown user costs the same Argon2 check as a known one and answers the same.
    let hash = creds
        .as_ref()
        .map_or_else(|| DUMMY_HASH.clone(), |c| c.password_hash.clone());
    let matches = a::verify_password(&state.argon2_permits, req.password, hash).await?;
    let (Some(enterprise), Some(creds), true) = (enterprise, creds, matches) else {
        state.login_throttle.failed(&account, source, now);
        return Err(invalid_credentials());
    };
    let tenant = state.store.tenant(enterprise.id);
    if !enterprise.enabled {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "enterprise_disabled",
            "this enterprise is disabled: ask the platform administrator",
        ));
    }
    if !creds.enabled {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "account_disabled",
            "this account is disabled: ask your administrator",
        ));
    }
    state.login_throttle.succeeded(&account, source);
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
    let cookie = a::session_cookie(&token, ttl.as_secs(), secure);
    Ok(([(SET_COOKIE, cookie)], Json(LoginResponse { token, me })).into_response())
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
