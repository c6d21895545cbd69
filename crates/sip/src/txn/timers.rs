//! RFC 3261 timer values.

use crate::Millis;

/// T1, T2 and T4 (RFC 3261 §17.1.1.1); the lettered timers derive from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerConfig {
    /// Round-trip estimate: 500 ms.
    pub t1: Millis,
    /// Longest retransmit interval for non-INVITE requests and INVITE responses: 4 s.
    pub t2: Millis,
    /// Longest a message stays in the network: 5 s.
    pub t4: Millis,
}

impl Default for TimerConfig {
    fn default() -> Self {
        TimerConfig {
            t1: 500,
            t2: 4_000,
            t4: 5_000,
        }
    }
}
