//! The campaign dialer's driver: a task that, every second, places the calls `dialer` decides
//! for each running campaign that dials by itself, after risk control:
//! - progressive ([`progressive`]): one call per assigned agent who is signed in and idle, to
//!   the next customer due; the agent is connected when the customer answers;
//! - predictive ([`predictive`]): as many calls as the pacer says, before agents are free; the
//!   customer who answers goes to the longest-idle agent, or hears a short message when none is.
//!
//! A call is an ordinary call tagged with the campaign customer; its end writes the customer's
//! outcome (`store`, from the call record's failure code).

mod predictive;
mod progressive;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use dialer::attempts::{Outcome, Progress};
use dialer::hours::CallingHours;
use dialer::progressive::{Candidate, DEFAULT_RETRY_AFTER_MS, Rules};
use dialer::schedule::CampaignState;
use model::{EnterpriseId, UserId};
use store::{CampaignCustomerRecord, CampaignRecord};

use crate::routes::campaigns::schedule_of;
use crate::state::AppState;

/// How often the dialer looks for idle agents.
const TICK: Duration = Duration::from_secs(1);

/// A call placed without an outcome after this long is taken as lost (a crash), not as going.
const CALL_GOES_AT_MOST_MS: i64 = dialer::HOUR_MS;

/// Customers read per campaign and call to place: a few per call is plenty.
const CANDIDATES_PER_CALL: u32 = 4;

/// What the dialer remembers between rounds.
#[derive(Debug, Default)]
struct Memory {
    /// Customers risk control refused, and until when (unix ms).
    blocked: HashMap<i64, i64>,
    /// Predictive calls placed and, at the last look, still ringing or (answered) seeking an
    /// agent.
    dialing: HashMap<u64, Going>,
}

/// A predictive call in flight: its campaign, and whether its customer answered (it waits for
/// an agent) or it still rings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Going {
    campaign: i64,
    answered: bool,
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
    if let Some(sip) = &state.sip
        && !memory.dialing.is_empty()
    {
        let now_going = sip.dialing(memory.dialing.keys().copied().collect()).await;
        let ringing: BTreeSet<u64> = now_going.ringing.into_iter().collect();
        let seeking: BTreeSet<u64> = now_going.seeking.into_iter().collect();
        memory.dialing.retain(|call, going| {
            going.answered = seeking.contains(call);
            going.answered || ringing.contains(call)
        });
    }
    let mut busy: BTreeSet<UserId> = BTreeSet::new();
    for (e, id) in state.store.dialing_campaigns(now).await? {
        let campaign = match state.store.tenant(e).campaign(id).await {
            Ok(c) => c,
            Err(store::StoreError::NotFound) => continue,
            Err(err) => return Err(err),
        };
        match campaign.write.mode.as_str() {
            "progressive" => {
                progressive::campaign_round(state, memory, e, &campaign, &mut busy).await?;
            }
            "predictive" => predictive::campaign_round(state, memory, e, &campaign).await?,
            _ => {}
        }
    }
    Ok(())
}

/// The campaign's rules at `now`: running by its schedule, within its calling hours.
fn rules_of(campaign: &CampaignRecord, now: i64) -> Rules {
    let hours_open = CallingHours {
        time_zone: campaign.write.time_zone.clone(),
        from: campaign.write.hours_from.clone(),
        to: campaign.write.hours_to.clone(),
    }
    .window()
    .is_ok_and(|w| w.is_open(now));
    Rules {
        running: schedule_of(campaign).state(now) == CampaignState::Running,
        hours_open,
        max_attempts: campaign.write.max_attempts,
        retry_after_ms: DEFAULT_RETRY_AFTER_MS,
    }
}

/// Customers the dialer may consider for `calls` calls, and those whose call is still going
/// (placed, no outcome yet, and recent).
async fn candidates(
    state: &AppState,
    memory: &Memory,
    e: EnterpriseId,
    campaign: &CampaignRecord,
    rules: &Rules,
    calls: usize,
) -> Result<(Vec<CampaignCustomerRecord>, Vec<Candidate>, BTreeSet<i64>), store::StoreError> {
    let now = state.now();
    let finals: Vec<&str> = Outcome::ALL
        .into_iter()
        .filter(|o| o.is_final())
        .map(Outcome::as_str)
        .collect();
    let limit = u32::try_from(calls)
        .unwrap_or(u32::MAX)
        .saturating_mul(CANDIDATES_PER_CALL)
        .saturating_add(u32::try_from(memory.blocked.len()).unwrap_or(u32::MAX));
    let rows = state
        .store
        .tenant(e)
        .campaign_customers_to_dial(
            campaign.id,
            campaign.write.max_attempts,
            &finals,
            now - rules.retry_after_ms,
            limit,
        )
        .await?;
    let list = rows.iter().map(|r| candidate(r, &memory.blocked)).collect();
    let going = rows
        .iter()
        .filter(|r| {
            r.attempts > 0
                && r.outcome.is_none()
                && r.last_called_at
                    .is_some_and(|t| now - t < CALL_GOES_AT_MOST_MS)
        })
        .map(|r| r.id)
        .collect();
    Ok((rows, list, going))
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

/// Risk control, then the customer's attempt is counted: whether the call may be placed now.
async fn admit(
    state: &AppState,
    memory: &mut Memory,
    e: EnterpriseId,
    campaign: &CampaignRecord,
    row: &CampaignCustomerRecord,
) -> Result<bool, store::StoreError> {
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
    Ok(true)
}

/// What a campaign call carries: the customer and the number as agents may see it.
pub(crate) fn tag(
    campaign: &CampaignRecord,
    row: &CampaignCustomerRecord,
) -> engine::sipd::CampaignTag {
    engine::sipd::CampaignTag {
        customer: row.id,
        shown_number: shown_number(campaign, &row.number),
        pop: engine::sipd::CampaignPop {
            campaign: campaign.id,
            campaign_name: campaign.write.name.clone(),
            customer_name: row.name.clone(),
        },
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
