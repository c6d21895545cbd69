//! Progressive dialing: when assigned agents are idle, which customers to call now, one call per
//! idle agent, customer first (the agent is connected when the customer answers).
//!
//! The engine gathers the facts (who is idle, the campaign's customers with their progress, what
//! risk control refused lately) and places the calls this returns; nothing here knows of calls
//! being placed other than through `in_flight`.

use std::collections::BTreeSet;

use crate::attempts::Progress;

/// How long after a failed call a customer is due again, unless the campaign says otherwise:
/// a customer who was busy is not called back at once (and risk control would refuse a fourth
/// call within 15 minutes anyway).
pub const DEFAULT_RETRY_AFTER_MS: i64 = 30 * crate::MINUTE_MS;

/// A campaign customer as the planner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The customer's id.
    pub id: i64,
    /// Calls so far and the last outcome.
    pub progress: Progress,
    /// When the last call was placed (unix ms).
    pub last_called_at: Option<i64>,
    /// Not before this (unix ms): risk control refused the number until then, or it is on the
    /// do-not-call list (then the campaign's end).
    pub blocked_until: Option<i64>,
}

/// The campaign's rules and state at the moment of deciding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// The campaign is running (the schedule says so and no admin paused it).
    pub running: bool,
    /// Its calling hours are open now.
    pub hours_open: bool,
    /// Calls per customer.
    pub max_attempts: u32,
    /// Minimum time between two calls to one customer.
    pub retry_after_ms: i64,
}

/// One call to place: `agent` is connected when `customer` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The idle agent the call is for.
    pub agent: i64,
    /// The customer to call.
    pub customer: i64,
}

impl Candidate {
    /// Whether the customer may be called at `now` under `rules`.
    pub fn is_due(&self, now: i64, rules: &Rules) -> bool {
        self.progress.can_dial(rules.max_attempts)
            && self.blocked_until.is_none_or(|t| t <= now)
            && self
                .last_called_at
                .is_none_or(|t| self.progress.attempts == 0 || now - t >= rules.retry_after_ms)
    }
}

/// The calls to place at `now`: customers due (see [`due`]) paired with `idle_agents` in
/// their given order (longest idle first). Nothing when the campaign is not running or outside
/// its calling hours.
pub fn plan(
    now: i64,
    rules: &Rules,
    idle_agents: &[i64],
    customers: &[Candidate],
    in_flight: &BTreeSet<i64>,
) -> Vec<Placement> {
    let mut seen = BTreeSet::new();
    let agents: Vec<i64> = idle_agents
        .iter()
        .copied()
        .filter(|a| seen.insert(*a))
        .collect();
    due(now, rules, agents.len(), customers, in_flight)
        .into_iter()
        .zip(agents)
        .map(|(customer, agent)| Placement { agent, customer })
        .collect()
}

/// The next `n` customers to call at `now` (predictive dialing places calls before any agent
/// is named): never called first, then those with fewer attempts, then those called longest
/// ago; ties keep the given order, the campaign's order by name. Customers whose call is still
/// going (`in_flight`) are skipped. Nothing when the campaign is not running or outside its
/// calling hours.
pub fn due(
    now: i64,
    rules: &Rules,
    n: usize,
    customers: &[Candidate],
    in_flight: &BTreeSet<i64>,
) -> Vec<i64> {
    if !rules.running || !rules.hours_open || n == 0 {
        return Vec::new();
    }
    let mut due: Vec<&Candidate> = customers
        .iter()
        .filter(|c| !in_flight.contains(&c.id) && c.is_due(now, rules))
        .collect();
    // A stable sort: equal keys keep the campaign's order.
    due.sort_by_key(|c| (c.progress.attempts, c.last_called_at.unwrap_or(i64::MIN)));
    due.into_iter().take(n).map(|c| c.id).collect()
}
