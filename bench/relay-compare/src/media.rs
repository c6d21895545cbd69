//! One level of the media run: `n` calls with RTP through one system, measured at the far end's
//! echo and in /proc.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use bench_harness::interrupt::sleep_until;
use bench_harness::process::{KillOnDrop, cpu_time_of, log_file};

use crate::echo::Echo;
use crate::system::System;
use crate::{Args, CALLER_MEDIA, CALLER_PORT, scenarios};

/// The figures of one step.
#[derive(Debug, Default)]
pub(crate) struct Step {
    /// Most calls with media at the far end at once.
    pub up: usize,
    pub failed: u64,
    pub counts: crate::echo::Counts,
    /// Shares of one core while all calls are up: the system, its parts, the load generator.
    pub cpu: Option<f64>,
    pub parts: Option<(f64, f64)>,
    pub generator: Option<f64>,
    /// The whole machine's busy share (every process and the kernel's work wherever it ran).
    pub machine: Option<f64>,
    /// Patchbay's recorded audio, in % of the calls' length.
    pub audio: Option<f64>,
}

/// Runs `n` calls through `system` and measures them.
pub(crate) fn step(
    args: &Args,
    dir: &Path,
    system: &System,
    echo: &Echo,
    n: u32,
    ramp: u64,
) -> Step {
    let mut s = Step::default();
    echo.reset();
    let service = system.service();
    let recordings = dir.join("data").join("recordings");
    let _ = std::fs::remove_dir_all(&recordings);
    let _ = std::fs::create_dir_all(&recordings);
    std::fs::write(
        dir.join("caller.xml"),
        scenarios::caller((args.hold + ramp) * 1_000, true),
    )
    .expect("scenario");
    let bound = args.hold + 2 * ramp + 60;
    let caller = Command::new("sipp")
        .current_dir(dir)
        .args(["-sf", "caller.xml", "-s", service])
        .args(["-i", "127.0.0.1", "-p", &CALLER_PORT.to_string()])
        .args(["-mp", &CALLER_MEDIA.to_string()])
        .args(["-m", &n.to_string(), "-l", &n.to_string()])
        .args(["-r", &args.rate.to_string(), "-nostdin"])
        .args(["-timeout", &bound.to_string(), "-trace_stat", "-fd", "1"])
        .arg(system.sip().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file(dir, "caller.err"))
        .spawn();
    let Ok(caller) = caller else {
        return s;
    };
    let mut caller = KillOnDrop(caller);
    let launched = Instant::now();
    let generator = |c: &KillOnDrop| {
        cpu_time_of(Some(c.pid())) + cpu_time_of(Some(FAR_PID.load(Relaxed))) + cpu_time_of(None)
    };
    // Wait until every call's media reaches the far end (or the ramp is long over), let it
    // settle, then measure until shortly before the first callers hang up.
    while s.up < n as usize
        && launched.elapsed() < Duration::from_secs(ramp + 10)
        && !caller.has_exited()
        && sleep_until(Instant::now() + Duration::from_millis(200))
    {
        s.up = s.up.max(echo.active());
    }
    sleep_until(Instant::now() + Duration::from_secs(2));
    s.up = s.up.max(echo.active());
    let window_end = launched + Duration::from_secs(ramp + args.hold.saturating_sub(1));
    if Instant::now() + Duration::from_secs(2) < window_end {
        let (c0, g0, t0) = (system.cpu(), generator(&caller), Instant::now());
        let m0 = bench_harness::process::machine_idle();
        if sleep_until(window_end) {
            let (c1, g1) = (system.cpu(), generator(&caller));
            let m1 = bench_harness::process::machine_idle();
            let secs = t0.elapsed().as_secs_f64();
            let share = |a: Duration, b: Duration| (b - a).as_secs_f64() / secs * 100.0;
            s.cpu = Some(share(c0.0, c1.0));
            s.parts =
                c0.1.zip(c1.1)
                    .map(|(a, b)| (share(a.0, b.0), share(a.1, b.1)));
            s.generator = Some(share(g0, g1));
            let idle = (m1.0.saturating_sub(m0.0)).as_secs_f64() / secs;
            s.machine = Some((f64::from(m1.1) - idle) * 100.0);
        }
    }
    // sipp ends by itself (-timeout bounds it); this only bounds the wait if it does not.
    let give_up = launched + Duration::from_secs(bound + 10);
    while !caller.has_exited() && sleep_until(Instant::now() + Duration::from_millis(200)) {
        if Instant::now() > give_up {
            break;
        }
    }
    drop(caller);
    s.failed = bench_harness::sipp::failed_calls(dir, "caller");
    // The last packets in flight, then the counts.
    sleep_until(Instant::now() + Duration::from_millis(500));
    s.counts = echo.counts();
    if let System::Patchbay(_) = system {
        // Recordings are flushed once a second and closed when the call ends.
        sleep_until(Instant::now() + Duration::from_secs(2));
        let calls_secs = f64::from(n) * (args.hold + ramp) as f64;
        s.audio = Some(wav_seconds(&recordings) * 100.0 / calls_secs);
    }
    // Quiet again before the next system's step (a relay deleting its calls, files closing).
    settle(system);
    s
}

/// The far end's process id, for the generator's CPU.
pub(crate) static FAR_PID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Waits (at most 20 s) until `system` uses under 2% of a core over a second.
fn settle(system: &System) {
    let give_up = Instant::now() + Duration::from_secs(20);
    while Instant::now() < give_up {
        let a = system.cpu().0;
        if !sleep_until(Instant::now() + Duration::from_secs(1)) {
            return;
        }
        if (system.cpu().0 - a) < Duration::from_millis(20) {
            return;
        }
    }
}

/// Seconds of stereo 8 kHz 16-bit audio in the WAVs under `dir`.
fn wav_seconds(dir: &Path) -> f64 {
    let mut bytes = 0u64;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            } else if e.path().extension().is_some_and(|x| x == "wav") {
                bytes += m.len().saturating_sub(44);
            }
        }
    }
    bytes as f64 / 32_000.0
}
