//! Risk control (风控) on every outbound call: how often the same number may be called, and
//! which destinations may be called at all.
//!
//! The caller keeps the times of earlier calls to a number (in the database, so a restart does
//! not forget them) and asks [`Limits::check`] before placing a new one. A call exactly one
//! window length ago no longer counts: windows are half-open, `(now - window, now]`.

use serde::{Deserialize, Serialize};

use crate::{DAY_MS, MINUTE_MS};

/// At most `max_calls` calls to the same number in any `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    /// Length of the sliding window in ms.
    pub window_ms: i64,
    /// Calls allowed inside it.
    pub max_calls: u32,
}

/// An enterprise's per-number limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Every limit must hold for a call to be placed.
    pub limits: Vec<Limit>,
}

impl Default for Limits {
    /// 3 calls in 15 minutes and 5 in 24 hours (SPEC §5).
    fn default() -> Limits {
        Limits {
            limits: vec![
                Limit {
                    window_ms: 15 * MINUTE_MS,
                    max_calls: 3,
                },
                Limit {
                    window_ms: DAY_MS,
                    max_calls: 5,
                },
            ],
        }
    }
}

/// A call the limits refuse: which limit, and from when the number may be called again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this number was called {} times in the last {} minutes; allowed again at {retry_at_ms}", .limit.max_calls, .limit.window_ms / MINUTE_MS)]
pub struct Refused {
    /// The limit that refused (the one that lasts longest when several do).
    pub limit: Limit,
    /// The first instant (unix ms) a call is allowed again.
    pub retry_at_ms: i64,
}

impl Refused {
    /// Seconds from `now` until the call is allowed, rounded up (for `retry_after`).
    pub fn retry_after_secs(&self, now: i64) -> i64 {
        let ms = (self.retry_at_ms - now).max(0);
        (ms + 999) / 1000
    }
}

impl Limits {
    /// The longest window, for how far back the caller must keep call times.
    pub fn longest_window_ms(&self) -> i64 {
        self.limits.iter().map(|l| l.window_ms).max().unwrap_or(0)
    }

    /// Whether one more call at `now` is allowed, given the times of earlier calls to the same
    /// number (any order; times after `now` count as at `now`).
    pub fn check(&self, earlier: &[i64], now: i64) -> Result<(), Refused> {
        let mut refusal: Option<Refused> = None;
        for limit in &self.limits {
            let mut inside: Vec<i64> = earlier
                .iter()
                .map(|&t| t.min(now))
                .filter(|&t| t > now - limit.window_ms)
                .collect();
            let max = usize::try_from(limit.max_calls).unwrap_or(usize::MAX);
            if inside.len() < max {
                continue;
            }
            inside.sort_unstable();
            // Allowed again once all but `max - 1` of them have left the window: when the
            // (len - max)-th oldest does.
            let leaving = inside[inside.len() - max];
            let retry_at_ms = leaving + limit.window_ms;
            if refusal.is_none_or(|r| retry_at_ms > r.retry_at_ms) {
                refusal = Some(Refused {
                    limit: *limit,
                    retry_at_ms,
                });
            }
        }
        refusal.map_or(Ok(()), Err)
    }
}

/// The destinations an enterprise may call: E.164 prefixes, `+86` (domestic only) by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destinations {
    /// Allowed prefixes of the normalised number, e.g. `+86`, `+852`; `*` allows everything.
    pub patterns: Vec<String>,
}

impl Default for Destinations {
    fn default() -> Destinations {
        Destinations {
            patterns: vec!["+86".to_owned()],
        }
    }
}

impl Destinations {
    /// Whether the normalised number `e164` may be called.
    pub fn allows(&self, e164: &str) -> bool {
        self.patterns
            .iter()
            .any(|p| p == "*" || (!p.is_empty() && e164.starts_with(p.as_str())))
    }
}
