//! Signalling at rate, no media: sipp callers at `rate` calls a second for `seconds`, each call
//! answered by the far end and hung up after a second (SDP offered and answered, so the relay
//! still allocates and frees its media ports; no RTP flows). For each system: calls completed
//! and failed, the system's CPU per call (from the first INVITE
//! until the last BYE is answered), and p50/p99 from the INVITE to the 200 as sipp saw it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bench_harness::Samples;
use bench_harness::interrupt::sleep_until;
use bench_harness::process::{KillOnDrop, log_file};

use crate::system::System;
use crate::{CALLER_PORT, scenarios};

/// How long each call stays up.
const HOLD_MS: u64 = 1_000;

/// The figures of one system's run.
#[derive(Debug, Default)]
pub(crate) struct Row {
    pub completed: u64,
    pub failed: u64,
    pub cpu_ms_per_call: Option<f64>,
    pub setup: Samples,
}

/// Runs `rate` × `seconds` calls through `system`.
pub(crate) fn step(dir: &Path, system: &System, rate: u32, seconds: u64) -> Row {
    let mut row = Row::default();
    let calls = u64::from(rate) * seconds;
    std::fs::write(dir.join("signal.xml"), scenarios::caller(HOLD_MS, false)).expect("scenario");
    let bound = seconds + 60;
    let (cpu0, t0) = (system.cpu().0, Instant::now());
    let caller = Command::new("sipp")
        .current_dir(dir)
        .args(["-sf", "signal.xml", "-s", system.service()])
        .args(["-i", "127.0.0.1", "-p", &CALLER_PORT.to_string()])
        .args(["-r", &rate.to_string(), "-m", &calls.to_string()])
        .args(["-l", &(rate * 3).to_string(), "-nostdin"])
        .args(["-timeout", &bound.to_string()])
        .args(["-trace_rtt", "-rtt_freq", "1", "-trace_stat", "-fd", "1"])
        .arg(system.sip().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file(dir, "signal.err"))
        .spawn();
    let Ok(caller) = caller else {
        return row;
    };
    let mut caller = KillOnDrop(caller);
    let give_up = t0 + Duration::from_secs(bound + 10);
    while !caller.has_exited() && Instant::now() < give_up {
        if !sleep_until(Instant::now() + Duration::from_millis(100)) {
            return row;
        }
    }
    drop(caller);
    let cpu = system.cpu().0 - cpu0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("signal_") && name.ends_with("_rtt.csv") {
            bench_harness::sipp::response_times(&e.path(), &mut row.setup);
            let _ = std::fs::remove_file(e.path());
        }
    }
    (row.completed, row.failed) = bench_harness::sipp::call_counts(dir, "signal");
    if row.completed > 0 {
        row.cpu_ms_per_call = Some(cpu.as_secs_f64() * 1_000.0 / row.completed as f64);
    }
    row
}
