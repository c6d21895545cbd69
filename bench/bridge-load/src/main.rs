//! Bridged calls with media, recorded: sipp customers (Debian package `sip-tester`) call an IVR
//! number whose flow queues them in a skill group; desk phones registered with digest as that
//! group's agents answer, and both sides stream a looping µ-law tone (customers 1 kHz, agents
//! 600 Hz, 50 packets/s each way) through Patchbay, which bridges and records every call
//! (stereo WAV). One sipp process registers every agent account from one port and answers every
//! call Patchbay sends to those bindings (its out-of-call scenario).
//!
//! For each number N of concurrent calls (customers arrive at 20/s; each stays the ramp plus
//! `HOLD` seconds, so all N calls are up together `HOLD` seconds, default 60), it prints the calls
//! answered by agents, failed calls, recordings and their length against the calls' (one 20 ms
//! frame a media tick, so a media plane behind real time records, and sends, short), the RTP
//! packets Patchbay expected and lost on both legs of every call over the whole step (from
//! sequence numbers, as RTCP counts them), the loss, the engine's CPU seconds for the step, and
//! its CPU while all N calls are up: share of one core, in total and per call. The last line is
//! the largest N held: every call with an agent at once, none failed, < 0.1% loss, recordings at
//! least 99% of the calls' length. Asserts nothing about time; every sipp run is bounded by
//! `-timeout`, and the sipp processes are killed when the benchmark ends or is interrupted.
//!
//! With `PATCHBAY_BENCH_ON_HOLD=20` every N runs twice in the same process: plain, then with 20%
//! of the agents putting their customer on hold and resuming every 10 s (the phone bar's hold:
//! the agent's audio parked, hold music mixed for the customer), so both rows compare loss and
//! CPU per call under the same conditions.
//!
//! Run: `cargo run --release -p bridge-load` (optionally `-- 50 100 200 300 400 600`, the default,
//! for the numbers of concurrent calls, and `PATCHBAY_BENCH_HOLD=15` for shorter holds).

mod scenarios;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use bench_harness::inbound::{self, ENTERPRISE};
use bench_harness::process::{KillOnDrop as Sipp, log_file};
use bench_harness::sipp::{Phones, failed_calls};

use engine::sipd::{AgentAction, SipConfig, SipHandle, start};
use model::calls::CallEvent;
use model::{EnterpriseId, UserId};
use tokio::sync::mpsc::UnboundedReceiver;

/// The IVR number of the benchmark.
const NUMBER: &str = "4009100000";
/// New customer calls per second.
const RATE: u32 = 20;
/// Recorded audio, in % of the calls' length, below which the media plane is behind real time.
const MIN_AUDIO: f64 = 99.0;
/// Ports of the two sipp processes (SIP; media: every call's stream goes out of this one port)
/// and of the endpoint's RTP (two legs a call, RTP and RTCP each), below the ephemeral range and
/// apart from the other benchmarks', so they can run side by side.
const CUSTOMER_PORT: u16 = 21_990;
const AGENT_PORT: u16 = 21_992;
const CUSTOMER_MEDIA: u16 = 21_000;
const AGENT_MEDIA: u16 = 21_004;
const RTP_PORTS: (u16, u16) = (22_000, 29_999);

/// Calls an agent took since the last look.
fn agent_answers(events: &mut UnboundedReceiver<engine::journal::Journaled>) -> u32 {
    let mut n = 0;
    while let Ok(ev) = events.try_recv() {
        if matches!(ev.event, CallEvent::AgentAnswered { .. }) {
            n += 1;
        }
    }
    n
}

/// Shows what sipp complained about, when a step went wrong.
fn print_log(dir: &Path, name: &str) {
    bench_harness::process::print_log(dir, name, "sipp", 5);
}

/// Seconds of stereo 8 kHz 16-bit audio in the recordings in `dir`.
fn recorded_seconds(dir: &Path) -> f64 {
    let bytes: u64 = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len().saturating_sub(44))
        .sum();
    bytes as f64 / 32_000.0
}

/// How long starting `calls` customer calls takes.
fn ramp(calls: u32) -> Duration {
    Duration::from_secs(u64::from(calls.div_ceil(RATE)))
}

/// RTP packets received and expected so far, and CPU time.
fn snapshot(handle: &SipHandle) -> (u64, u64, Duration, Instant) {
    (
        handle.stats.rtp_received.load(Relaxed),
        handle.stats.rtp_expected.load(Relaxed),
        bench_harness::cpu_time(),
        Instant::now(),
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let levels: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .filter(|n| *n > 0)
        .collect();
    let levels = if levels.is_empty() {
        vec![50, 100, 200, 300, 400, 600]
    } else {
        levels
    };
    let hold: u64 = std::env::var("PATCHBAY_BENCH_HOLD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let dir = std::env::temp_dir().join(format!("patchbay-bridge-load-{}", std::process::id()));
    tokio::select! {
        () = run(&levels, hold, &dir) => {}
        _ = tokio::signal::ctrl_c() => eprintln!("interrupted; sipp processes stopped"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

async fn run(levels: &[u32], hold: u64, dir: &Path) {
    let agents = levels.iter().copied().max().unwrap_or(1);
    std::fs::create_dir_all(dir).expect("work dir");
    std::fs::write(
        dir.join("customer.wav"),
        bench_harness::ulaw_tone(1_000, 10),
    )
    .expect("tone");
    std::fs::write(dir.join("agent.wav"), bench_harness::ulaw_tone(600, 10)).expect("tone");
    std::fs::write(dir.join("answer.xml"), scenarios::ANSWER).expect("scenario");
    let lifetime: u64 = levels
        .iter()
        .map(|n| hold + 2 * ramp(*n).as_secs() + 60)
        .sum::<u64>()
        + 120;

    let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    // Journaled as in production: one write per call event.
    let (journal, _) =
        engine::journal::Journal::open(&dir.join("call-events.journal")).expect("journal");
    let events_tx =
        engine::journal::CallEventSink::new(events_tx, Some(std::sync::Arc::new(journal)));
    let recordings = dir.join("recordings");
    let handle = start(
        SipConfig {
            listen: "127.0.0.1:0".parse().expect("address"),
            rtp_ports: RTP_PORTS,
            rtp_timeout: Duration::from_secs(30),
            kernel_forwarding: true,
            directory: inbound::directory(NUMBER, agents),
            realm: "patchbay".to_owned(),
            recordings_dir: Some(recordings.clone()),
            call_events: Some(events_tx),
            hub: None,
            public_media: None,
            sip_public: None,
            widget_calls_per_address: 4,
            shutdown_drain: std::time::Duration::ZERO,
            guard: Default::default(),
            outbound_check: None,
        },
        std::future::pending(),
    )
    .await
    .expect("start the SIP endpoint");
    let target = handle.local_addr.to_string();

    // Every desk phone: one sipp registering all accounts from one port, answering every call.
    let phones = Phones {
        dir,
        target: &target,
        port: AGENT_PORT,
        media_port: AGENT_MEDIA,
        agents,
        rate: 50,
        seconds: lifetime,
        answer: "answer.xml",
    }
    .start();
    let Ok(mut phones) = phones else {
        println!("sipp is not installed: apt-get install sip-tester");
        return;
    };
    let e = ENTERPRISE;
    let registered = inbound::sign_in(&handle, agents, &mut phones).await;
    println!(
        "endpoint on {target}; {registered}/{agents} agents registered (one sipp) and idle; \
         customers call an IVR queue at {RATE}/s, all N talk together {hold} s; RTP both ways \
         (50 pkt/s each), bridged and recorded; sipp on the same machine"
    );
    if registered == 0 {
        println!("no desk phone registered; nothing to measure");
        print_log(dir, "phones.err");
        return;
    }
    println!(
        "{:>6} {:>7} {:>7} {:>6} {:>7} {:>11} {:>9} {:>8} {:>8} {:>9} {:>11}",
        "calls",
        "agent",
        "failed",
        "rec",
        "audio",
        "expected",
        "lost",
        "loss",
        "cpu s",
        "cpu",
        "cpu/call"
    );
    let mut largest = None;
    let shares: Vec<u32> = match std::env::var("PATCHBAY_BENCH_ON_HOLD")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
    {
        Some(p) if (1..=100).contains(&p) => vec![0, p],
        _ => vec![0],
    };
    for (&calls, &share) in levels
        .iter()
        .flat_map(|c| shares.iter().map(move |s| (c, s)))
    {
        let recorded0 = handle.stats.recordings_started.load(Relaxed);
        agent_answers(&mut events);
        // Each customer stays the ramp longer than the hold: all N calls are up together for
        // `hold` seconds, from the last one's answer to the first one's hang-up.
        let ramp = ramp(calls);
        std::fs::write(
            dir.join("customer.xml"),
            scenarios::customer((hold + ramp.as_secs()) * 1_000),
        )
        .expect("scenario");
        let start0 = snapshot(&handle);
        let customers = Command::new("sipp")
            .current_dir(dir)
            .args(["-sf", "customer.xml", "-s", NUMBER, "-t", "u1"])
            .args(["-i", "127.0.0.1", "-p", &CUSTOMER_PORT.to_string()])
            .args(["-mp", &CUSTOMER_MEDIA.to_string()])
            .args(["-m", &calls.to_string(), "-l", &calls.to_string()])
            .args(["-r", &RATE.to_string(), "-nostdin"])
            .args(["-timeout", &(hold + 2 * ramp.as_secs() + 60).to_string()])
            .args(["-trace_stat", "-fd", "1"])
            .arg(&target)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file(dir, "customers.err"))
            .spawn();
        let Ok(customers) = customers else {
            println!("sipp is not installed: apt-get install sip-tester");
            return;
        };
        let mut customers = Sipp(customers);
        let launched = start0.3;
        let holder = (share > 0).then(|| tokio::spawn(hold_some(handle.clone(), e, agents, share)));
        // Wait until every call has an agent (or the ramp is long over), let it settle, then
        // measure CPU until shortly before the first customers hang up.
        let mut answered = 0;
        while answered < calls
            && launched.elapsed() < ramp + Duration::from_secs(10)
            && customers.0.try_wait().ok().flatten().is_none()
        {
            tokio::time::sleep(Duration::from_millis(200)).await;
            answered += agent_answers(&mut events);
        }
        let together = answered;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let window_end = launched + ramp + Duration::from_secs(hold.saturating_sub(1));
        let window = if Instant::now() + Duration::from_secs(2) < window_end {
            let w0 = snapshot(&handle);
            tokio::time::sleep_until(window_end.into()).await;
            let w1 = snapshot(&handle);
            Some((w1.2 - w0.2).as_secs_f64() / (w1.3 - w0.3).as_secs_f64() * 100.0)
        } else {
            None
        };
        // sipp ends itself (-timeout); this only bounds the wait if it does not.
        let give_up = launched + Duration::from_secs(hold + 2 * ramp.as_secs() + 70);
        while customers.0.try_wait().ok().flatten().is_none() && Instant::now() < give_up {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        drop(customers);
        let holds = match holder {
            Some(task) => {
                task.abort();
                task.await.unwrap_or_else(|_| HOLDS.swap(0, Relaxed))
            }
            None => 0,
        };
        // Every leg adds its last counts when its media stops.
        let settle = Instant::now() + Duration::from_secs(10);
        while handle.stats.active.load(Relaxed) > 0 && Instant::now() < settle {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        answered += agent_answers(&mut events);
        let end = snapshot(&handle);
        let failed = failed_calls(dir, "customer");
        let recorded = handle.stats.recordings_started.load(Relaxed) - recorded0;
        // Recordings take one 20 ms frame a media tick: audio short of the calls' length means
        // the engine's ticks fell behind real time (what it sends is late or missing).
        let audio = recorded_seconds(&recordings) * 100.0
            / (f64::from(calls) * (hold + ramp.as_secs()) as f64);
        let expected = end.1 - start0.1;
        let lost = expected.saturating_sub(end.0 - start0.0);
        let loss = if expected == 0 {
            100.0
        } else {
            lost as f64 * 100.0 / expected as f64
        };
        let real_time = audio >= MIN_AUDIO;
        let held = together == calls && failed == 0 && loss < 0.1 && real_time;
        if held {
            largest = largest.max(Some(calls));
        }
        let (cpu, per_call) = window.map_or_else(
            || ("-".to_owned(), "-".to_owned()),
            |c| (format!("{c:.1}%"), format!("{:.3}%", c / f64::from(calls))),
        );
        println!(
            "{calls:>6} {answered:>7} {failed:>7} {recorded:>6} {audio:>6.1}% {expected:>11} {lost:>9} \
             {loss:>7.3}% {:>8.1} {cpu:>9} {per_call:>11}{}",
            (end.2 - start0.2).as_secs_f64(),
            match (held, together < calls, real_time) {
                (true, _, _) if share > 0 =>
                    format!("  ({share}% on hold: {holds} holds and resumes)"),
                (true, _, _) => String::new(),
                (false, true, _) => format!("  (not held: {together} with an agent at once)"),
                (false, false, false) => "  (not held: media behind real time)".to_owned(),
                (false, false, true) => "  (not held)".to_owned(),
            },
        );
        if answered == 0 {
            print_log(dir, "customers.err");
        }
        let _ = std::fs::remove_dir_all(&recordings);
    }
    println!(
        "agent: calls an agent answered; rec: recordings started; audio: their length, share of \
         the calls' length; expected/lost: RTP packets on \
         both legs of every call; cpu s: engine CPU seconds for the whole step; cpu: share of one \
         core while all calls are up; cpu/call: that share per call; held: every call with an agent at \
         once, none failed, loss < 0.1%, audio >= {MIN_AUDIO}%"
    );
    match largest {
        Some(n) if n == agents => println!(
            "largest N held {hold} s with < 0.1% loss: {n} (the largest tried; try larger N)"
        ),
        Some(n) => println!("largest N held {hold} s with < 0.1% loss: {n}"),
        None => println!("largest N held {hold} s with < 0.1% loss: none of {levels:?}"),
    }
}

/// Holds and resumes done by [`hold_some`] so far (read when its task is stopped).
static HOLDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Every 10 s, `share`% of the agents (every (100/share)th) put their customer on hold, or
/// resume, from the phone bar; agents not on a call refuse and are skipped. Returns the holds
/// and resumes made when it ends by itself (it runs until stopped).
async fn hold_some(handle: SipHandle, e: EnterpriseId, agents: u32, share: u32) -> u64 {
    let every = (100 / share).max(1);
    let mut on = true;
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    tick.tick().await;
    loop {
        tick.tick().await;
        for i in (every..=agents).step_by(every as usize) {
            let action = AgentAction::Hold { on };
            if handle
                .agent_action(e, UserId(i64::from(i)), None, action)
                .await
                .is_ok()
            {
                HOLDS.fetch_add(1, Relaxed);
            }
        }
        on = !on;
    }
}
