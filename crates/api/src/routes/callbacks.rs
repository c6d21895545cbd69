//! Scheduled callbacks (预约回呼): scheduled from any call (or a customer's profile) for a
//! number and a time, listed for the agent today and in full with filters, rescheduled, deleted,
//! marked done. A callback is also done when a call the agent places to its number connects
//! (the store does that as the call's record is answered). Same permissions and data scope as
//! customers, through the agent the callback is for.

use axum::extract::State;
use axum::http::StatusCode;
use model::customers::{Callback, CallbackQuery, CallbackState, CallbackUpdate, NewCallback};
use model::{CallbackId, ErrorBody, Page};
use store::CallbackInput;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::local_day::today;
use crate::routes::calls::scope_of;
use crate::routes::customers::{check_assignee, require_customers};
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_callbacks, create_callback))
        .routes(routes!(update_callback, delete_callback))
        .routes(routes!(callback_done))
        .routes(routes!(my_callbacks_today))
}

const DAY_MS: i64 = 24 * 3_600_000;

/// A year, the furthest ahead a callback can be scheduled.
const YEAR_MS: i64 = 366 * DAY_MS;

/// Refuses a due time before today (which began at `day`) or more than a year ahead.
fn check_due(due_at: i64, now: i64, day: i64) -> ApiResult<()> {
    if due_at < day {
        return Err(ApiError::validation(
            "due_at",
            "must be today or later (unix milliseconds)",
        ));
    }
    if due_at > now + YEAR_MS {
        return Err(ApiError::validation(
            "due_at",
            "must be within a year from now",
        ));
    }
    Ok(())
}

/// Callbacks the user's data scope lets them see (their own with scope `self`), filtered by
/// due time (`from`, `to`), agent, state and customer name or number (`q`), earliest due first.
#[utoipa::path(get, path = "/callbacks", tag = "callbacks", params(CallbackQuery),
    responses((status = 200, body = Page<Callback>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_callbacks(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CallbackQuery>,
) -> ApiResult<Json<Page<Callback>>> {
    require_customers(&user)?;
    if q.page_size.is_some_and(|n| !(1..=200).contains(&n)) {
        return Err(ApiError::validation("page_size", "must be 1 to 200"));
    }
    if q.page == Some(0) {
        return Err(ApiError::validation("page", "starts at 1"));
    }
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from >= to
    {
        return Err(ApiError::validation("to", "must be later than from"));
    }
    if q.q.as_deref().is_some_and(|s| s.chars().count() > 100) {
        return Err(ApiError::validation("q", "must be at most 100 characters"));
    }
    let (day, _) = today(&state, &user).await?;
    Ok(Json(
        user.tenant(&state)
            .callbacks(&q, scope_of(&user), day)
            .await?,
    ))
}

/// The user's own callbacks due today (in the enterprise's time zone), earliest first: the
/// phone bar's list, with those already done.
#[utoipa::path(get, path = "/me/callbacks", tag = "callbacks",
    responses((status = 200, body = Vec<Callback>), (status = 403, body = ErrorBody)))]
pub(crate) async fn my_callbacks_today(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<Callback>>> {
    require_customers(&user)?;
    let (day, end) = today(&state, &user).await?;
    let q = CallbackQuery {
        from: Some(day),
        to: Some(end),
        agent_id: Some(user.user_id.0),
        page_size: Some(200),
        ..CallbackQuery::default()
    };
    Ok(Json(
        user.tenant(&state)
            .callbacks(&q, store::CallScope::Agent(user.user_id), day)
            .await?
            .items,
    ))
}

/// Schedules a callback for a number at a time, for the user or (with a data scope wider than
/// `self`) another agent; the customer defaults to whoever the number belongs to.
#[utoipa::path(post, path = "/callbacks", tag = "callbacks", request_body = NewCallback,
    responses(
        (status = 201, body = Callback),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
pub(crate) async fn create_callback(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<NewCallback>,
) -> ApiResult<(StatusCode, Json<Callback>)> {
    require_customers(&user)?;
    let now = state.now();
    let number = validate::phone_number("number", &req.number, 3)?;
    let (day, _) = today(&state, &user).await?;
    check_due(req.due_at, now, day)?;
    let remark = match req.remark.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(validate::note("remark", r, 500)?),
    };
    let agent = req.agent_id.unwrap_or(user.user_id);
    check_assignee(&user, agent, "agent_id")?;
    let t = user.tenant(&state);
    let customer = match req.customer_id {
        // A customer the user cannot see is "no such customer".
        Some(id) => Some(
            t.customer(id, scope_of(&user))
                .await
                .map_err(|_| ApiError::validation("customer_id", "no such customer"))?
                .id,
        ),
        None => {
            let forms = numberinfo::written_forms(&number);
            let forms: Vec<&str> = forms.iter().map(String::as_str).collect();
            t.customer_by_number(&forms, store::CallScope::Enterprise)
                .await?
                .map(|c| c.id)
        }
    };
    let c = t
        .create_callback(
            &CallbackInput {
                customer,
                number,
                agent,
                due_at: req.due_at,
                remark,
            },
            user.user_id,
            now,
            day,
        )
        .await
        .map_err(|e| match e {
            store::StoreError::InvalidReference => {
                ApiError::validation("agent_id", "no such user in this enterprise")
            }
            other => other.into(),
        })?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Reschedules a callback or changes its remark; a done callback cannot be rescheduled (409
/// `callback_done`).
#[utoipa::path(patch, path = "/callbacks/{id}", tag = "callbacks", request_body = CallbackUpdate,
    params(("id" = i64, Path, description = "Callback id")),
    responses(
        (status = 200, body = Callback),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`callback_done`", body = ErrorBody),
    ))]
pub(crate) async fn update_callback(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<CallbackUpdate>,
) -> ApiResult<Json<Callback>> {
    require_customers(&user)?;
    let now = state.now();
    let (day, _) = today(&state, &user).await?;
    let t = user.tenant(&state);
    let scope = scope_of(&user);
    let cur = t.callback(CallbackId(id), scope, day).await?;
    if cur.state == CallbackState::Done {
        return Err(ApiError::conflict(
            "callback_done",
            "this callback is done already",
        ));
    }
    let due_at = match req.due_at {
        Some(d) => {
            check_due(d, now, day)?;
            d
        }
        None => cur.due_at,
    };
    let remark = match req.remark {
        None => cur.remark,
        Some(None) => None,
        Some(Some(r)) if r.trim().is_empty() => None,
        Some(Some(r)) => Some(validate::note("remark", &r, 500)?),
    };
    Ok(Json(
        t.update_callback(CallbackId(id), scope, due_at, remark.as_deref(), day)
            .await?,
    ))
}

/// Deletes a callback.
#[utoipa::path(delete, path = "/callbacks/{id}", tag = "callbacks",
    params(("id" = i64, Path, description = "Callback id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete_callback(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    require_customers(&user)?;
    user.tenant(&state)
        .delete_callback(CallbackId(id), scope_of(&user))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks a callback done by hand (no call linked); a done callback stays as it was.
#[utoipa::path(post, path = "/callbacks/{id}/done", tag = "callbacks",
    params(("id" = i64, Path, description = "Callback id")),
    responses((status = 200, body = Callback), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn callback_done(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Callback>> {
    require_customers(&user)?;
    let now = state.now();
    let (day, _) = today(&state, &user).await?;
    Ok(Json(
        user.tenant(&state)
            .mark_callback_done(CallbackId(id), scope_of(&user), now, day)
            .await?,
    ))
}
