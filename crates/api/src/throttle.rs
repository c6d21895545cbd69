//! Login throttling: growing delays per source address and per account, in memory.
//!
//! Failures are counted under three keys: the source address, the account from that address, and
//! the account from anywhere. Each key lets a few failures through freely; after that every
//! further attempt must wait a delay that doubles with each failure, up to a cap. The account
//! key from anywhere has a high threshold and a short cap, so an attacker guessing from other
//! addresses can slow the real user by a few seconds at most, never lock them out; the long
//! delays fall only on the addresses that guess. A success clears the account's keys; the
//! source's count is forgotten after a quiet period.
//!
//! The table holds at most [`ThrottlePolicy::max_entries`] keys; when full, the entry seen least
//! recently goes. [`LoginThrottle`] takes `now` on every call, so tests run on simulated time.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// How failures turn into delays. Times in ms.
#[derive(Debug, Clone)]
pub struct ThrottlePolicy {
    /// Failures from one address (any account) before delays start: high, as a whole office
    /// may sign in from one address.
    pub free_per_source: u32,
    /// Failures for one account from one address before delays start.
    pub free_per_account_source: u32,
    /// Failures for one account from all addresses before delays start.
    pub free_per_account: u32,
    /// The first delay; each further failure doubles it.
    pub base_delay_ms: i64,
    /// Longest delay for a source, or an account from one source.
    pub max_delay_ms: i64,
    /// Longest delay for an account from all sources: what an attacker elsewhere can cost the
    /// real user at most.
    pub max_account_delay_ms: i64,
    /// A key with no failure for this long starts again from zero.
    pub forget_after_ms: i64,
    /// Most keys kept.
    pub max_entries: usize,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            free_per_source: 50,
            free_per_account_source: 5,
            free_per_account: 20,
            base_delay_ms: 1_000,
            max_delay_ms: 15 * 60_000,
            max_account_delay_ms: 5_000,
            forget_after_ms: 30 * 60_000,
            max_entries: 100_000,
        }
    }
}

/// What is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Source(IpAddr),
    AccountSource(String, IpAddr),
    Account(String),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    /// No attempt under this key before this time.
    not_before: i64,
    /// Last failure (for forgetting) or last look (for eviction).
    last_seen: i64,
}

/// Counts failed logins and says how long each key must wait. Cheap to share behind an `Arc`.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    entries: Mutex<HashMap<Key, Entry>>,
}

impl LoginThrottle {
    /// A throttle with `policy`.
    pub fn new(policy: ThrottlePolicy) -> Self {
        LoginThrottle {
            policy,
            entries: Mutex::default(),
        }
    }

    fn keys(account: &str, source: IpAddr) -> [Key; 3] {
        [
            Key::Source(source),
            Key::AccountSource(account.to_owned(), source),
            Key::Account(account.to_owned()),
        ]
    }

    fn free(&self, key: &Key) -> u32 {
        match key {
            Key::Source(_) => self.policy.free_per_source,
            Key::AccountSource(..) => self.policy.free_per_account_source,
            Key::Account(_) => self.policy.free_per_account,
        }
    }

    fn cap(&self, key: &Key) -> i64 {
        match key {
            Key::Account(_) => self.policy.max_account_delay_ms,
            _ => self.policy.max_delay_ms,
        }
    }

    /// `None` when `account` may try from `source` now, else how many ms to wait.
    pub fn check(&self, account: &str, source: IpAddr, now: i64) -> Option<i64> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        Self::keys(account, source)
            .iter()
            .filter_map(|k| entries.get(k))
            .filter(|e| now - e.last_seen < self.policy.forget_after_ms)
            .map(|e| e.not_before - now)
            .filter(|&wait| wait > 0)
            .max()
    }

    /// Counts a failed attempt of `account` from `source`.
    pub fn failed(&self, account: &str, source: IpAddr, now: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for key in Self::keys(account, source) {
            let (free, cap) = (self.free(&key), self.cap(&key));
            if !entries.contains_key(&key) && entries.len() >= self.policy.max_entries {
                evict_oldest(&mut entries);
            }
            let e = entries.entry(key).or_insert(Entry {
                failures: 0,
                not_before: now,
                last_seen: now,
            });
            if now - e.last_seen >= self.policy.forget_after_ms {
                e.failures = 0;
            }
            e.failures = e.failures.saturating_add(1);
            e.last_seen = now;
            e.not_before = if e.failures > free {
                let doublings = (e.failures - free - 1).min(40);
                now + self
                    .policy
                    .base_delay_ms
                    .saturating_mul(1i64 << doublings)
                    .min(cap)
            } else {
                now
            };
        }
    }

    /// Clears the account's counts after a successful login from `source` (the source's own count
    /// stays, so one valid account does not reset an address that guesses others).
    pub fn succeeded(&self, account: &str, source: IpAddr) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&Key::AccountSource(account.to_owned(), source));
        entries.remove(&Key::Account(account.to_owned()));
    }

    /// How many keys are held.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Drops the entry seen least recently (a linear scan, only when the table is full).
fn evict_oldest(entries: &mut HashMap<Key, Entry>) {
    if let Some(oldest) = entries
        .iter()
        .min_by_key(|(_, e)| e.last_seen)
        .map(|(k, _)| k.clone())
    {
        entries.remove(&oldest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy::default()
    }

    #[test]
    fn delays_start_after_the_free_failures_and_double_up_to_the_cap() {
        let t = LoginThrottle::new(policy());
        let mut now = 0;
        for _ in 0..5 {
            assert_eq!(t.check("acme/1001", ip(1), now), None);
            t.failed("acme/1001", ip(1), now);
        }
        // The sixth failure starts the delays: 1 s, 2 s, 4 s, … 15 min.
        let mut waits = Vec::new();
        for _ in 0..14 {
            assert_eq!(t.check("acme/1001", ip(1), now), None);
            t.failed("acme/1001", ip(1), now);
            let wait = t.check("acme/1001", ip(1), now).unwrap();
            waits.push(wait);
            now += wait;
        }
        assert_eq!(&waits[..5], &[1_000, 2_000, 4_000, 8_000, 16_000]);
        assert!(waits.windows(2).all(|w| w[1] >= w[0]), "{waits:?}");
        assert_eq!(*waits.last().unwrap(), 15 * 60_000);
    }

    #[test]
    fn another_address_waits_at_most_the_short_account_cap() {
        let t = LoginThrottle::new(policy());
        let mut now = 0;
        // An attacker guesses from many addresses, each time as soon as allowed.
        for i in 0..200u32 {
            let from = ip((i % 50) as u8 + 10);
            if t.check("acme/admin", from, now).is_none() {
                t.failed("acme/admin", from, now);
            }
            now += 100;
        }
        let wait = t.check("acme/admin", ip(1), now).unwrap_or(0);
        assert!(wait <= 5_000, "the real user waits {wait} ms");
        // After that short wait, the real user is let in.
        assert_eq!(t.check("acme/admin", ip(1), now + wait), None);
    }

    #[test]
    fn one_address_guessing_does_not_delay_the_account_from_another() {
        let t = LoginThrottle::new(policy());
        for _ in 0..19 {
            t.failed("acme/admin", ip(66), 0);
        }
        assert!(t.check("acme/admin", ip(66), 0).is_some());
        assert_eq!(t.check("acme/admin", ip(1), 0), None);
    }

    #[test]
    fn success_clears_the_account_but_not_the_source() {
        let t = LoginThrottle::new(policy());
        for i in 0..60 {
            t.failed(&format!("acme/{i}"), ip(66), 0);
        }
        t.failed("acme/mine", ip(66), 0);
        t.succeeded("acme/mine", ip(66));
        assert!(t.check("acme/other", ip(66), 0).is_some());
    }

    #[test]
    fn counts_are_forgotten_after_a_quiet_half_hour() {
        let t = LoginThrottle::new(policy());
        for _ in 0..10 {
            t.failed("acme/1001", ip(1), 0);
        }
        assert!(t.check("acme/1001", ip(1), 0).is_some());
        let later = 30 * 60_000;
        assert_eq!(t.check("acme/1001", ip(1), later), None);
        t.failed("acme/1001", ip(1), later);
        assert_eq!(
            t.check("acme/1001", ip(1), later),
            None,
            "counting restarts"
        );
    }

    #[test]
    fn the_table_stays_bounded() {
        let t = LoginThrottle::new(ThrottlePolicy {
            max_entries: 100,
            ..policy()
        });
        for i in 0..1_000u32 {
            let from = IpAddr::from(i.to_be_bytes());
            t.failed(&format!("acme/{i}"), from, i64::from(i));
        }
        assert!(t.len() <= 100, "{}", t.len());
    }
}
