//! Admin CRUD of roles (needs `manage_users`), and the permission catalogue.

use axum::extract::State;
use axum::http::StatusCode;
use model::account::{Role, RoleCreate, RoleUpdate};
use model::{ErrorBody, Page, PageQuery, Permission, RoleId};
use store::StoreError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::routes::publish_user_changed;
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_roles, create_role))
        .routes(routes!(get_role, update_role, delete_role))
        .routes(routes!(permissions))
}

fn builtin_role() -> ApiError {
    ApiError::conflict(
        "builtin_role",
        "the built-in administrator role cannot be deleted or have its permissions changed",
    )
}

/// Every permission a role can hold, in display order.
#[utoipa::path(get, path = "/permissions", tag = "roles",
    responses((status = 200, body = Vec<Permission>), (status = 401, body = ErrorBody)))]
pub(crate) async fn permissions(_user: CurrentUser) -> Json<Vec<Permission>> {
    Json(Permission::ALL.to_vec())
}

/// Roles of the enterprise, searched by name.
#[utoipa::path(get, path = "/roles", tag = "roles", params(PageQuery),
    responses((status = 200, body = Page<Role>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_roles(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<Role>>> {
    user.require(Permission::ManageUsers)?;
    Ok(Json(user.tenant(&state).roles(&q).await?))
}

/// Creates a role.
#[utoipa::path(post, path = "/roles", tag = "roles", request_body = RoleCreate,
    responses(
        (status = 201, body = Role),
        (status = 400, body = ErrorBody),
        (status = 409, description = "Name taken", body = ErrorBody),
    ))]
pub(crate) async fn create_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<RoleCreate>,
) -> ApiResult<(StatusCode, Json<Role>)> {
    user.require(Permission::ManageUsers)?;
    let name = validate::text("name", &req.name, 1, 64)?;
    let description = validate::optional_text("description", req.description.as_deref(), 256)?;
    let role = user
        .tenant(&state)
        .create_role(
            &name,
            description.as_deref(),
            &req.permissions,
            req.data_scope,
            false,
            state.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(role)))
}

/// One role.
#[utoipa::path(get, path = "/roles/{id}", tag = "roles",
    params(("id" = i64, Path, description = "Role id")),
    responses((status = 200, body = Role), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Role>> {
    user.require(Permission::ManageUsers)?;
    Ok(Json(user.tenant(&state).role(RoleId(id)).await?))
}

/// Changes a role; holders' clients are told their permissions changed.
#[utoipa::path(patch, path = "/roles/{id}", tag = "roles", request_body = RoleUpdate,
    params(("id" = i64, Path, description = "Role id")),
    responses(
        (status = 200, body = Role),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ))]
pub(crate) async fn update_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(mut req): Json<RoleUpdate>,
) -> ApiResult<Json<Role>> {
    user.require(Permission::ManageUsers)?;
    let id = RoleId(id);
    let tenant = user.tenant(&state);
    let cur = tenant.role(id).await?;
    if cur.builtin && (req.permissions.is_some() || req.data_scope.is_some()) {
        return Err(builtin_role());
    }
    if let Some(name) = &req.name {
        req.name = Some(validate::text("name", name, 1, 64)?);
    }
    if let Some(d) = &req.description {
        req.description = Some(validate::optional_text("description", d.as_deref(), 256)?);
    }
    let role = tenant.update_role(id, &req).await?;
    for holder in tenant.user_ids_with_role(id).await? {
        publish_user_changed(&state, tenant, holder).await?;
    }
    Ok(Json(role))
}

/// Deletes a role nobody holds.
#[utoipa::path(delete, path = "/roles/{id}", tag = "roles",
    params(("id" = i64, Path, description = "Role id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Built-in or still held by users", body = ErrorBody),
    ))]
pub(crate) async fn delete_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageUsers)?;
    let id = RoleId(id);
    let tenant = user.tenant(&state);
    if tenant.role(id).await?.builtin {
        return Err(builtin_role());
    }
    match tenant.delete_role(id).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StoreError::InUse) => Err(ApiError::conflict(
            "role_in_use",
            "users still hold this role: give them another role first",
        )),
        Err(e) => Err(e.into()),
    }
}
