//! Admin CRUD of skill groups and their members (needs `manage_users`).

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::StatusCode;
use model::org::{
    MemberAssignment, OverflowTarget, QueueSettings, SkillGroup, SkillGroupCreate, SkillGroupUpdate,
};
use model::{ErrorBody, Page, PageQuery, Permission, SkillGroupId};
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
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group, update_group, delete_group))
        .routes(routes!(set_members))
        .routes(routes!(set_settings))
}

/// Replaces a skill group's queue settings: strategy, ring timeout, maximum wait, overflow,
/// service level and the satisfaction survey (on or off, and its prompt).
#[utoipa::path(put, path = "/skill-groups/{id}/settings", tag = "skill groups",
    request_body = QueueSettings,
    params(("id" = i64, Path, description = "Skill group id")),
    responses(
        (status = 200, body = SkillGroup),
        (status = 400, description = "A value out of range, an overflow group that is not another group of this enterprise, or a survey prompt that is not one of its prompts", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn set_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<QueueSettings>,
) -> ApiResult<Json<SkillGroup>> {
    user.require(Permission::ManageUsers)?;
    if !(5..=120).contains(&req.ring_timeout_secs) {
        return Err(ApiError::validation(
            "ring_timeout_secs",
            "must be 5 to 120 seconds",
        ));
    }
    if req.max_wait_secs.is_some_and(|w| !(10..=3600).contains(&w)) {
        return Err(ApiError::validation(
            "max_wait_secs",
            "must be 10 to 3600 seconds, or null to wait for ever",
        ));
    }
    if !(1..=600).contains(&req.service_level_secs) {
        return Err(ApiError::validation(
            "service_level_secs",
            "must be 1 to 600 seconds",
        ));
    }
    if !(1..=100).contains(&req.service_level_target) {
        return Err(ApiError::validation(
            "service_level_target",
            "must be 1 to 100 percent",
        ));
    }
    if let OverflowTarget::Number { number } = &req.overflow {
        validate::phone_number("overflow.number", number, 3)?;
    }
    if let Some(p) = req.survey_prompt_id
        && user.tenant(&state).prompt(p).await.is_err()
    {
        return Err(ApiError::validation(
            "survey_prompt_id",
            "must be an uploaded prompt of this enterprise, or null for the built-in survey",
        ));
    }
    let g = user
        .tenant(&state)
        .set_queue_settings(SkillGroupId(id), &req)
        .await
        .map_err(|e| match e {
            StoreError::InvalidReference => ApiError::validation(
                "overflow.group_id",
                "must be another skill group of this enterprise",
            ),
            e => e.into(),
        })?;
    state.reload_sip().await?;
    Ok(Json(g))
}

/// Skill groups of the enterprise with their members, searched by name.
#[utoipa::path(get, path = "/skill-groups", tag = "skill groups", params(PageQuery),
    responses((status = 200, body = Page<SkillGroup>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_groups(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<SkillGroup>>> {
    user.require(Permission::ManageUsers)?;
    Ok(Json(user.tenant(&state).skill_groups(&q).await?))
}

/// Creates a skill group.
#[utoipa::path(post, path = "/skill-groups", tag = "skill groups", request_body = SkillGroupCreate,
    responses(
        (status = 201, body = SkillGroup),
        (status = 400, body = ErrorBody),
        (status = 409, description = "Name taken", body = ErrorBody),
    ))]
pub(crate) async fn create_group(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<SkillGroupCreate>,
) -> ApiResult<(StatusCode, Json<SkillGroup>)> {
    user.require(Permission::ManageUsers)?;
    let name = validate::text("name", &req.name, 1, 64)?;
    let description = validate::optional_text("description", req.description.as_deref(), 256)?;
    let g = user
        .tenant(&state)
        .create_skill_group(&name, description.as_deref(), state.now())
        .await?;
    state.reload_sip().await?;
    Ok((StatusCode::CREATED, Json(g)))
}

/// One skill group with its members.
#[utoipa::path(get, path = "/skill-groups/{id}", tag = "skill groups",
    params(("id" = i64, Path, description = "Skill group id")),
    responses((status = 200, body = SkillGroup), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_group(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<SkillGroup>> {
    user.require(Permission::ManageUsers)?;
    Ok(Json(
        user.tenant(&state).skill_group(SkillGroupId(id)).await?,
    ))
}

/// Renames or re-describes a skill group.
#[utoipa::path(patch, path = "/skill-groups/{id}", tag = "skill groups", request_body = SkillGroupUpdate,
    params(("id" = i64, Path, description = "Skill group id")),
    responses(
        (status = 200, body = SkillGroup),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ))]
pub(crate) async fn update_group(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(mut req): Json<SkillGroupUpdate>,
) -> ApiResult<Json<SkillGroup>> {
    user.require(Permission::ManageUsers)?;
    let id = SkillGroupId(id);
    let tenant = user.tenant(&state);
    tenant.skill_group(id).await?;
    if let Some(name) = &req.name {
        req.name = Some(validate::text("name", name, 1, 64)?);
    }
    if let Some(d) = &req.description {
        req.description = Some(validate::optional_text("description", d.as_deref(), 256)?);
    }
    let g = tenant.update_skill_group(id, &req).await?;
    for m in &g.members {
        publish_user_changed(&state, tenant, m.user_id).await?;
    }
    state.reload_sip().await?;
    Ok(Json(g))
}

/// Deletes a skill group (its members stay users).
#[utoipa::path(delete, path = "/skill-groups/{id}", tag = "skill groups",
    params(("id" = i64, Path, description = "Skill group id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete_group(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageUsers)?;
    let id = SkillGroupId(id);
    let tenant = user.tenant(&state);
    let g = tenant.skill_group(id).await?;
    tenant.delete_skill_group(id).await?;
    for m in &g.members {
        publish_user_changed(&state, tenant, m.user_id).await?;
    }
    state.reload_sip().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the members of a skill group, with a skill level (1–5) each.
#[utoipa::path(put, path = "/skill-groups/{id}/members", tag = "skill groups",
    request_body = Vec<MemberAssignment>,
    params(("id" = i64, Path, description = "Skill group id")),
    responses(
        (status = 200, body = SkillGroup),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn set_members(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(members): Json<Vec<MemberAssignment>>,
) -> ApiResult<Json<SkillGroup>> {
    user.require(Permission::ManageUsers)?;
    let id = SkillGroupId(id);
    let tenant = user.tenant(&state);
    let before = tenant.skill_group(id).await?;
    let mut seen = BTreeSet::new();
    for m in &members {
        validate::skill_level(m.skill_level)?;
        if !seen.insert(m.user_id) {
            return Err(ApiError::validation("user_id", "is listed twice"));
        }
    }
    let after = match tenant.set_skill_group_members(id, &members).await {
        Err(StoreError::InvalidReference) => {
            return Err(ApiError::validation(
                "user_id",
                "no such user in this enterprise",
            ));
        }
        other => other?,
    };
    let touched: BTreeSet<_> = before
        .members
        .iter()
        .chain(after.members.iter())
        .map(|m| m.user_id)
        .collect();
    for u in touched {
        publish_user_changed(&state, tenant, u).await?;
    }
    state.reload_sip().await?;
    Ok(Json(after))
}
