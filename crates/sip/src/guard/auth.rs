//! Digest failures counted per source and per user: password guessing is refused for a while
//! once either has failed too often, except for a user from an address it authenticated from.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::Millis;

/// How long an address a user authenticated from stays known (it then passes the user's
/// throttle, so a phone is not locked out by someone guessing its password elsewhere).
const KNOWN_FOR_MS: Millis = 86_400_000;

/// A request refused for too many failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// Seconds until it may try again (for `Retry-After`).
    pub retry_after_secs: u64,
}

/// Failures of one source or one user.
#[derive(Debug, Clone, Copy, Default)]
struct Failures {
    /// Failures since `since`.
    count: u32,
    /// When the first of them happened.
    since: Millis,
    /// Refused until then (0: not refused).
    blocked_until: Millis,
}

impl Failures {
    /// Counts one failure; true when it reached `limit` (the key is then refused).
    fn add(&mut self, now: Millis, limit: u32, block_ms: Millis) -> bool {
        if self.count == 0 || now.saturating_sub(self.since) >= block_ms {
            self.count = 0;
            self.since = now;
        }
        self.count += 1;
        if self.count >= limit {
            self.blocked_until = now + block_ms;
            self.count = 0;
            return true;
        }
        false
    }

    fn refused(&self, now: Millis) -> Option<Throttled> {
        (now < self.blocked_until).then(|| Throttled {
            retry_after_secs: (self.blocked_until - now).div_ceil(1_000),
        })
    }

    /// Nothing left to remember.
    fn spent(&self, now: Millis, block_ms: Millis) -> bool {
        now >= self.blocked_until && (self.count == 0 || now.saturating_sub(self.since) >= block_ms)
    }
}

/// Failures per source and per user.
#[derive(Debug)]
pub struct AuthThrottle {
    /// Failures one source may have in `block_ms` (0: no throttle).
    per_source: u32,
    /// Failures one user may have in `block_ms`, from any source.
    per_user: u32,
    /// The counting window and the refusal's length.
    block_ms: Millis,
    sources: HashMap<IpAddr, Failures>,
    users: HashMap<String, Failures>,
    /// (user, address) pairs that authenticated, with when they last did.
    known: HashMap<(String, IpAddr), Millis>,
}

impl AuthThrottle {
    /// A throttle refusing for `block_ms` a source after `per_source` failures, a user after
    /// `per_user` failures (each counted over `block_ms`). `per_source` 0 turns it off.
    pub fn new(per_source: u32, per_user: u32, block_ms: Millis) -> Self {
        AuthThrottle {
            per_source,
            per_user: per_user.max(1),
            block_ms,
            sources: HashMap::new(),
            users: HashMap::new(),
            known: HashMap::new(),
        }
    }

    /// Whether a request from `source` for `user` may have its credentials checked now.
    pub fn check(&self, now: Millis, source: IpAddr, user: &str) -> Result<(), Throttled> {
        if self.per_source == 0 {
            return Ok(());
        }
        // A user that authenticated from this address before passes both: an office's phones
        // behind one address keep registering while a misconfigured one is throttled, and a
        // phone is not locked out by someone guessing its password elsewhere.
        let known = self
            .known
            .get(&(user.to_owned(), source))
            .is_some_and(|at| now.saturating_sub(*at) < KNOWN_FOR_MS);
        if known {
            return Ok(());
        }
        let refused = |f: Option<&Failures>| f.and_then(|f| f.refused(now));
        match refused(self.sources.get(&source)).or(refused(self.users.get(user))) {
            Some(t) => Err(t),
            None => Ok(()),
        }
    }

    /// A failed answer from `source`; `user` when it names an existing account (failures for
    /// made-up names count against the source only). Returns what was throttled by it.
    pub fn failed(&mut self, now: Millis, source: IpAddr, user: Option<&str>) -> Blocked {
        if self.per_source == 0 {
            return Blocked::default();
        }
        let source_blocked =
            self.sources
                .entry(source)
                .or_default()
                .add(now, self.per_source, self.block_ms);
        let user_blocked = user.is_some_and(|u| {
            self.users
                .entry(u.to_owned())
                .or_default()
                .add(now, self.per_user, self.block_ms)
        });
        Blocked {
            source: source_blocked,
            user: user_blocked,
        }
    }

    /// `user` authenticated from `source`: the address passes the throttles for this user from
    /// now on. The source's failures stay (one good account does not buy guesses at others).
    pub fn succeeded(&mut self, now: Millis, source: IpAddr, user: &str) {
        self.known.insert((user.to_owned(), source), now);
    }

    /// Forgets what no longer matters. Call it now and then.
    pub fn prune(&mut self, now: Millis) {
        let block = self.block_ms;
        self.sources.retain(|_, f| !f.spent(now, block));
        self.users.retain(|_, f| !f.spent(now, block));
        self.known
            .retain(|_, at| now.saturating_sub(*at) < KNOWN_FOR_MS);
    }
}

/// What one failure started refusing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Blocked {
    /// The source reached its limit with this failure.
    pub source: bool,
    /// The user reached its limit with this failure.
    pub user: bool,
}
