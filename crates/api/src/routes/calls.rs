//! Call records (needs `view_call_records`), filtered, sorted and paged on the server, with their
//! stored transcripts, and their recordings (needs `view_recordings`), streamed with HTTP range
//! requests so the browser can seek. Every route applies the role's data scope: `self` (calls
//! the user took part in), `skill_groups` (calls of the user's groups, and their own),
//! `department` (calls taken by users of the user's department, and their own), `enterprise`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use model::calls::{CallQuery, CallRecord, TranscriptSegment};
use model::{CallId, DataScope, ErrorBody, Page, Permission};
use store::CallScope;
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
        .routes(routes!(super::call_export::export_calls))
        .routes(routes!(get_call))
        .routes(routes!(get_recording))
        .routes(routes!(get_transcript))
}

/// The calls the user's role lets them see.
pub(crate) fn scope_of(user: &CurrentUser) -> CallScope {
    match user.data_scope {
        DataScope::Own => CallScope::Agent(user.user_id),
        DataScope::SkillGroups => CallScope::SkillGroupsOf(user.user_id),
        DataScope::Department => CallScope::DepartmentOf(user.user_id),
        DataScope::Enterprise => CallScope::Enterprise,
    }
}

/// Refuses filters no call could match for a reason the user should hear about.
pub(crate) fn check_query(q: &CallQuery) -> ApiResult<()> {
    if q.keyword().is_some_and(|k| k.chars().count() > 100) {
        return Err(ApiError::validation(
            "keyword",
            "must be at most 100 characters",
        ));
    }
    if q.q.as_deref().is_some_and(|n| n.chars().count() > 64) {
        return Err(ApiError::validation("q", "must be at most 64 characters"));
    }
    if q.failure.as_deref().is_some_and(|f| f.chars().count() > 64) {
        return Err(ApiError::validation(
            "failure",
            "must be at most 64 characters",
        ));
    }
    for (field, v) in [("from", q.from), ("to", q.to)] {
        if v.is_some_and(|v| v < 0) {
            return Err(ApiError::validation(
                field,
                "must be a time in unix milliseconds, not negative",
            ));
        }
    }
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from >= to
    {
        return Err(ApiError::validation("to", "must be later than from"));
    }
    if q.page_size.is_some_and(|n| !(1..=200).contains(&n)) {
        return Err(ApiError::validation("page_size", "must be 1 to 200"));
    }
    if q.page == Some(0) {
        return Err(ApiError::validation("page", "starts at 1"));
    }
    Ok(())
}

/// Call records matching every given filter (time range, agent, skill group, direction,
/// result, failure cause, number, words said), sorted (default newest first) and paged, within
/// the role's data scope. Each record names its agent and skill group.
#[utoipa::path(get, path = "/calls", tag = "calls", params(CallQuery),
    responses((status = 200, body = Page<CallRecord>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_calls(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CallQuery>,
) -> ApiResult<Json<Page<CallRecord>>> {
    user.require(Permission::ViewCallRecords)?;
    check_query(&q)?;
    Ok(Json(
        user.tenant(&state).list_calls(&q, scope_of(&user)).await?,
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

pub(crate) async fn visible_call(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(CallRecord, Option<String>)> {
    Ok(user
        .tenant(state)
        .call_in_scope(CallId(id), scope_of(user))
        .await?)
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

/// The call's recording, stereo (customer left, agent side right): Opus in Ogg once the call
/// has ended and the archiver has compressed it (`audio/ogg; codecs=opus`), a WAV before that
/// (`audio/wav`). Honours `Range` (answers 206 with `Content-Range`), so players can seek. A
/// recording removed after the retention period answers 404 (the record's
/// `recording_deleted_at` says when).
#[utoipa::path(get, path = "/calls/{id}/recording", tag = "calls",
    params(("id" = i64, Path, description = "Call id")),
    responses(
        (status = 200, description = "The recording", content(
            (Vec<u8> = "audio/ogg"),
            (Vec<u8> = "audio/wav"),
        )),
        (status = 206, description = "The requested byte range", content(
            (Vec<u8> = "audio/ogg"),
            (Vec<u8> = "audio/wav"),
        )),
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
    // Names come from the engine and the archiver, but never let one climb out of the directory.
    let Some(path) = recordings::resolve(dir, &file) else {
        return Err(ApiError::not_found());
    };
    if !path.is_file() {
        return Err(ApiError::not_found());
    }
    let served = tower_http::services::ServeFile::new_with_mime(
        &path,
        &recordings::content_type(&file)
            .parse()
            .map_err(ApiError::internal)?,
    )
    .oneshot(request)
    .await
    .map_err(ApiError::internal)?;
    Ok(served.map(Body::new))
}
