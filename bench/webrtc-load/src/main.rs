//! WebRTC legs bridged to G.711 through Patchbay, at load: N headless visitors (str0m-based
//! [`webrtc::WebRtcClient`]s in this process, not browsers) call a web call widget number
//! (`POST /api/v1/widget/calls` with their SDP offer, no sign-in). The number's IVR flow is a
//! single `external` step: Patchbay forwards each call over a trunk to a sipp carrier (Debian
//! package `sip-tester`) on loopback that answers in PCMU and echoes the RTP. Every visitor
//! sends a 1 kHz tone in Opus; Patchbay decodes it, encodes G.711 to the carrier, decodes the
//! echo and encodes Opus back. The tone is encoded once and sent from every visitor, and one
//! visitor in `--check-every` (10) decodes what comes back, so the visitors' own Opus does not
//! limit the legs measured on one machine; `--encode-each --check-every 1` has every visitor
//! encode and decode, as a browser does. Everything is configured through the admin API of Patchbay's own
//! binary, started in a fresh data directory, so its CPU and memory are its own.
//!
//! For each number N of concurrent legs (placed at `--rate` a second) it waits until all are
//! connected, lets the trunk legs settle, then holds all N together for `--hold` seconds (60 by
//! default) and prints: calls placed and connected, packet loss over the hold (packets each
//! visitor received against the 50 a second it should have, all legs and the worst), legs on
//! which at least 90% of the decoded frames carry the tone (of those checked), Patchbay's CPU (share of one core,
//! in all and per leg) and resident memory, the benchmark's own CPU (the visitors' Opus and
//! SRTP) and sipp's. A step is held when every call was placed and connected, none
//! disconnected, every leg got at least 99.5% of its packets and every leg checked carried the tone; the ramp stops
//! at the first step not held. The last line is the largest N held. Asserts nothing about time;
//! every step is bounded, and sipp and Patchbay are killed when the benchmark ends or is
//! interrupted.
//!
//! Run: `cargo build --release -p webrtc-load -p patchbay` then
//! `target/release/webrtc-load [--steps 20,50,100,150,200,300,400] [--hold 60] [--rate 20]
//! [--client-threads 1] [--check-every 10] [--encode-each]` (`PATCHBAY_BIN` names another
//! `patchbay` binary).

mod client;

use std::net::UdpSocket;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use bench_harness::interrupt::{interrupted, sleep_until, watch_ctrl_c};
use bench_harness::patchbay::{self, Patchbay};
use bench_harness::process::{KillOnDrop, cpu_time_of, log_file, print_log, rss_mib};
use client::{Audio, Control, Report};
use webrtc::{Codec, WebRtcClient};

/// The widget's enterprise number.
const NUMBER: &str = "4009300000";
/// The number the IVR forwards every call to, on the carrier's trunk.
const FORWARD_TO: &str = "13900000000";
/// sipp as the carrier: SIP and its media port (it echoes every call's RTP from this one port),
/// and Patchbay's RTP range, below the ephemeral range and apart from the other benchmarks'.
const CARRIER_PORT: u16 = 11_990;
const CARRIER_MEDIA: u16 = 11_000;
const RTP_PORTS: (u16, u16) = (12_000, 19_999);
/// The least share of its packets a leg must get, %.
const MIN_RECEIVED: f64 = 99.5;
/// The least share of a leg's decoded frames that must carry the tone, %.
const MIN_TONE: f64 = 90.0;
/// After the last leg connected, time for the trunk legs to answer and the echo to flow.
const SETTLE: Duration = Duration::from_secs(3);
/// How long the last call may take to connect after it was placed.
const CONNECT_WAIT: Duration = Duration::from_secs(15);

/// Command-line settings.
#[derive(Debug)]
struct Args {
    steps: Vec<usize>,
    hold: u64,
    rate: f64,
    client_threads: usize,
    /// One visitor in this many decodes what comes back and checks it for the tone.
    check_every: usize,
    /// Every visitor encodes its own tone (else it is encoded once for all).
    encode_each: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        steps: vec![20, 50, 100, 150, 200, 300, 400],
        hold: 60,
        rate: 20.0,
        client_threads: 1,
        check_every: 10,
        encode_each: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--steps" => {
                a.steps = value()?
                    .split(',')
                    .map(|s| s.trim().parse().map_err(|_| format!("--steps: {s:?}")))
                    .collect::<Result<_, _>>()?;
            }
            "--hold" => a.hold = value()?.parse().map_err(|_| "--hold: seconds")?,
            "--rate" => a.rate = value()?.parse().map_err(|_| "--rate: calls a second")?,
            "--client-threads" => {
                a.client_threads = value()?.parse().map_err(|_| "--client-threads: count")?;
            }
            "--check-every" => {
                a.check_every = value()?.parse().map_err(|_| "--check-every: count")?;
            }
            "--encode-each" => a.encode_each = true,
            "-h" | "--help" => {
                return Err("usage: webrtc-load [--steps 20,50,100] [--hold SECONDS] \
                            [--rate CALLS_PER_SECOND] [--client-threads N] [--check-every K] \
                            [--encode-each]"
                    .to_owned());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    a.steps.retain(|n| *n > 0);
    if a.steps.is_empty()
        || a.hold == 0
        || a.rate <= 0.0
        || a.client_threads == 0
        || a.check_every == 0
    {
        return Err(
            "steps, hold, rate, client threads and --check-every must be positive".to_owned(),
        );
    }
    Ok(a)
}

fn main() {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .thread_name("visitors")
        .enable_all()
        .build()
        .expect("tokio runtime");
    watch_ctrl_c();
    let dir = std::env::temp_dir().join(format!("patchbay-webrtc-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("work dir");
    let all_held = run(&args, &rt, &dir);
    if interrupted() {
        eprintln!("interrupted; sipp and Patchbay stopped");
    }
    if all_held {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        // Patchbay's and sipp's logs, for whoever looks into the step that failed.
        let _ = std::fs::remove_dir_all(dir.join("data"));
        eprintln!("logs kept in {}", dir.display());
    }
}

/// The figures of one step.
#[derive(Debug, Default)]
struct Step {
    placed: usize,
    connected: usize,
    disconnected: usize,
    expected: u64,
    received: u64,
    lost_seq: u64,
    sent: u64,
    worst_leg: f64,
    legs_with_tone: usize,
    /// Legs that decoded and checked for the tone.
    checked: usize,
    hung_up: usize,
    patchbay_cpu: Option<f64>,
    rss: f64,
    bench_cpu: Option<f64>,
    sipp_cpu: Option<f64>,
    refusal: Option<String>,
    hangup_error: Option<String>,
}

impl Step {
    fn loss(&self) -> f64 {
        if self.expected == 0 {
            100.0
        } else {
            self.expected.saturating_sub(self.received) as f64 * 100.0 / self.expected as f64
        }
    }
}

/// Runs the ramp; `false` if a step was not held (or nothing could be measured).
fn run(args: &Args, rt: &tokio::runtime::Runtime, dir: &Path) -> bool {
    let bin = patchbay::binary();
    // Every visitor calls from 127.0.0.1: the per-address cap on widget calls (4 by default, a
    // guard against one site's visitor hogging lines) is raised to the largest step.
    let cap = args.steps.iter().max().copied().unwrap_or(1);
    let env = [("PATCHBAY_WIDGET_CALLS_PER_ADDRESS", cap.to_string())];
    let mut pb = match Patchbay::start(&bin, dir, RTP_PORTS, &env) {
        Ok(p) => p,
        Err(e) => {
            println!("cannot run Patchbay: {e} (build it: cargo build --release -p patchbay)");
            print_log(dir, patchbay::LOG, "patchbay", 10);
            print_log(dir, "patchbay.err", "patchbay", 10);
            return false;
        }
    };
    if let Err(e) = configure(&pb) {
        println!("cannot configure Patchbay: {e}");
        return false;
    }
    let lifetime: u64 = args
        .steps
        .iter()
        .map(|n| args.hold + (*n as f64 / args.rate) as u64 + 60)
        .sum::<u64>()
        + 120;
    let carrier = Command::new("sipp")
        .current_dir(dir)
        .args(["-sn", "uas", "-i", "127.0.0.1"])
        .args(["-p", &CARRIER_PORT.to_string()])
        .args(["-mp", &CARRIER_MEDIA.to_string(), "-rtp_echo"])
        .args(["-aa", "-nostdin", "-timeout", &lifetime.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file(dir, "carrier.err"))
        .spawn();
    let Ok(carrier) = carrier else {
        println!("sipp is not installed: apt-get install sip-tester");
        return false;
    };
    let mut carrier = KillOnDrop(carrier);
    std::thread::sleep(Duration::from_millis(500));
    println!(
        "Patchbay {} (SIP {}); widget number {NUMBER} forwards to {FORWARD_TO} on a trunk to sipp \
         (PCMU, echo) on 127.0.0.1:{CARRIER_PORT}; visitors send a 1 kHz tone in Opus ({}), \
         50 pkt/s each way, one in {} decodes and checks what comes back, placed at {}/s on {} \
         client thread(s); all N held together {} s; everything on one machine",
        pb.http,
        pb.sip,
        if args.encode_each {
            "each encodes its own"
        } else {
            "encoded once for all"
        },
        args.check_every,
        args.rate,
        args.client_threads,
        args.hold
    );
    println!(
        "{:>5} {:>6} {:>5} {:>9} {:>8} {:>8} {:>7} {:>8} {:>9} {:>7} {:>8} {:>7}",
        "N",
        "placed",
        "conn",
        "expected",
        "loss",
        "worst",
        "tone",
        "pb cpu",
        "cpu/leg",
        "rss MiB",
        "bench",
        "sipp"
    );
    let audio = if args.encode_each {
        Audio::Encode(client::tone_frame())
    } else {
        match Audio::encoded_tone() {
            Ok(a) => a,
            Err(e) => {
                println!("cannot encode the tone: {e}");
                return false;
            }
        }
    };
    let mut largest = None;
    for &n in &args.steps {
        let s = step(args, rt, &pb, carrier.pid(), n, &audio);
        let held = s.placed == n
            && s.connected == n
            && s.disconnected == 0
            && s.worst_leg <= 100.0 - MIN_RECEIVED
            && s.checked > 0
            && s.legs_with_tone == s.checked;
        let pct = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |c| format!("{c:.1}%"));
        let per_leg = s
            .patchbay_cpu
            .map_or_else(|| "-".to_owned(), |c| format!("{:.3}%", c / n as f64));
        // The visitors' threads at their limit: a failure is the benchmark's, not Patchbay's.
        let saturated = s
            .bench_cpu
            .is_some_and(|c| c >= 90.0 * args.client_threads as f64);
        println!(
            "{n:>5} {:>6} {:>5} {:>9} {:>7.3}% {:>7.3}% {:>7} {:>8} {per_leg:>9} {:>7.0} {:>8} {:>7}{}{}",
            s.placed,
            s.connected,
            s.expected,
            s.loss(),
            s.worst_leg,
            format!("{}/{}", s.legs_with_tone, s.checked),
            pct(s.patchbay_cpu),
            s.rss,
            pct(s.bench_cpu),
            pct(s.sipp_cpu),
            if held { "" } else { "  (not held)" },
            if saturated {
                "  (client threads saturated: add --client-threads)"
            } else {
                ""
            },
        );
        for r in s.refusal.iter().chain(&s.hangup_error) {
            println!("      {r}");
        }
        // Where missing packets went: gaps in the sequence numbers are lost on the way; the
        // rest were never sent by Patchbay in time. The visitors' own sending says whether
        // they kept real time.
        println!(
            "      visitors sent {:.2}% of real time; lost by sequence number: {}; \
             disconnected: {}; hung up (204): {}/{}",
            s.sent as f64 * 100.0 / s.expected.max(1) as f64,
            s.lost_seq,
            s.disconnected,
            s.hung_up,
            s.placed
        );
        if held {
            largest = Some(n);
        }
        if !pb.is_running() {
            println!("Patchbay exited");
            print_log(dir, patchbay::LOG, "patchbay", 20);
            break;
        }
        if carrier.has_exited() {
            println!("the sipp carrier exited");
            print_log(dir, "carrier.err", "sipp", 10);
            break;
        }
        if !held || interrupted() {
            if !held {
                print_trouble(dir);
                print_log(dir, "carrier.err", "sipp", 5);
            }
            break;
        }
    }
    println!(
        "placed: 201 from POST /widget/calls; conn: WebRTC connected; expected: packets back to \
         the visitors over the hold (50/s a leg); loss: of those, not received (all legs, and \
         the worst leg); tone: legs with >= {MIN_TONE}% of frames carrying 1 kHz, of those \
         that decoded and checked; pb cpu: \
         Patchbay's CPU, share of one core, while all N are up; cpu/leg: that per leg; rss: \
         Patchbay's resident memory then; bench: this benchmark's CPU (visitors' SRTP and Opus); \
         sipp: the carrier's"
    );
    let all_held = largest == args.steps.iter().max().copied();
    match largest {
        Some(n) if Some(&n) == args.steps.iter().max() => println!(
            "largest N held {} s without audio loss (>= {MIN_RECEIVED}% of packets, tone on every \
             leg checked): {n} (the largest tried; try larger N)",
            args.hold
        ),
        Some(n) => println!(
            "largest N held {} s without audio loss (>= {MIN_RECEIVED}% of packets, tone on every \
             leg checked): {n}",
            args.hold
        ),
        None => println!(
            "largest N held {} s without audio loss: none of {:?}",
            args.hold, args.steps
        ),
    }
    all_held
}

/// Patchbay's warnings, errors and panics (the last 20), when a step was not held.
fn print_trouble(dir: &Path) {
    let mut lines = Vec::new();
    for log in [patchbay::LOG, "patchbay.err"] {
        let text = std::fs::read_to_string(dir.join(log)).unwrap_or_default();
        lines.extend(
            text.lines()
                .filter(|l| l.contains("WARN") || l.contains("ERROR") || l.contains("panic"))
                .map(str::to_owned),
        );
    }
    for l in &lines[lines.len().saturating_sub(20)..] {
        eprintln!("patchbay: {l}");
    }
}

/// The carrier's trunk, the widget number and its flow, through the admin API.
fn configure(pb: &Patchbay) -> Result<(), String> {
    pb.forward_every_call(NUMBER, FORWARD_TO, CARRIER_PORT)
}

/// CPU time of Patchbay, this process and sipp, and when.
fn cpu_snapshot(pb: u32, sipp: u32) -> [Duration; 3] {
    [
        cpu_time_of(Some(pb)),
        cpu_time_of(None),
        cpu_time_of(Some(sipp)),
    ]
}

/// Places `n` widget calls, holds them, hangs them up; returns the figures.
fn step(
    args: &Args,
    rt: &tokio::runtime::Runtime,
    pb: &Patchbay,
    sipp: u32,
    n: usize,
    audio: &Audio,
) -> Step {
    let mut s = Step::default();
    let control = Arc::new(Control::new(Instant::now()));
    let mut calls = Vec::with_capacity(n);
    let mut tasks = Vec::with_capacity(n);
    let start = Instant::now();
    for i in 0..n {
        if !sleep_until(start + Duration::from_secs_f64(i as f64 / args.rate)) {
            break;
        }
        match place(pb) {
            Ok((call_id, client, sock)) => {
                calls.push(call_id);
                let check = i % args.check_every == 0;
                tasks.push(rt.spawn(client::drive(
                    client,
                    sock,
                    audio.clone(),
                    check,
                    control.clone(),
                )));
            }
            Err(e) => {
                s.refusal = Some(format!("call {} of {n}: {e}", i + 1));
                break;
            }
        }
    }
    s.placed = calls.len();
    let deadline = Instant::now() + CONNECT_WAIT;
    while control.connected.load(Relaxed) < s.placed && sleep_until(Instant::now()) {
        if Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut window_cpu = None;
    if s.placed > 0 && sleep_until(Instant::now() + SETTLE) {
        let w0 = Instant::now();
        let end = w0 + Duration::from_secs(args.hold);
        control.set_window(w0, end);
        let c0 = cpu_snapshot(pb.pid(), sipp);
        if sleep_until(end) {
            let c1 = cpu_snapshot(pb.pid(), sipp);
            s.rss = rss_mib(pb.pid());
            window_cpu = Some((c0, c1, w0.elapsed()));
        }
        // Every task closes its window at its first turn after the end (bounded).
        let give_up = Instant::now() + Duration::from_secs(10);
        while control.closed.load(Relaxed) < s.placed && Instant::now() < give_up {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    if let Some((c0, c1, wall)) = window_cpu {
        let pct = |i: usize| (c1[i] - c0[i]).as_secs_f64() * 100.0 / wall.as_secs_f64();
        s.patchbay_cpu = Some(pct(0));
        s.bench_cpu = Some(pct(1));
        s.sipp_cpu = Some(pct(2));
    }
    // The visitors stop first, so a hang-up's DTLS close is not taken for a dropped leg.
    control.stop();
    let reports: Vec<Report> = rt.block_on(async {
        let mut out = Vec::with_capacity(tasks.len());
        for t in tasks {
            out.push(t.await.unwrap_or_default());
        }
        out
    });
    for id in &calls {
        match pb.public("DELETE", &format!("/widget/calls/{id}"), None) {
            Ok(r) if r.status == 204 => s.hung_up += 1,
            Ok(r) => {
                s.hangup_error.get_or_insert_with(|| {
                    format!("DELETE /api/v1/widget/calls/{id} answered {r}")
                });
            }
            Err(e) => {
                s.hangup_error
                    .get_or_insert_with(|| format!("DELETE /api/v1/widget/calls/{id}: {e}"));
            }
        }
    }
    let hold_expected = (args.hold as f64 * client::PACKETS_PER_SECOND) as u64;
    for r in &reports {
        s.connected += usize::from(r.connected);
        s.disconnected += usize::from(r.disconnected);
        let w = r.window.unwrap_or_default();
        let expected = if r.window.is_some() {
            w.expected()
        } else {
            hold_expected
        };
        s.expected += expected;
        s.received += w.received.min(expected);
        s.lost_seq += w.lost;
        s.sent += w.sent;
        let leg_loss = expected.saturating_sub(w.received) as f64 * 100.0 / expected.max(1) as f64;
        s.worst_leg = s.worst_leg.max(leg_loss);
        if r.checked {
            s.checked += 1;
            let tone_share = w.tone_frames as f64 * 100.0 / expected.max(w.frames).max(1) as f64;
            s.legs_with_tone += usize::from(tone_share >= MIN_TONE);
        }
    }
    // Calls that were never placed count as lost in full.
    s.expected += hold_expected * (n - s.placed) as u64;
    if s.placed < n {
        s.worst_leg = 100.0;
    }
    // Let Patchbay release the calls before the next step.
    sleep_until(Instant::now() + Duration::from_secs(3));
    s
}

/// One visitor: a client on a new loopback socket, its offer posted to the widget API, the
/// answer taken. Returns the call id, the client and its socket.
fn place(pb: &Patchbay) -> Result<(String, WebRtcClient, UdpSocket), String> {
    let sock = UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    sock.set_nonblocking(true)
        .map_err(|e| format!("socket: {e}"))?;
    let local = sock.local_addr().map_err(|e| format!("socket: {e}"))?;
    let (mut client, offer) =
        WebRtcClient::new(Instant::now(), local, Codec::Opus).map_err(|e| format!("offer: {e}"))?;
    let r = pb
        .public(
            "POST",
            "/widget/calls",
            Some(&serde_json::json!({ "number": NUMBER, "sdp": offer })),
        )
        .map_err(|e| format!("POST /api/v1/widget/calls: {e}"))?;
    if r.status != 201 {
        return Err(format!("POST /api/v1/widget/calls answered {r}"));
    }
    let (Some(call_id), Some(answer)) = (call_id(&r.json()), r.field("sdp")) else {
        return Err(format!(
            "POST /api/v1/widget/calls: no call_id or sdp in {r}"
        ));
    };
    client
        .accept_answer(Instant::now(), &answer)
        .map_err(|e| format!("the answer: {e}"))?;
    Ok((call_id, client, sock))
}

/// The call id of a 201, a string or a number.
fn call_id(v: &serde_json::Value) -> Option<String> {
    match &v["call_id"] {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
