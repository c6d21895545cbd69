//! Admin CRUD of enterprise numbers (码号, needs `manage_numbers`).

use axum::extract::State;
use axum::http::StatusCode;
use model::telephony::{EnterpriseNumber, NumberInput};
use model::{ErrorBody, NumberId, Page, PageQuery, Permission, PromptId};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_numbers, create_number))
        .routes(routes!(get_number, update_number, delete_number))
        .routes(routes!(set_flow))
}

/// `PUT /numbers/{id}/flow`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowInput {
    /// The IVR flow (see the README's IVR section), or `null` to remove it.
    #[schema(value_type = Option<Object>)]
    pub flow: Option<serde_json::Value>,
}

/// Sets a number's IVR flow (for service `ivr`). The flow is checked whole: every mistake is
/// listed in `details.problems` with its step and field, including a `{"file": ID}` that is not
/// one of the enterprise's uploaded prompts (`GET /prompts`).
#[utoipa::path(put, path = "/numbers/{id}/flow", tag = "numbers", request_body = FlowInput,
    params(("id" = i64, Path, description = "Number id")),
    responses(
        (status = 200, body = EnterpriseNumber),
        (status = 400, description = "The flow is not valid; `details.problems` lists why", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn set_flow(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<FlowInput>,
) -> ApiResult<Json<EnterpriseNumber>> {
    user.require(Permission::ManageNumbers)?;
    let tenant = user.tenant(&state);
    tenant.number(NumberId(id)).await?;
    if let Some(json) = &req.flow {
        let problems: Vec<String> = match ivr::Flow::parse(&json.to_string()) {
            Err(e) => vec![e.to_string()],
            Ok(flow) => {
                let mut errs = flow.validate().err().unwrap_or_default();
                // `{"file": ID}` must name one of this enterprise's uploaded prompts.
                let mut known = std::collections::BTreeSet::new();
                for (_, _, file) in flow.files() {
                    if tenant.prompt(PromptId(file)).await.is_ok() {
                        known.insert(file);
                    }
                }
                errs.extend(flow.check_files(|file| known.contains(&file)));
                errs.iter().map(ToString::to_string).collect()
            }
        };
        if let Some(first) = problems.first() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_flow",
                format!("the IVR flow is not valid: {first}"),
            )
            .with_details(serde_json::json!({ "field": "flow", "problems": problems })));
        }
    }
    let n = tenant
        .set_number_flow(NumberId(id), req.flow.as_ref())
        .await?;
    state.reload_sip().await?;
    Ok(Json(n))
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
