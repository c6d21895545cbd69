//! The ceiling of the inbound path: sipp customers (Debian package `sip-tester`) call an IVR
//! number whose flow queues them in a skill group; desk phones registered with digest as that
//! group's agents answer at once. One sipp process registers every agent account from one port
//! and answers every call Patchbay sends to those bindings (its out-of-call scenario), as in
//! `bridge-load`; signalling only (SDP, no RTP), so the benchmark measures the call path: INVITE
//! → IVR → queue → ACD offer → INVITE to the agent's phone → answer → bridge → the customer
//! hangs up → the agent's leg ends. Agents are never the bottleneck: there are enough for the
//! highest rate (rate × (hold + 1 s)), with no after-call work.
//!
//! Each rate step runs a customers' sipp offering that rate for `PATCHBAY_BENCH_STEP` seconds
//! (default 10), each customer staying `PATCHBAY_BENCH_HOLD_MS` (default 1000) from the answer.
//! Per step it prints: calls offered, their rate as the engine saw them arrive, calls an agent
//! answered and their rate, sipp's failed calls, new requests the endpoint refused 503 at its
//! caps, its most live SIP transactions, UDP datagrams the machine dropped for full receive
//! buffers, p50/p99/max from the customer's INVITE to the agent's answer (the engine's call
//! events, ms), the engine's CPU per call, and the CPU of the engine, of both sipp processes
//! (share of one core) and of the whole machine while calls arrive and leave at the rate. Then the ceiling: the highest rate at which at least 99% of
//! the offered calls were answered by an agent and none failed, with its p50/p99 against the
//! goal (300/s, p99 < 20 ms). On a small machine sipp competes with Patchbay for the cores: a
//! step whose sipp is near a full core, or whose machine is near busy, says so, as the limit may
//! then be the load generator's. Asserts nothing about time; every sipp run is bounded by
//! `-timeout`, and the sipp processes are killed when the benchmark ends or is interrupted.
//!
//! Run: `cargo run --release -p inbound-load` (optionally `-- 100 200 300 400 600 800 1000 1200 1500`, the
//! default, for the rates, which are all the numbers given: the first one used to be the number
//! of agents, which `PATCHBAY_BENCH_AGENTS` now overrides).

mod scenarios;
mod step;

use std::path::Path;
use std::time::Duration;

use bench_harness::inbound;
use bench_harness::sipp::Phones;
use engine::sipd::{SipConfig, start};

/// The IVR number of the benchmark.
const NUMBER: &str = "4009000000";
/// Ports of the two sipp processes (SIP and media) and of the endpoint's RTP (two legs a call,
/// RTP and RTCP each: 2,250 calls at once), below the ephemeral range and apart from the other
/// benchmarks', so they can run side by side. A port of the range in use elsewhere is skipped.
const CUSTOMER_PORT: u16 = 1_970;
const AGENT_PORT: u16 = 1_972;
const CUSTOMER_MEDIA: u16 = 1_900;
const AGENT_MEDIA: u16 = 1_904;
const RTP_PORTS: (u16, u16) = (2_000, 10_999);
/// Registrations the phones' sipp starts a second.
const REGISTER_RATE: u32 = 200;
/// The goal: this many calls a second answered by agents, with p99 setup under `GOAL_P99`.
const GOAL_RATE: u32 = 300;
const GOAL_P99: Duration = Duration::from_millis(20);
/// Share of a core at which a sipp process is the likely limit, and of the machine at which it is.
const SIPP_FULL: f64 = 85.0;
const MACHINE_FULL: f64 = 90.0;

/// A setup time in whole ms, as call events carry Unix ms: "<1" when samples say 0.
fn millis(d: Duration, sampled: bool) -> String {
    match d.as_millis() {
        0 if sampled => "<1".to_owned(),
        n => n.to_string(),
    }
}

/// What the command line and the environment ask for.
struct Options {
    rates: Vec<u32>,
    hold_ms: u32,
    seconds: u32,
    agents: u32,
}

fn env(name: &str) -> Option<u32> {
    std::env::var(name).ok()?.parse().ok()
}

fn options() -> Options {
    let rates: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .filter(|r| *r > 0)
        .collect();
    let rates = if rates.is_empty() {
        vec![100, 200, 300, 400, 600, 800, 1000, 1200, 1500]
    } else {
        rates
    };
    let hold_ms = env("PATCHBAY_BENCH_HOLD_MS").unwrap_or(1000);
    let max = rates.iter().copied().max().unwrap_or(1);
    // Each agent takes a call for its hold plus the setup; a second of margin covers the setup
    // and the agent's return to idle, so calls never wait for an agent.
    let agents = env("PATCHBAY_BENCH_AGENTS")
        .filter(|a| *a > 0)
        .unwrap_or_else(|| (u64::from(max) * (u64::from(hold_ms) + 1_000)).div_ceil(1_000) as u32);
    Options {
        rates,
        hold_ms,
        seconds: env("PATCHBAY_BENCH_STEP").filter(|s| *s > 0).unwrap_or(10),
        agents,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let o = options();
    let dir = std::env::temp_dir().join(format!("patchbay-inbound-load-{}", std::process::id()));
    tokio::select! {
        () = run(&o, &dir) => {}
        _ = tokio::signal::ctrl_c() => eprintln!("interrupted; sipp processes stopped"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

async fn run(o: &Options, dir: &Path) {
    std::fs::create_dir_all(dir).expect("work dir");
    std::fs::write(dir.join("answer.xml"), scenarios::ANSWER).expect("scenario");
    std::fs::write(dir.join("customer.xml"), scenarios::CUSTOMER).expect("scenario");
    let hold_s = o.hold_ms.div_ceil(1000);
    let lifetime =
        u64::from(o.agents / 100 + 60) + o.rates.len() as u64 * u64::from(o.seconds + hold_s + 45);

    // Patchbay's default defences, as in production.
    let guard = engine::sipd::GuardConfig::default();
    let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    // Journaled as in production: one write per call event.
    let (journal, _) =
        engine::journal::Journal::open(&dir.join("call-events.journal")).expect("journal");
    let handle = start(
        SipConfig {
            listen: "127.0.0.1:0".parse().expect("address"),
            rtp_ports: RTP_PORTS,
            // No RTP flows: calls must not end for its lack within the hold.
            rtp_timeout: Duration::from_secs(u64::from(hold_s) + 60),
            kernel_forwarding: true,
            directory: inbound::directory(NUMBER, o.agents),
            realm: "patchbay".to_owned(),
            recordings_dir: None,
            call_events: Some(engine::journal::CallEventSink::new(
                events_tx,
                Some(std::sync::Arc::new(journal)),
            )),
            hub: None,
            public_media: None,
            sip_public: None,
            widget_calls_per_address: 4,
            shutdown_drain: Duration::ZERO,
            guard,
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
        agents: o.agents,
        rate: REGISTER_RATE,
        seconds: lifetime,
        answer: "answer.xml",
    }
    .start();
    let Ok(mut phones) = phones else {
        println!("sipp is not installed: apt-get install sip-tester");
        return;
    };
    let registered = inbound::sign_in(&handle, o.agents, &mut phones).await;
    println!(
        "endpoint on {target}; {registered}/{} agents registered (one sipp) and idle; \
         {} s per rate, customers stay {} ms; signalling only (SDP, no RTP), no after-call \
         work; sipp on the same machine ({} cores)",
        o.agents,
        o.seconds,
        o.hold_ms,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    if registered == 0 {
        println!("no desk phone registered; nothing to measure");
        bench_harness::process::print_log(dir, "phones.err", "sipp", 5);
        return;
    }
    let setup = step::Setup {
        dir,
        target: &target,
        number: NUMBER,
        port: CUSTOMER_PORT,
        media_port: CUSTOMER_MEDIA,
        seconds: o.seconds,
        hold_ms: o.hold_ms,
        phones: phones.pid(),
        handle: &handle,
    };
    println!(
        "{:>5} {:>6} {:>7} {:>6} {:>7} {:>6} {:>5} {:>6} {:>6} {:>5} {:>5} {:>5} {:>8} {:>6} {:>6} {:>6} {:>7}",
        "rate",
        "calls",
        "offer/s",
        "agent",
        "agent/s",
        "failed",
        "503",
        "txns",
        "drops",
        "p50",
        "p99",
        "max",
        "cpu/call",
        "engine",
        "sipp-c",
        "sipp-a",
        "machine"
    );
    let mut ceiling: Option<(u32, Duration, Duration)> = None;
    let mut generator_bound = Vec::new();
    let (mut refused, mut transactions) = (0, 0);
    for &rate in &o.rates {
        let Some(mut row) = step::run(&setup, rate, &mut events).await else {
            println!("sipp is not installed: apt-get install sip-tester");
            return;
        };
        let (p50, p99, max) = (
            row.setup.percentile(50.0),
            row.setup.percentile(99.0),
            row.setup.percentile(100.0),
        );
        let s = row.shares;
        refused += row.refused;
        transactions = transactions.max(row.transactions);
        let held = row.answered * 100 >= u64::from(row.calls) * 99 && row.failed == 0;
        if held && ceiling.is_none_or(|(r, ..)| r < rate) {
            ceiling = Some((rate, p50, p99));
        }
        let sipp_full = s.customers >= SIPP_FULL || s.phones >= SIPP_FULL;
        let machine_full = s.machine >= MACHINE_FULL;
        let offered_low = row.offered_per_s < f64::from(rate) * 0.95;
        if !held && (sipp_full || machine_full || offered_low) {
            generator_bound.push(rate);
        }
        let notes: Vec<String> = [
            (!held).then(|| "not held".to_owned()),
            sipp_full.then(|| "a sipp near a full core".to_owned()),
            machine_full.then(|| "machine busy".to_owned()),
            offered_low.then(|| "offered below the rate".to_owned()),
            (row.started != u64::from(row.calls))
                .then(|| format!("{} calls reached the engine", row.started)),
            (row.setup.len() as u64 != row.answered)
                .then(|| format!("{} answers timed", row.setup.len())),
            (!row.ended).then(|| "customers' sipp stopped at its bound".to_owned()),
            phones
                .has_exited()
                .then(|| "the phones' sipp ended".to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let ms = |d| millis(d, !row.setup.is_empty());
        println!(
            "{rate:>5} {:>6} {:>7.1} {:>6} {:>7.1} {:>6} {:>5} {:>6} {:>6} {:>5} {:>5} {:>5} {:>6.2}ms \
             {:>5.0}% {:>5.0}% {:>5.0}% {:>6.0}%{}",
            row.calls,
            row.offered_per_s,
            row.answered,
            row.answered_per_s,
            row.failed,
            row.refused,
            row.transactions,
            row.udp_drops,
            ms(p50),
            ms(p99),
            ms(max),
            row.cpu_per_call.as_secs_f64() * 1000.0,
            s.engine,
            s.customers,
            s.phones,
            s.machine,
            if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join("; "))
            },
        );
        if row.answered == 0 || row.failed > 0 {
            bench_harness::process::print_log(dir, "customers.err", "sipp", 5);
        }
    }
    println!(
        "offer/s: calls a second as the engine saw them arrive; agent: calls an agent answered, \
         agent/s: their rate from the first INVITE to the last answer; failed: sipp's failed \
         customer calls; 503: new requests the endpoint refused for its caps (transactions at \
         work, calls); txns: live SIP transactions at most (a UDP BYE's lingers 32 s to absorb \
         retransmissions, so earlier steps' count too; the cap counts only those at work); drops: UDP datagrams the machine dropped for full receive buffers (anyone's; \
         a dropped INVITE is sent again 500 ms later); p50/p99/max: ms from the customer's INVITE to the agent's answer; \
         cpu/call: the engine's CPU for the step per call; engine, sipp-c (customers), sipp-a \
         (agents): share of one core, machine: of all cores, all while calls arrive and leave \
         at the rate; held: >= 99% of the calls answered by an agent, none failed"
    );
    match ceiling {
        Some((rate, p50, p99)) => println!(
            "ceiling: {rate} calls/s answered by agents through IVR → queue → agent{}; setup p50 \
             {} ms, p99 {} ms (p99 < {} ms: {}); goal {GOAL_RATE}/s with p99 < {} ms: {}",
            if Some(&rate) == o.rates.iter().max() {
                " (the highest rate tried)"
            } else {
                ""
            },
            millis(p50, true),
            millis(p99, true),
            GOAL_P99.as_millis(),
            if p99 < GOAL_P99 { "yes" } else { "no" },
            GOAL_P99.as_millis(),
            if rate >= GOAL_RATE && p99 < GOAL_P99 {
                "met"
            } else {
                "not met"
            },
        ),
        None => println!("ceiling: none of {:?} held", o.rates),
    }
    if !generator_bound.is_empty() {
        println!(
            "steps {generator_bound:?} were not held while a sipp was near a full core, the \
             machine busy or sipp offering below the rate: the limit there may be the load \
             generator's or the machine's, not Patchbay's"
        );
    }
    if refused > 0 {
        println!(
            "{refused} new requests were refused with 503 for the caps (transactions at work: \
             {}, live calls: {}): the caps, not the machine, set the ceiling",
            guard.max_transactions, guard.max_calls,
        );
    }
}
