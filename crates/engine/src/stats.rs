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
    /// The last [`KEPT`] DTMF digits received, in order (RFC 4733 and SIP INFO), for tests and
    /// diagnostics.
    pub digits: std::sync::Mutex<String>,
    /// The last [`KEPT`] recordings started, in order.
    pub recordings: std::sync::Mutex<Vec<std::path::PathBuf>>,
    /// Recordings started since the endpoint started.
    pub recordings_started: AtomicU64,
    /// RTP packets received from peers (updated every RTCP interval and at hang-up).
    pub rtp_received: AtomicU64,
    /// RTP packets peers' sequence numbers say were sent to us.
    pub rtp_expected: AtomicU64,
    /// RTP and RTCP packets ignored for coming from a source other than the leg's peer (strict
    /// RTP).
    pub rtp_foreign: AtomicU64,
    /// RTP packets the kernel forwarded between a call's two legs (in-kernel forwarding).
    pub rtp_kernel_forwarded: AtomicU64,
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

/// How many of the last digits and recordings the counters keep (they would grow for as long
/// as the process runs otherwise).
pub const KEPT: usize = 1_000;

impl CallStats {
    pub(crate) fn push_digit(&self, d: char) {
        let mut digits = self
            .digits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        digits.push(d);
        if digits.len() > KEPT {
            // Digits are ASCII: one byte each.
            let excess = digits.len() - KEPT;
            digits.drain(..excess);
        }
    }

    pub(crate) fn push_recording(&self, path: std::path::PathBuf) {
        let mut recordings = self
            .recordings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        recordings.push(path);
        if recordings.len() > KEPT {
            let excess = recordings.len() - KEPT;
            recordings.drain(..excess);
        }
        self.recordings_started
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_recordings_keep_only_the_last_thousand() {
        let stats = CallStats::default();
        for i in 0..2_500 {
            stats.push_digit(if i % 2 == 0 { '1' } else { '#' });
            stats.push_recording(std::path::PathBuf::from(format!("{i}.wav")));
        }
        let digits = stats.digits.lock().unwrap().clone();
        assert_eq!(digits.len(), KEPT);
        assert!(digits.ends_with("1#"), "the newest kept");
        let recordings = stats.recordings.lock().unwrap();
        assert_eq!(recordings.len(), KEPT);
        assert_eq!(recordings.last().unwrap().to_str(), Some("2499.wav"));
        assert_eq!(recordings.first().unwrap().to_str(), Some("1500.wav"));
        assert_eq!(
            stats
                .recordings_started
                .load(std::sync::atomic::Ordering::Relaxed),
            2_500
        );
    }
}
