//! Pacing: how many calls the dialer places now.
//!
//! Progressive dialing places one call per idle agent. Predictive dialing calls ahead: with a
//! measured answer rate `p` below 1, placing more calls than there are free agents keeps agents
//! busy, at the risk that more customers answer than agents are free (an abandoned call: the
//! customer hears a short message and is hung up on). The pacer picks the largest number of
//! calls in flight whose expected abandons, under a binomial model of who answers, stay within a
//! share of the cap; agents expected to finish their call while the new calls ring count as free
//! in proportion, and answered customers still waiting for an agent take free agents first. When
//! the measured abandon rate nears the cap (a guard band below it), it falls back to progressive
//! dialing (which never abandons) until the rate is back under the band: the model is an
//! estimate, and the measured rate is what the admin's cap bounds.

use serde::{Deserialize, Serialize};

/// The abandon-rate cap when the admin sets none: 3 % of answered calls.
pub const DEFAULT_ABANDON_CAP: f64 = 0.03;

/// How the pacer is set up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PacingConfig {
    /// Abandoned calls over answered calls must stay under this.
    pub abandon_cap: f64,
    /// The share of the cap one decision may spend in expectation (the rest is a margin for
    /// the model's errors).
    pub margin: f64,
    /// Most calls in flight per free agent.
    pub max_ratio: f64,
    /// Calls to measure before calling ahead: until then, progressive.
    pub warm_up_calls: u64,
    /// The share of the cap at which the measured abandon rate stops calling ahead.
    pub guard: f64,
}

impl PacingConfig {
    /// The measured abandon rate at and over which the pacer dials progressively.
    pub fn fallback_rate(&self) -> f64 {
        self.abandon_cap * self.guard
    }

    /// Whether a measured abandon rate is too near the cap to call ahead.
    pub fn too_near_cap(&self, measured: &Measured) -> bool {
        measured.abandoned > 0 && measured.abandon_rate() >= self.fallback_rate()
    }
}

impl Default for PacingConfig {
    fn default() -> PacingConfig {
        PacingConfig {
            abandon_cap: DEFAULT_ABANDON_CAP,
            margin: 0.5,
            max_ratio: 3.0,
            warm_up_calls: 30,
            guard: 0.8,
        }
    }
}

/// What the pacer has measured so far (the engine feeds it as calls end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Measured {
    /// Calls placed and finished ringing (answered or failed).
    pub dialed: u64,
    /// Of them, answered by the customer.
    pub answered: u64,
    /// Of the answered, abandoned for lack of a free agent.
    pub abandoned: u64,
    /// Sum of the time from placing a call to its answer, over answered calls (ms).
    pub answer_wait_ms: u64,
    /// Calls an agent finished handling (talk and wrap-up).
    pub handled: u64,
    /// Sum of their handle times (ms).
    pub handle_ms: u64,
}

impl Measured {
    /// A placed call failed without an answer.
    pub fn failed(&mut self) {
        self.dialed += 1;
    }

    /// A placed call was answered `wait_ms` after it was placed; `abandoned` when no agent was
    /// free for it.
    pub fn answered(&mut self, wait_ms: u64, abandoned: bool) {
        self.dialed += 1;
        self.answered += 1;
        self.answer_wait_ms += wait_ms;
        if abandoned {
            self.abandoned += 1;
        }
    }

    /// An agent finished a call that lasted `handle_ms` with wrap-up.
    pub fn handled(&mut self, handle_ms: u64) {
        self.handled += 1;
        self.handle_ms += handle_ms;
    }

    /// Abandoned over answered, 0 before any answer.
    pub fn abandon_rate(&self) -> f64 {
        if self.answered == 0 {
            0.0
        } else {
            self.abandoned as f64 / self.answered as f64
        }
    }
}

/// The agents and calls of a campaign at the moment of deciding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Floor {
    /// Assigned agents idle and waiting for a call.
    pub idle_agents: u32,
    /// Assigned agents on a campaign call or in its wrap-up.
    pub busy_agents: u32,
    /// Campaign calls placed and still ringing.
    pub in_flight: u32,
    /// Campaign calls answered and waiting for an agent: each takes an idle agent.
    pub seeking: u32,
}

/// Expected abandons when `n` calls each answer with probability `p` and `agents` are free:
/// E[max(0, X − agents)] for X ~ Binomial(n, p).
fn expected_excess(n: u32, p: f64, agents: u32) -> f64 {
    if n <= agents {
        return 0.0;
    }
    // P(X = 0) and up, iteratively; n is small (tens to a few hundred).
    let q = 1.0 - p;
    if q <= 0.0 {
        return f64::from(n - agents);
    }
    let mut pmf = q.powi(i32::try_from(n).unwrap_or(i32::MAX));
    let mut excess = 0.0;
    for k in 0..=n {
        if k > agents {
            excess += f64::from(k - agents) * pmf;
        }
        if k < n {
            pmf *= f64::from(n - k) / f64::from(k + 1) * p / q;
        }
    }
    excess
}

/// How many new calls to place now.
pub fn calls_to_place(config: &PacingConfig, measured: &Measured, floor: Floor) -> u32 {
    let idle_agents = floor.idle_agents.saturating_sub(floor.seeking);
    let progressive = idle_agents.saturating_sub(floor.in_flight);
    let warming_up = measured.dialed < config.warm_up_calls || measured.answered == 0;
    if warming_up || config.too_near_cap(measured) {
        return progressive;
    }
    let p = (measured.answered as f64 / measured.dialed as f64).clamp(0.01, 1.0);
    // Agents likely to finish while the new calls ring: busy agents in proportion of the
    // answer wait to the handle time.
    let freeing = if measured.handled == 0 || measured.handle_ms == 0 {
        0.0
    } else {
        let wait = measured.answer_wait_ms as f64 / measured.answered as f64;
        let handle = measured.handle_ms as f64 / measured.handled as f64;
        f64::from(floor.busy_agents) * (wait / handle).min(1.0)
    };
    // Whole agents only: rounding down keeps the estimate on the safe side.
    let agents = idle_agents + freeing.floor() as u32;
    if agents == 0 {
        return 0;
    }
    let most = (f64::from(agents) * config.max_ratio).floor() as u32;
    let budget = config.abandon_cap * config.margin;
    let mut total = agents.min(most);
    while total < most {
        let next = total + 1;
        let answered = f64::from(next) * p;
        if expected_excess(next, p, agents) > budget * answered {
            break;
        }
        total = next;
    }
    total.saturating_sub(floor.in_flight).max(progressive)
}
