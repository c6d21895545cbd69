//! Concurrent calls with media: sipp (Debian package `sip-tester`) holds N calls to the echo
//! number 9196, each streaming a µ-law tone (50 packets/s) that Patchbay decodes, records (stereo
//! WAV per call) and sends back. For each N, held `HOLD` seconds (default 60), it prints the RTP
//! packets Patchbay expected and lost (from sequence numbers, as RTCP counts them), failed calls,
//! and the server's CPU: total and per call. Asserts nothing about time.
//!
//! Run: `cargo run --release -p media-load` (optionally `-- 50 100 200` for the concurrencies and
//! `PATCHBAY_BENCH_HOLD=20` for shorter holds).

use std::process::Command;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use engine::sipd::{SipConfig, start};

const SCENARIO: &str = r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="held call with RTP">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: sip:sipp@[local_ip]:[local_port]
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
]]></send>
  <recv response="100" optional="true"/>
  <recv response="200" rtd="true"/>
  <send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Contact: sip:sipp@[local_ip]:[local_port]
Max-Forwards: 70
Content-Length: 0

]]></send>
  <nop><action><exec rtp_stream="tone.wav,-1,0"/></action></nop>
  <pause milliseconds="HOLD_MS"/>
  <send retrans="500"><![CDATA[
BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
Contact: sip:sipp@[local_ip]:[local_port]
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
"#;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let levels: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let levels = if levels.is_empty() {
        vec![50, 100, 200]
    } else {
        levels
    };
    let hold: u64 = std::env::var("PATCHBAY_BENCH_HOLD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let dir = std::env::temp_dir().join(format!("patchbay-media-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("work dir");
    std::fs::write(dir.join("tone.wav"), bench_harness::ulaw_tone(1_000, 10)).expect("tone");
    std::fs::write(
        dir.join("held.xml"),
        SCENARIO.replace("HOLD_MS", &(hold * 1_000).to_string()),
    )
    .expect("scenario");
    let (_stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let handle = start(
        SipConfig {
            listen: "127.0.0.1:0".parse().expect("address"),
            rtp_ports: (40_000, 49_999),
            rtp_timeout: Duration::from_secs(30),
            kernel_forwarding: true,
            directory: engine::sipd::loopback_directory(),
            realm: "patchbay".to_owned(),
            recordings_dir: Some(dir.join("recordings")),
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
    println!(
        "endpoint on {target}; echo calls with RTP (50 pkt/s each way), recorded; held {hold} s; sipp on the same machine"
    );
    println!(
        "{:>6} {:>12} {:>10} {:>9} {:>7} {:>10} {:>14}",
        "calls", "expected", "lost", "loss", "failed", "cpu", "cpu/call"
    );
    for calls in levels {
        let stats = handle.stats.clone();
        let ramp = Duration::from_secs(u64::from(calls / 50) + 3);
        let (dir2, target2) = (dir.clone(), target.clone());
        let sipp = tokio::task::spawn_blocking(move || {
            Command::new("sipp")
                .current_dir(&dir2)
                .args([
                    "-sf", "held.xml", &target2, "-s", "9196", "-t", "u1", "-nostdin",
                ])
                .args([
                    "-m",
                    &calls.to_string(),
                    "-l",
                    &calls.to_string(),
                    "-r",
                    "50",
                ])
                .args(["-mp", "20000", "-timeout", &(hold + 120).to_string()])
                .args(["-trace_stat", "-fd", "1"])
                .output()
        });
        // Measure the steady state: after the ramp, until shortly before the hang-ups.
        tokio::time::sleep(ramp + Duration::from_secs(5)).await;
        let window = Duration::from_secs(hold.saturating_sub(ramp.as_secs() + 10).max(5));
        let (r0, e0, c0, t0) = (
            stats.rtp_received.load(Relaxed),
            stats.rtp_expected.load(Relaxed),
            bench_harness::cpu_time(),
            Instant::now(),
        );
        tokio::time::sleep(window).await;
        let (r1, e1, c1, elapsed) = (
            stats.rtp_received.load(Relaxed),
            stats.rtp_expected.load(Relaxed),
            bench_harness::cpu_time(),
            t0.elapsed(),
        );
        let out = sipp.await.expect("join");
        let Ok(out) = out else {
            println!("sipp is not installed: apt-get install sip-tester");
            return;
        };
        let mut failed = 0;
        for p in std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
        {
            if p.to_string_lossy().ends_with("_.csv") {
                failed = bench_harness::sipp_call_counts(&p).1;
                let _ = std::fs::remove_file(&p);
            }
        }
        if out.status.code().is_some_and(|c| c != 0 && failed == 0) {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        }
        let expected = e1 - e0;
        let lost = expected.saturating_sub(r1 - r0);
        let loss = if expected == 0 {
            100.0
        } else {
            lost as f64 * 100.0 / expected as f64
        };
        let cpu = (c1 - c0).as_secs_f64() / elapsed.as_secs_f64() * 100.0;
        println!(
            "{calls:>6} {expected:>12} {lost:>10} {:>8.3}% {failed:>7} {:>9.1}% {:>12.3}%{}",
            loss,
            cpu,
            cpu / f64::from(calls),
            if loss < 0.1 && failed == 0 {
                ""
            } else {
                "  (over the 0.1% loss target)"
            },
        );
        let _ = std::fs::remove_dir_all(dir.join("recordings"));
    }
    println!("cpu: share of one core used by the Patchbay process; cpu/call: that share per call");
    let _ = std::fs::remove_dir_all(&dir);
}
