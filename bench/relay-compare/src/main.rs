//! Patchbay side by side with the field's standard relay, in one run on one machine: the same
//! sipp calls with G.711 media go through Patchbay (its binary; an IVR number whose flow forwards
//! every call over a trunk: a B2BUA with the media anchored, every call recorded to a stereo
//! WAV) and through Kamailio + rtpengine from Debian's packages (a record-routing proxy and a
//! user-space relay, nothing recorded), to a sipp far end whose media the benchmark echoes.
//!
//! ```text
//! sipp caller ──SIP──► system under test ──SIP──► sipp far end (answers)
//!   tone, 50 pkt/s ──RTP──► relay/B2BUA ──RTP──► the benchmark's echo socket (counts, echoes)
//! ```
//!
//! For each number N of concurrent calls, each system in turn (callers arrive at `--rate`/s and
//! stay the ramp plus `--hold` seconds, so all N talk together `--hold` seconds): calls whose media
//! reached the far end, failed calls (sipp's), RTP packets the far end expected and lost (from
//! sequence numbers), and the system's CPU while all N are up, as a share of one core in total and
//! per call (Kamailio's and rtpengine's apart too), the load generator's CPU beside it, and
//! Patchbay's recorded audio against the calls' length. Then the ratio of Patchbay's CPU per call
//! to rtpengine's and to Kamailio + rtpengine's. Last, signalling at rate without media
//! ([`signalling`]): calls completed and failed, CPU per call, p50/p99 setup. Asserts nothing
//! about time; every child is bounded by `-timeout` or killed when the benchmark ends or is
//! interrupted.
//!
//! Run: `cargo build --release -p patchbay -p relay-compare && target/release/relay-compare`
//! (`-- 100 200 400`, the default, picks N; `--hold 30`, `--rate 20`; `--signalling 300` calls a
//! second for `--seconds 10`, the default, 0 for none, alone it runs only that; `--only patchbay`
//! or `--only kamailio` runs one system).

mod echo;
mod kamailio;
mod media;
mod scenarios;
mod signalling;
mod system;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering::Relaxed;

use bench_harness::interrupt::{interrupted, watch_ctrl_c};
use bench_harness::patchbay::{self, Patchbay};
use bench_harness::process::{KillOnDrop, log_file, print_log};

use echo::Echo;
use kamailio::Relay;
use system::System;

/// Patchbay's IVR number of the benchmark and where its flow forwards calls.
const NUMBER: &str = "4009500000";
const FORWARD_TO: &str = "13900000001";
/// Ports: sipp caller and far end (SIP), Kamailio, rtpengine's control, the echo socket, the
/// caller's media; then the systems' media ranges (Patchbay takes 4 ports a call, 2 legs of RTP
/// and RTCP, as does rtpengine: Patchbay's range holds 2,000 calls, rtpengine's 1,000).
/// Apart from the other benchmarks'.
const CALLER_PORT: u16 = 1990;
const FAR_PORT: u16 = 1992;
const KAMAILIO_PORT: u16 = 1994;
const NG_PORT: u16 = 1996;
const ECHO_PORT: u16 = 1998;
const CALLER_MEDIA: u16 = 1980;
const PATCHBAY_RTP: (u16, u16) = (20_000, 27_999);
const RTPENGINE_PORTS: (u16, u16) = (61_000, 64_999);
/// Recorded audio, in % of the calls' length, below which Patchbay's media plane fell behind.
const MIN_AUDIO: f64 = 99.0;

/// Command-line settings.
#[derive(Debug)]
pub(crate) struct Args {
    pub(crate) levels: Vec<u32>,
    pub(crate) hold: u64,
    pub(crate) rate: u32,
    pub(crate) patchbay: bool,
    pub(crate) kamailio: bool,
    /// Calls a second of the signalling run (0: none), and its length.
    pub(crate) signalling: u32,
    pub(crate) seconds: u64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        levels: Vec::new(),
        hold: 30,
        rate: 20,
        patchbay: true,
        kamailio: true,
        signalling: 300,
        seconds: 10,
    };
    let mut signalling_only = false;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--hold" => a.hold = value("--hold")?.parse().map_err(|_| "--hold: seconds")?,
            "--rate" => {
                a.rate = value("--rate")?
                    .parse()
                    .ok()
                    .filter(|r| *r > 0)
                    .ok_or("--rate: calls per second, above 0")?;
            }
            "--signalling" => {
                a.signalling = value("--signalling")?
                    .parse()
                    .map_err(|_| "--signalling: calls per second (0: none)")?;
                signalling_only = true;
            }
            "--seconds" => {
                a.seconds = value("--seconds")?
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or("--seconds: above 0")?;
            }
            "--only" => match value("--only")?.as_str() {
                "patchbay" => a.kamailio = false,
                "kamailio" => a.patchbay = false,
                other => return Err(format!("--only: patchbay or kamailio, not {other}")),
            },
            n => match n.parse::<u32>() {
                Ok(n) if n > 0 => a.levels.push(n),
                _ => {
                    return Err(format!(
                        "unknown argument {n}: [N ...] [--hold S] [--rate R] [--signalling R] \
                         [--seconds S] [--only patchbay|kamailio]"
                    ));
                }
            },
        }
    }
    // `--signalling` alone runs only that; no levels named runs the default ones.
    if a.levels.is_empty() && !signalling_only {
        a.levels = vec![100, 200, 400];
    }
    // Each system's media range holds so many calls; a level above it would fail calls for want
    // of ports, not of capacity.
    for (on, range, system) in [
        (a.patchbay, PATCHBAY_RTP, "Patchbay"),
        (a.kamailio, RTPENGINE_PORTS, "rtpengine"),
    ] {
        let most = (u32::from(range.1) - u32::from(range.0) + 1) / 4;
        if let Some(n) = a.levels.iter().find(|n| on && **n > most) {
            return Err(format!(
                "{n} calls: {system}'s port range here holds {most} calls at most{}",
                if system == "rtpengine" {
                    " (--only patchbay goes further)"
                } else {
                    ""
                }
            ));
        }
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
    watch_ctrl_c();
    let dir = std::env::temp_dir().join(format!("patchbay-relay-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("work dir");
    let ok = run(&args, &dir);
    if interrupted() {
        eprintln!("interrupted; sipp, Patchbay, Kamailio and rtpengine stopped");
    }
    if ok {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        let _ = std::fs::remove_dir_all(dir.join("data"));
        eprintln!("logs kept in {}", dir.display());
    }
}

fn run(args: &Args, dir: &Path) -> bool {
    let top = args
        .levels
        .iter()
        .copied()
        .max()
        .unwrap_or(1)
        .max(3 * args.signalling);
    let ramp_of = |n: u32| u64::from(n.div_ceil(args.rate));
    let lifetime: u64 = args
        .levels
        .iter()
        .map(|n| 2 * (args.hold + 2 * ramp_of(*n) + 90))
        .sum::<u64>()
        + 2 * (args.seconds + 90)
        + 120;
    std::fs::write(dir.join("tone.wav"), bench_harness::ulaw_tone(1_000, 10)).expect("tone");
    std::fs::write(dir.join("far.xml"), scenarios::far_end(ECHO_PORT)).expect("scenario");
    let echo = match Echo::start(ECHO_PORT) {
        Ok(e) => e,
        Err(e) => {
            println!("cannot bind the echo socket 127.0.0.1:{ECHO_PORT}: {e}");
            return false;
        }
    };
    let far = Command::new("sipp")
        .current_dir(dir)
        .args([
            "-sf",
            "far.xml",
            "-i",
            "127.0.0.1",
            "-p",
            &FAR_PORT.to_string(),
        ])
        .args(["-nostdin", "-timeout", &lifetime.to_string()])
        .args(["-max_socket", &(4 * top + 100).to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file(dir, "far.err"))
        .spawn();
    let Ok(far) = far else {
        println!("sipp is not installed: apt-get install sip-tester");
        return false;
    };
    let mut far = KillOnDrop(far);
    media::FAR_PID.store(far.pid(), Relaxed);
    let far_end: SocketAddr = ([127, 0, 0, 1], FAR_PORT).into();

    let pb = if args.patchbay {
        let env = [
            ("PATCHBAY_COMPRESS_RECORDINGS", "false".to_owned()),
            // Every level up to the range's 2,000 calls (the default cap is 2,000 live calls).
            ("PATCHBAY_SIP_MAX_CALLS", "0".to_owned()),
        ];
        match Patchbay::start(&patchbay::binary(), dir, PATCHBAY_RTP, &env) {
            Ok(p) => match configure(&p) {
                Ok(()) => Some(p),
                Err(e) => {
                    println!("cannot configure Patchbay: {e}");
                    return false;
                }
            },
            Err(e) => {
                println!("cannot run Patchbay: {e} (build it: cargo build --release -p patchbay)");
                print_log(dir, patchbay::LOG, "patchbay", 10);
                return false;
            }
        }
    } else {
        None
    };
    let relay = if args.kamailio {
        let sip = ([127, 0, 0, 1], KAMAILIO_PORT).into();
        let ng = ([127, 0, 0, 1], NG_PORT).into();
        match Relay::start(dir, sip, ng, RTPENGINE_PORTS, far_end) {
            Ok(r) => Some(r),
            Err(e) => {
                println!("cannot run Kamailio + rtpengine: {e}");
                print_log(dir, "kamailio.log", "kamailio", 10);
                print_log(dir, "rtpengine.log", "rtpengine", 10);
                return false;
            }
        }
    } else {
        None
    };
    let mut systems = Vec::new();
    if let Some(p) = &pb {
        systems.push(System::Patchbay(p));
    }
    if let Some(r) = &relay {
        systems.push(System::Relay(r));
    }
    println!(
        "sipp caller → system → sipp far end; Patchbay forwards through an IVR number and a \
         trunk and records every call (stereo WAV); Kamailio {} proxies with rtpengine {} \
         relaying in user space, nothing recorded; everything on this machine",
        version("kamailio", &["-v"], 0),
        version("rtpengine", &["--version"], 0),
    );
    if args.levels.is_empty() {
        return signalling(args, dir, &systems);
    }
    println!(
        "media: 1 kHz µ-law, 50 pkt/s from the caller, echoed by the benchmark at the far end; \
         calls placed at {}/s, all N up together {} s",
        args.rate, args.hold
    );
    println!(
        "{:>5}  {:<19} {:>5} {:>6} {:>9} {:>6} {:>7} {:>7} {:>8} {:>6} {:>21} {:>9} {:>8}",
        "N",
        "system",
        "up",
        "failed",
        "expected",
        "lost",
        "loss",
        "cpu",
        "cpu/call",
        "audio",
        "kamailio / rtpengine",
        "generator",
        "machine"
    );
    let mut all_held = true;
    for &n in &args.levels {
        let mut per_call: Vec<(&str, f64, Option<f64>, f64)> = Vec::new();
        for system in &systems {
            let s = media::step(args, dir, system, &echo, n, ramp_of(n));
            let held = s.up == n as usize
                && s.failed == 0
                && s.counts.loss() < 0.1
                && s.audio.is_none_or(|a| a >= MIN_AUDIO);
            all_held &= held;
            let pct = |v: Option<f64>, p: usize| {
                v.map_or_else(|| "-".to_owned(), |c| format!("{c:.p$}%"))
            };
            let call = s.cpu.map(|c| c / f64::from(n));
            println!(
                "{n:>5}  {:<19} {:>5} {:>6} {:>9} {:>6} {:>6.3}% {:>7} {:>8} {:>6} {:>21} {:>9} {:>8}{}",
                system.name(),
                s.up,
                s.failed,
                s.counts.expected,
                s.counts.expected.saturating_sub(s.counts.received),
                s.counts.loss(),
                pct(s.cpu, 1),
                pct(call, 3),
                pct(s.audio, 1),
                s.parts.map_or_else(
                    || "-".to_owned(),
                    |(k, e)| format!("{:.3}% / {:.3}%", k / f64::from(n), e / f64::from(n))
                ),
                pct(s.generator, 1),
                pct(s.machine, 1),
                if held { "" } else { "  (not held)" },
            );
            if let Some(c) = call {
                per_call.push((
                    system.name(),
                    c,
                    s.parts.map(|(_, e)| e / f64::from(n)),
                    s.generator.unwrap_or(0.0) / f64::from(n),
                ));
            }
            if interrupted() {
                return false;
            }
        }
        if let [(_, pb, None, pb_gen), (_, both, Some(engine), engine_gen)] = per_call[..] {
            println!(
                "{n:>5}  Patchbay's CPU per call is {:.2}× rtpengine's alone and {:.2}× Kamailio + rtpengine's",
                pb / engine,
                pb / both
            );
            // Packets the kernel forwards for Patchbay are handled in the sender's system call
            // (softirq, charged to the generator here): count all the generator's extra CPU
            // in Patchbay's run as Patchbay's.
            let extra = (pb_gen - engine_gen).max(0.0);
            println!(
                "{n:>5}  with the generator's extra CPU in Patchbay's run counted as Patchbay's ({extra:.3}% a call): {:.2}× rtpengine's alone",
                (pb + extra) / engine
            );
        }
        if far.has_exited() {
            println!("the sipp far end exited");
            print_log(dir, "far.err", "sipp", 5);
            return false;
        }
    }
    println!(
        "up: calls whose media reached the far end at once; failed: sipp's failed calls; \
         expected/lost/loss: RTP packets caller → system → far end, from sequence numbers; cpu: \
         the system's share of one core while all N are up (Kamailio's processes and rtpengine \
         together), cpu/call that per call; audio: Patchbay's recordings against the calls' \
         length; kamailio / rtpengine: each one's share per call; generator: the two sipp \
         processes and this benchmark's echo; machine: every core's busy time, whoever used it"
    );
    all_held & signalling(args, dir, &systems)
}

/// The signalling run, if asked for: prints a row per system; false if a call failed.
fn signalling(args: &Args, dir: &Path, systems: &[System]) -> bool {
    if args.signalling == 0 || interrupted() {
        return true;
    }
    println!(
        "signalling, no media: {} calls a second for {} s, each answered by the far end and hung \
         up after 1 s",
        args.signalling, args.seconds
    );
    println!(
        "{:<19} {:>9} {:>7} {:>12} {:>9} {:>9} {:>9}",
        "system", "completed", "failed", "cpu ms/call", "p50", "p99", "max"
    );
    let mut ok = true;
    for system in systems {
        let mut r = signalling::step(dir, system, args.signalling, args.seconds);
        ok &= r.failed == 0 && r.completed > 0;
        let mut ms = |p: f64| bench_harness::sipp::fmt_ms(r.setup.percentile(p));
        let (p50, p99, max) = (ms(50.0), ms(99.0), ms(100.0));
        println!(
            "{:<19} {:>9} {:>7} {:>12} {p50:>9} {p99:>9} {max:>9}",
            system.name(),
            r.completed,
            r.failed,
            r.cpu_ms_per_call
                .map_or_else(|| "-".to_owned(), |c| format!("{c:.2}")),
        );
        if r.completed == 0 {
            print_log(dir, "signal.err", "sipp", 5);
        }
        if interrupted() {
            return false;
        }
    }
    println!(
        "completed/failed: sipp's calls; cpu ms/call: the system's CPU from the first INVITE to \
         the last call's end, per completed call; p50/p99/max: INVITE to 200 at the caller"
    );
    ok
}

/// The first word after the program's name on line `line` of its version output.
fn version(bin: &str, args: &[&str], line: usize) -> String {
    Command::new(bin)
        .args(args)
        .output()
        .ok()
        .and_then(|o| {
            let text = String::from_utf8_lossy(&o.stdout).into_owned()
                + &String::from_utf8_lossy(&o.stderr);
            let l = text.lines().nth(line)?.to_owned();
            Some(
                l.split_whitespace()
                    .find(|w| w.starts_with(char::is_numeric))?
                    .to_owned(),
            )
        })
        .unwrap_or_else(|| "?".to_owned())
}

/// A trunk to the sipp far end and an IVR number whose flow forwards every call over it.
fn configure(pb: &Patchbay) -> Result<(), String> {
    pb.forward_every_call(NUMBER, FORWARD_TO, FAR_PORT)
}
