//! Notes on a call (小记) and who talked on it: the agent talking writes notes on their call
//! (`/me/call/notes`, needs `answer_dial`), and after it on a call they talked on
//! (`/me/calls/{id}/notes`, the record id from `/me/call/record`); after a transfer the next
//! agent reads them and adds their own; nobody edits another's note, and an agent offered a
//! transfer they never answered adds none. Call records show the notes and the agents' segments
//! under the same data scope as the record (`view_call_records`).

use axum::extract::State;
use axum::http::StatusCode;
use model::calls::{CallNote, CallSegment};
use model::{CallId, ErrorBody, Permission};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_call_notes, add_my_call_note))
        .routes(routes!(my_call_record))
        .routes(routes!(notes_on_my_call, add_note_on_my_call))
        .routes(routes!(call_notes))
        .routes(routes!(call_segments))
        .routes(routes!(call_supervision))
}

/// `POST /me/call/notes`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// The note (1 to 2,000 characters).
    pub text: String,
}

/// `GET /me/call/record`: the record of the call the agent talks on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TalkingRecord {
    /// The call record's id (as in `/calls/{id}` and `/me/calls/{id}/notes`).
    pub call_id: i64,
}

/// The note's text, trimmed and checked (1 to 2,000 characters).
fn note_text(req: &NewNote) -> ApiResult<&str> {
    let text = req.text.trim();
    if text.is_empty() {
        return Err(ApiError::validation("text", "the note is empty"));
    }
    if text.chars().count() > store::MAX_NOTE_CHARS {
        return Err(ApiError::validation(
            "text",
            "a note holds at most 2000 characters",
        ));
    }
    Ok(text)
}

/// One of the signed-in agent's calls: they talked on it (404 for another enterprise's or an
/// unknown call, 403 `not_your_call` for one they did not talk on).
async fn my_call(state: &AppState, user: &CurrentUser, id: i64) -> ApiResult<CallId> {
    user.require(Permission::AnswerDial)?;
    let tenant = user.tenant(state);
    if !tenant.call_exists(CallId(id)).await? {
        return Err(ApiError::not_found());
    }
    if !tenant.talked_on(CallId(id), user.user_id).await? {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_your_call",
            "you did not talk on this call: only its agents write notes on it",
        ));
    }
    Ok(CallId(id))
}

/// The record id of the call the agent is talking on.
async fn talking_call(state: &AppState, user: &CurrentUser) -> ApiResult<CallId> {
    let sip = state
        .sip
        .as_ref()
        .ok_or(engine::sipd::AgentError::Stopped)?;
    let key = sip.talking_call(user.enterprise, user.user_id).await?;
    Ok(user.tenant(state).call_id_of_key(&key).await?)
}

/// The notes on the call the signed-in agent is talking on, oldest first, with their authors
/// (a transferred call's notes from the agents before).
#[utoipa::path(get, path = "/me/call/notes", tag = "me",
    responses(
        (status = 200, body = Vec<CallNote>),
        (status = 403, body = ErrorBody),
        (status = 409, description = "`not_talking`: the agent is not talking on a call", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn my_call_notes(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<CallNote>>> {
    user.require(Permission::AnswerDial)?;
    let id = talking_call(&state, &user).await?;
    Ok(Json(user.tenant(&state).call_notes(id).await?))
}

/// Adds the signed-in agent's note to the call they are talking on.
#[utoipa::path(post, path = "/me/call/notes", tag = "me", request_body = NewNote,
    responses(
        (status = 201, body = CallNote),
        (status = 400, description = "Empty or longer than 2,000 characters", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "`not_talking`: the agent is not talking on a call", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn add_my_call_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<NewNote>,
) -> ApiResult<(StatusCode, Json<CallNote>)> {
    user.require(Permission::AnswerDial)?;
    let text = note_text(&req)?;
    let id = talking_call(&state, &user).await?;
    let note = user
        .tenant(&state)
        .add_call_note(id, user.user_id, text, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// The record of the call the signed-in agent is talking on, so its notes can still be written
/// after it ends.
#[utoipa::path(get, path = "/me/call/record", tag = "me",
    responses(
        (status = 200, body = TalkingRecord),
        (status = 403, body = ErrorBody),
        (status = 409, description = "`not_talking`: the agent is not talking on a call", body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
pub(crate) async fn my_call_record(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<TalkingRecord>> {
    user.require(Permission::AnswerDial)?;
    let id = talking_call(&state, &user).await?;
    Ok(Json(TalkingRecord { call_id: id.0 }))
}

/// The notes on a call the signed-in agent talked on (during or after it), oldest first.
#[utoipa::path(get, path = "/me/calls/{id}/notes", tag = "me",
    params(("id" = i64, Path, description = "Call record id")),
    responses(
        (status = 200, body = Vec<CallNote>),
        (status = 403, description = "`forbidden`, or `not_your_call`: the agent did not talk on it", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn notes_on_my_call(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<CallNote>>> {
    let id = my_call(&state, &user, id).await?;
    Ok(Json(user.tenant(&state).call_notes(id).await?))
}

/// Adds the signed-in agent's note to a call they talked on, during or after it (after-call
/// work, or later from the call's pop).
#[utoipa::path(post, path = "/me/calls/{id}/notes", tag = "me", request_body = NewNote,
    params(("id" = i64, Path, description = "Call record id")),
    responses(
        (status = 201, body = CallNote),
        (status = 400, description = "Empty or longer than 2,000 characters", body = ErrorBody),
        (status = 403, description = "`forbidden`, or `not_your_call`: the agent did not talk on it (an unanswered transfer gives no say)", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn add_note_on_my_call(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<NewNote>,
) -> ApiResult<(StatusCode, Json<CallNote>)> {
    let text = note_text(&req)?;
    let id = my_call(&state, &user, id).await?;
    let note = user
        .tenant(&state)
        .add_call_note(id, user.user_id, text, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// The agents' notes on a call record, oldest first.
#[utoipa::path(get, path = "/calls/{id}/notes", tag = "calls",
    params(("id" = i64, Path, description = "Call id")),
    responses(
        (status = 200, body = Vec<CallNote>),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn call_notes(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<CallNote>>> {
    user.require(Permission::ViewCallRecords)?;
    super::calls::visible_call(&state, &user, id).await?;
    Ok(Json(user.tenant(&state).call_notes(CallId(id)).await?))
}

/// The supervisors' steps into a call, in order: listen, whisper, barge-in, force-disconnect
/// and when they left.
#[utoipa::path(get, path = "/calls/{id}/supervision", tag = "calls",
    params(("id" = i64, Path, description = "Call id")),
    responses(
        (status = 200, body = Vec<model::calls::SupervisionStep>),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn call_supervision(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<model::calls::SupervisionStep>>> {
    user.require(Permission::ViewCallRecords)?;
    super::calls::visible_call(&state, &user, id).await?;
    Ok(Json(
        user.tenant(&state).call_supervision(CallId(id)).await?,
    ))
}

/// Who talked with the customer on a call, in order: one segment per agent, from answering to
/// transferring the customer on or the end of the call.
#[utoipa::path(get, path = "/calls/{id}/segments", tag = "calls",
    params(("id" = i64, Path, description = "Call id")),
    responses(
        (status = 200, body = Vec<CallSegment>),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn call_segments(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<CallSegment>>> {
    user.require(Permission::ViewCallRecords)?;
    super::calls::visible_call(&state, &user, id).await?;
    Ok(Json(user.tenant(&state).call_segments(CallId(id)).await?))
}
