//! One rate step: a customers' sipp offering calls at one rate for a bounded time, what the
//! engine's call events say about them, and the CPU of the engine and of both sipp processes.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use bench_harness::Samples;
use bench_harness::process::{KillOnDrop, cpu_time_of, log_file, machine_idle, udp_receive_drops};
use engine::journal::Journaled;
use engine::sipd::SipHandle;
use model::calls::CallEvent;
use tokio::sync::mpsc::UnboundedReceiver;

/// What a step is run with.
pub(crate) struct Setup<'a> {
    pub dir: &'a Path,
    pub target: &'a str,
    pub number: &'a str,
    pub port: u16,
    pub media_port: u16,
    pub seconds: u32,
    pub hold_ms: u32,
    /// The phones' sipp, for its CPU.
    pub phones: u32,
    /// The endpoint, for its counters.
    pub handle: &'a SipHandle,
}

/// CPU shares over a window, in % of one core (the machine's in % of all its cores).
#[derive(Default, Clone, Copy)]
pub(crate) struct Shares {
    pub engine: f64,
    pub customers: f64,
    pub phones: f64,
    pub machine: f64,
}

/// What one step measured.
pub(crate) struct Row {
    /// Calls sipp was told to offer: rate × seconds.
    pub calls: u32,
    /// Calls the engine saw start, and their rate from the first INVITE to the last.
    pub started: u64,
    pub offered_per_s: f64,
    /// Calls an agent answered, and their rate from the first INVITE to the last answer.
    pub answered: u64,
    pub answered_per_s: f64,
    /// Answers with their call's start: INVITE to the agent's answer.
    pub setup: Samples,
    /// sipp's failed customer calls.
    pub failed: u64,
    /// New requests the endpoint refused 503 (its caps of live transactions and calls).
    pub refused: u64,
    /// Live SIP transactions at most (the endpoint's gauge, updated every second).
    pub transactions: u64,
    /// UDP datagrams the machine dropped for full receive buffers (anyone's) during the step.
    pub udp_drops: u64,
    /// The engine's CPU for the whole step, per started call.
    pub cpu_per_call: Duration,
    /// CPU shares while calls arrive and leave at the rate (the whole step if it is short).
    pub shares: Shares,
    /// The customers' sipp ran to its end (not stopped at the bound).
    pub ended: bool,
}

/// CPU times at one moment.
#[derive(Clone, Copy)]
struct Snapshot {
    at: Instant,
    engine: Duration,
    customers: Duration,
    phones: Duration,
    machine: (Duration, u32),
}

impl Snapshot {
    fn take(customers: Duration, phones: u32) -> Snapshot {
        Snapshot {
            at: Instant::now(),
            engine: bench_harness::cpu_time(),
            customers,
            phones: cpu_time_of(Some(phones)),
            machine: machine_idle(),
        }
    }

    fn shares(&self, end: &Snapshot) -> Shares {
        let wall = (end.at - self.at).as_secs_f64().max(1e-3);
        let pct = |a: Duration, b: Duration| b.saturating_sub(a).as_secs_f64() * 100.0 / wall;
        let idle = end.machine.0.saturating_sub(self.machine.0).as_secs_f64();
        let all = wall * f64::from(end.machine.1);
        Shares {
            engine: pct(self.engine, end.engine),
            customers: pct(self.customers, end.customers),
            phones: pct(self.phones, end.phones),
            machine: (100.0 - idle * 100.0 / all).max(0.0),
        }
    }
}

/// Offers `rate` calls a second for the step's seconds and measures them; `None` when sipp
/// cannot be started.
pub(crate) async fn run(
    s: &Setup<'_>,
    rate: u32,
    events: &mut UnboundedReceiver<Journaled>,
) -> Option<Row> {
    let calls = rate * s.seconds;
    let hold_s = s.hold_ms.div_ceil(1000);
    // sipp ends itself once every call is done; -timeout bounds it if calls hang.
    let bound = s.seconds + hold_s + 30;
    while events.try_recv().is_ok() {}
    let guard = &s.handle.stats.guard;
    let refused0 = guard.overload.load(Relaxed);
    let drops0 = udp_receive_drops();
    let mut transactions = 0;
    let start = Snapshot::take(Duration::ZERO, s.phones);
    let customers = Command::new("sipp")
        .current_dir(s.dir)
        .args(["-sf", "customer.xml", "-s", s.number])
        .args(["-i", "127.0.0.1", "-p", &s.port.to_string()])
        .args([
            "-mp",
            &s.media_port.to_string(),
            "-d",
            &s.hold_ms.to_string(),
        ])
        .args(["-r", &rate.to_string(), "-m", &calls.to_string()])
        .args(["-l", &calls.to_string(), "-nostdin"])
        .args(["-timeout", &bound.to_string(), "-trace_stat", "-fd", "1"])
        .arg(s.target)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file(s.dir, "customers.err"))
        .spawn()
        .ok()?;
    let mut customers = KillOnDrop(customers);
    let pid = customers.pid();
    // Calls arrive and leave at the rate from one hold (plus a second) after the start to the
    // last arrival: the window of the CPU shares.
    let window = (
        Duration::from_millis(u64::from(s.hold_ms) + 1_000),
        Duration::from_secs(u64::from(s.seconds)),
    );
    let (mut w0, mut w1) = (None, None);
    let mut customers_cpu = Duration::ZERO;
    let give_up = start.at + Duration::from_secs(u64::from(bound) + 10);
    let ended = loop {
        // Read before asking whether it ended: a process that ended but is not yet reaped
        // still shows its CPU time.
        customers_cpu = cpu_time_of(Some(pid)).max(customers_cpu);
        transactions = transactions.max(guard.transactions.load(Relaxed));
        if customers.has_exited() {
            break true;
        }
        if Instant::now() > give_up {
            break false;
        }
        let t = start.at.elapsed();
        if w0.is_none() && t >= window.0 && window.0 + Duration::from_secs(1) < window.1 {
            w0 = Some(Snapshot::take(customers_cpu, s.phones));
        }
        if w0.is_some() && w1.is_none() && t >= window.1 {
            w1 = Some(Snapshot::take(customers_cpu, s.phones));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    drop(customers);
    // The last calls' events (the agent's leg ends after the customer's BYE).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let end = Snapshot::take(customers_cpu, s.phones);
    let tally = Tally::of(events);
    let failed = bench_harness::sipp::failed_calls(s.dir, "customer");
    let shares = match (w0, w1) {
        (Some(a), Some(b)) => a.shares(&b),
        _ => start.shares(&end),
    };
    let cpu = end.engine.saturating_sub(start.engine);
    Some(Row {
        calls,
        started: tally.started.len() as u64,
        offered_per_s: per_second(
            tally.started.len() as u64,
            tally.first_start,
            tally.last_start,
        ),
        answered: tally.agent_answers,
        answered_per_s: per_second(tally.agent_answers, tally.first_start, tally.last_answer),
        setup: tally.setup,
        failed,
        refused: guard.overload.load(Relaxed) - refused0,
        transactions,
        udp_drops: udp_receive_drops().saturating_sub(drops0),
        cpu_per_call: cpu / u32::try_from(tally.started.len().max(1)).unwrap_or(u32::MAX),
        shares,
        ended,
    })
}

/// `n` events spread from `from` to `to` (Unix ms) a second: `n - 1` intervals over the span.
fn per_second(n: u64, from: Option<i64>, to: Option<i64>) -> f64 {
    match (from, to) {
        (Some(a), Some(b)) if b > a && n > 1 => (n - 1) as f64 * 1000.0 / (b - a) as f64,
        _ => 0.0,
    }
}

/// The step's call events.
#[derive(Default)]
struct Tally {
    /// Each call's start (Unix ms), by key.
    started: HashMap<String, i64>,
    first_start: Option<i64>,
    last_start: Option<i64>,
    last_answer: Option<i64>,
    agent_answers: u64,
    setup: Samples,
}

impl Tally {
    fn of(events: &mut UnboundedReceiver<Journaled>) -> Tally {
        let mut t = Tally::default();
        while let Ok(ev) = events.try_recv() {
            match ev.event {
                CallEvent::Started { key, at, .. } => {
                    t.first_start = Some(t.first_start.map_or(at, |f| f.min(at)));
                    t.last_start = Some(t.last_start.map_or(at, |l| l.max(at)));
                    t.started.insert(key, at);
                }
                CallEvent::AgentAnswered { .. } => t.agent_answers += 1,
                // An IVR call is answered when an agent answers it.
                CallEvent::Answered { key, at, .. } => {
                    if let Some(s) = t.started.get(&key) {
                        t.last_answer = Some(t.last_answer.map_or(at, |l| l.max(at)));
                        t.setup
                            .push(Duration::from_millis(u64::try_from(at - s).unwrap_or(0)));
                    }
                }
                _ => {}
            }
        }
        t
    }
}
