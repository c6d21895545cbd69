//! Admin CRUD of enterprise numbers (码号, needs `manage_numbers`).

use axum::extract::State;
use axum::http::StatusCode;
use model::telephony::{EnterpriseNumber, NumberInput};
use model::{ErrorBody, NumberId, Page, PageQuery, Permission};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_numbers, create_number))
        .routes(routes!(get_number, update_number, delete_number))
}

fn checked(mut n: NumberInput) -> ApiResult<NumberInput> {
    n.number = validate::phone_number("number", &n.number, 3)?;
    n.description = validate::optional_text("description", n.description.as_deref(), 256)?;
    Ok(n)
}

/// The enterprise's numbers, searched by number or description.
#[utoipa::path(get, path = "/numbers", tag = "numbers", params(PageQuery),
    responses((status = 200, body = Page<EnterpriseNumber>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_numbers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<EnterpriseNumber>>> {
    user.require(Permission::ManageNumbers)?;
    Ok(Json(user.tenant(&state).numbers(&q).await?))
}

/// Adds a number on one of the enterprise's trunks; calls to it are taken at once.
#[utoipa::path(post, path = "/numbers", tag = "numbers", request_body = NumberInput,
    responses(
        (status = 201, body = EnterpriseNumber),
        (status = 400, description = "Bad number, or a trunk that is not this enterprise's", body = ErrorBody),
        (status = 409, description = "Number assigned already", body = ErrorBody),
    ))]
pub(crate) async fn create_number(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<NumberInput>,
) -> ApiResult<(StatusCode, Json<EnterpriseNumber>)> {
    user.require(Permission::ManageNumbers)?;
    let req = checked(req)?;
    let n = user.tenant(&state).create_number(&req, state.now()).await?;
    state.reload_sip().await?;
    Ok((StatusCode::CREATED, Json(n)))
}

/// One number.
#[utoipa::path(get, path = "/numbers/{id}", tag = "numbers",
    params(("id" = i64, Path, description = "Number id")),
    responses((status = 200, body = EnterpriseNumber), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_number(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<EnterpriseNumber>> {
    user.require(Permission::ManageNumbers)?;
    Ok(Json(user.tenant(&state).number(NumberId(id)).await?))
}

/// Replaces a number's settings.
#[utoipa::path(put, path = "/numbers/{id}", tag = "numbers", request_body = NumberInput,
    params(("id" = i64, Path, description = "Number id")),
    responses(
        (status = 200, body = EnterpriseNumber),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ))]
pub(crate) async fn update_number(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<NumberInput>,
) -> ApiResult<Json<EnterpriseNumber>> {
    user.require(Permission::ManageNumbers)?;
    let req = checked(req)?;
    let n = user
        .tenant(&state)
        .update_number(NumberId(id), &req)
        .await?;
    state.reload_sip().await?;
    Ok(Json(n))
}

/// Removes a number.
#[utoipa::path(delete, path = "/numbers/{id}", tag = "numbers",
    params(("id" = i64, Path, description = "Number id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete_number(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageNumbers)?;
    user.tenant(&state).delete_number(NumberId(id)).await?;
    state.reload_sip().await?;
    Ok(StatusCode::NO_CONTENT)
}
