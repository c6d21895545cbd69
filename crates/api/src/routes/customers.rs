//! Customers (客户管理): profiles, the look-up the call pops use, follow-up records and the
//! timeline. Needs `answer_dial` (agents who talk to customers) or `manage_users`. The role's
//! data scope applies through the customer's owner: `self` sees the user's own customers.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::State;
use axum::http::StatusCode;
use model::customers::{
    Customer, CustomerLookup, CustomerQuery, CustomerUpdate, FollowUp, LookupQuery, NewCustomer,
    NewFollowUp, TimelineEntry, TimelineQuery,
};
use model::{CustomerId, DataScope, ErrorBody, Page, Permission, UserId};
use store::{CallScope, CustomerInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::routes::calls::scope_of;
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_customers, create_customer))
        .routes(routes!(lookup_customer))
        .routes(routes!(get_customer, update_customer, delete_customer))
        .routes(routes!(list_follow_ups, add_follow_up))
        .routes(routes!(get_timeline))
}

/// Fails with 403 unless the user works with customers (`answer_dial` or `manage_users`).
pub(crate) fn require_customers(user: &CurrentUser) -> ApiResult<()> {
    if user.permissions.contains(&Permission::AnswerDial)
        || user.permissions.contains(&Permission::ManageUsers)
    {
        Ok(())
    } else {
        Err(ApiError::forbidden(Permission::AnswerDial.as_str()))
    }
}

/// Refuses giving a customer or a callback to someone else with data scope `self`.
pub(crate) fn check_assignee(user: &CurrentUser, to: UserId, field: &str) -> ApiResult<()> {
    if to != user.user_id && user.data_scope == DataScope::Own {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("{field}: with data scope self you can only give it to yourself"),
        ));
    }
    Ok(())
}

/// Checks and trims a whole profile.
pub(crate) fn checked(c: NewCustomer) -> ApiResult<CustomerInput> {
    let name = validate::text("name", &c.name, 1, 100)?;
    let company = validate::optional_text("company", c.company.as_deref(), 100)?;
    if c.numbers.is_empty() {
        return Err(ApiError::validation("numbers", "give at least one number"));
    }
    if c.numbers.len() > 10 {
        return Err(ApiError::validation("numbers", "at most 10 numbers"));
    }
    let mut numbers = Vec::new();
    for n in &c.numbers {
        let n = validate::phone_number("numbers", n, 3)?;
        if numbers.contains(&n) {
            return Err(ApiError::validation(
                "numbers",
                &format!("{n} is given twice"),
            ));
        }
        numbers.push(n);
    }
    if c.tags.len() > 20 {
        return Err(ApiError::validation("tags", "at most 20 tags"));
    }
    let mut tags: Vec<String> = Vec::new();
    for t in &c.tags {
        let t = validate::text("tags", t, 1, 30)?;
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if c.fields.len() > 30 {
        return Err(ApiError::validation("fields", "at most 30 fields"));
    }
    let mut fields = BTreeMap::new();
    for (k, v) in &c.fields {
        let k = validate::text("fields", k, 1, 50)?;
        let v = validate::text("fields", v, 0, 500)?;
        fields.insert(k, v);
    }
    Ok(CustomerInput {
        name,
        company,
        numbers,
        tags,
        fields,
        owner: c.owner_id,
    })
}

/// Refuses list filters that make no sense.
fn check_paging(page: Option<u32>, page_size: Option<u32>) -> ApiResult<()> {
    if page_size.is_some_and(|n| !(1..=200).contains(&n)) {
        return Err(ApiError::validation("page_size", "must be 1 to 200"));
    }
    if page == Some(0) {
        return Err(ApiError::validation("page", "starts at 1"));
    }
    Ok(())
}

/// Customers the user's data scope lets them see, by name: search by name, company or number
/// (`q`), a tag, an owner, or only the user's own (`mine`).
#[utoipa::path(get, path = "/customers", tag = "customers", params(CustomerQuery),
    responses((status = 200, body = Page<Customer>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_customers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CustomerQuery>,
) -> ApiResult<Json<Page<Customer>>> {
    require_customers(&user)?;
    check_paging(q.page, q.page_size)?;
    if q.q.as_deref().is_some_and(|s| s.chars().count() > 100) {
        return Err(ApiError::validation("q", "must be at most 100 characters"));
    }
    Ok(Json(
        user.tenant(&state)
            .customers(&q, scope_of(&user), user.user_id)
            .await?,
    ))
}

/// Creates a customer, owned by the user unless `owner_id` names someone else (a data scope
/// wider than `self` is needed for that).
#[utoipa::path(post, path = "/customers", tag = "customers", request_body = NewCustomer,
    responses(
        (status = 201, body = Customer),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "`customer_number_taken`: a number is already another customer's", body = ErrorBody),
    ))]
pub(crate) async fn create_customer(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<NewCustomer>,
) -> ApiResult<(StatusCode, Json<Customer>)> {
    require_customers(&user)?;
    let mut c = checked(req)?;
    let owner = *c.owner.get_or_insert(user.user_id);
    check_assignee(&user, owner, "owner_id")?;
    let created = user
        .tenant(&state)
        .create_customer(&c, user.user_id, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Who a number belongs to (any written form: `+86…`, national …), for the call pops: every
/// customer of the enterprise is named, `visible` says whether the user may open the profile;
/// with their latest follow-up when visible.
#[utoipa::path(get, path = "/customers/lookup", tag = "customers", params(LookupQuery),
    responses((status = 200, body = CustomerLookup), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn lookup_customer(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LookupQuery>,
) -> ApiResult<Json<CustomerLookup>> {
    require_customers(&user)?;
    let number = validate::text("number", &q.number, 1, 32)?;
    let forms = numberinfo::written_forms(&number);
    let forms: Vec<&str> = forms.iter().map(String::as_str).collect();
    let t = user.tenant(&state);
    let customer = t.customer_by_number(&forms, scope_of(&user)).await?;
    let last_follow_up = match &customer {
        Some(c) if c.visible => t.follow_ups(c.id).await?.into_iter().next(),
        _ => None,
    };
    Ok(Json(CustomerLookup {
        customer,
        last_follow_up,
    }))
}

/// One customer.
#[utoipa::path(get, path = "/customers/{id}", tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses((status = 200, body = Customer), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_customer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Customer>> {
    require_customers(&user)?;
    Ok(Json(
        user.tenant(&state)
            .customer(CustomerId(id), scope_of(&user))
            .await?,
    ))
}

/// Changes a customer: the fields given replace the old ones (numbers, tags and fields as whole
/// lists).
#[utoipa::path(patch, path = "/customers/{id}", tag = "customers", request_body = CustomerUpdate,
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, body = Customer),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`customer_number_taken`", body = ErrorBody),
    ))]
pub(crate) async fn update_customer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<CustomerUpdate>,
) -> ApiResult<Json<Customer>> {
    require_customers(&user)?;
    let t = user.tenant(&state);
    let scope = scope_of(&user);
    let cur = t.customer(CustomerId(id), scope).await?;
    let owner = req.owner_id.unwrap_or(cur.owner_id);
    if owner != cur.owner_id {
        if let Some(o) = owner {
            check_assignee(&user, o, "owner_id")?;
        } else if user.data_scope == DataScope::Own {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "owner_id: with data scope self you cannot give a customer away",
            ));
        }
    }
    let merged = NewCustomer {
        name: req.name.unwrap_or(cur.name),
        company: req.company.unwrap_or(cur.company),
        numbers: req.numbers.unwrap_or(cur.numbers),
        tags: req.tags.unwrap_or(cur.tags),
        fields: req.fields.unwrap_or(cur.fields),
        owner_id: owner,
    };
    let c = checked(merged)?;
    Ok(Json(
        t.update_customer(CustomerId(id), scope, &c, state.now())
            .await?,
    ))
}

/// Deletes a customer with their follow-ups and callbacks (call records stay).
#[utoipa::path(delete, path = "/customers/{id}", tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete_customer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    require_customers(&user)?;
    user.tenant(&state)
        .delete_customer(CustomerId(id), scope_of(&user))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A customer's follow-up records (跟进记录), newest first.
#[utoipa::path(get, path = "/customers/{id}/follow-ups", tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses((status = 200, body = Vec<FollowUp>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn list_follow_ups(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<FollowUp>>> {
    require_customers(&user)?;
    let t = user.tenant(&state);
    let c = t.customer(CustomerId(id), scope_of(&user)).await?;
    Ok(Json(t.follow_ups(c.id).await?))
}

/// Adds a follow-up record, written by the user now.
#[utoipa::path(post, path = "/customers/{id}/follow-ups", tag = "customers", request_body = NewFollowUp,
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 201, body = FollowUp),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn add_follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<NewFollowUp>,
) -> ApiResult<(StatusCode, Json<FollowUp>)> {
    require_customers(&user)?;
    let body = validate::note("body", &req.body, 2000)?;
    let t = user.tenant(&state);
    let c = t.customer(CustomerId(id), scope_of(&user)).await?;
    let f = t
        .add_follow_up(c.id, user.user_id, &body, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(f)))
}

/// The customer's timeline (客户轨迹), newest first: calls from or to their numbers (for users
/// who may read call records, within that data scope), follow-ups and callbacks.
#[utoipa::path(get, path = "/customers/{id}/timeline", tag = "customers", params(("id" = i64, Path, description = "Customer id"), TimelineQuery),
    responses((status = 200, body = Vec<TimelineEntry>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_timeline(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<TimelineQuery>,
) -> ApiResult<Json<Vec<TimelineEntry>>> {
    require_customers(&user)?;
    if q.limit.is_some_and(|n| !(1..=500).contains(&n)) {
        return Err(ApiError::validation("limit", "must be 1 to 500"));
    }
    let t = user.tenant(&state);
    let c = t.customer(CustomerId(id), scope_of(&user)).await?;
    let forms: Vec<String> = c
        .numbers
        .iter()
        .flat_map(|n| numberinfo::written_forms(n))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let calls: Option<CallScope> = user
        .permissions
        .contains(&Permission::ViewCallRecords)
        .then(|| scope_of(&user));
    let (day_start, _) = crate::local_day::today(&state, &user).await?;
    Ok(Json(
        t.customer_timeline(c.id, &forms, calls, day_start, q.limit.unwrap_or(100))
            .await?,
    ))
}
