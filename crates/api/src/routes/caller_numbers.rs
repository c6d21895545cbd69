//! The numbers an agent may show as caller ID when dialing (SPEC §3): the admin names, per
//! enterprise number, the agents and skill groups it is for (`manage_numbers`); the dial box
//! lists an agent's own (`GET /me/caller-numbers`) beside "system-assigned".

use axum::extract::State;
use model::telephony::{CallerNumbers, EnterpriseNumber};
use model::{ErrorBody, NumberId, Permission, UserId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_callers, set_callers))
        .routes(routes!(my_caller_numbers))
}

/// Who may show a number as caller ID when dialing: agents, and members of skill groups. Both
/// lists empty: every agent.
#[utoipa::path(get, path = "/numbers/{id}/callers", tag = "numbers",
    params(("id" = i64, Path, description = "Number id")),
    responses((status = 200, body = CallerNumbers), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_callers(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<CallerNumbers>> {
    user.require(Permission::ManageNumbers)?;
    Ok(Json(
        user.tenant(&state).number_callers(NumberId(id)).await?,
    ))
}

/// Sets who may show a number as caller ID when dialing (replacing the lists).
#[utoipa::path(put, path = "/numbers/{id}/callers", tag = "numbers", request_body = CallerNumbers,
    params(("id" = i64, Path, description = "Number id")),
    responses(
        (status = 200, body = CallerNumbers),
        (status = 400, description = "An agent or skill group that is not the enterprise's", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn set_callers(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(mut req): Json<CallerNumbers>,
) -> ApiResult<Json<CallerNumbers>> {
    user.require(Permission::ManageNumbers)?;
    req.user_ids.sort();
    req.user_ids.dedup();
    req.group_ids.sort();
    req.group_ids.dedup();
    let t = user.tenant(&state);
    t.set_number_callers(NumberId(id), &req)
        .await
        .map_err(|e| match e {
            store::StoreError::InvalidReference => {
                ApiError::validation("user_ids", "an agent or skill group that is not yours")
            }
            e => e.into(),
        })?;
    Ok(Json(t.number_callers(NumberId(id)).await?))
}

/// The enterprise numbers the signed-in agent may show when dialing (besides system-assigned).
#[utoipa::path(get, path = "/me/caller-numbers", tag = "me",
    responses((status = 200, body = Vec<EnterpriseNumber>), (status = 403, body = ErrorBody)))]
pub(crate) async fn my_caller_numbers(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<EnterpriseNumber>>> {
    user.require(Permission::AnswerDial)?;
    Ok(Json(allowed(&state, &user, user.user_id).await?))
}

/// The numbers `agent` may show.
pub(crate) async fn allowed(
    state: &AppState,
    user: &CurrentUser,
    agent: UserId,
) -> ApiResult<Vec<EnterpriseNumber>> {
    Ok(user.tenant(state).caller_numbers_of(agent).await?)
}
