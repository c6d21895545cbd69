//! Customers' outcomes and attempts: what a call to a customer came to, and whether the
//! customer is dialed again.

use serde::{Deserialize, Serialize};

/// Attempts per customer when the admin sets none.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// What the last call to a customer came to, as the campaign view filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The customer answered (接通).
    Answered,
    /// Refused or cancelled before an answer (未接通).
    NotAnswered,
    /// Busy (忙).
    Busy,
    /// Rang out (无人接听).
    NoAnswer,
    /// Temporarily unreachable (暂时无法接通).
    TemporarilyUnreachable,
    /// The line is suspended (停机).
    Suspended,
    /// The handset is off (关机).
    PoweredOff,
    /// The number does not exist (空号).
    InvalidNumber,
    /// Anything else.
    Other,
}

impl Outcome {
    /// Every outcome, in the order the filter shows them.
    pub const ALL: [Outcome; 9] = [
        Outcome::Answered,
        Outcome::NotAnswered,
        Outcome::Busy,
        Outcome::NoAnswer,
        Outcome::TemporarilyUnreachable,
        Outcome::Suspended,
        Outcome::PoweredOff,
        Outcome::InvalidNumber,
        Outcome::Other,
    ];

    /// The stable snake_case string stored and sent to clients.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::NotAnswered => "not_answered",
            Outcome::Busy => "busy",
            Outcome::NoAnswer => "no_answer",
            Outcome::TemporarilyUnreachable => "temporarily_unreachable",
            Outcome::Suspended => "suspended",
            Outcome::PoweredOff => "powered_off",
            Outcome::InvalidNumber => "invalid_number",
            Outcome::Other => "other",
        }
    }

    /// The outcome of a stored string, if it is one.
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The outcome of a failed call from the failure catalogue's code (`sip::FailureCode`'s
    /// strings, as call records store them). Unknown codes are [`Outcome::Other`].
    pub fn from_failure_code(code: &str) -> Outcome {
        match code {
            "busy" => Outcome::Busy,
            "no_answer" => Outcome::NoAnswer,
            "rejected" | "cancelled" => Outcome::NotAnswered,
            "unreachable" | "temporarily_unavailable" => Outcome::TemporarilyUnreachable,
            "suspended" => Outcome::Suspended,
            "powered_off" => Outcome::PoweredOff,
            "invalid_number" => Outcome::InvalidNumber,
            _ => Outcome::Other,
        }
    }

    /// Whether a customer with this outcome is finished: answered, or a number that will never
    /// answer. Other outcomes are tried again while attempts remain.
    pub fn is_final(self) -> bool {
        matches!(self, Outcome::Answered | Outcome::InvalidNumber)
    }
}

/// A customer's progress in a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Progress {
    /// Calls placed to the customer so far.
    pub attempts: u32,
    /// What the last one came to; `None` before the first.
    pub outcome: Option<Outcome>,
}

impl Progress {
    /// Whether the customer may be dialed again with `max_attempts` per customer.
    pub fn can_dial(&self, max_attempts: u32) -> bool {
        self.attempts < max_attempts && !self.outcome.is_some_and(Outcome::is_final)
    }

    /// Whether the customer is done: final outcome or no attempts left.
    pub fn is_done(&self, max_attempts: u32) -> bool {
        !self.can_dial(max_attempts)
    }

    /// Records one call and what it came to.
    pub fn record(&mut self, outcome: Outcome) {
        self.attempts = self.attempts.saturating_add(1);
        self.outcome = Some(outcome);
    }

    /// Whether the customer has been dialed at least once (counts for the execution rate).
    pub fn dialed(&self) -> bool {
        self.attempts > 0
    }

    /// Attempts as the campaign view shows them: `"2/5"`.
    pub fn display(&self, max_attempts: u32) -> String {
        format!("{}/{max_attempts}", self.attempts)
    }
}

/// Execution rate (dialed / valid customers) and connect rate (answered / dialed), each 0 when
/// its denominator is 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// Dialed customers over valid customers.
    pub execution: f64,
    /// Answered customers over dialed customers.
    pub connect: f64,
}

/// The campaign view's rates from its counts.
pub fn rates(valid: u64, dialed: u64, answered: u64) -> Rates {
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    Rates {
        execution: ratio(dialed, valid),
        connect: ratio(answered, dialed),
    }
}
