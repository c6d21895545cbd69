//! The platform administrator's routes (issue 21): sign in, list, create, rename, enable and
//! disable enterprises. A platform administrator belongs to no enterprise: these routes take only
//! a platform session (`patchbay admin create` makes the first account), and no enterprise route
//! takes one. Nothing here reads an enterprise's own data beyond its name, code and user count.

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use model::platform::EnterpriseLimits;
use model::platform::{
    EnterpriseCreate, EnterpriseCreated, EnterpriseInfo, EnterpriseUpdate, PlatformAdmin,
    PlatformLoginRequest, PlatformLoginResponse,
};
use model::{EnterpriseId, ErrorBody};
use store::{EnterpriseChange, FirstAdmin};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth as a;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::routes::auth::{DUMMY_HASH, throttled};
use crate::routes::widget::{ClientIp, SecureCookie};
use crate::state::AppState;
use crate::validate;

/// Name of the platform session cookie (apart from the enterprise session's, so one browser can
/// hold both).
pub const PLATFORM_COOKIE: &str = "patchbay_platform_session";

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(platform_login))
        .routes(routes!(platform_logout))
        .routes(routes!(platform_me))
        .routes(routes!(list_enterprises, create_enterprise))
        .routes(routes!(get_enterprise, update_enterprise))
}

/// A signed-in platform administrator: the request's bearer token or platform cookie names a
/// live platform session. Enterprise sessions are not platform sessions: they get 401 here.
#[derive(Debug, Clone)]
pub(crate) struct PlatformUser {
    /// The session the request came with.
    session_id: i64,
    /// Who it is.
    admin: PlatformAdmin,
}

/// The token of a platform request: the bearer token, else the platform cookie.
fn platform_token(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(t) = bearer {
        return Some(t.trim().to_owned());
    }
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|s| s.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == PLATFORM_COOKIE && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}

impl FromRequestParts<AppState> for PlatformUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = platform_token(parts).ok_or_else(ApiError::unauthenticated)?;
        let session = state
            .store
            .live_platform_session(&a::token_hash(&token), state.now())
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        Ok(PlatformUser {
            session_id: session.id,
            admin: session.admin,
        })
    }
}

fn cookie(token: &str, max_age_s: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{PLATFORM_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}"
    )
}

/// Signs a platform administrator in. Failed attempts are throttled like enterprise sign-ins
/// (429 with `Retry-After`); an unknown name answers exactly like a wrong password.
#[utoipa::path(
    post,
    path = "/platform/auth/login",
    tag = "platform",
    security(()),
    request_body = PlatformLoginRequest,
    responses(
        (status = 200, description = "Signed in; the platform session cookie is set", body = PlatformLoginResponse),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Wrong user name or password", body = ErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins: wait the `Retry-After` seconds", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
        (status = 503, description = "Too many sign-ins being checked at once: try again shortly", body = ErrorBody),
    )
)]
pub(crate) async fn platform_login(
    State(state): State<AppState>,
    ClientIp(source): ClientIp,
    SecureCookie(secure): SecureCookie,
    Json(req): Json<PlatformLoginRequest>,
) -> ApiResult<Response> {
    let now = state.now();
    // Enterprise accounts are `code/work_id` and codes have no `:`, so these never collide.
    let account = format!("platform:{}", req.username.trim().to_lowercase());
    if let Some(wait_ms) = state.login_throttle.check(&account, source, now) {
        return Ok(throttled(wait_ms));
    }
    let found = state
        .store
        .platform_admin_credentials(req.username.trim())
        .await?;
    let hash = found
        .as_ref()
        .map_or_else(|| DUMMY_HASH.clone(), |(_, h)| h.clone());
    let matches = a::verify_password(&state.argon2_permits, req.password, hash).await?;
    let (Some((admin, _)), true) = (found, matches) else {
        state.login_throttle.failed(&account, source, now);
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "wrong user name or password",
        ));
    };
    state.login_throttle.succeeded(&account, source);
    let token = a::generate_token();
    let ttl = state.auth.session_ttl;
    state
        .store
        .create_platform_session(
            admin.id,
            &a::token_hash(&token),
            now,
            now + i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2),
        )
        .await?;
    let set = cookie(&token, ttl.as_secs(), secure);
    Ok((
        [(SET_COOKIE, set)],
        Json(PlatformLoginResponse { token, admin }),
    )
        .into_response())
}

/// Signs the platform administrator out: revokes this session and clears the cookie.
#[utoipa::path(post, path = "/platform/auth/logout", tag = "platform",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in as a platform administrator", body = ErrorBody),
    ))]
pub(crate) async fn platform_logout(
    State(state): State<AppState>,
    user: PlatformUser,
) -> ApiResult<impl IntoResponse> {
    state
        .store
        .revoke_platform_session(user.session_id, state.now())
        .await?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie("", 0, false))]))
}

/// The signed-in platform administrator.
#[utoipa::path(get, path = "/platform/me", tag = "platform",
    responses(
        (status = 200, body = PlatformAdmin),
        (status = 401, description = "Not signed in as a platform administrator", body = ErrorBody),
    ))]
pub(crate) async fn platform_me(user: PlatformUser) -> Json<PlatformAdmin> {
    Json(user.admin)
}

/// Every enterprise, by code.
#[utoipa::path(get, path = "/platform/enterprises", tag = "platform",
    responses(
        (status = 200, body = Vec<EnterpriseInfo>),
        (status = 401, description = "Not signed in as a platform administrator", body = ErrorBody),
    ))]
pub(crate) async fn list_enterprises(
    State(state): State<AppState>,
    _user: PlatformUser,
) -> ApiResult<Json<Vec<EnterpriseInfo>>> {
    Ok(Json(state.store.enterprise_infos().await?))
}

/// An enterprise's login code: 2–32 lower-case letters, digits or `-`, not starting with `-`.
fn enterprise_code(value: &str) -> ApiResult<String> {
    let ok = (2..=32).contains(&value.len())
        && !value.starts_with('-')
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        return Err(ApiError::validation(
            "code",
            "must be 2 to 32 lower-case letters, digits or '-', not starting with '-'",
        ));
    }
    Ok(value.to_owned())
}

/// A time zone the platform administrator named: an IANA name.
fn time_zone(value: Option<&str>) -> ApiResult<Option<&str>> {
    let zone = value.map(str::trim);
    if let Some(z) = zone
        && !crate::local_day::is_zone(z)
    {
        return Err(ApiError::validation(
            "time_zone",
            "must be an IANA time zone such as Asia/Shanghai or America/New_York",
        ));
    }
    Ok(zone)
}

/// Limits within their ranges: agents and calls 1–100000, widget calls 0–100000.
fn limits(value: Option<EnterpriseLimits>) -> ApiResult<Option<EnterpriseLimits>> {
    const MAX: u32 = 100_000;
    let Some(l) = value else {
        return Ok(None);
    };
    for (field, v, min) in [
        ("limits.agents", l.agents, 1),
        ("limits.concurrent_calls", l.concurrent_calls, 1),
        ("limits.widget_calls", l.widget_calls, 0),
    ] {
        if v.is_some_and(|v| v < min || v > MAX) {
            return Err(ApiError::validation(
                field,
                &format!("must be {min} to {MAX}, or null for no limit"),
            ));
        }
    }
    Ok(Some(l))
}

/// Creates an enterprise with the standard roles (管理员, 班长, 坐席), its time zone and limits,
/// and its first administrator, whose generated password is returned once.
#[utoipa::path(post, path = "/platform/enterprises", tag = "platform",
    request_body = EnterpriseCreate,
    responses(
        (status = 201, body = EnterpriseCreated),
        (status = 400, description = "A field is malformed", body = ErrorBody),
        (status = 401, description = "Not signed in as a platform administrator", body = ErrorBody),
        (status = 409, description = "The code is taken", body = ErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
    ))]
pub(crate) async fn create_enterprise(
    State(state): State<AppState>,
    _user: PlatformUser,
    Json(req): Json<EnterpriseCreate>,
) -> ApiResult<(StatusCode, Json<EnterpriseCreated>)> {
    let code = enterprise_code(&req.code)?;
    let name = validate::text("name", &req.name, 1, 100)?;
    let admin_work_id = validate::work_id(req.admin_work_id.as_deref().unwrap_or("admin"))?;
    let admin_name = validate::text(
        "admin_name",
        req.admin_name.as_deref().unwrap_or("Administrator"),
        1,
        64,
    )?;
    let terms = EnterpriseChange {
        time_zone: time_zone(req.time_zone.as_deref())?,
        limits: limits(req.limits)?,
        ..EnterpriseChange::default()
    };
    let admin_password = a::generate_password();
    let password_hash =
        a::hash_password_bounded(&state.argon2_permits, admin_password.clone()).await?;
    let enterprise = state
        .store
        .create_enterprise_with_admin(
            &code,
            &name,
            &FirstAdmin {
                work_id: admin_work_id.clone(),
                name: admin_name,
                password_hash,
            },
            &terms,
            state.now(),
        )
        .await
        .map_err(|e| match e {
            store::StoreError::Duplicate(_) => {
                ApiError::conflict("code_taken", "this enterprise code is already in use")
            }
            other => other.into(),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(EnterpriseCreated {
            enterprise,
            admin_work_id,
            admin_password,
        }),
    ))
}

/// One enterprise.
#[utoipa::path(get, path = "/platform/enterprises/{id}", tag = "platform",
    params(("id" = i64, Path, description = "Enterprise id")),
    responses(
        (status = 200, body = EnterpriseInfo),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in as a platform administrator", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn get_enterprise(
    State(state): State<AppState>,
    _user: PlatformUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<EnterpriseInfo>> {
    Ok(Json(state.store.enterprise_info(EnterpriseId(id)).await?))
}

/// Renames, enables or disables an enterprise, or changes its time zone or limits (lowered
/// limits hold new calls and sign-ins; none in progress ends). Disabling signs all its users out, refuses their
/// sign-ins (403 `enterprise_disabled`) and takes its numbers, trunks and desk phones off the SIP
/// endpoint; enabling brings them back.
#[utoipa::path(patch, path = "/platform/enterprises/{id}", tag = "platform",
    request_body = EnterpriseUpdate,
    params(("id" = i64, Path, description = "Enterprise id")),
    responses(
        (status = 200, body = EnterpriseInfo),
        (status = 400, description = "A field is malformed", body = ErrorBody),
        (status = 401, description = "Not signed in as a platform administrator", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
    ))]
pub(crate) async fn update_enterprise(
    State(state): State<AppState>,
    _user: PlatformUser,
    Path(id): Path<i64>,
    Json(req): Json<EnterpriseUpdate>,
) -> ApiResult<Json<EnterpriseInfo>> {
    let name = match &req.name {
        Some(n) => Some(validate::text("name", n, 1, 100)?),
        None => None,
    };
    let change = EnterpriseChange {
        name: name.as_deref(),
        enabled: req.enabled,
        time_zone: time_zone(req.time_zone.as_deref())?,
        limits: limits(req.limits)?,
    };
    let info = state
        .store
        .update_enterprise(EnterpriseId(id), &change, state.now())
        .await?;
    // Being on or off, the zone and the limits are the SIP endpoint's to apply.
    if change.enabled.is_some() || change.time_zone.is_some() || change.limits.is_some() {
        state.reload_sip().await?;
    }
    Ok(Json(info))
}
