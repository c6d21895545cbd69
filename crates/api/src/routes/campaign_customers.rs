//! A campaign's customers: the list (sorted by name, filtered by outcome, numbers masked when
//! the campaign masks), the agent's notes and outcome, and dialing a customer by its id (the
//! server knows the number; a masked one is never sent to the browser).

use axum::extract::State;
use axum::http::StatusCode;
use dialer::attempts::Outcome;
use dialer::hours::CallingHours;
use dialer::schedule::CampaignState;
use engine::sipd::DialError;
use model::campaigns::{
    CampaignCustomer, CampaignCustomerQuery, CampaignCustomerUpdate, CampaignOutcome,
};
use model::customers::Customer;
use model::telephony::DialResponse;
use model::{ErrorBody, Page, PageQuery, Permission};
use store::{CampaignCustomerFilter, CampaignCustomerRecord, CampaignRecord};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::routes::campaigns::{read_only, schedule_of, visible_campaign};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_campaign_customers))
        .routes(routes!(update_campaign_customer))
        .routes(routes!(dial_campaign_customer))
        .routes(routes!(campaign_customer_to_customers))
}

/// The stored string of an outcome.
pub(crate) fn outcome_str(o: CampaignOutcome) -> &'static str {
    let d = match o {
        CampaignOutcome::Answered => Outcome::Answered,
        CampaignOutcome::NotAnswered => Outcome::NotAnswered,
        CampaignOutcome::Busy => Outcome::Busy,
        CampaignOutcome::NoAnswer => Outcome::NoAnswer,
        CampaignOutcome::TemporarilyUnreachable => Outcome::TemporarilyUnreachable,
        CampaignOutcome::Suspended => Outcome::Suspended,
        CampaignOutcome::PoweredOff => Outcome::PoweredOff,
        CampaignOutcome::InvalidNumber => Outcome::InvalidNumber,
        CampaignOutcome::Other => Outcome::Other,
    };
    d.as_str()
}

/// The API's outcome of a stored string.
fn outcome_of(s: &str) -> Option<CampaignOutcome> {
    Some(match Outcome::parse(s)? {
        Outcome::Answered => CampaignOutcome::Answered,
        Outcome::NotAnswered => CampaignOutcome::NotAnswered,
        Outcome::Busy => CampaignOutcome::Busy,
        Outcome::NoAnswer => CampaignOutcome::NoAnswer,
        Outcome::TemporarilyUnreachable => CampaignOutcome::TemporarilyUnreachable,
        Outcome::Suspended => CampaignOutcome::Suspended,
        Outcome::PoweredOff => CampaignOutcome::PoweredOff,
        Outcome::InvalidNumber => CampaignOutcome::InvalidNumber,
        Outcome::Other => CampaignOutcome::Other,
    })
}

/// A stored customer as the API shows it under `campaign`'s masking.
fn to_model(r: CampaignCustomerRecord, campaign: &CampaignRecord) -> CampaignCustomer {
    CampaignCustomer {
        id: r.id,
        campaign_id: r.campaign_id,
        name: r.name,
        number: if campaign.write.masking {
            dialer::number::mask(&r.number)
        } else {
            r.number
        },
        fields: serde_json::from_str(&r.fields).unwrap_or_default(),
        notes: r.notes,
        attempts: u32::try_from(r.attempts).unwrap_or(0),
        max_attempts: campaign.write.max_attempts,
        outcome: r.outcome.as_deref().and_then(outcome_of),
        last_called_at: r.last_called_at,
    }
}

/// A campaign's customers, sorted by name; `outcome` filters by what the last call came to,
/// `not_called=true` to those never called. Numbers show as `…****` when the campaign masks.
#[utoipa::path(get, path = "/campaigns/{id}/customers", tag = "campaigns",
    params(("id" = i64, Path), CampaignCustomerQuery),
    responses((status = 200, body = Page<CampaignCustomer>), (status = 404, body = ErrorBody)))]
pub(crate) async fn list_campaign_customers(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<CampaignCustomerQuery>,
) -> ApiResult<Json<Page<CampaignCustomer>>> {
    let campaign = visible_campaign(&state, &user, id).await?;
    let filter = CampaignCustomerFilter {
        outcome: q.outcome.map(|o| outcome_str(o).to_owned()),
        not_called: q.not_called.unwrap_or(false),
        dialable: None,
    };
    // A masked number must not be found by its hidden digits.
    let search = q.q.filter(|_| !campaign.write.masking);
    let page = PageQuery {
        q: search,
        page: q.page,
        page_size: q.page_size,
    };
    let p = user
        .tenant(&state)
        .campaign_customers(id, &filter, &page)
        .await?;
    Ok(Json(Page {
        items: p
            .items
            .into_iter()
            .map(|r| to_model(r, &campaign))
            .collect(),
        total: p.total,
        page: p.page,
        page_size: p.page_size,
    }))
}

/// The customer and its campaign, when the user may see the campaign.
async fn visible_customer(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<(CampaignCustomerRecord, CampaignRecord)> {
    let customer = user.tenant(state).find_campaign_customer(id).await?;
    let campaign = visible_campaign(state, user, customer.campaign_id).await?;
    Ok((customer, campaign))
}

/// Saves the agent's notes and, in preview mode, the outcome of the last call ("save").
/// History is read-only (409 `campaign_read_only`).
#[utoipa::path(patch, path = "/campaign-customers/{id}", tag = "campaigns",
    params(("id" = i64, Path)), request_body = CampaignCustomerUpdate,
    responses((status = 200, body = CampaignCustomer), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_campaign_customer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(u): Json<CampaignCustomerUpdate>,
) -> ApiResult<Json<CampaignCustomer>> {
    let (customer, campaign) = visible_customer(&state, &user, id).await?;
    if schedule_of(&campaign).state(state.now()).is_history() {
        return Err(read_only());
    }
    let t = user.tenant(&state);
    if let Some(notes) = &u.notes {
        if notes.chars().count() > 2000 {
            return Err(ApiError::validation("notes", "at most 2000 characters"));
        }
        t.set_campaign_customer_notes(campaign.id, id, notes.trim())
            .await?;
    }
    if let Some(outcome) = u.outcome {
        if customer.attempts == 0 {
            return Err(ApiError::conflict(
                "not_called",
                "the customer has not been called yet",
            ));
        }
        t.set_campaign_outcome(campaign.id, id, outcome_str(outcome))
            .await?;
    }
    let r = t.campaign_customer(campaign.id, id).await?;
    Ok(Json(to_model(r, &campaign)))
}

/// Calls a campaign customer from the agent's phone (an assigned agent with `answer_dial`),
/// by the customer's id: the campaign must be running (409 `campaign_not_running`), inside its
/// calling hours (409 `outside_calling_hours`, `next_open` in the details), the customer must
/// have attempts left (409 `no_attempts_left`), and risk control must allow the number (409
/// `do_not_call`, `destination_not_allowed`, `risk_limited` with `retry_after`).
#[utoipa::path(post, path = "/campaign-customers/{id}/dial", tag = "campaigns",
    params(("id" = i64, Path)),
    responses((status = 202, body = DialResponse), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub(crate) async fn dial_campaign_customer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<DialResponse>)> {
    user.require(Permission::AnswerDial)?;
    let (customer, campaign) = visible_customer(&state, &user, id).await?;
    if !campaign.write.agents.contains(&user.user_id) {
        return Err(ApiError::conflict(
            "not_assigned",
            "only agents assigned to the campaign call its customers",
        ));
    }
    let now = state.now();
    let st = schedule_of(&campaign).state(now);
    if st != CampaignState::Running {
        return Err(ApiError::conflict(
            "campaign_not_running",
            format!(
                "the campaign is {}: only running campaigns dial",
                st.as_str()
            ),
        ));
    }
    let window = CallingHours {
        time_zone: campaign.write.time_zone.clone(),
        from: campaign.write.hours_from.clone(),
        to: campaign.write.hours_to.clone(),
    }
    .window()
    .map_err(ApiError::internal)?;
    if !window.is_open(now) {
        return Err(ApiError::conflict(
            "outside_calling_hours",
            format!(
                "calls are placed between {} and {} only",
                campaign.write.hours_from, campaign.write.hours_to
            ),
        )
        .with_details(serde_json::json!({ "next_open": window.next_open(now) })));
    }
    let progress = dialer::attempts::Progress {
        attempts: u32::try_from(customer.attempts).unwrap_or(u32::MAX),
        outcome: customer.outcome.as_deref().and_then(Outcome::parse),
    };
    if !progress.can_dial(campaign.write.max_attempts) {
        return Err(ApiError::conflict(
            "no_attempts_left",
            "this customer is done: answered, invalid, or out of attempts",
        ));
    }
    let t = user.tenant(&state);
    crate::risk::check_outbound(t, &customer.number, now).await?;
    let sip = state.sip.as_ref().ok_or(DialError::Stopped)?;
    // Counted before the call is placed, so a call that fails at once still finds its row;
    // put back when the endpoint refuses it. The call's end writes the outcome.
    t.start_campaign_attempt(campaign.id, id, now).await?;
    let placed = sip
        .dial_for(
            user.enterprise,
            user.user_id,
            dialer::number::dial_form(&customer.number),
            campaign.write.caller_numbers.first().cloned(),
            Some(crate::campaign_dialer::tag(&campaign, &customer)),
        )
        .await;
    match placed {
        Ok(r) => Ok((StatusCode::ACCEPTED, Json(r))),
        Err(e) => {
            t.restore_campaign_progress(&customer).await?;
            Err(e.into())
        }
    }
}

/// Adds a campaign customer to the customer database (客户管理) with their name, number and
/// fields, owned by the user (the server knows the number, masked or not). 409
/// `customer_number_taken` when the number is already a customer's.
#[utoipa::path(post, path = "/campaign-customers/{id}/to-customer", tag = "campaigns",
    params(("id" = i64, Path)),
    responses((status = 201, body = Customer), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn campaign_customer_to_customers(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<Customer>)> {
    crate::routes::customers::require_customers(&user)?;
    let (customer, _) = visible_customer(&state, &user, id).await?;
    let fields: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&customer.fields).unwrap_or_default();
    let fields = fields
        .into_iter()
        .filter(|(k, _)| k.chars().count() <= 50)
        .map(|(k, v)| (k, v.chars().take(500).collect()))
        .take(30)
        .collect();
    let input = store::CustomerInput {
        name: customer.name.chars().take(100).collect(),
        numbers: vec![dialer::number::dial_form(&customer.number)],
        fields,
        owner: Some(user.user_id),
        ..store::CustomerInput::default()
    };
    let created = user
        .tenant(&state)
        .create_customer(&input, user.user_id, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}
