//! Small helpers every Patchbay benchmark uses, so their printed figures look alike.
//!
//! Benchmarks print figures; they never assert on time (the machines are shared and noisy).
//! [`process`] keeps their child processes in check and reads /proc; [`sipp`] runs sipp desk
//! phones; [`patchbay`] runs Patchbay's own binary and configures it through the admin API, over
//! [`http`]; with the feature `engine`, [`inbound`] sets up Patchbay's SIP endpoint in the
//! benchmark's process with an IVR queue to agents.

pub mod http;
#[cfg(feature = "engine")]
pub mod inbound;
pub mod interrupt;
pub mod patchbay;
pub mod process;
pub mod sipp;

use std::time::Duration;

/// Latency samples collected during a run.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    /// The raw samples, unsorted until a percentile is asked for.
    values: Vec<Duration>,
}

impl Samples {
    /// An empty set with room for `n` samples.
    pub fn with_capacity(n: usize) -> Self {
        Samples {
            values: Vec::with_capacity(n),
        }
    }

    /// Adds one sample.
    pub fn push(&mut self, d: Duration) {
        self.values.push(d);
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when no sample was taken.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The `p`-th percentile (0–100) by nearest rank; zero when empty.
    pub fn percentile(&mut self, p: f64) -> Duration {
        if self.values.is_empty() {
            return Duration::ZERO;
        }
        self.values.sort_unstable();
        let rank = ((p / 100.0) * self.values.len() as f64).ceil() as usize;
        let idx = rank.clamp(1, self.values.len()) - 1;
        self.values[idx]
    }

    /// One line with count, p50, p99 and max, labelled.
    pub fn summary(&mut self, label: &str) -> String {
        let p50 = self.percentile(50.0);
        let p99 = self.percentile(99.0);
        let max = self.percentile(100.0);
        format!(
            "{label}: n={} p50={} p99={} max={}",
            self.len(),
            fmt_duration(p50),
            fmt_duration(p99),
            fmt_duration(max)
        )
    }
}

/// Formats a duration with a unit that keeps three significant digits readable.
pub fn fmt_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns < 10_000 {
        format!("{ns}ns")
    } else if ns < 10_000_000 {
        format!("{:.1}µs", ns as f64 / 1e3)
    } else {
        format!("{:.1}ms", ns as f64 / 1e6)
    }
}

/// The last line of sipp's `-trace_stat` file: cumulative successful and failed calls.
pub fn sipp_call_counts(path: &std::path::Path) -> (u64, u64) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(';').collect();
    let last: Vec<&str> = lines
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .split(';')
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .and_then(|i| last.get(i))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    (col("SuccessfulCall(C)"), col("FailedCall(C)"))
}

/// CPU time this process has used (user + system), from /proc.
pub fn cpu_time() -> Duration {
    process::cpu_time_of(None)
}

/// A µ-law 8 kHz mono WAV of a `hz` tone (`hz` a divisor of 8000 keeps the loop seamless), for
/// sipp's `rtp_stream`.
pub fn ulaw_tone(hz: u32, seconds: u32) -> Vec<u8> {
    let n = 8_000 * seconds;
    let step = 2.0 * std::f64::consts::PI * f64::from(hz) / 8_000.0;
    let samples: Vec<i16> = (0..n)
        .map(|i| ((f64::from(i) * step).sin() * 8_000.0) as i16)
        .collect();
    let data = media::g711::encode_ulaw(&samples);
    let mut w = Vec::with_capacity(58 + data.len());
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(50 + len).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&18u32.to_le_bytes());
    w.extend_from_slice(&7u16.to_le_bytes()); // µ-law
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&8_000u32.to_le_bytes());
    w.extend_from_slice(&8_000u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&8u16.to_le_bytes());
    w.extend_from_slice(&0u16.to_le_bytes());
    w.extend_from_slice(b"fact");
    w.extend_from_slice(&4u32.to_le_bytes());
    w.extend_from_slice(&n.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&len.to_le_bytes());
    w.extend_from_slice(&data);
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let mut s = Samples::default();
        for ms in 1..=100 {
            s.push(Duration::from_millis(ms));
        }
        assert_eq!(s.percentile(50.0), Duration::from_millis(50));
        assert_eq!(s.percentile(99.0), Duration::from_millis(99));
        assert_eq!(s.percentile(100.0), Duration::from_millis(100));
    }

    #[test]
    fn empty_samples_report_zero() {
        let mut s = Samples::default();
        assert_eq!(s.percentile(99.0), Duration::ZERO);
    }
}
