//! Call records (needs `view_call_records`), searched by number or by a word of their
//! transcript, with their stored transcripts, and their recordings (needs `view_recordings`),
//! streamed with HTTP range requests so the browser can seek. An agent whose role sees only its
//! own records gets only calls it took part in.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use model::calls::{CallQuery, CallRecord, TranscriptSegment};
use model::{CallId, DataScope, ErrorBody, Page, Permission, UserId};
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
        .routes(routes!(get_transcript))
}

/// The agent whose calls alone the user may see (`self` data scope), if limited.
/// Skill-group and department scopes see the whole enterprise until records carry groups.
fn only_agent(user: &CurrentUser) -> Option<UserId> {
    (user.data_scope == DataScope::Own).then_some(user.user_id)
}

/// Call records, newest first, searched by caller or callee number (`q`) and by a word of
/// their stored transcript (`keyword`, case-insensitive, any language).
#[utoipa::path(get, path = "/calls", tag = "calls", params(CallQuery),
    responses((status = 200, body = Page<CallRecord>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_calls(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CallQuery>,
) -> ApiResult<Json<Page<CallRecord>>> {
    user.require(Permission::ViewCallRecords)?;
    if q.keyword().is_some_and(|k| k.chars().count() > 100) {
        return Err(ApiError::validation(
            "keyword",
            "must be at most 100 characters",
        ));
    }
    Ok(Json(
        user.tenant(&state)
            .search_calls(&q.page_query(), q.keyword(), only_agent(&user))
            .await?,
    ))
}

/// The call's stored transcript: its final segments (customer and agent) by start time. Empty
/// when the call was not transcribed.
#[utoipa::path(get, path = "/calls/{id}/transcript", tag = "calls",
    params(("id" = i64, Path, description = "Call id")),
    responses(
        (status = 200, body = Vec<TranscriptSegment>),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn get_transcript(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<TranscriptSegment>>> {
    user.require(Permission::ViewCallRecords)?;
    visible_call(&state, &user, id).await?;
    Ok(Json(user.tenant(&state).call_transcript(CallId(id)).await?))
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
