//! Load on the SIP endpoint: sipp (Debian package `sip-tester`) calls the echo number 9196 at
//! rising rates, each step bounded to a few seconds, against an endpoint started in this process.
//! Prints, per rate: calls completed per second, failed calls, and p50/p99 call setup time
//! (INVITE to 200 OK, as sipp measures it). Asserts nothing about time.
//!
//! Run: `cargo run --release -p sip-load` (optionally `-- 100 200 400` to choose the rates).

use std::process::Command;
use std::time::{Duration, Instant};

use bench_harness::Samples;
use engine::sipd::{SipConfig, start};

/// Seconds each rate step runs.
const STEP_SECONDS: u32 = 5;

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    let rates: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let rates = if rates.is_empty() {
        vec![100, 200, 400, 800]
    } else {
        rates
    };
    let (_stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let handle = start(
        SipConfig {
            listen: "127.0.0.1:0".parse().expect("address"),
            rtp_ports: (34_000, 39_999),
            rtp_timeout: Duration::from_secs(60),
            kernel_forwarding: true,
            directory: engine::sipd::loopback_directory(),
            realm: "patchbay".to_owned(),
            recordings_dir: None,
            call_events: None,
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
    let dir = std::env::temp_dir().join(format!("patchbay-sip-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("work dir");
    println!("endpoint on {target}; {STEP_SECONDS} s per rate; calls last 100 ms; sipp over UDP");
    println!(
        "{:>8} {:>10} {:>8} {:>10} {:>10}",
        "rate", "done/s", "failed", "p50", "p99"
    );
    for rate in rates {
        let calls = rate * STEP_SECONDS;
        let start_t = Instant::now();
        let dir2 = dir.clone();
        let target2 = target.clone();
        let out = tokio::task::spawn_blocking(move || {
            Command::new("sipp")
                .current_dir(&dir2)
                .args([
                    "-sn", "uac", &target2, "-s", "9196", "-t", "u1", "-nostdin", "-d", "100",
                ])
                .args([
                    "-r",
                    &rate.to_string(),
                    "-m",
                    &calls.to_string(),
                    "-l",
                    &(rate * 2).to_string(),
                ])
                .args([
                    "-timeout",
                    "60",
                    "-trace_rtt",
                    "-rtt_freq",
                    "1",
                    "-trace_stat",
                    "-fd",
                    "1",
                ])
                .output()
        })
        .await
        .expect("join");
        let elapsed = start_t.elapsed().as_secs_f64();
        let Ok(out) = out else {
            println!("sipp is not installed: apt-get install sip-tester");
            return;
        };
        let stats = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.path());
        let (mut rtt, mut ok, mut failed) = (Samples::default(), 0u64, 0u64);
        for p in stats {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            if name.ends_with("_rtt.csv") {
                bench_harness::sipp::response_times(&p, &mut rtt);
            } else if name.ends_with("_.csv") {
                (ok, failed) = bench_harness::sipp_call_counts(&p);
            }
            let _ = std::fs::remove_file(&p);
        }
        if ok == 0 && failed == 0 {
            failed = u64::from(calls);
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        }
        println!(
            "{rate:>8} {:>10.0} {failed:>8} {:>10} {:>10}",
            ok as f64 / elapsed,
            bench_harness::sipp::fmt_ms(rtt.percentile(50.0)),
            bench_harness::sipp::fmt_ms(rtt.percentile(99.0)),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
