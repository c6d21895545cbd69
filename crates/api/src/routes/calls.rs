//! Call records (needs `view_call_records`) and their recordings (needs `view_recordings`),
//! streamed with HTTP range requests so the browser can seek. An agent whose role sees only its
//! own records gets only calls it took part in.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use model::calls::CallRecord;
use model::{CallId, DataScope, ErrorBody, Page, PageQuery, Permission, UserId};
use tower::ServiceExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_calls))
        .routes(routes!(get_call))
        .routes(routes!(get_recording))
}

/// The agent whose calls alone the user may see (`self` data scope), if limited.
/// Skill-group and department scopes see the whole enterprise until records carry groups.
fn only_agent(user: &CurrentUser) -> Option<UserId> {
    (user.data_scope == DataScope::Own).then_some(user.user_id)
}

/// Call records, newest first, searched by caller or callee number.
#[utoipa::path(get, path = "/calls", tag = "calls", params(PageQuery),
    responses((status = 200, body = Page<CallRecord>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_calls(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<CallRecord>>> {
    user.require(Permission::ViewCallRecords)?;
    Ok(Json(
        user.tenant(&state).calls(&q, only_agent(&user)).await?,
    ))
}

async fn visible_call(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(CallRecord, Option<String>)> {
    let (rec, file) = user.tenant(state).call(CallId(id)).await?;
    if only_agent(user).is_some_and(|me| rec.agent_id != Some(me)) {
        return Err(ApiError::not_found());
    }
    Ok((rec, file))
}

/// One call record.
#[utoipa::path(get, path = "/calls/{id}", tag = "calls",
    params(("id" = i64, Path, description = "Call id")),
    responses((status = 200, body = CallRecord), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_call(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<CallRecord>> {
    user.require(Permission::ViewCallRecords)?;
    Ok(Json(visible_call(&state, &user, id).await?.0))
}

/// The call's recording as a stereo WAV (customer left, agent side right). Honours `Range`
/// (answers 206 with `Content-Range`), so players can seek.
#[utoipa::path(get, path = "/calls/{id}/recording", tag = "calls",
    params(("id" = i64, Path, description = "Call id")),
    responses(
        (status = 200, description = "The WAV file", content_type = "audio/wav"),
        (status = 206, description = "The requested byte range", content_type = "audio/wav"),
        (status = 404, description = "No such call, or it has no recording", body = ErrorBody),
    ))]
pub(crate) async fn get_recording(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> ApiResult<Response> {
    user.require(Permission::ViewRecordings)?;
    let (_, file) = visible_call(&state, &user, id).await?;
    let (Some(dir), Some(file)) = (&state.recordings_dir, file) else {
        return Err(ApiError::not_found());
    };
    // Names come from the engine, but never let one climb out of the directory.
    if file.contains(['/', '\\']) || file.starts_with('.') {
        return Err(ApiError::not_found());
    }
    let path = dir.join(file);
    if !path.is_file() {
        return Err(ApiError::not_found());
    }
    let served = tower_http::services::ServeFile::new_with_mime(
        &path,
        &"audio/wav".parse().map_err(ApiError::internal)?,
    )
    .oneshot(request)
    .await
    .map_err(ApiError::internal)?;
    Ok(served.map(Body::new))
}
