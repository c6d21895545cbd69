//! Load on the inbound path: sipp customers call an IVR number whose flow queues them in a skill
//! group; N sipp desk phones registered (with digest) as that group's agents answer at once.
//! Every call goes INVITE → IVR → queue → ACD offer → INVITE to an agent's phone → answer →
//! bridge → customer hangs up → agent hung up. Prints, per offered rate: calls per second
//! answered by an agent, failed calls, p50/p99 from the customer's INVITE to the agent's answer
//! (from the engine's call events), and the engine's CPU per call. Asserts nothing about time.
//!
//! Run: `cargo run --release -p inbound-load` (optionally `-- AGENTS RATE RATE …`, default
//! `-- 40 10 20 40`; `PATCHBAY_BENCH_HOLD_MS` sets how long customers stay, default 1000).

mod scenarios;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bench_harness::Samples;
use engine::sipd::{SipConfig, start};
use model::calls::CallEvent;
use model::org::{QueueSettings, SkillGroup, SkillGroupMember};
use model::presence::{LoginState, PhoneState, PresenceChange};
use model::telephony::{EnterpriseNumber, NumberService};
use model::{EnterpriseId, NumberId, SkillGroupId, UserId};

/// Seconds each rate step offers calls.
const STEP_SECONDS: u32 = 8;
/// The IVR number of the benchmark.
const NUMBER: &str = "4009000000";

struct Agents(Vec<Child>);

impl Drop for Agents {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn directory(agents: u32) -> model::telephony::SipDirectory {
    let e = EnterpriseId(1);
    let mut d = engine::sipd::loopback_directory();
    d.numbers.push((
        e,
        EnterpriseNumber {
            id: NumberId(9),
            number: NUMBER.to_owned(),
            trunk_id: model::TrunkId(1),
            service: NumberService::Ivr,
            description: None,
            flow: Some(serde_json::json!({
                "start": "queue", "steps": { "queue": { "type": "queue", "group_id": 1 } }
            })),
        },
    ));
    let members = (1..=agents)
        .map(|i| SkillGroupMember {
            user_id: UserId(i64::from(i)),
            work_id: format!("{i}"),
            name: format!("agent {i}"),
            skill_level: 3,
        })
        .collect();
    d.groups.push((
        e,
        SkillGroup {
            id: SkillGroupId(1),
            name: "bench".to_owned(),
            description: None,
            members,
            settings: QueueSettings::default(),
        },
    ));
    d.after_call_work.push((e, 0));
    d.accounts = (1..=agents)
        .map(|i| {
            (
                e,
                UserId(i64::from(i)),
                format!("agent{i}"),
                format!("pw{i}"),
            )
        })
        .collect();
    d
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let agents = args.first().copied().unwrap_or(40);
    let rates = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        vec![10, 20, 40]
    };
    let hold_ms: u32 = std::env::var("PATCHBAY_BENCH_HOLD_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let dir = std::env::temp_dir().join(format!("patchbay-inbound-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("work dir");
    let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel();
    // Journaled as in production: one write per call event.
    let (journal, _) =
        engine::journal::Journal::open(&dir.join("call-events.journal")).expect("journal");
    let (_stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let handle = start(
        SipConfig {
            listen: "127.0.0.1:0".parse().expect("address"),
            rtp_ports: (30_000, 39_999),
            rtp_timeout: Duration::from_secs(60),
            directory: directory(agents),
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
            shutdown_drain: std::time::Duration::ZERO,
            guard: Default::default(),
            outbound_check: None,
        },
        async move {
            let _ = stop_rx.await;
        },
    )
    .await
    .expect("start the SIP endpoint");
    let target = handle.local_addr.to_string();
    std::fs::write(dir.join("answer.xml"), scenarios::ANSWER).expect("scenario");
    std::fs::write(dir.join("customer.xml"), scenarios::CUSTOMER).expect("scenario");

    // The desk phones: one sipp each, registering and answering.
    let lifetime = STEP_SECONDS * (rates.len() as u32) * 4 + 120;
    let mut phones = Agents(Vec::new());
    for i in 1..=agents {
        let file = dir.join(format!("register-{i}.xml"));
        std::fs::write(
            &file,
            scenarios::register(&format!("agent{i}"), &format!("pw{i}"), lifetime),
        )
        .expect("scenario");
        let child = Command::new("sipp")
            .current_dir(&dir)
            .args(["-sf", &file.to_string_lossy(), "-oocsf", "answer.xml"])
            .args(["-i", "127.0.0.1", "-p", &(45_000 + i).to_string()])
            .args([
                "-mp",
                &(50_000 + i * 4).to_string(),
                "-m",
                "1",
                "-nostdin",
                &target,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        // sipp takes a moment to start; a burst of many at once on 2 cores loses registrations.
        std::thread::sleep(Duration::from_millis(50));
        match child {
            Ok(c) => phones.0.push(c),
            Err(_) => {
                println!("sipp is not installed: apt-get install sip-tester");
                return;
            }
        }
    }
    let e = EnterpriseId(1);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut registered = 0;
    while Instant::now() < deadline {
        registered = 0;
        for i in 1..=agents {
            if !handle.registrations(&format!("agent{i}")).await.is_empty() {
                registered += 1;
            }
        }
        if registered == agents {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for i in 1..=agents {
        let user = UserId(i64::from(i));
        for change in [
            PresenceChange {
                login: Some(LoginState::Online),
                ..Default::default()
            },
            PresenceChange {
                phone: Some(PhoneState::Idle),
                ..Default::default()
            },
        ] {
            let _ = handle.change_presence(e, user, change).await;
        }
    }
    println!(
        "endpoint on {target}; {registered}/{agents} agents registered and idle; \
         {STEP_SECONDS} s per rate; customers stay {hold_ms} ms; sipp over UDP"
    );
    println!(
        "{:>6} {:>8} {:>10} {:>8} {:>10} {:>10} {:>10}",
        "rate", "calls", "agent/s", "failed", "p50", "p99", "cpu/call"
    );
    for rate in rates {
        let calls = rate * STEP_SECONDS;
        let c0 = bench_harness::cpu_time();
        let t0 = Instant::now();
        let dir2 = dir.clone();
        let target2 = target.clone();
        let out = tokio::task::spawn_blocking(move || {
            Command::new("sipp")
                .current_dir(&dir2)
                .args([
                    "-sf",
                    "customer.xml",
                    "-s",
                    NUMBER,
                    "-i",
                    "127.0.0.1",
                    "-p",
                    "44999",
                ])
                .args(["-mp", "49000", "-nostdin", "-d", &hold_ms.to_string()])
                .args(["-r", &rate.to_string(), "-m", &calls.to_string()])
                .args(["-timeout", "120", "-trace_stat", "-fd", "1", &target2])
                .output()
        })
        .await
        .expect("join");
        let elapsed = t0.elapsed().as_secs_f64();
        let cpu = (bench_harness::cpu_time() - c0).as_secs_f64();
        if out.is_err() {
            println!("sipp is not installed: apt-get install sip-tester");
            return;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut started: HashMap<String, i64> = HashMap::new();
        let mut setup = Samples::default();
        let mut by_agent = 0u64;
        while let Ok(ev) = events_rx.try_recv() {
            match ev.event {
                CallEvent::Started { key, at, .. } => {
                    started.insert(key, at);
                }
                CallEvent::Answered { key, at, .. } => {
                    if let Some(s) = started.get(&key) {
                        by_agent += 1;
                        setup.push(Duration::from_millis(u64::try_from(at - s).unwrap_or(0)));
                    }
                }
                _ => {}
            }
        }
        let mut failed = 0;
        for p in std::fs::read_dir(&dir).expect("dir").filter_map(Result::ok) {
            let name = p.file_name().to_string_lossy().into_owned();
            if name.starts_with("customer") && name.ends_with("_.csv") {
                failed = bench_harness::sipp_call_counts(&p.path()).1;
                let _ = std::fs::remove_file(p.path());
            }
        }
        println!(
            "{rate:>6} {calls:>8} {:>10.1} {failed:>8} {:>10} {:>10} {:>9.2}ms",
            by_agent as f64 / elapsed,
            format!("{}ms", setup.percentile(50.0).as_millis()),
            format!("{}ms", setup.percentile(99.0).as_millis()),
            cpu * 1000.0 / by_agent.max(1) as f64,
        );
    }
    drop(phones);
    let _ = std::fs::remove_dir_all(&dir);
}
