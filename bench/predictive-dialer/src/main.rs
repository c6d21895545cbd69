//! The predictive dialer on real calls: Patchbay's binary runs a predictive campaign for N agents
//! (default 20) whose desk phones are one sipp process registering every account with digest;
//! each phone answers the call it is given at once (a predictive call's agent answers by itself),
//! talks a uniformly random handle time (default 10–30 s) and hangs up; after-call work is 3 s. A
//! sipp carrier answers 60 % of the numbers after 2–6 s of ringing, finds 15 % busy and lets 25 %
//! ring 8 s without an answer (the customer list is drawn with a fixed seed). Nothing but the
//! dialer places calls.
//!
//! For the run's length (default 600 s) it samples every agent's state each second and prints
//! the calls placed and per second, the customers answered, the calls abandoned (answered with no
//! agent free: the customer heard the no-agent message), the abandon rate Patchbay reports for
//! the campaign against its cap, the agents' occupancy (talking, ringing or in after-call work,
//! over signed-in time) and talk share, the customers' talk time over the agents' time and the
//! answered calls per agent-hour from the call records (comparable across modes: a progressive
//! agent is on the call while the customer rings), and Patchbay's CPU. The first 30 calls are dialed
//! progressively (the pacer measures before calling ahead). Asserts nothing; sipp runs are bounded
//! by `-timeout` and killed when the benchmark ends.
//!
//! Run: `cargo build --release -p predictive-dialer -p patchbay && target/release/predictive-dialer`
//! (options: `--agents 20 --seconds 600 --handle 10-30 --cap 3 --seed 0`; `--mode progressive` runs the
//! same load with progressive dialing, the baseline to compare occupancy with).

mod scenarios;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bench_harness::patchbay::Patchbay;
use bench_harness::process::{KillOnDrop, cpu_time_of, log_file, print_log};
use serde_json::json;

/// Ports of the carrier and the phones' sipp (SIP, media) and Patchbay's RTP, apart from the
/// other benchmarks'.
const CARRIER_PORT: u16 = 23_990;
const CARRIER_MEDIA: u16 = 23_000;
const PHONES_PORT: u16 = 23_992;
const PHONES_MEDIA: u16 = 23_004;
const RTP_PORTS: (u16, u16) = (30_000, 34_999);
/// The enterprise number the campaign calls from.
const NUMBER: &str = "4009300000";
/// After-call work, seconds.
const AFTER_CALL_WORK: u32 = 3;

struct Options {
    mode: String,
    agents: u32,
    seconds: u64,
    handle: (u64, u64),
    cap: f64,
    seed: u64,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        mode: "predictive".to_owned(),
        agents: 20,
        seconds: 600,
        handle: (10, 30),
        cap: 3.0,
        seed: 0,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair
            .get(1)
            .ok_or_else(|| format!("{} needs a value", pair[0]))?;
        let bad = || format!("bad value for {}: {value}", pair[0]);
        let int = |v: &str| v.parse::<u64>().map_err(|_| bad());
        match pair[0].as_str() {
            "--agents" => o.agents = u32::try_from(int(value)?).map_err(|_| bad())?,
            "--seconds" => o.seconds = int(value)?,
            "--cap" => o.cap = value.parse().map_err(|_| bad())?,
            "--seed" => o.seed = int(value)?,
            "--mode" if value == "predictive" || value == "progressive" => {
                o.mode.clone_from(value);
            }
            "--handle" => {
                let (a, b) = value.split_once('-').ok_or_else(bad)?;
                o.handle = (int(a)?, int(b)?);
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    if o.agents == 0 || o.agents > 200 || o.handle.0 == 0 || o.handle.0 > o.handle.1 {
        return Err("agents 1–200 and a handle time like 10-30 (seconds)".to_owned());
    }
    Ok(o)
}

/// A customer list of `n` numbers `1398NNxxxxx`, NN drawn uniformly from 00–99 from `seed`
/// (the carrier answers by NN).
fn customers(n: u32, seed: u64) -> String {
    let mut csv = String::from("name,number\n");
    let mut x: u64 = 0x5eed_cafe ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for i in 0..n {
        // A 64-bit LCG (Knuth's MMIX constants): enough for a reproducible spread.
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let nn = (x >> 33) % 100;
        csv.push_str(&format!("customer {i},1398{nn:02}{i:05}\n"));
    }
    csv
}

fn ok_or<T>(
    r: std::io::Result<bench_harness::http::Response>,
    what: &str,
    f: impl FnOnce(serde_json::Value) -> Option<T>,
) -> Result<T, String> {
    match r {
        Ok(r) if (200..300).contains(&r.status) => {
            f(r.json()).ok_or_else(|| format!("{what}: {r}"))
        }
        Ok(r) => Err(format!("{what}: {r}")),
        Err(e) => Err(format!("{what}: {e}")),
    }
}

fn sipp(dir: &Path, args: &[&str], log: &str) -> Result<KillOnDrop, String> {
    Command::new("sipp")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file(dir, log))
        .spawn()
        .map(KillOnDrop)
        .map_err(|e| format!("sipp: {e} (apt-get install sip-tester)"))
}

/// Desk phone `agentI`'s SIP password.
fn sip_password(i: u32) -> String {
    format!("pass-word-{i}")
}

/// The benchmark's agents: users `7001…` with desk-phone accounts `agentI`/`pass-word-I`; their ids and
/// initial passwords.
fn create_agents(pb: &Patchbay, n: u32) -> Result<Vec<(i64, String, String)>, String> {
    let role = ok_or(
        pb.admin("GET", "/users?q=1001", None),
        "the agent role",
        |v| v["items"][0]["role_id"].as_i64(),
    )?;
    let mut agents = Vec::new();
    for i in 1..=n {
        let work_id = format!("{}", 7000 + i);
        let body = json!({"work_id": work_id, "name": format!("Agent {i}"), "role_id": role});
        let (id, password) = ok_or(pb.admin("POST", "/users", Some(&body)), "an agent", |v| {
            Some((
                v["user"]["id"].as_i64()?,
                v["initial_password"].as_str()?.to_owned(),
            ))
        })?;
        let sip = json!({"username": format!("agent{i}"), "password": sip_password(i)});
        ok_or(
            pb.admin("PUT", &format!("/users/{id}/sip-account"), Some(&sip)),
            "a SIP account",
            |_| Some(()),
        )?;
        agents.push((id, work_id, password));
    }
    Ok(agents)
}

/// Signs an agent in on the desk phone, idle; their token.
fn sign_in(pb: &Patchbay, work_id: &str, password: &str) -> Result<String, String> {
    let body = json!({"enterprise": "demo", "work_id": work_id, "password": password});
    let token = ok_or(
        pb.public("POST", "/auth/login", Some(&body)),
        "sign-in",
        |v| v["token"].as_str().map(str::to_owned),
    )?;
    for change in [
        json!({"login": "online", "device": "desk_phone"}),
        json!({"phone": "idle"}),
    ] {
        let r = bench_harness::http::request(
            pb.http,
            "PUT",
            "/api/v1/me/presence",
            Some(&token),
            Some(&change),
        );
        ok_or(r, "presence", |_| Some(()))?;
    }
    Ok(token)
}

/// The states of the benchmark's agents now: (signed in, talking, busy with a call).
fn sample(pb: &Patchbay) -> (u32, u32, u32) {
    let Ok(r) = pb.admin("GET", "/monitor", None) else {
        return (0, 0, 0);
    };
    let v = r.json();
    let (mut online, mut talking, mut busy) = (0, 0, 0);
    for a in v["agents"].as_array().into_iter().flatten() {
        if !a["work_id"].as_str().is_some_and(|w| w.starts_with('7')) {
            continue;
        }
        let p = &a["presence"];
        if p["login"] != "online" {
            continue;
        }
        online += 1;
        match p["phone"].as_str() {
            Some("talking") => {
                talking += 1;
                busy += 1;
            }
            Some("ringing" | "after_call_work") => busy += 1,
            _ => {}
        }
    }
    (online, talking, busy)
}

/// The talk time (seconds, from the customer's answer to the end) of the calls answered by an
/// agent that started at or after `from_ms`, from the call records.
fn talk_seconds(pb: &Patchbay, from_ms: i64) -> i64 {
    let mut total = 0;
    for page in 1.. {
        let path = format!("/calls?from={from_ms}&result=answered&page_size=200&page={page}");
        let Ok(r) = pb.admin("GET", &path, None) else {
            break;
        };
        let v = r.json();
        let items = v["items"].as_array().cloned().unwrap_or_default();
        total += items
            .iter()
            .filter_map(|c| c["talk_seconds"].as_i64())
            .sum::<i64>();
        if items.len() < 200 {
            break;
        }
    }
    total
}

/// How many calls `/calls` counts with this query.
fn count(pb: &Patchbay, query: &str) -> i64 {
    pb.admin("GET", &format!("/calls?page_size=1&{query}"), None)
        .ok()
        .and_then(|r| r.json()["total"].as_i64())
        .unwrap_or(-1)
}

fn run(o: &Options, dir: &Path) -> Result<(), String> {
    let bin = bench_harness::patchbay::binary();
    let pb = Patchbay::start(&bin, dir, RTP_PORTS, &[])?;
    let lifetime = o.seconds + 300;
    std::fs::write(dir.join("carrier.xml"), scenarios::CARRIER).map_err(|e| e.to_string())?;
    let timeout = lifetime.to_string();
    let _carrier = sipp(
        dir,
        &[
            "-sf",
            "carrier.xml",
            "-i",
            "127.0.0.1",
            "-p",
            &CARRIER_PORT.to_string(),
            "-mp",
            &CARRIER_MEDIA.to_string(),
            "-nostdin",
            "-timeout",
            &timeout,
            "-trace_err",
        ],
        "carrier.err",
    )?;
    let trunk = pb.create_trunk(&json!({
        "name": "sipp carrier", "mode": "peer", "host": "127.0.0.1", "port": CARRIER_PORT,
        "allowed_sources": ["127.0.0.1"], "codecs": ["PCMU"], "keepalive": false
    }))?;
    pb.create_number(NUMBER, trunk, "welcome")?;
    let settings = json!({"after_call_work_secs": AFTER_CALL_WORK});
    ok_or(
        pb.admin("PUT", "/enterprise/settings", Some(&settings)),
        "after-call work",
        |_| Some(()),
    )?;

    let agents = create_agents(&pb, o.agents)?;
    std::fs::write(
        dir.join("accounts.csv"),
        bench_harness::sipp::accounts(o.agents, sip_password),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("register.xml"),
        bench_harness::sipp::register(lifetime),
    )
    .map_err(|e| e.to_string())?;
    let (min, max) = (o.handle.0 * 1000, o.handle.1 * 1000);
    std::fs::write(dir.join("phone.xml"), scenarios::phone(min, max)).map_err(|e| e.to_string())?;
    let n = o.agents.to_string();
    let mut phones = sipp(
        dir,
        &[
            "-sf",
            "register.xml",
            "-inf",
            "accounts.csv",
            "-oocsf",
            "phone.xml",
            "-i",
            "127.0.0.1",
            "-p",
            &PHONES_PORT.to_string(),
            "-mp",
            &PHONES_MEDIA.to_string(),
            "-m",
            &n,
            "-l",
            &n,
            "-r",
            "50",
            "-nostdin",
            "-timeout",
            &timeout,
            &pb.sip.to_string(),
        ],
        "phones.err",
    )?;
    let deadline = Instant::now() + Duration::from_secs(30);
    let registered = loop {
        let up = agents
            .iter()
            .filter(|(id, ..)| {
                pb.admin("GET", &format!("/users/{id}/sip-account"), None)
                    .is_ok_and(|r| r.body.contains("\"contact\""))
            })
            .count();
        if up == agents.len() || Instant::now() > deadline || phones.has_exited() {
            break up;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    if registered < agents.len() {
        print_log(dir, "phones.err", "phones", 10);
        return Err(format!(
            "{registered}/{} desk phones registered",
            agents.len()
        ));
    }
    for (_, work_id, password) in &agents {
        sign_in(&pb, work_id, password)?;
    }

    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    let ids: Vec<i64> = agents.iter().map(|(id, ..)| *id).collect();
    let campaign = json!({
        "name": "predictive benchmark", "start_at": now_ms + 3_600_000, "end_at": now_ms + 86_400_000,
        "caller_numbers": [NUMBER], "agent_ids": ids, "hours_from": "00:00", "hours_to": "00:00",
        "mode": o.mode, "abandon_cap_percent": o.cap, "max_attempts": 1
    });
    let id = ok_or(
        pb.admin("POST", "/campaigns", Some(&campaign)),
        "the campaign",
        |v| v["id"].as_i64(),
    )?;
    // Enough customers that the list never runs out: a call every few seconds per agent.
    let list = customers(
        o.agents * u32::try_from(o.seconds).unwrap_or(u32::MAX) / 4,
        o.seed,
    );
    let imported = ok_or(
        pb.admin_upload(
            &format!("/campaigns/{id}/import?file_name=list.csv"),
            "text/csv",
            list.as_bytes(),
        ),
        "the import",
        |v| v["imported"].as_i64(),
    )?;
    println!(
        "{} dialing; {} agents on sipp desk phones (answer at once, talk {}–{} s, {AFTER_CALL_WORK} s after-call work); \
         carrier answers 60 % after 2–6 s, 15 % busy, 25 % ring 8 s unanswered; {imported} customers \
         (seed {}); abandon-rate cap {} %; {} s",
        o.mode, o.agents, o.handle.0, o.handle.1, o.seed, o.cap, o.seconds
    );
    let started_ms = now_ms;
    let cpu0 = cpu_time_of(Some(pb.pid()));
    let t0 = Instant::now();
    ok_or(
        pb.admin(
            "POST",
            &format!("/campaigns/{id}/actions"),
            Some(&json!({"action": "start"})),
        ),
        "start",
        |_| Some(()),
    )?;
    let (mut online_s, mut talking_s, mut busy_s) = (0u64, 0u64, 0u64);
    let mut next = t0;
    let mut last_print = t0;
    while t0.elapsed() < Duration::from_secs(o.seconds) {
        next += Duration::from_secs(1);
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
        let (online, talking, busy) = sample(&pb);
        online_s += u64::from(online);
        talking_s += u64::from(talking);
        busy_s += u64::from(busy);
        if last_print.elapsed() >= Duration::from_secs(60) {
            last_print = Instant::now();
            let placed = count(&pb, &format!("from={started_ms}"));
            println!(
                "  {:>4} s: {placed} calls placed, occupancy so far {:.1} %",
                t0.elapsed().as_secs(),
                100.0 * busy_s as f64 / online_s.max(1) as f64
            );
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_time_of(Some(pb.pid()))
        .saturating_sub(cpu0)
        .as_secs_f64();
    ok_or(
        pb.admin(
            "POST",
            &format!("/campaigns/{id}/actions"),
            Some(&json!({"action": "complete"})),
        ),
        "complete",
        |_| Some(()),
    )?;
    let c = ok_or(
        pb.admin("GET", &format!("/campaigns/{id}"), None),
        "the campaign",
        Some,
    )?;
    let placed = count(&pb, &format!("from={started_ms}"));
    let answered = count(&pb, &format!("from={started_ms}&result=answered"));
    let abandoned = count(&pb, &format!("from={started_ms}&result=abandoned"));
    let talked = talk_seconds(&pb, started_ms);
    let agent_hours = f64::from(o.agents) * wall / 3600.0;
    println!(
        "placed {placed} calls ({:.2}/s); {answered} answered by an agent, {abandoned} abandoned; \
         abandon rate {:.2} % (cap {} %; last hour {:.2} %); agent occupancy {:.1} % (talking {:.1} %); \
         customers' talk time {:.1} % of the agents' time, {:.1} answered calls per agent-hour; \
         Patchbay CPU {:.1} % of a core",
        placed as f64 / wall,
        100.0 * c["abandon_rate"].as_f64().unwrap_or(-1.0),
        c["abandon_cap_percent"],
        100.0 * c["abandon_rate_last_hour"].as_f64().unwrap_or(-1.0),
        100.0 * busy_s as f64 / online_s.max(1) as f64,
        100.0 * talking_s as f64 / online_s.max(1) as f64,
        100.0 * talked as f64 / (agent_hours * 3600.0),
        answered as f64 / agent_hours,
        100.0 * cpu / wall,
    );
    Ok(())
}

fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let dir: PathBuf =
        std::env::temp_dir().join(format!("predictive-dialer-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {e}", dir.display());
        std::process::exit(1);
    }
    if let Err(e) = run(&o, &dir) {
        eprintln!("predictive-dialer: {e} (logs in {})", dir.display());
        std::process::exit(1);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
