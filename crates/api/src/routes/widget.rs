//! The web call widget (SPEC §7, 网页接待组件): a visitor on a company's website calls an
//! enterprise number over WebRTC without signing in. The call runs the number's IVR and queues
//! like a call from a trunk. Each visitor address may run only a few calls at once.

use std::net::{IpAddr, Ipv4Addr};

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use engine::sipd::WidgetError;
use model::ErrorBody;
use model::telephony::{WidgetCallRequest, WidgetCallResponse, WidgetDtmfRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::forwarded::ClientAddr;
use crate::state::AppState;
use crate::validate;

/// The largest SDP offer taken (a browser's is 1–4 KB).
const MAX_SDP: usize = 16 * 1024;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(call))
        .routes(routes!(dtmf))
        .routes(routes!(hangup))
}

/// The visitor's address: the TCP peer's, or the client a trusted proxy names
/// (`trusted_proxies`, see [`crate::forwarded`]); unspecified when the server runs without
/// connection info, as in tests that call the router directly.
pub(crate) struct ClientIp(pub(crate) IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ClientAddr>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.ip);
        Ok(ClientIp(ip))
    }
}

/// Whether the session cookie is to be `Secure`: `secure_cookie` is on, or a trusted proxy
/// says the client came over HTTPS.
pub(crate) struct SecureCookie(pub(crate) bool);

impl FromRequestParts<AppState> for SecureCookie {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let https = parts
            .extensions
            .get::<ClientAddr>()
            .is_some_and(|c| c.https);
        Ok(SecureCookie(state.auth.secure_cookie || https))
    }
}

impl From<WidgetError> for ApiError {
    fn from(e: WidgetError) -> Self {
        let msg = e.to_string();
        match e {
            WidgetError::UnknownNumber | WidgetError::NoSuchCall => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", msg)
            }
            WidgetError::Disabled => ApiError::new(StatusCode::FORBIDDEN, "widget_disabled", msg),
            WidgetError::TooManyCalls => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_calls", msg)
            }
            WidgetError::BadOffer(_) => ApiError::validation("sdp", &msg),
            WidgetError::BadDigit => ApiError::validation("digit", &msg),
            WidgetError::CallLimit => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "call_limit", msg)
            }
            WidgetError::NoMediaPorts | WidgetError::Stopped => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", msg)
            }
        }
    }
}

/// Calls an enterprise number from the web widget: answers the browser's WebRTC offer. The call
/// then runs the number's IVR; digits go to `/widget/calls/{id}/dtmf`.
#[utoipa::path(post, path = "/widget/calls", tag = "widget", request_body = WidgetCallRequest,
    responses(
        (status = 201, body = WidgetCallResponse),
        (status = 400, description = "Bad number or unusable SDP offer", body = ErrorBody),
        (status = 403, description = "The widget is turned off", body = ErrorBody),
        (status = 404, description = "No enterprise answers the number", body = ErrorBody),
        (status = 429, description = "Too many calls from this address", body = ErrorBody),
        (status = 503, description = "The enterprise's lines are all in use (`call_limit`), the SIP endpoint is not running, or no media ports", body = ErrorBody),
    ))]
pub(crate) async fn call(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(req): Json<WidgetCallRequest>,
) -> ApiResult<(StatusCode, Json<WidgetCallResponse>)> {
    let number = validate::phone_number("number", &req.number, 3)?;
    if req.sdp.trim().is_empty() || req.sdp.len() > MAX_SDP {
        return Err(ApiError::validation(
            "sdp",
            &format!("must be an SDP offer of at most {MAX_SDP} bytes"),
        ));
    }
    let sip = state.sip.as_ref().ok_or(WidgetError::Stopped)?;
    let answer = sip.widget_call(number, req.sdp, ip).await?;
    Ok((
        StatusCode::CREATED,
        Json(WidgetCallResponse {
            call_id: answer.token,
            sdp: answer.sdp,
        }),
    ))
}

/// Sends a digit the visitor pressed (the IVR's menus hear it).
#[utoipa::path(post, path = "/widget/calls/{id}/dtmf", tag = "widget",
    params(("id" = String, Path, description = "The call's id from `POST /widget/calls`")),
    request_body = WidgetDtmfRequest,
    responses(
        (status = 204),
        (status = 400, body = ErrorBody),
        (status = 404, description = "No such call (it ended)", body = ErrorBody),
    ))]
pub(crate) async fn dtmf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(req): Json<WidgetDtmfRequest>,
) -> ApiResult<StatusCode> {
    let mut chars = req.digit.chars();
    let (Some(digit), None) = (chars.next(), chars.next()) else {
        return Err(ApiError::validation(
            "digit",
            "must be one of 0-9, *, #, A-D",
        ));
    };
    let sip = state.sip.as_ref().ok_or(WidgetError::Stopped)?;
    sip.widget_dtmf(id, digit.to_ascii_uppercase()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hangs the visitor's call up.
#[utoipa::path(delete, path = "/widget/calls/{id}", tag = "widget",
    params(("id" = String, Path, description = "The call's id from `POST /widget/calls`")),
    responses(
        (status = 204),
        (status = 404, description = "No such call (it ended)", body = ErrorBody),
    ))]
pub(crate) async fn hangup(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let sip = state.sip.as_ref().ok_or(WidgetError::Stopped)?;
    sip.widget_hangup(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
