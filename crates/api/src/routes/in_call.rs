//! What an agent does to a call that is up (SPEC §3): blind transfer (盲转) to a skill group, a
//! colleague or a number; consult (咨询) a colleague or a number while the customer holds, then
//! complete the transfer, join a three-way call (三方通话) or go back to the customer.

use axum::extract::State;
use axum::http::StatusCode;
use engine::sipd::{AgentAction, ConsultStep, ConsultTo, TransferTo};
use model::{ErrorBody, Permission};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::presence::sip;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(transfer_call))
        .routes(routes!(colleagues))
        .routes(routes!(consult))
        .routes(routes!(consult_step))
        .routes(routes!(send_digits))
        .routes(routes!(ivr_entries))
}

/// An IVR entry a caller can be transferred into.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct IvrEntry {
    /// The enterprise number whose flow it is.
    pub number: String,
    /// The admin's note on it.
    pub description: Option<String>,
}

/// The enterprise's IVR entries (numbers with an IVR flow), for a transfer into one.
#[utoipa::path(get, path = "/me/ivr-entries", tag = "me",
    responses(
        (status = 200, body = Vec<IvrEntry>),
        (status = 403, description = "The role lacks `consult_transfer`", body = ErrorBody),
    ))]
pub(crate) async fn ivr_entries(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<axum::Json<Vec<IvrEntry>>> {
    user.require(Permission::ConsultTransfer)?;
    let q = model::PageQuery {
        q: None,
        page: Some(1),
        page_size: Some(200),
    };
    let numbers = user.tenant(&state).numbers(&q).await?;
    Ok(axum::Json(
        numbers
            .items
            .into_iter()
            .filter(|n| n.service == model::telephony::NumberService::Ivr && n.flow.is_some())
            .map(|n| IvrEntry {
                number: n.number,
                description: n.description,
            })
            .collect(),
    ))
}

/// `POST /me/call/dtmf`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DigitsRequest {
    /// The keys, in order: `0`–`9`, `*`, `#`, `A`–`D`; 1 to 32 of them.
    pub digits: String,
}

/// Sends keys from the agent's keypad to the customer's side of the call as RFC 4733
/// telephone events (a carrier's or customer's IVR), whatever the agent's audio (browser,
/// desk phone, mobile): each key sounds 100 ms, 60 ms apart.
#[utoipa::path(post, path = "/me/call/dtmf", tag = "me", request_body = DigitsRequest,
    responses(
        (status = 204, description = "Sent"),
        (status = 400, description = "Not 1 to 32 keys of 0-9 * # A-D", body = ErrorBody),
        (status = 403, description = "The role lacks `answer_dial`", body = ErrorBody),
        (status = 409, description = "`not_talking`: the customer is not on the line yet; `no_such_call`", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn send_digits(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<DigitsRequest>,
) -> ApiResult<StatusCode> {
    user.require(Permission::AnswerDial)?;
    let digits = req.digits.trim().to_ascii_uppercase();
    let keys = |c: char| c.is_ascii_digit() || matches!(c, '*' | '#' | 'A'..='D');
    if digits.is_empty() || digits.len() > 32 || !digits.chars().all(keys) {
        return Err(ApiError::validation(
            "digits",
            "1 to 32 keys: 0-9, *, #, A-D",
        ));
    }
    sip(&state)?
        .agent_action(
            user.enterprise,
            user.user_id,
            None,
            AgentAction::Digits { digits },
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The enterprise's other signed-in agents, for a transfer: available (idle) ones first.
#[utoipa::path(get, path = "/me/colleagues", tag = "me",
    responses(
        (status = 200, body = Vec<model::presence::Colleague>),
        (status = 403, description = "The role lacks `consult_transfer`", body = ErrorBody),
    ))]
pub(crate) async fn colleagues(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<model::presence::Colleague>>> {
    user.require(Permission::ConsultTransfer)?;
    Ok(Json(
        sip(&state)?.colleagues(user.enterprise, user.user_id).await,
    ))
}

/// `POST /me/call/transfer`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The skill group to transfer the customer to (exactly one of `group_id`, `agent_id`,
    /// `number` and `ivr_number`).
    #[serde(default)]
    pub group_id: Option<model::SkillGroupId>,
    /// The colleague to transfer the customer to.
    #[serde(default)]
    pub agent_id: Option<model::UserId>,
    /// A number outside to transfer the customer to (digits, an optional leading `+`, `*`, `#`;
    /// 3 to 32 characters), called through a trunk.
    #[serde(default)]
    pub number: Option<String>,
    /// One of the enterprise's numbers whose IVR flow the customer goes through from its start
    /// (its menus, then wherever it routes).
    #[serde(default)]
    pub ivr_number: Option<String>,
}

/// Transfers the signed-in agent's customer (blind, 盲转) to a skill group, a colleague, a
/// number outside or an IVR entry: the agent's side ends (after-call work, their segment of the
/// record closed) and the customer waits with music at the head of that group's queue, keeping
/// the time already waited, or rings the colleague until they answer, or hears the transfer
/// music while the number rings through a trunk (a number that does not answer ends the call
/// with the goodbye prompt), or goes through that number's IVR flow from its start.
#[utoipa::path(post, path = "/me/call/transfer", tag = "me", request_body = TransferRequest,
    responses(
        (status = 204, description = "Transferred"),
        (status = 400, description = "Not exactly one of `group_id`, `agent_id`, `number` and `ivr_number`; no such skill group or agent; the agent themself; a number that is not dialable; no such number with an IVR flow", body = ErrorBody),
        (status = 403, description = "The role lacks `consult_transfer`", body = ErrorBody),
        (status = 409, description = "`not_talking`: no customer to transfer; `group_has_no_agent`: nobody in the group is signed in; `target_offline`; `target_busy`: the colleague is on a call, in after-call work or busy; `no_trunk`: no trunk is up to call the number through; `no_such_call`; risk control on a number: `do_not_call`, `destination_not_allowed`, `risk_limited` (details: `retry_after` seconds)", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn transfer_call(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<TransferRequest>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ConsultTransfer)?;
    let action = match (req.group_id, req.agent_id, req.number, req.ivr_number) {
        (Some(g), None, None, None) => AgentAction::Transfer {
            to: TransferTo::Group(g),
        },
        (None, None, Some(n), None) => {
            let n = dialable_number(&n)?;
            // Risk control (风控) holds for transfers to outside numbers too.
            crate::risk::check_outbound(user.tenant(&state), &n, state.now()).await?;
            AgentAction::Transfer {
                to: TransferTo::External(n),
            }
        }
        (None, Some(a), None, None) => {
            colleague(&state, &user, a).await?;
            AgentAction::Transfer {
                to: TransferTo::Agent(a),
            }
        }
        (None, None, None, Some(n)) => AgentAction::TransferToIvr {
            number: n.trim().to_owned(),
        },
        _ => {
            return Err(ApiError::validation(
                "group_id",
                "give exactly one of group_id, agent_id, number and ivr_number",
            ));
        }
    };
    sip(&state)?
        .agent_action(user.enterprise, user.user_id, None, action)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /me/call/consult`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultRequest {
    /// The colleague to consult (exactly one of `agent_id`, `group_id` and `number`).
    #[serde(default)]
    pub agent_id: Option<model::UserId>,
    /// A skill group to consult: its best free member by the group's strategy rings.
    #[serde(default)]
    pub group_id: Option<model::SkillGroupId>,
    /// A number outside to consult (digits, an optional leading `+`, `*`, `#`; 3 to 32
    /// characters), called through a trunk with the enterprise's number.
    #[serde(default)]
    pub number: Option<String>,
}

/// Consults (咨询) a colleague, a skill group (its best free member by the group's strategy
/// rings) or a number while the customer holds with music: the agent
/// hears ringback, then talks with the consulted party (whose pop says it is a consult and from
/// whom). Then `POST /me/call/consult/complete` hands the customer over, `…/join` makes a
/// three-way call, `…/cancel` goes back to the customer. The phone bar follows it through
/// `consult` events; a consult that is not answered in 30 s, refused or failed ends by itself
/// (`consult` event with `state: ended` and the reason) and the agent is back with the customer.
#[utoipa::path(post, path = "/me/call/consult", tag = "me", request_body = ConsultRequest,
    responses(
        (status = 204, description = "Ringing"),
        (status = 400, description = "Not exactly one of `agent_id`, `group_id` and `number`; no such agent or skill group; the agent themself; a number that is not dialable", body = ErrorBody),
        (status = 403, description = "The role lacks `consult_transfer`", body = ErrorBody),
        (status = 409, description = "`not_talking`; `in_consult`: a consult is already under way; `target_offline`; `target_busy`: the colleague is on a call, in after-call work or busy; `group_has_no_idle_agent`: nobody in the group is free; `no_trunk`; `no_such_call`; risk control on a number: `do_not_call`, `destination_not_allowed`, `risk_limited`", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn consult(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<ConsultRequest>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ConsultTransfer)?;
    let action = match (req.agent_id, req.group_id, req.number) {
        (None, None, Some(n)) => {
            let n = dialable_number(&n)?;
            // Risk control (风控) holds for consulted numbers too.
            crate::risk::check_outbound(user.tenant(&state), &n, state.now()).await?;
            AgentAction::Consult {
                to: ConsultTo::External(n),
            }
        }
        (Some(a), None, None) => {
            colleague(&state, &user, a).await?;
            AgentAction::Consult {
                to: ConsultTo::Agent(a),
            }
        }
        (None, Some(group), None) => AgentAction::ConsultGroup { group },
        _ => {
            return Err(ApiError::validation(
                "agent_id",
                "give exactly one of agent_id, group_id and number",
            ));
        }
    };
    sip(&state)?
        .agent_action(user.enterprise, user.user_id, None, action)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Finishes the consult under way: `complete` hands the customer to the consulted party
/// (attended transfer; the agent goes to after-call work), `join` brings all three together
/// (three-way call: everyone hears everyone; either agent may leave and the other two stay),
/// `cancel` drops the consulted party (also the third party of a three-way call) and the agent
/// talks with the customer again.
#[utoipa::path(post, path = "/me/call/consult/{step}", tag = "me",
    params(("step" = String, Path, description = "`complete`, `join` or `cancel`")),
    responses(
        (status = 204, description = "Done"),
        (status = 400, body = ErrorBody),
        (status = 403, description = "The role lacks `consult_transfer`", body = ErrorBody),
        (status = 409, description = "`no_consult`: no consult, or not answered yet (only `cancel` works while it rings); `not_talking`; `no_such_call`", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn consult_step(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(step): Path<String>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ConsultTransfer)?;
    let step = match step.as_str() {
        "complete" => ConsultStep::Complete,
        "join" => ConsultStep::Join,
        "cancel" => ConsultStep::Cancel,
        _ => {
            return Err(ApiError::validation(
                "step",
                "must be complete, join or cancel",
            ));
        }
    };
    let action = AgentAction::ConsultStep { step };
    sip(&state)?
        .agent_action(user.enterprise, user.user_id, None, action)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A number a trunk can dial, trimmed, or a 400.
fn dialable_number(n: &str) -> ApiResult<String> {
    let n = n.trim();
    if !ivr::dialable(n) {
        return Err(ApiError::validation(
            "number",
            "digits (with an optional leading +, * or #), 3 to 32 of them",
        ));
    }
    Ok(n.to_owned())
}

/// Only a user of the caller's own enterprise is a colleague.
async fn colleague(state: &AppState, user: &CurrentUser, a: model::UserId) -> ApiResult<()> {
    if state.store.tenant(user.enterprise).user(a).await.is_err() {
        return Err(ApiError::validation("agent_id", "no such agent"));
    }
    Ok(())
}
