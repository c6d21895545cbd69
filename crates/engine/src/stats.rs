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
}

impl CallStats {
    pub(crate) fn push_digit(&self, d: char) {
        self.digits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(d);
    }
}
