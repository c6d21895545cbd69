//! The endpoint's counters: calls, RTP, digits and recordings (for tests, the monitor and
//! benchmarks), written by the SIP endpoint and the media workers.

use std::sync::atomic::AtomicU64;

/// Counters of the endpoint (for tests, the monitor and benchmarks).
#[derive(Debug, Default)]
pub struct CallStats {
    /// Calls answered.
    pub answered: AtomicU64,
    /// Calls ended by BYE (either side).
    pub ended: AtomicU64,
    /// Calls ended because RTP stopped.
    pub rtp_timeouts: AtomicU64,
    /// Calls live now.
    pub active: AtomicU64,
    /// DTMF digits received, in order (RFC 4733 and SIP INFO), for tests and diagnostics.
    pub digits: std::sync::Mutex<String>,
    /// Recordings started, in order.
    pub recordings: std::sync::Mutex<Vec<std::path::PathBuf>>,
    /// RTP packets received from peers (updated every RTCP interval and at hang-up).
    pub rtp_received: AtomicU64,
    /// RTP packets peers' sequence numbers say were sent to us.
    pub rtp_expected: AtomicU64,
    /// RTP and RTCP packets ignored for coming from a source other than the leg's peer (strict
    /// RTP).
    pub rtp_foreign: AtomicU64,
    /// Calls whose handling panicked (each such call was ended; the others went on).
    pub call_panics: AtomicU64,
    /// The SIP endpoint's defences at work ([`SipGuardStats`]).
    pub guard: SipGuardStats,
}

/// What the SIP endpoint's defences did (for `/metrics` and tests).
#[derive(Debug, Default)]
pub struct SipGuardStats {
    /// Transactions alive now (updated every second).
    pub transactions: AtomicU64,
    /// SIP TCP connections open now that count against the caps (updated every second).
    pub tcp_connections: AtomicU64,
    /// Requests dropped because their source went over its rate (silently, while blocked).
    pub rate_limited: AtomicU64,
    /// Sources blocked for going over their rate.
    pub sources_blocked: AtomicU64,
    /// Requests answered 503 because the endpoint was saturated (transactions or calls).
    pub overload: AtomicU64,
    /// Digest answers that failed (each logged as `sip auth failed: …`).
    pub auth_failures: AtomicU64,
    /// REGISTERs refused (403 Too Many Failures) while their source or user was throttled.
    pub auth_throttled: AtomicU64,
    /// TCP connections closed at once for the connection caps.
    pub tcp_refused: AtomicU64,
    /// TCP connections closed for bringing nothing for the idle time.
    pub tcp_idle_closed: AtomicU64,
}

impl CallStats {
    pub(crate) fn push_digit(&self, d: char) {
        self.digits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(d);
    }
}
