//! One module per resource; [`router`] merges them.

pub(crate) mod auth;
pub(crate) mod call_export;
pub(crate) mod call_notes;
pub(crate) mod callbacks;
pub(crate) mod caller_numbers;
pub(crate) mod calls;
pub(crate) mod campaign_customers;
pub(crate) mod campaign_imports;
pub(crate) mod campaigns;
pub(crate) mod customer_files;
pub(crate) mod customers;
pub(crate) mod dial;
pub(crate) mod do_not_call;
pub(crate) mod enterprise;
pub(crate) mod events;
pub(crate) mod health;
pub(crate) mod in_call;
pub(crate) mod me;
pub(crate) mod monitor;
pub(crate) mod numbers;
pub(crate) mod platform;
pub(crate) mod presence;
pub(crate) mod prompts;
pub(crate) mod roles;
pub(crate) mod sip_accounts;
pub(crate) mod skill_groups;
pub(crate) mod statuses;
pub(crate) mod supervision;
pub(crate) mod trunks;
pub(crate) mod users;
pub(crate) mod widget;

use model::{Event, SessionId, UserId};
use store::Tenant;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiResult;
use crate::state::AppState;

/// Every documented route under `/api/v1`.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::router())
        .merge(me::router())
        .merge(users::router())
        .merge(roles::router())
        .merge(skill_groups::router())
        .merge(statuses::router())
        .merge(trunks::router())
        .merge(numbers::router())
        .merge(prompts::router())
        .merge(sip_accounts::router())
        .merge(dial::router())
        .merge(calls::router())
        .merge(customers::router())
        .merge(customer_files::router())
        .merge(callbacks::router())
        .merge(call_notes::router())
        .merge(campaigns::router())
        .merge(campaign_customers::router())
        .merge(campaign_imports::router())
        .merge(do_not_call::router())
        .merge(presence::router())
        .merge(in_call::router())
        .merge(caller_numbers::router())
        .merge(supervision::router())
        .merge(monitor::router())
        .merge(enterprise::router())
        .merge(widget::router())
        .merge(platform::router())
}

/// Tells a user's open clients that their account changed (role, groups, name …).
pub(crate) async fn publish_user_changed(
    state: &AppState,
    tenant: Tenant<'_>,
    user: UserId,
) -> ApiResult<()> {
    let me = tenant.me(user).await?;
    state
        .hub
        .publish(user, Event::UserChanged { me: Box::new(me) });
    Ok(())
}

/// Revokes every session of a user but `keep` and tells their clients why.
pub(crate) async fn revoke_sessions(
    state: &AppState,
    tenant: Tenant<'_>,
    user: UserId,
    keep: Option<SessionId>,
    reason: &str,
) -> ApiResult<()> {
    for session_id in tenant.revoke_sessions_of(user, keep, state.now()).await? {
        state.hub.publish(
            user,
            Event::SessionRevoked {
                session_id,
                reason: reason.to_owned(),
            },
        );
    }
    Ok(())
}
