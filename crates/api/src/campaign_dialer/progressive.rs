//! Progressive dialing: one call per assigned agent who is signed in and idle, to the next
//! customer due; the agent is connected when the customer answers.

use std::collections::BTreeSet;

use dialer::progressive::plan;
use model::presence::{LoginState, PhoneState};
use model::{EnterpriseId, Event, UserId};
use store::{CampaignCustomerRecord, CampaignRecord};

use super::{Memory, admit, candidates, rules_of, tag};
use crate::state::AppState;

/// The assigned agents of `campaign` signed in and idle, not given a call this round, longest
/// idle first.
async fn idle_agents(
    state: &AppState,
    e: EnterpriseId,
    campaign: &CampaignRecord,
    busy: &BTreeSet<UserId>,
) -> Vec<i64> {
    let Some(sip) = &state.sip else {
        return Vec::new();
    };
    let mut idle = Vec::new();
    for agent in &campaign.write.agents {
        if busy.contains(agent) {
            continue;
        }
        let Some(p) = sip.presence(e, *agent).await else {
            continue;
        };
        if p.login == LoginState::Online && p.phone == PhoneState::Idle && p.device.is_some() {
            idle.push((p.since, agent.0));
        }
    }
    idle.sort_unstable();
    idle.into_iter().map(|(_, a)| a).collect()
}

/// One round of a progressive campaign: its idle agents (not given a call this round by
/// another campaign, `busy`) each get a call.
pub(super) async fn campaign_round(
    state: &AppState,
    memory: &mut Memory,
    e: EnterpriseId,
    campaign: &CampaignRecord,
    busy: &mut BTreeSet<UserId>,
) -> Result<(), store::StoreError> {
    let now = state.now();
    let rules = rules_of(campaign, now);
    if !rules.running || !rules.hours_open {
        return Ok(());
    }
    let agents = idle_agents(state, e, campaign, busy).await;
    if agents.is_empty() {
        return Ok(());
    }
    let (rows, list, going) = candidates(state, memory, e, campaign, &rules, agents.len()).await?;
    for p in plan(now, &rules, &agents, &list, &going) {
        let Some(row) = rows.iter().find(|r| r.id == p.customer) else {
            continue;
        };
        if place(state, memory, e, campaign, UserId(p.agent), row).await? {
            busy.insert(UserId(p.agent));
        }
    }
    Ok(())
}

/// Places one call for `agent` after risk control; whether it was placed.
async fn place(
    state: &AppState,
    memory: &mut Memory,
    e: EnterpriseId,
    campaign: &CampaignRecord,
    agent: UserId,
    row: &CampaignCustomerRecord,
) -> Result<bool, store::StoreError> {
    let Some(sip) = &state.sip else {
        return Ok(false);
    };
    if !admit(state, memory, e, campaign, row).await? {
        return Ok(false);
    }
    let tag = tag(campaign, row);
    let number = tag.shown_number.clone();
    let placed = sip
        .dial_for(
            e,
            agent,
            dialer::number::dial_form(&row.number),
            campaign.write.caller_numbers.first().cloned(),
            Some(tag),
        )
        .await;
    match placed {
        Ok(r) => {
            state.hub.publish(
                agent,
                Event::CampaignCall {
                    call: r.call_id.to_string(),
                    campaign_id: campaign.id,
                    campaign_name: campaign.write.name.clone(),
                    customer_id: row.id,
                    customer_name: row.name.clone(),
                    number,
                },
            );
            tracing::info!(
                campaign = campaign.id,
                customer = row.id,
                agent = agent.0,
                call = r.call_id,
                "campaign call placed"
            );
            Ok(true)
        }
        Err(err) => {
            tracing::info!(campaign = campaign.id, agent = agent.0, error = %err, "campaign call not placed");
            state.store.tenant(e).restore_campaign_progress(row).await?;
            Ok(false)
        }
    }
}
