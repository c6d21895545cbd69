//! Defences of an endpoint under attack, pure: each part takes `now` and the peer's address and
//! says what to do; the engine drops, refuses or closes.
//!
//! - [`SourceLimits`]: a token bucket per source address; a source over its rate is dropped
//!   silently for a block period (Kamailio's pike). Trusted sources (carriers, registered
//!   phones) are never blocked: trust is asked only when a source runs out of tokens.
//! - [`AuthThrottle`]: digest failures counted per source and per user; past the limit the
//!   source (or the user, except from an address it has authenticated from before) is refused
//!   for a block period.
//! - [`TcpLimits`]: open SIP TCP connections, capped in total and per source, and those idle
//!   for too long.
//!
//! The transaction layer's own cap (503 with `Retry-After` past a number of live server
//! transactions, and final answers sent once to strangers) is in [`crate::txn`].

mod auth;
mod sources;
mod tcp;

pub use auth::{AuthThrottle, Blocked, Throttled};
pub use sources::{SourceLimits, Verdict};
pub use tcp::{TcpLimits, TcpRefusal};

use crate::Millis;

/// The limits, as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardConfig {
    /// Requests a second one source may send on average; 0 turns per-source limits off.
    pub requests_per_second: u32,
    /// Requests one source may send at once above its rate.
    pub burst: u32,
    /// How long a source over its rate is dropped.
    pub block_ms: Millis,
    /// Live server transactions beyond which new requests get 503 with `Retry-After`.
    pub max_transactions: usize,
    /// Live calls (dialogs) beyond which new INVITEs get 503 with `Retry-After`; 0: no cap.
    pub max_calls: usize,
    /// Failed digest answers from one source before it is refused; 0 turns the throttle off.
    pub auth_failures_per_source: u32,
    /// Failed digest answers for one user (from any source) before it is refused.
    pub auth_failures_per_user: u32,
    /// How long failures are counted, and how long a throttled source or user is refused.
    pub auth_block_ms: Millis,
    /// Open SIP TCP connections at most (ours to carriers not counted).
    pub tcp_max_connections: usize,
    /// Open SIP TCP connections from one address at most (trusted sources not counted).
    pub tcp_max_per_source: usize,
    /// A connection that brought nothing for this long is closed (trusted peers' are kept).
    pub tcp_idle_ms: Millis,
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            requests_per_second: 100,
            burst: 200,
            block_ms: 60_000,
            max_transactions: 20_000,
            max_calls: 2_000,
            auth_failures_per_source: 5,
            auth_failures_per_user: 10,
            auth_block_ms: 300_000,
            tcp_max_connections: 1_000,
            tcp_max_per_source: 50,
            tcp_idle_ms: 120_000,
        }
    }
}
