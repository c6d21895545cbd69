//! Passwords, session tokens and the [`CurrentUser`] extractor.
//!
//! A session token is 32 random bytes (base64url). The client holds it as an HttpOnly cookie
//! (browsers) or a bearer token (API clients); the database holds only its SHA-256.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, COOKIE, UPGRADE};
use axum::http::request::Parts;
use base64::Engine;
use model::{DataScope, EnterpriseId, Permission, SessionId, UserId};
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};
use store::Tenant;
use tokio::sync::{Semaphore, SemaphorePermit};
use utoipa::Modify;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::error::ApiError;
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "patchbay_session";

/// Permits for Argon2 work: at most `n` hashes or checks at once, so a flood of logins cannot take
/// every blocking thread; a request that waits longer than `wait` answers 503.
#[derive(Debug)]
pub struct Argon2Permits {
    permits: Semaphore,
    wait: std::time::Duration,
}

impl Argon2Permits {
    /// `n` permits; a request waits at most `wait` for one.
    pub fn new(n: usize, wait: std::time::Duration) -> Self {
        Argon2Permits {
            permits: Semaphore::new(n),
            wait,
        }
    }

    /// One permit per core, 10 s of waiting.
    pub fn per_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        Argon2Permits::new(cores, std::time::Duration::from_secs(10))
    }

    /// Waits for a permit; 503 `server_busy` when none frees up in time.
    async fn acquire(&self) -> Result<SemaphorePermit<'_>, ApiError> {
        match tokio::time::timeout(self.wait, self.permits.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(e)) => Err(ApiError::internal(e)),
            Err(_) => Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "server_busy",
                "the server is busy checking passwords: try again in a few seconds",
            )),
        }
    }
}

/// Hashes a password with Argon2id (default parameters) on a blocking thread; for commands run
/// outside the server.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(ApiError::internal)?
}

/// [`hash_password`] holding one of `permits`, for request handlers.
pub async fn hash_password_bounded(
    permits: &Argon2Permits,
    password: String,
) -> Result<String, ApiError> {
    let _permit = permits.acquire().await?;
    hash_password(password).await
}

/// Hashes a password with Argon2id; for start-up code that is not async.
pub fn hash_password_blocking(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// Checks a password against a stored hash on a blocking thread, holding one of `permits`. A
/// malformed hash never matches.
pub async fn verify_password(
    permits: &Argon2Permits,
    password: String,
    hash: String,
) -> Result<bool, ApiError> {
    let _permit = permits.acquire().await?;
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(ApiError::internal)
}

/// A random password for new users and resets: 12 letters and digits.
pub fn generate_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(12)
        .map(char::from)
        .collect()
}

/// A new random session token.
pub fn generate_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores for a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The `Set-Cookie` value that stores `token` for `max_age_s` seconds.
pub fn session_cookie(token: &str, max_age_s: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")
}

/// The `Set-Cookie` value that deletes the session cookie.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The only route that takes `?token=`: the events WebSocket, whose browser clients cannot set
/// headers. Anywhere else a token in the URL would end up in logs and histories, so it is ignored.
pub(crate) const QUERY_TOKEN_PATH: &str = "/api/v1/events";

/// Whether a request is a WebSocket upgrade of [`QUERY_TOKEN_PATH`].
fn query_token_allowed(parts: &Parts) -> bool {
    parts.uri.path() == QUERY_TOKEN_PATH
        && parts
            .headers
            .get(UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// The token of a request: the bearer token, else the session cookie, else `?token=` on the
/// events WebSocket upgrade only.
pub(crate) fn request_token(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(t) = bearer {
        return Some(t.trim().to_owned());
    }
    let cookie = parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|s| s.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == SESSION_COOKIE && !v.is_empty());
    if let Some((_, v)) = cookie {
        return Some(v.to_owned());
    }
    if !query_token_allowed(parts) {
        return None;
    }
    parts.uri.query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "token")
            .map(|(_, v)| v.to_owned())
    })
}

/// The signed-in user of a request, with what their role allows.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The session the request came with.
    pub session_id: SessionId,
    /// The user's enterprise: every store call goes through its tenant handle.
    pub enterprise: EnterpriseId,
    /// The user.
    pub user_id: UserId,
    /// Permissions of the user's role.
    pub permissions: Vec<Permission>,
    /// Data scope of the user's role.
    pub data_scope: DataScope,
}

impl CurrentUser {
    /// Fails with 403 unless the role grants `p`.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.permissions.contains(&p) {
            Ok(())
        } else {
            Err(ApiError::forbidden(p.as_str()))
        }
    }

    /// The store scoped to this user's enterprise.
    pub fn tenant<'a>(&self, state: &'a AppState) -> Tenant<'a> {
        state.store.tenant(self.enterprise)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = request_token(parts).ok_or_else(ApiError::unauthenticated)?;
        let session = state
            .store
            .live_session(&token_hash(&token), state.now())
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let me = state
            .store
            .tenant(session.enterprise_id)
            .me(session.user_id)
            .await
            .map_err(|_| ApiError::unauthenticated())?;
        Ok(CurrentUser {
            session_id: session.id,
            enterprise: session.enterprise_id,
            user_id: session.user_id,
            permissions: me.permissions,
            data_scope: me.data_scope,
        })
    }
}

/// Adds the cookie and bearer security schemes to the OpenAPI document.
pub(crate) struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(SESSION_COOKIE))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
