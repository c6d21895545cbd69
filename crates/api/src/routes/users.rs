//! Admin CRUD of users (needs `manage_users`).

use axum::extract::State;
use axum::http::StatusCode;
use model::account::{PasswordReset, User, UserCreate, UserCreated, UserUpdate};
use model::{ErrorBody, Page, PageQuery, Permission, RoleId, UserId};
use store::{NewUser, StoreError, Tenant};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self as a, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::routes::{publish_user_changed, revoke_sessions};
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, delete_user))
        .routes(routes!(reset_password))
}

/// 400 unless the role exists in this enterprise.
async fn check_role(tenant: Tenant<'_>, role: RoleId) -> ApiResult<()> {
    match tenant.role(role).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(ApiError::validation("role_id", "no such role")),
        Err(e) => Err(e.into()),
    }
}

fn not_self(user: &CurrentUser, id: UserId, what: &str) -> ApiResult<()> {
    if user.user_id == id {
        return Err(ApiError::conflict(
            "cannot_modify_self",
            format!("you cannot {what} your own account"),
        ));
    }
    Ok(())
}

/// Users of the enterprise, searched by name or work ID, ordered by work ID.
#[utoipa::path(get, path = "/users", tag = "users", params(PageQuery),
    responses((status = 200, body = Page<User>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<User>>> {
    user.require(Permission::ManageUsers)?;
    Ok(Json(user.tenant(&state).users(&q).await?))
}

/// Creates a user with a generated initial password, returned once.
#[utoipa::path(post, path = "/users", tag = "users", request_body = UserCreate,
    responses(
        (status = 201, body = UserCreated),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Work ID taken", body = ErrorBody),
    ))]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<UserCreate>,
) -> ApiResult<(StatusCode, Json<UserCreated>)> {
    user.require(Permission::ManageUsers)?;
    let tenant = user.tenant(&state);
    let work_id = validate::work_id(&req.work_id)?;
    let name = validate::text("name", &req.name, 1, 64)?;
    let mobile = validate::mobile(req.mobile.as_deref())?;
    let department = validate::optional_text("department", req.department.as_deref(), 64)?;
    check_role(tenant, req.role_id).await?;
    let initial_password = a::generate_password();
    let password_hash =
        a::hash_password_bounded(&state.argon2_permits, initial_password.clone()).await?;
    let created = tenant
        .create_user(
            &NewUser {
                work_id,
                name,
                mobile,
                department,
                role_id: req.role_id,
                enabled: req.enabled.unwrap_or(true),
                password_hash,
            },
            state.now(),
        )
        .await?;
    // Mobile numbers (callback mode) are in the SIP endpoint's directory.
    state.reload_sip().await?;
    Ok((
        StatusCode::CREATED,
        Json(UserCreated {
            user: created,
            initial_password,
        }),
    ))
}

/// One user.
#[utoipa::path(get, path = "/users/{id}", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<User>> {
    user.require(Permission::ManageUsers)?;
    Ok(Json(user.tenant(&state).user(UserId(id)).await?))
}

/// Changes a user. Disabling signs them out everywhere.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", request_body = UserUpdate,
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, body = User),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Disabling or demoting yourself", body = ErrorBody),
    ))]
pub(crate) async fn update_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(mut req): Json<UserUpdate>,
) -> ApiResult<Json<User>> {
    user.require(Permission::ManageUsers)?;
    let id = UserId(id);
    let tenant = user.tenant(&state);
    tenant.user(id).await?;
    if let Some(name) = &req.name {
        req.name = Some(validate::text("name", name, 1, 64)?);
    }
    if let Some(m) = &req.mobile {
        req.mobile = Some(validate::mobile(m.as_deref())?);
    }
    if let Some(d) = &req.department {
        req.department = Some(validate::optional_text("department", d.as_deref(), 64)?);
    }
    if let Some(role) = req.role_id {
        check_role(tenant, role).await?;
        if id == user.user_id && role != tenant.user(id).await?.role_id {
            not_self(&user, id, "change the role of")?;
        }
    }
    if req.enabled == Some(false) {
        not_self(&user, id, "disable")?;
    }
    let updated = tenant.update_user(id, &req).await?;
    if updated.enabled {
        publish_user_changed(&state, tenant, id).await?;
    } else {
        revoke_sessions(&state, tenant, id, None, "account_disabled").await?;
    }
    state.reload_sip().await?;
    Ok(Json(updated))
}

/// Deletes a user and signs them out.
#[utoipa::path(delete, path = "/users/{id}", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Deleting yourself", body = ErrorBody),
    ))]
pub(crate) async fn delete_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageUsers)?;
    let id = UserId(id);
    let tenant = user.tenant(&state);
    tenant.user(id).await?;
    not_self(&user, id, "delete")?;
    revoke_sessions(&state, tenant, id, None, "account_deleted").await?;
    tenant.delete_user(id).await?;
    state.reload_sip().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Generates a new password for a user (shown once) and signs them out everywhere.
#[utoipa::path(post, path = "/users/{id}/reset-password", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = PasswordReset), (status = 404, body = ErrorBody)))]
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<PasswordReset>> {
    user.require(Permission::ManageUsers)?;
    let id = UserId(id);
    let tenant = user.tenant(&state);
    tenant.user(id).await?;
    let initial_password = a::generate_password();
    let hash = a::hash_password_bounded(&state.argon2_permits, initial_password.clone()).await?;
    tenant.set_password(id, &hash).await?;
    let keep = (id == user.user_id).then_some(user.session_id);
    revoke_sessions(&state, tenant, id, keep, "password_changed").await?;
    Ok(Json(PasswordReset { initial_password }))
}
