//! Supervisors stepping into agents' calls (SPEC §4): listen (监听), whisper, barge-in (强插),
//! force-disconnect (强拆). The supervisor's audio is their own phone bar's device (browser
//! audio joins at once; a desk phone or mobile is called and answers by itself).

use axum::extract::State;
use axum::http::StatusCode;
use engine::sipd::StepIn;
use model::{ErrorBody, Permission, UserId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::presence::sip;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(step_in))
}

/// Steps into the call agent `agent_id` is talking on: `listen` (hear both sides; nobody
/// hears the supervisor), `whisper` (the agent hears the supervisor, the customer does not),
/// `barge` (everyone hears everyone), `disconnect` (the agent's part is cut off and the
/// supervisor keeps the customer, who hears no break). Steps go one way only: listen, then
/// whisper or barge-in (whisper may become barge-in), then force-disconnect; the first step
/// needs the supervisor signed in and idle. The supervisor's phone bar follows it through
/// `supervision` events and leaves with Hang up; the call record lists every step.
#[utoipa::path(post, path = "/monitor/agents/{id}/{step}", tag = "monitor",
    params(
        ("id" = i64, Path, description = "The agent whose call to step into"),
        ("step" = String, Path, description = "`listen`, `whisper`, `barge` or `disconnect`"),
    ),
    responses(
        (status = 204, description = "Done (the supervisor's audio joins as it connects)"),
        (status = 400, body = ErrorBody),
        (status = 403, description = "The role lacks `monitor`", body = ErrorBody),
        (status = 409, description = "`not_talking`: the agent is on no call with a customer; `supervisor_busy`: the supervisor is on a call or not idle; `not_signed_in`; `supervised`: another supervisor is on the call; `step_order`: steps go one way", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn step_in(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((agent, step)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    user.require(Permission::Monitor)?;
    let agent = UserId(agent);
    // Only an agent of the supervisor's own enterprise.
    if state
        .store
        .tenant(user.enterprise)
        .user(agent)
        .await
        .is_err()
    {
        return Err(ApiError::not_found());
    }
    let step = match step.as_str() {
        "listen" => StepIn::Listen,
        "whisper" => StepIn::Whisper,
        "barge" => StepIn::Barge,
        "disconnect" => StepIn::Disconnect,
        _ => {
            return Err(ApiError::validation(
                "step",
                "must be listen, whisper, barge or disconnect",
            ));
        }
    };
    if agent == user.user_id {
        return Err(ApiError::validation("id", "that is your own call"));
    }
    sip(&state)?
        .supervise(user.enterprise, user.user_id, agent, step)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
