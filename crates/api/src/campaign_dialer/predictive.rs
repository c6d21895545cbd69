//! Predictive dialing: the pacer (`dialer::pacing`) decides how many calls to have ringing from
//! the assigned agents idle and busy, the calls still ringing and what the campaign's calls
//! measured (answer rate, time to answer, handle time, abandon rate). A customer who answers
//! goes to the longest-idle assigned agent, whose device answers by itself, or hears a short
//! message when none is free (abandoned). Near the abandon-rate cap (within the pacer's guard
//! band), measured over the whole campaign or the last hour, it dials progressively (never
//! abandons) until back under the band.

use dialer::pacing::{Floor, PacingConfig, calls_to_place};
use dialer::progressive::due;
use model::EnterpriseId;
use model::presence::{LoginState, PhoneState};
use store::{CampaignCustomerRecord, CampaignRecord};

use super::{Memory, admit, candidates, rules_of, tag};
use crate::state::AppState;

/// One round of a predictive campaign.
pub(super) async fn campaign_round(
    state: &AppState,
    memory: &mut Memory,
    e: EnterpriseId,
    campaign: &CampaignRecord,
) -> Result<(), store::StoreError> {
    let Some(sip) = &state.sip else {
        return Ok(());
    };
    let now = state.now();
    let rules = rules_of(campaign, now);
    if !rules.running || !rules.hours_open {
        return Ok(());
    }
    let mut floor = Floor::default();
    for agent in &campaign.write.agents {
        let Some(p) = sip.presence(e, *agent).await else {
            continue;
        };
        if p.login != LoginState::Online || p.device.is_none() {
            continue;
        }
        match p.phone {
            PhoneState::Idle => floor.idle_agents += 1,
            PhoneState::Ringing | PhoneState::Talking | PhoneState::AfterCallWork => {
                floor.busy_agents += 1;
            }
            PhoneState::Busy => {}
        }
    }
    for going in memory
        .dialing
        .values()
        .filter(|g| g.campaign == campaign.id)
    {
        if going.answered {
            floor.seeking += 1;
        } else {
            floor.in_flight += 1;
        }
    }
    let t = state.store.tenant(e);
    let mut measured = t.campaign_pacing(campaign.id, 0).await?;
    // An agent is free again only after the after-call work that follows each call: the
    // handle time the pacer counts on includes it (the records hold the talk only).
    let wrap_up_ms = t.after_call_work_secs().await?.max(0) * 1000;
    measured.handle_ms += measured.handled * u64::try_from(wrap_up_ms).unwrap_or(0);
    let last_hour = t
        .campaign_pacing(campaign.id, now - dialer::HOUR_MS)
        .await?;
    let config = PacingConfig {
        abandon_cap: f64::from(campaign.write.abandon_cap_bp) / 10_000.0,
        ..PacingConfig::default()
    };
    let calls = if config.too_near_cap(&last_hour) {
        floor
            .idle_agents
            .saturating_sub(floor.seeking + floor.in_flight)
    } else {
        calls_to_place(&config, &measured, floor)
    };
    if calls == 0 {
        return Ok(());
    }
    let calls = usize::try_from(calls).unwrap_or(usize::MAX);
    let (rows, list, going) = candidates(state, memory, e, campaign, &rules, calls).await?;
    for id in due(now, &rules, calls, &list, &going) {
        let Some(row) = rows.iter().find(|r| r.id == id) else {
            continue;
        };
        place(state, memory, e, campaign, row).await?;
    }
    Ok(())
}

/// Places one predictive call after risk control.
async fn place(
    state: &AppState,
    memory: &mut Memory,
    e: EnterpriseId,
    campaign: &CampaignRecord,
    row: &CampaignCustomerRecord,
) -> Result<(), store::StoreError> {
    let Some(sip) = &state.sip else {
        return Ok(());
    };
    if !admit(state, memory, e, campaign, row).await? {
        return Ok(());
    }
    let placed = sip
        .dial_predictive(
            e,
            dialer::number::dial_form(&row.number),
            campaign.write.caller_numbers.first().cloned(),
            tag(campaign, row),
            campaign.write.agents.clone(),
        )
        .await;
    match placed {
        Ok(r) => {
            memory.dialing.insert(
                r.call_id,
                super::Going {
                    campaign: campaign.id,
                    answered: false,
                },
            );
            tracing::info!(
                campaign = campaign.id,
                customer = row.id,
                call = r.call_id,
                "predictive call placed"
            );
        }
        Err(err) => {
            tracing::info!(campaign = campaign.id, error = %err, "predictive call not placed");
            state.store.tenant(e).restore_campaign_progress(row).await?;
        }
    }
    Ok(())
}
