//! Click-to-dial from a desk phone: the agent's phone rings, then the customer is called through
//! a trunk with an enterprise number as caller ID (needs `answer_dial`). A signed-out agent can
//! make no calls (SPEC §2).

use axum::extract::State;
use axum::http::StatusCode;
use engine::sipd::DialError;
use model::telephony::{DialRequest, DialResponse};
use model::{ErrorBody, Permission};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dial))
}

impl From<DialError> for ApiError {
    fn from(e: DialError) -> Self {
        let code = match e {
            DialError::NotSignedIn => "not_signed_in",
            DialError::NoSipAccount => "no_sip_account",
            DialError::NotRegistered => "desk_phone_not_registered",
            DialError::BrowserNotConnected => "browser_audio_not_connected",
            DialError::NoMobile => "no_mobile_number",
            DialError::InCall => "in_call",
            DialError::NoTrunk => "no_trunk",
            DialError::CallLimit(_) => "call_limit",
            DialError::NoMediaPorts | DialError::Stopped => {
                return ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    e.to_string(),
                );
            }
        };
        ApiError::conflict(code, e.to_string())
    }
}

/// Places a call in the agent's audio mode: browser audio calls `number` at once; desk phone
/// and mobile callback ring the agent first and call `number` when the agent answers. The
/// customer is called through a trunk with an enterprise number as caller ID.
#[utoipa::path(post, path = "/me/dial", tag = "me", request_body = DialRequest,
    responses(
        (status = 202, body = DialResponse),
        (status = 400, body = ErrorBody),
        (status = 409, description = "`not_signed_in`: the agent is signed out; no SIP account, desk phone not registered, browser audio not connected, no mobile number for callback, already on a call, no usable trunk, or `call_limit` (the enterprise's concurrent calls are all in use); risk control: `do_not_call`, `destination_not_allowed`, `risk_limited` (details: `retry_after` seconds, `retry_at` unix ms)", body = ErrorBody),
        (status = 503, description = "SIP endpoint not running or no media ports", body = ErrorBody),
    ))]
pub(crate) async fn dial(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<DialRequest>,
) -> ApiResult<(StatusCode, Json<DialResponse>)> {
    user.require(Permission::AnswerDial)?;
    let number = validate::phone_number("number", &req.number, 1)?;
    let caller_number = req
        .caller_number
        .as_deref()
        .map(|c| validate::phone_number("caller_number", c, 3))
        .transpose()?;
    // An enterprise number the agent may show (system-assigned when none is asked for).
    if let Some(c) = &caller_number {
        let mine = super::caller_numbers::allowed(&state, &user, user.user_id).await?;
        let norm = |n: &str| n.trim_start_matches('+').to_owned();
        if !mine.iter().any(|n| norm(&n.number) == norm(c)) {
            return Err(ApiError::validation(
                "caller_number",
                "not one of the numbers you may show (GET /me/caller-numbers)",
            ));
        }
    }
    // Risk control (风控) on every outbound call: do-not-call list, destinations, per-number
    // limits; a refused call is 409 and says why and when it is allowed again.
    crate::risk::check_outbound(user.tenant(&state), &number, state.now()).await?;
    let sip = state.sip.as_ref().ok_or(DialError::Stopped)?;
    // Signed-out agents neither receive nor make calls (SPEC §2): the endpoint refuses them.
    let r = sip
        .dial(user.enterprise, user.user_id, number.clone(), caller_number)
        .await?;
    // Calling a missed caller back handles their reminders.
    user.tenant(&state)
        .missed_calls_called_back(user.user_id, &number, state.now())
        .await?;
    Ok((StatusCode::ACCEPTED, Json(r)))
}
