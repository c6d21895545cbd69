//! The supervisors' real-time monitor and wallboard (SPEC §4): agents with their current call,
//! queues, and each skill group's figures for today, narrowed to the groups the supervisor's data
//! scope allows; the same narrowing applies to the monitor events on the WebSocket.

use std::collections::HashSet;

use axum::extract::State;
use engine::EventHub;
use engine::sipd::AgentError;
use model::presence::{Monitor, MonitorAgent};
use model::{ErrorBody, Event, Permission, SkillGroupId, UserId};
use store::Store;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::local_day::today;
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(monitor))
}

/// What one supervisor may watch.
#[derive(Debug, Clone)]
pub(crate) struct Watch {
    /// The supervisor (always sees themself).
    me: UserId,
    /// The skill groups they watch; `None`: every group of the enterprise.
    groups: Option<HashSet<SkillGroupId>>,
}

impl Watch {
    /// The groups the user's data scope allows.
    pub(crate) async fn of(state: &AppState, user: &CurrentUser) -> ApiResult<Watch> {
        let groups = user
            .tenant(state)
            .monitor_groups(user.user_id, user.data_scope)
            .await?;
        Ok(Watch {
            me: user.user_id,
            groups: groups.map(|g| g.into_iter().collect()),
        })
    }

    fn sees_group(&self, g: SkillGroupId) -> bool {
        self.groups.as_ref().is_none_or(|s| s.contains(&g))
    }

    fn sees_agent(&self, a: &MonitorAgent) -> bool {
        a.presence.user_id == self.me
            || match &self.groups {
                None => true,
                Some(s) => a.groups.iter().any(|g| s.contains(g)),
            }
    }

    /// Whether a monitor event is for this supervisor (events of other kinds pass).
    pub(crate) fn sees(&self, ev: &Event) -> bool {
        match ev {
            Event::MonitorAgent { agent } => self.sees_agent(agent),
            Event::MonitorQueue { queue } => self.sees_group(queue.group_id),
            Event::MonitorFigures { figures } => self.sees_group(figures.group_id),
            _ => true,
        }
    }
}

/// The real-time monitor (实时监控) and wallboard: every agent's status and time in it with the
/// call they are on (customer, direction, group, since when, ringing, talking or on hold); every
/// queue's waiting callers, longest wait and idle agents; every group's figures for today
/// (offered, answered, abandoned, average speed of answer, service level against the group's
/// threshold). Only the skill groups the role's data scope allows (enterprise: all; skill groups:
/// the supervisor's own; department: those with a member in the supervisor's department; self:
/// none) and their members. Needs `monitor`. Live updates come on the events WebSocket as
/// `monitor_agent`, `monitor_queue` and `monitor_figures`.
#[utoipa::path(get, path = "/monitor", tag = "monitor",
    responses((status = 200, body = Monitor), (status = 403, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub(crate) async fn monitor(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Monitor>> {
    user.require(Permission::Monitor)?;
    let sip = state.sip.as_ref().ok_or(AgentError::Stopped)?;
    let mut m = sip
        .monitor(user.enterprise)
        .await
        .ok_or(AgentError::Stopped)?;
    let watch = Watch::of(&state, &user).await?;
    m.agents.retain(|a| watch.sees_agent(a));
    m.queues.retain(|q| watch.sees_group(q.group_id));
    // Agents outside any skill group are named from the user table.
    for a in m.agents.iter_mut().filter(|a| a.name.is_empty()) {
        if let Ok(u) = user.tenant(&state).user(a.presence.user_id).await {
            a.work_id = u.work_id;
            a.name = u.name;
        }
    }
    let (day, _) = today(&state, &user).await?;
    m.figures = user.tenant(&state).group_figures(day).await?;
    m.figures.retain(|f| watch.sees_group(f.group_id));
    Ok(Json(m))
}

/// After a call record changed (the call queued, was answered, abandoned or ended), tells the
/// enterprise's monitors the figures of its skill group, when anyone watches. For the task that
/// writes call records.
pub async fn publish_figures(store: &Store, hub: &EventHub, key: &str, now: i64) {
    if !hub.watching_any() {
        return;
    }
    let Ok(Some((e, group))) = store.call_group(key).await else {
        return;
    };
    if !hub.watching(e) {
        return;
    }
    let zone = crate::local_day::enterprise_zone(store, e)
        .await
        .unwrap_or_else(|_| crate::local_day::zone(crate::local_day::DEFAULT_ZONE));
    let (day, _) = crate::local_day::day_of(now, &zone);
    match store.tenant(e).group_figures_of(group, day).await {
        Ok(Some(figures)) => hub.publish_monitor(e, Event::MonitorFigures { figures }),
        Ok(None) => {}
        Err(err) => tracing::warn!(error = %err, "cannot count a skill group's figures"),
    }
}
