//! Admin CRUD of custom agent statuses (needs `manage_users`).

use axum::extract::State;
use axum::http::StatusCode;
use model::org::{CustomStatus, CustomStatusCreate, CustomStatusUpdate};
use model::{CustomStatusId, ErrorBody, Page, PageQuery, Permission};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_statuses, create_status))
        .routes(routes!(get_status, update_status, delete_status))
}

/// Custom statuses of the enterprise, searched by name.
#[utoipa::path(get, path = "/custom-statuses", tag = "custom statuses", params(PageQuery),
    responses((status = 200, body = Page<CustomStatus>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_statuses(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<CustomStatus>>> {
    user.require(Permission::ManageUsers)?;
    Ok(Json(user.tenant(&state).custom_statuses(&q).await?))
}

/// Creates a custom status.
#[utoipa::path(post, path = "/custom-statuses", tag = "custom statuses", request_body = CustomStatusCreate,
    responses(
        (status = 201, body = CustomStatus),
        (status = 400, body = ErrorBody),
        (status = 409, description = "Name taken", body = ErrorBody),
    ))]
pub(crate) async fn create_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<CustomStatusCreate>,
) -> ApiResult<(StatusCode, Json<CustomStatus>)> {
    user.require(Permission::ManageUsers)?;
    let name = validate::text("name", &req.name, 1, 32)?;
    let description = validate::optional_text("description", req.description.as_deref(), 256)?;
    let s = user
        .tenant(&state)
        .create_custom_status(&name, description.as_deref(), state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// One custom status.
#[utoipa::path(get, path = "/custom-statuses/{id}", tag = "custom statuses",
    params(("id" = i64, Path, description = "Custom status id")),
    responses((status = 200, body = CustomStatus), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<CustomStatus>> {
    user.require(Permission::ManageUsers)?;
    Ok(Json(
        user.tenant(&state)
            .custom_status(CustomStatusId(id))
            .await?,
    ))
}

/// Changes a custom status.
#[utoipa::path(patch, path = "/custom-statuses/{id}", tag = "custom statuses", request_body = CustomStatusUpdate,
    params(("id" = i64, Path, description = "Custom status id")),
    responses(
        (status = 200, body = CustomStatus),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ))]
pub(crate) async fn update_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(mut req): Json<CustomStatusUpdate>,
) -> ApiResult<Json<CustomStatus>> {
    user.require(Permission::ManageUsers)?;
    if let Some(name) = &req.name {
        req.name = Some(validate::text("name", name, 1, 32)?);
    }
    if let Some(d) = &req.description {
        req.description = Some(validate::optional_text("description", d.as_deref(), 256)?);
    }
    Ok(Json(
        user.tenant(&state)
            .update_custom_status(CustomStatusId(id), &req)
            .await?,
    ))
}

/// Deletes a custom status.
#[utoipa::path(delete, path = "/custom-statuses/{id}", tag = "custom statuses",
    params(("id" = i64, Path, description = "Custom status id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageUsers)?;
    user.tenant(&state)
        .delete_custom_status(CustomStatusId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
