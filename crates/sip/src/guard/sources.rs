//! Per-source request rates: a token bucket per address, and a block period for a source that
//! empties its bucket.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::Millis;

/// Sources tracked at most: past this, new sources pass untracked until [`SourceLimits::prune`]
/// makes room (a flood from spoofed addresses is the transaction cap's business).
const MAX_SOURCES: usize = 100_000;

/// What to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Handle it.
    Pass,
    /// Drop it: this request put its source over the rate, blocked until the given time (log
    /// the block once, here).
    BlockedNow {
        /// When the block ends.
        until: Millis,
    },
    /// Drop it: its source is blocked.
    Blocked,
}

/// One source's bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Tokens left, in thousandths (one request costs 1000).
    milli_tokens: u64,
    /// When the bucket was last filled up to now.
    at: Millis,
    /// Blocked until then (0: not blocked).
    blocked_until: Millis,
}

/// Token buckets per source address.
#[derive(Debug)]
pub struct SourceLimits {
    /// Tokens a second (0: no limit).
    rate: u64,
    /// The bucket's size, in tokens.
    burst: u64,
    /// How long a source over its rate is dropped.
    block_ms: Millis,
    /// The buckets of sources heard from lately.
    buckets: HashMap<IpAddr, Bucket>,
}

impl SourceLimits {
    /// Limits of `rate` requests a second with bursts of `burst` (at least one second's worth);
    /// a source over them is blocked for `block_ms`. A rate of 0 lets everything pass.
    pub fn new(rate: u32, burst: u32, block_ms: Millis) -> Self {
        SourceLimits {
            rate: u64::from(rate),
            burst: u64::from(burst.max(rate).max(1)),
            block_ms,
            buckets: HashMap::new(),
        }
    }

    /// Sources tracked now (for tests and metrics).
    pub fn tracked(&self) -> usize {
        self.buckets.len()
    }

    /// Takes a token for a request from `source`. `trusted` is asked only when the source has
    /// no token left: a trusted source (a carrier, a registered phone) then passes anyway.
    pub fn check(
        &mut self,
        now: Millis,
        source: IpAddr,
        trusted: impl FnOnce() -> bool,
    ) -> Verdict {
        if self.rate == 0 {
            return Verdict::Pass;
        }
        let full = self.burst * 1_000;
        if !self.buckets.contains_key(&source) && self.buckets.len() >= MAX_SOURCES {
            return Verdict::Pass;
        }
        let b = self.buckets.entry(source).or_insert(Bucket {
            milli_tokens: full,
            at: now,
            blocked_until: 0,
        });
        if now < b.blocked_until {
            return Verdict::Blocked;
        }
        if b.blocked_until != 0 {
            // The block is over: the source starts again with a full bucket.
            *b = Bucket {
                milli_tokens: full,
                at: now,
                blocked_until: 0,
            };
        }
        let elapsed = now.saturating_sub(b.at);
        b.milli_tokens = (b.milli_tokens + elapsed.saturating_mul(self.rate)).min(full);
        b.at = now.max(b.at);
        if b.milli_tokens >= 1_000 {
            b.milli_tokens -= 1_000;
            return Verdict::Pass;
        }
        if trusted() {
            return Verdict::Pass;
        }
        let until = now + self.block_ms;
        b.blocked_until = until;
        Verdict::BlockedNow { until }
    }

    /// Forgets sources that are not blocked and whose bucket has filled up again (they would
    /// start afresh anyway). Call it now and then (the engine: every second).
    pub fn prune(&mut self, now: Millis) {
        let (rate, full) = (self.rate.max(1), self.burst * 1_000);
        self.buckets.retain(|_, b| {
            now < b.blocked_until
                || b.milli_tokens + now.saturating_sub(b.at).saturating_mul(rate) < full
        });
    }
}
