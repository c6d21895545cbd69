//! The agent's side of the contact center (SPEC §2, §3): presence (sign in, idle, busy, custom
//! statuses, auto-answer), queue lengths, rejecting and hanging up calls, missed-call reminders.
//! The supervisors' real-time monitor (SPEC §4) is in `monitor`.

use axum::extract::State;
use axum::http::StatusCode;
use engine::sipd::{AgentAction, AgentError, SipHandle};
use model::calls::TranscriptionSwitch;
use model::presence::{LoginState, MissedCall, Presence, PresenceChange, QueueLength};
use model::{ErrorBody, Permission};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, JsonOrEmpty, Path};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_presence, change_presence))
        .routes(routes!(my_queues))
        .routes(routes!(call_action))
        .routes(routes!(switch_transcription))
        .routes(routes!(missed_calls))
        .routes(routes!(handle_missed_call))
}

impl From<AgentError> for ApiError {
    fn from(e: AgentError) -> Self {
        let code = match e {
            AgentError::AgentLimit(_) => "agent_limit",
            AgentError::NotSignedIn => "not_signed_in",
            AgentError::InCall => "in_call",
            AgentError::NoSuchCall => "no_such_call",
            AgentError::AnswerOnDevice => "answer_on_device",
            AgentError::NotTalking => "not_talking",
            AgentError::GroupHasNoAgent => "group_has_no_agent",
            AgentError::GroupHasNoIdleAgent => "group_has_no_idle_agent",
            AgentError::TargetOffline => "target_offline",
            AgentError::TargetBusy => "target_busy",
            AgentError::NoTrunk => "no_trunk",
            AgentError::InConsult => "in_consult",
            AgentError::NoSuchFlow => {
                return ApiError::validation("ivr_number", "no such number with an IVR flow");
            }
            AgentError::Supervised => "supervised",
            AgentError::StepOrder => "step_order",
            AgentError::SupervisorBusy => "supervisor_busy",
            AgentError::NoConsult => "no_consult",
            AgentError::UnknownGroup => {
                return ApiError::validation("group_id", "no such skill group");
            }
            AgentError::Invalid(ref m) => return ApiError::validation("presence", m),
            AgentError::Stopped => {
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

pub(crate) fn sip(state: &AppState) -> ApiResult<&SipHandle> {
    state.sip.as_ref().ok_or_else(|| AgentError::Stopped.into())
}

/// The signed-in agent's presence: login and phone status, since when, today's figures.
#[utoipa::path(get, path = "/me/presence", tag = "me",
    responses((status = 200, body = Presence), (status = 503, body = ErrorBody)))]
pub(crate) async fn get_presence(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Presence>> {
    let p = sip(&state)?
        .presence(user.enterprise, user.user_id)
        .await
        .ok_or(AgentError::Stopped)?;
    Ok(Json(p))
}

/// Changes the signed-in agent's presence: sign in (`login: online`, busy until `phone: idle`)
/// or out, enter a custom status, go idle or busy, switch auto-answer.
#[utoipa::path(put, path = "/me/presence", tag = "me", request_body = PresenceChange,
    responses(
        (status = 200, body = Presence),
        (status = 400, description = "A change that makes no sense, or an unknown custom status", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Not signed in, on a call, or (signing in) the enterprise's agent seats are all taken (`agent_limit`)", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn change_presence(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(change): Json<PresenceChange>,
) -> ApiResult<Json<Presence>> {
    user.require(Permission::AgentLogin)?;
    if change.login == Some(LoginState::Custom) {
        let Some(id) = change.custom_status_id else {
            return Err(ApiError::validation(
                "custom_status_id",
                "login `custom` needs a custom status",
            ));
        };
        let status = user
            .tenant(&state)
            .custom_status(id)
            .await
            .map_err(|_| ApiError::validation("custom_status_id", "no such custom status"))?;
        if !status.enabled {
            return Err(ApiError::validation(
                "custom_status_id",
                "this custom status is disabled",
            ));
        }
    } else if change.custom_status_id.is_some() {
        return Err(ApiError::validation(
            "custom_status_id",
            "only with `login: custom`",
        ));
    }
    let p = sip(&state)?
        .change_presence(user.enterprise, user.user_id, change)
        .await?;
    Ok(Json(p))
}

/// Queue lengths of the signed-in agent's skill groups.
#[utoipa::path(get, path = "/me/queues", tag = "me",
    responses((status = 200, body = Vec<QueueLength>), (status = 503, body = ErrorBody)))]
pub(crate) async fn my_queues(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<QueueLength>>> {
    Ok(Json(
        sip(&state)?.queues(user.enterprise, user.user_id).await,
    ))
}

/// `POST /me/call/{action}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallActionRequest {
    /// The call (from the `ringing` event); omitted: the agent's current call.
    pub call: Option<String>,
}

/// Answers, rejects, hangs up, holds or resumes the signed-in agent's call. Calls ringing a
/// desk phone are answered on the phone; rejecting sends the call to the next agent. On hold the
/// customer hears hold music and the agent silence (a desk phone's own hold key does the same);
/// the phone bar hears `call_held` events. The body may be left out (the current call).
#[utoipa::path(post, path = "/me/call/{action}", tag = "me", request_body = CallActionRequest,
    params(("action" = String, Path, description = "`answer`, `reject`, `hangup`, `hold` or `resume`")),
    responses(
        (status = 204, description = "Done"),
        (status = 400, body = ErrorBody),
        (status = 409, description = "`no_such_call`; `answer_on_device`; `not_talking` (hold or resume while not talking with a customer)", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn call_action(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(action): Path<String>,
    JsonOrEmpty(req): JsonOrEmpty<CallActionRequest>,
) -> ApiResult<StatusCode> {
    user.require(Permission::AnswerDial)?;
    let action = match action.as_str() {
        "answer" => AgentAction::Answer,
        "reject" => AgentAction::Reject,
        "hangup" => AgentAction::Hangup,
        "hold" => AgentAction::Hold { on: true },
        "resume" => AgentAction::Hold { on: false },
        _ => {
            return Err(ApiError::validation(
                "action",
                "must be answer, reject, hangup, hold or resume",
            ));
        }
    };
    let call = req
        .call
        .as_deref()
        .map(|c| {
            c.parse::<u64>()
                .map_err(|_| ApiError::validation("call", "not a call id"))
        })
        .transpose()?;
    sip(&state)?
        .agent_action(user.enterprise, user.user_id, call, action)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Switches live transcription (实时转文字) of the signed-in agent's current call on or off.
/// While it is on, the call's segments come on the events WebSocket as `transcript` events
/// (partials replaced by their finals) and the finals are stored with the call record.
#[utoipa::path(post, path = "/me/call/transcription", tag = "me", request_body = TranscriptionSwitch,
    responses(
        (status = 204, description = "Done"),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "`not_in_call`: the agent is not talking on a call; `not_signed_in`", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn switch_transcription(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<TranscriptionSwitch>,
) -> ApiResult<StatusCode> {
    user.require(Permission::AnswerDial)?;
    sip(&state)?
        .agent_action(
            user.enterprise,
            user.user_id,
            None,
            AgentAction::Transcription { on: req.on },
        )
        .await
        .map_err(|e| match e {
            AgentError::NoSuchCall => {
                ApiError::conflict("not_in_call", "the agent is not talking on a call")
            }
            e => e.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in agent's missed-call reminders (漏电提醒), unhandled first.
#[utoipa::path(get, path = "/me/missed-calls", tag = "me",
    responses((status = 200, body = Vec<MissedCall>)))]
pub(crate) async fn missed_calls(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<MissedCall>>> {
    Ok(Json(user.tenant(&state).missed_calls(user.user_id).await?))
}

/// Marks one of the signed-in agent's missed calls handled (calling the number back through
/// `/me/dial` does this by itself).
#[utoipa::path(post, path = "/me/missed-calls/{id}/handled", tag = "me",
    params(("id" = i64, Path, description = "Reminder id")),
    responses((status = 204, description = "Handled"), (status = 404, body = ErrorBody)))]
pub(crate) async fn handle_missed_call(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    user.tenant(&state)
        .handle_missed_call(user.user_id, id, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
