//! The campaign dialer's driver: a task that, every second, places the calls `dialer`'s
//! progressive planner decides for each running progressive campaign: one call per assigned
//! agent who is signed in and idle, to the next customer due, after risk control. The call is
//! an ordinary placed call tagged with the campaign customer; its end writes the customer's
//! outcome (`store`, from the call record's failure code).

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use dialer::attempts::{Outcome, Progress};
use dialer::hours::CallingHours;
use dialer::progressive::{Candidate, DEFAULT_RETRY_AFTER_MS, Rules, plan};
use dialer::schedule::CampaignState;
use model::presence::{LoginState, PhoneState};
use model::{EnterpriseId, Event, UserId};
use store::{CampaignCustomerRecord, CampaignRecord};

use crate::routes::campaigns::schedule_of;
use crate::state::AppState;

/// How often the dialer looks for idle agents.
const TICK: Duration = Duration::from_secs(1);

/// A call placed without an outcome after this long is taken as lost (a crash), not as going.
const CALL_GOES_AT_MOST_MS: i64 = dialer::HOUR_MS;

/// Customers read per campaign and round: a few per agent is plenty.
const CANDIDATES_PER_AGENT: u32 = 4;

/// What the dialer remembers between rounds.
#[derive(Debug, Default)]
struct Memory {
    /// Customers risk control refused, and until when (unix ms).
    blocked: HashMap<i64, i64>,
}

/// Starts the dialer; it runs as long as the process.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut memory = Memory::default();
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if state.sip.as_ref().is_some_and(|s| !s.is_running()) {
                break;
            }
            if let Err(e) = round(&state, &mut memory).await {
                tracing::warn!(error = %e, "campaign dialer round failed");
            }
        }
    })
}

/// One round over every campaign that may dial.
async fn round(state: &AppState, memory: &mut Memory) -> Result<(), store::StoreError> {
    let now = state.now();
    memory.blocked.retain(|_, until| *until > now);
    let mut busy: BTreeSet<UserId> = BTreeSet::new();
    for (e, id) in state.store.dialing_campaigns(now).await? {
        let campaign = match state.store.tenant(e).campaign(id).await {
            Ok(c) => c,
            Err(store::StoreError::NotFound) => continue,
            Err(err) => return Err(err),
        };
        if campaign.write.mode != "progressive" {
            continue;
        }
        campaign_round(state, memory, e, &campaign, &mut busy).await?;
    }
    Ok(())
}

/// The assigned agents of `campaign` signed in and idle, not given a call this round.
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
    // Longest idle first.
    idle.sort_unstable();
    idle.into_iter().map(|(_, a)| a).collect()
}

fn candidate(r: &CampaignCustomerRecord, blocked: &HashMap<i64, i64>) -> Candidate {
    Candidate {
        id: r.id,
        progress: Progress {
            attempts: u32::try_from(r.attempts).unwrap_or(u32::MAX),
            outcome: r.outcome.as_deref().and_then(Outcome::parse),
        },
        last_called_at: r.last_called_at,
        blocked_until: blocked.get(&r.id).copied(),
    }
}

async fn campaign_round(
    state: &AppState,
    memory: &mut Memory,
    e: EnterpriseId,
    campaign: &CampaignRecord,
    busy: &mut BTreeSet<UserId>,
) -> Result<(), store::StoreError> {
    let now = state.now();
    let hours_open = CallingHours {
        time_zone: campaign.write.time_zone.clone(),
        from: campaign.write.hours_from.clone(),
        to: campaign.write.hours_to.clone(),
    }
    .window()
    .is_ok_and(|w| w.is_open(now));
    let rules = Rules {
        running: schedule_of(campaign).state(now) == CampaignState::Running,
        hours_open,
        max_attempts: campaign.write.max_attempts,
        retry_after_ms: DEFAULT_RETRY_AFTER_MS,
    };
    if !rules.running || !rules.hours_open {
        return Ok(());
    }
    let agents = idle_agents(state, e, campaign, busy).await;
    if agents.is_empty() {
        return Ok(());
    }
    let t = state.store.tenant(e);
    let finals: Vec<&str> = Outcome::ALL
        .into_iter()
        .filter(|o| o.is_final())
        .map(Outcome::as_str)
        .collect();
    let limit = u32::try_from(agents.len())
        .unwrap_or(u32::MAX)
        .saturating_mul(CANDIDATES_PER_AGENT)
        .saturating_add(u32::try_from(memory.blocked.len()).unwrap_or(u32::MAX));
    let rows = t
        .campaign_customers_to_dial(
            campaign.id,
            campaign.write.max_attempts,
            &finals,
            now - rules.retry_after_ms,
            limit,
        )
        .await?;
    let candidates: Vec<Candidate> = rows.iter().map(|r| candidate(r, &memory.blocked)).collect();
    // Calls still going: placed, no outcome yet, and recent.
    let going: BTreeSet<i64> = rows
        .iter()
        .filter(|r| {
            r.attempts > 0
                && r.outcome.is_none()
                && r.last_called_at
                    .is_some_and(|t| now - t < CALL_GOES_AT_MOST_MS)
        })
        .map(|r| r.id)
        .collect();
    for p in plan(now, &rules, &agents, &candidates, &going) {
        let Some(row) = rows.iter().find(|r| r.id == p.customer) else {
            continue;
        };
        if place(state, memory, e, campaign, UserId(p.agent), row).await? {
            busy.insert(UserId(p.agent));
        }
    }
    Ok(())
}

/// Places one call after risk control; whether it was placed.
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
    let now = state.now();
    let t = state.store.tenant(e);
    if let Err(refused) = crate::risk::check_outbound(t, &row.number, now).await {
        let until = refused
            .details
            .as_ref()
            .and_then(|d| d.get("retry_at"))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(campaign.write.end_at);
        tracing::info!(
            campaign = campaign.id,
            customer = row.id,
            code = refused.code,
            "risk control held a campaign call back"
        );
        memory.blocked.insert(row.id, until);
        return Ok(false);
    }
    t.start_campaign_attempt(campaign.id, row.id, now).await?;
    let number = shown_number(campaign, &row.number);
    let tag = engine::sipd::CampaignTag {
        customer: row.id,
        shown_number: number.clone(),
    };
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
            t.restore_campaign_progress(row).await?;
            Ok(false)
        }
    }
}

/// A customer's number as the agent may see it: `…****` when the campaign masks numbers.
pub(crate) fn shown_number(campaign: &CampaignRecord, e164: &str) -> String {
    if campaign.write.masking {
        dialer::number::mask(&dialer::number::dial_form(e164))
    } else {
        dialer::number::dial_form(e164)
    }
}
