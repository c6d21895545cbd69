//! Outbound campaigns (外呼任务, SPEC §5): the admin creates, edits and drives them (needs
//! `manage_campaigns`); assigned agents see theirs. A campaign's state follows its schedule and
//! the admin's actions (`dialer::schedule`); completed and expired ones are history, read-only.

use axum::extract::State;
use axum::http::StatusCode;
use dialer::hours::CallingHours;
use dialer::schedule::{Action, CampaignState as State_, Schedule};
use model::campaigns::{
    Campaign, CampaignAction, CampaignActionBody, CampaignInput, CampaignQuery, CampaignState,
    DialingMode,
};
use model::{ErrorBody, Event, Permission, UserId};
use store::{CampaignRecord, CampaignWrite};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use crate::validate;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_campaigns, create_campaign))
        .routes(routes!(get_campaign, update_campaign, delete_campaign))
        .routes(routes!(campaign_action))
}

/// The dialer's schedule of a stored campaign.
pub(crate) fn schedule_of(rec: &CampaignRecord) -> Schedule {
    Schedule {
        start_ms: rec.write.start_at,
        end_ms: rec.write.end_at,
        paused: rec.paused,
        completed_ms: rec.completed_at,
    }
}

/// The API's state of the dialer's.
fn state_of(s: State_) -> CampaignState {
    match s {
        State_::NotStarted => CampaignState::NotStarted,
        State_::Running => CampaignState::Running,
        State_::Paused => CampaignState::Paused,
        State_::Completed => CampaignState::Completed,
        State_::Expired => CampaignState::Expired,
    }
}

/// The stored dialing mode's API value.
fn mode_of(s: &str) -> DialingMode {
    match s {
        "progressive" => DialingMode::Progressive,
        "predictive" => DialingMode::Predictive,
        _ => DialingMode::Preview,
    }
}

/// A stored campaign as the API shows it at `now`, with its abandon rates (a predictive
/// campaign's, read from its calls; 0 for the other modes).
pub(crate) async fn view(
    t: store::Tenant<'_>,
    rec: CampaignRecord,
    now: i64,
) -> ApiResult<Campaign> {
    let rates = if rec.write.mode == "predictive" {
        let all = t.campaign_pacing(rec.id, 0).await?;
        let hour = t.campaign_pacing(rec.id, now - dialer::HOUR_MS).await?;
        (all.abandon_rate(), hour.abandon_rate())
    } else {
        (0.0, 0.0)
    };
    Ok(to_model(rec, now, rates))
}

/// A stored campaign as the API shows it at `now`, with its abandon rates (whole campaign,
/// last hour).
fn to_model(rec: CampaignRecord, now: i64, abandon: (f64, f64)) -> Campaign {
    let schedule = schedule_of(&rec);
    let rates = dialer::attempts::rates(
        u64::try_from(rec.customers).unwrap_or(0),
        u64::try_from(rec.dialed).unwrap_or(0),
        u64::try_from(rec.answered).unwrap_or(0),
    );
    let w = rec.write;
    Campaign {
        id: rec.id,
        name: w.name,
        description: w.description,
        start_at: w.start_at,
        end_at: w.end_at,
        completed_at: rec.completed_at,
        state: state_of(schedule.state(now)),
        time_left_ms: schedule.time_left(now),
        caller_numbers: w.caller_numbers,
        agent_ids: w.agents,
        masking: w.masking,
        max_attempts: w.max_attempts,
        hours_from: w.hours_from,
        hours_to: w.hours_to,
        time_zone: w.time_zone,
        mode: mode_of(&w.mode),
        abandon_cap_percent: f64::from(w.abandon_cap_bp) / 100.0,
        abandon_rate: abandon.0,
        abandon_rate_last_hour: abandon.1,
        customers: rec.customers,
        dialed: rec.dialed,
        answered: rec.answered,
        execution_rate: rates.execution,
        connect_rate: rates.connect,
        created_at: rec.created_at,
    }
}

/// A campaign the user may see: any with `manage_campaigns`, otherwise one they are assigned
/// to (404 for others, as if it did not exist).
pub(crate) async fn visible_campaign(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> ApiResult<CampaignRecord> {
    let rec = user.tenant(state).campaign(id).await?;
    if user.permissions.contains(&Permission::ManageCampaigns)
        || rec.write.agents.contains(&user.user_id)
    {
        Ok(rec)
    } else {
        Err(ApiError::not_found())
    }
}

/// The admin's input, checked; calling hours without a zone are in `default_zone` (the
/// enterprise's for a new campaign, the campaign's own for a change).
fn checked(c: &CampaignInput, default_zone: &str) -> ApiResult<CampaignWrite> {
    let name = validate::text("name", &c.name, 1, 100)?;
    if c.description.chars().count() > 2000 {
        return Err(ApiError::validation(
            "description",
            "at most 2000 characters",
        ));
    }
    Schedule::new(c.start_at, c.end_at)
        .map_err(|e| ApiError::validation("end_at", &e.to_string()))?;
    if c.caller_numbers.len() > 10 {
        return Err(ApiError::validation("caller_numbers", "at most 10 numbers"));
    }
    let caller_numbers = c
        .caller_numbers
        .iter()
        .map(|n| validate::phone_number("caller_numbers", n, 3))
        .collect::<ApiResult<Vec<_>>>()?;
    if c.agent_ids.len() > 500 {
        return Err(ApiError::validation("agent_ids", "at most 500 agents"));
    }
    let max_attempts = c
        .max_attempts
        .unwrap_or(dialer::attempts::DEFAULT_MAX_ATTEMPTS);
    if !(1..=20).contains(&max_attempts) {
        return Err(ApiError::validation("max_attempts", "must be 1–20"));
    }
    let hours = CallingHours {
        time_zone: c
            .time_zone
            .clone()
            .unwrap_or_else(|| default_zone.to_owned()),
        from: c.hours_from.clone().unwrap_or_else(|| "09:00".to_owned()),
        to: c.hours_to.clone().unwrap_or_else(|| "20:00".to_owned()),
    };
    hours
        .window()
        .map_err(|e| ApiError::validation("hours", &e.to_string()))?;
    let mode = match c.mode {
        DialingMode::Preview => "preview",
        DialingMode::Progressive => "progressive",
        DialingMode::Predictive => "predictive",
    };
    let cap = c
        .abandon_cap_percent
        .unwrap_or(dialer::pacing::DEFAULT_ABANDON_CAP * 100.0);
    if !(0.5..=20.0).contains(&cap) {
        return Err(ApiError::validation(
            "abandon_cap_percent",
            "must be 0.5–20 (percent of answered calls)",
        ));
    }
    let mut agents: Vec<UserId> = c.agent_ids.clone();
    agents.sort();
    agents.dedup();
    Ok(CampaignWrite {
        name,
        description: c.description.trim().to_owned(),
        start_at: c.start_at,
        end_at: c.end_at,
        caller_numbers,
        masking: c.masking,
        max_attempts,
        hours_from: hours.from,
        hours_to: hours.to,
        time_zone: hours.time_zone,
        mode: mode.to_owned(),
        // Basis points: 3.25 % is 325.
        abandon_cap_bp: (cap * 100.0).round() as u32,
        agents,
    })
}

/// Tells newly assigned agents (SPEC §5: agents are notified of a new assignment).
fn notify_assigned(state: &AppState, agents: &[UserId], c: &Campaign) {
    for agent in agents {
        state.hub.publish(
            *agent,
            Event::CampaignAssigned {
                campaign_id: c.id,
                name: c.name.clone(),
            },
        );
    }
}

/// Campaigns: with `manage_campaigns` all of the enterprise's, otherwise those the user is
/// assigned to. `history=true` lists completed and expired ones, newest end first; otherwise
/// the others by start time.
#[utoipa::path(get, path = "/campaigns", tag = "campaigns", params(CampaignQuery),
    responses((status = 200, body = Vec<Campaign>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_campaigns(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CampaignQuery>,
) -> ApiResult<Json<Vec<Campaign>>> {
    let agent = if user.permissions.contains(&Permission::ManageCampaigns) {
        None
    } else {
        user.require(Permission::AgentLogin)?;
        Some(user.user_id)
    };
    let now = state.now();
    let t = user.tenant(&state);
    let list = t.campaigns(q.history.unwrap_or(false), agent, now).await?;
    let mut out = Vec::with_capacity(list.len());
    for rec in list {
        out.push(view(user.tenant(&state), rec, now).await?);
    }
    Ok(Json(out))
}

/// Creates a campaign (not started until its start time); assigned agents are notified.
#[utoipa::path(post, path = "/campaigns", tag = "campaigns", request_body = CampaignInput,
    responses((status = 201, body = Campaign), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn create_campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(c): Json<CampaignInput>,
) -> ApiResult<(StatusCode, Json<Campaign>)> {
    user.require(Permission::ManageCampaigns)?;
    let zone = user.tenant(&state).time_zone().await?;
    let w = checked(&c, &zone)?;
    let now = state.now();
    let rec = user
        .tenant(&state)
        .create_campaign(&w, user.user_id, now)
        .await?;
    let agents = rec.write.agents.clone();
    let campaign = view(user.tenant(&state), rec, now).await?;
    notify_assigned(&state, &agents, &campaign);
    Ok((StatusCode::CREATED, Json(campaign)))
}

/// One campaign (admins, or an agent assigned to it).
#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Campaign), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Campaign>> {
    let rec = visible_campaign(&state, &user, id).await?;
    Ok(Json(view(user.tenant(&state), rec, state.now()).await?))
}

/// Replaces a campaign's settings (not its state); history is read-only (409
/// `campaign_read_only`). Newly assigned agents are notified.
#[utoipa::path(put, path = "/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    request_body = CampaignInput,
    responses((status = 200, body = Campaign), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(c): Json<CampaignInput>,
) -> ApiResult<Json<Campaign>> {
    user.require(Permission::ManageCampaigns)?;
    let t = user.tenant(&state);
    let now = state.now();
    let before = t.campaign(id).await?;
    if schedule_of(&before).state(now).is_history() {
        return Err(read_only());
    }
    let w = checked(&c, &before.write.time_zone)?;
    let (rec, added) = t.update_campaign(id, &w, now).await?;
    let campaign = view(t, rec, now).await?;
    notify_assigned(&state, &added, &campaign);
    Ok(Json(campaign))
}

/// 409 `campaign_read_only`.
pub(crate) fn read_only() -> ApiError {
    ApiError::conflict(
        "campaign_read_only",
        "completed and expired campaigns are read-only",
    )
}

/// Deletes a campaign with its customers; a running one must be paused first (409
/// `campaign_running`).
#[utoipa::path(delete, path = "/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn delete_campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageCampaigns)?;
    let t = user.tenant(&state);
    let rec = t.campaign(id).await?;
    if schedule_of(&rec).state(state.now()) == State_::Running {
        return Err(ApiError::conflict(
            "campaign_running",
            "pause the campaign before deleting it",
        ));
    }
    t.delete_campaign(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Start (before its start time), pause, resume or complete a campaign. An action its state
/// does not allow is 409 `invalid_state`.
#[utoipa::path(post, path = "/campaigns/{id}/actions", tag = "campaigns",
    params(("id" = i64, Path)), request_body = CampaignActionBody,
    responses((status = 200, body = Campaign), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn campaign_action(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(body): Json<CampaignActionBody>,
) -> ApiResult<Json<Campaign>> {
    user.require(Permission::ManageCampaigns)?;
    let t = user.tenant(&state);
    let now = state.now();
    let rec = t.campaign(id).await?;
    let mut schedule = schedule_of(&rec);
    let action = match body.action {
        CampaignAction::Start => Action::Start,
        CampaignAction::Pause => Action::Pause,
        CampaignAction::Resume => Action::Resume,
        CampaignAction::Complete => Action::Complete,
    };
    schedule
        .apply(action, now)
        .map_err(|e| ApiError::conflict("invalid_state", e.to_string()))?;
    let rec = t
        .set_campaign_schedule(
            id,
            schedule.start_ms,
            schedule.paused,
            schedule.completed_ms,
            now,
        )
        .await?;
    Ok(Json(view(t, rec, now).await?))
}
