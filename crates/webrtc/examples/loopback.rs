//! K WebRTC clients talking to K legs over loopback UDP for S seconds, in one process: the legs
//! on one thread (as one of the engine's media workers would hold them), the clients on
//! another. All connect within the first 2 s; then each side sends a tone every 20 ms for S s.
//! Prints the CPU time each thread spent per leg and second of audio, and packets lost.
//!
//! `cargo run --release -p webrtc --example loopback -- [PAIRS] [SECONDS] [opus|pcmu]`
//! (default 10 pairs, 5 s, Opus).

#[path = "../tests/common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{Endpoint, flush, tone_frame};
use webrtc::{Codec, LegEvent, WebRtcClient, WebRtcLeg};

/// When things happen in a run.
#[derive(Debug, Clone, Copy)]
struct Schedule {
    /// SDP exchanged.
    start: Instant,
    /// Audio starts (everyone has connected by then).
    audio_start: Instant,
    /// Audio stops.
    stop_sending: Instant,
    /// The last packets are in: the run ends.
    stop: Instant,
}

/// What one endpoint saw.
#[derive(Debug, Default, Clone, Copy)]
struct Report {
    connected_after: Option<Duration>,
    frames_sent: u64,
    frames_received: u64,
    packets_received: u64,
    packets_lost: u64,
    disconnected: bool,
}

/// This thread's CPU time so far (the kernel's scheduler statistics, in nanoseconds).
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

/// Drives one endpoint on its socket until `stop`, sending a tone from connection until
/// `stop_sending`.
async fn drive<E: Endpoint>(
    mut e: E,
    sock: std::net::UdpSocket,
    rate: u32,
    freq: f64,
    Schedule {
        start,
        audio_start,
        stop_sending,
        stop,
    }: Schedule,
) -> Report {
    let sock = tokio::net::UdpSocket::from_std(sock).expect("tokio socket");
    let local = sock.local_addr().expect("local addr");
    let mut report = Report::default();
    let mut buf = vec![0u8; 2048];
    let mut next_tick: Option<Instant> = None;
    let mut index = 0;
    loop {
        flush(&mut e, &sock).await;
        while let Some(ev) = e.poll_event() {
            match ev {
                LegEvent::Connected => {
                    report
                        .connected_after
                        .get_or_insert(common::clock() - start);
                    next_tick.get_or_insert(common::clock().max(audio_start));
                }
                LegEvent::Disconnected => report.disconnected = true,
                LegEvent::Dtmf(_) => {}
            }
        }
        while e.poll_audio().is_some() {
            report.frames_received += 1;
        }
        let now = common::clock();
        if now >= stop {
            break;
        }
        if let Some(tick) = next_tick.filter(|&t| t <= now) {
            if now < stop_sending {
                e.send_audio(now, &tone_frame(freq, 8000.0, rate, index));
                index += 1;
                report.frames_sent += 1;
            }
            next_tick = Some(tick + Duration::from_millis(20));
            continue;
        }
        let wake = e.poll_timeout().min(stop).min(next_tick.unwrap_or(stop));
        tokio::select! {
            r = sock.recv_from(&mut buf) => {
                if let Ok((n, from)) = r {
                    e.handle_datagram(common::clock(), from, local, &buf[..n]);
                }
            }
            _ = tokio::time::sleep_until(tokio::time::Instant::from_std(wake)) => {
                let now = common::clock();
                if e.poll_timeout() <= now {
                    e.handle_timeout(now);
                }
            }
        }
    }
    let stats = e.stats();
    report.packets_received = stats.packets_received;
    report.packets_lost = stats.packets_lost;
    report
}

/// Runs `endpoints` on a new thread, each on its own task; returns their reports, the thread's
/// CPU time in all and its CPU time while audio flowed.
fn spawn_side<E: Endpoint + Send + 'static>(
    name: &str,
    endpoints: Vec<(E, std::net::UdpSocket, u32, f64)>,
    schedule: Schedule,
) -> std::thread::JoinHandle<(Vec<Report>, Duration, Duration)> {
    let Schedule {
        audio_start,
        stop_sending,
        ..
    } = schedule;
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let cpu0 = thread_cpu();
            let (reports, audio_cpu) = rt.block_on(async move {
                // One thread: this task's readings are the whole side's.
                let meter = tokio::spawn(async move {
                    tokio::time::sleep_until(tokio::time::Instant::from_std(audio_start)).await;
                    let c0 = thread_cpu();
                    tokio::time::sleep_until(tokio::time::Instant::from_std(stop_sending)).await;
                    thread_cpu() - c0
                });
                let tasks: Vec<_> = endpoints
                    .into_iter()
                    .map(|(e, sock, rate, freq)| tokio::spawn(drive(e, sock, rate, freq, schedule)))
                    .collect();
                let mut reports = Vec::new();
                for t in tasks {
                    reports.push(t.await.expect("task"));
                }
                (reports, meter.await.expect("meter"))
            });
            (reports, thread_cpu() - cpu0, audio_cpu)
        })
        .expect("thread")
}

fn bind() -> (std::net::UdpSocket, SocketAddr) {
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    sock.set_nonblocking(true).expect("nonblocking");
    let addr = sock.local_addr().expect("addr");
    (sock, addr)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let pairs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let seconds: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5);
    let codec = match args.get(3).map(String::as_str) {
        Some("pcmu") => Codec::Pcmu,
        _ => Codec::Opus,
    };
    let start = common::clock();
    let mut clients = Vec::new();
    let mut legs = Vec::new();
    let setup_cpu0 = thread_cpu();
    for _ in 0..pairs {
        let (csock, caddr) = bind();
        let (lsock, laddr) = bind();
        let (mut client, offer) = WebRtcClient::new(start, caddr, codec).expect("offer");
        let (leg, answer) =
            WebRtcLeg::accept_offer(start, &offer, laddr, None, common::certificate())
                .expect("answer");
        client
            .accept_answer(start, &answer)
            .expect("answer accepted");
        let rate = client.sample_rate();
        clients.push((client, csock, rate, 1000.0));
        legs.push((leg, lsock, 8000, 600.0));
    }
    let setup_cpu = thread_cpu() - setup_cpu0;
    // Two seconds to connect, then S seconds of audio, then two for the last packets (a
    // starved thread on a shared machine can fall behind by more than a second).
    let audio_start = start + Duration::from_secs(2);
    let stop_sending = audio_start + Duration::from_secs(seconds);
    let stop = stop_sending + Duration::from_secs(2);
    let schedule = Schedule {
        start,
        audio_start,
        stop_sending,
        stop,
    };
    let leg_side = spawn_side("legs", legs, schedule);
    let client_side = spawn_side("clients", clients, schedule);
    let (leg_reports, leg_cpu, leg_audio_cpu) = leg_side.join().expect("legs thread");
    let (client_reports, client_cpu, client_audio_cpu) =
        client_side.join().expect("clients thread");
    let wall = common::clock() - start;

    let connected = leg_reports
        .iter()
        .zip(&client_reports)
        .filter(|(l, c)| l.connected_after.is_some() && c.connected_after.is_some())
        .count();
    let slowest_connect = leg_reports
        .iter()
        .chain(&client_reports)
        .filter_map(|r| r.connected_after)
        .max()
        .unwrap_or_default();
    let sum = |rs: &[Report], f: fn(&Report) -> u64| rs.iter().map(f).sum::<u64>();
    let per_leg = |cpu: Duration| cpu.as_secs_f64() * 1000.0 / pairs as f64 / seconds as f64;
    println!(
        "{pairs} pairs, {codec:?}, {seconds} s of audio ({:.1} s wall): {connected} connected, \
         slowest in {} ms; SDP set-up {:.2} ms CPU per pair",
        wall.as_secs_f64(),
        slowest_connect.as_millis(),
        setup_cpu.as_secs_f64() * 1000.0 / pairs as f64,
    );
    for (side, reports, cpu, audio_cpu) in [
        ("legs", &leg_reports, leg_cpu, leg_audio_cpu),
        ("clients", &client_reports, client_cpu, client_audio_cpu),
    ] {
        let received = sum(reports, |r| r.packets_received);
        let lost = sum(reports, |r| r.packets_lost);
        println!(
            "{side:>7}: CPU while audio flowed {:.0} ms = {:.3} ms per leg per second \
             ({:.2} % of a core per leg), connecting and the rest {:.0} ms; \
             frames sent {}, received {}; packets received {received}, lost {lost} ({:.3} %); \
             {} disconnected",
            audio_cpu.as_secs_f64() * 1000.0,
            per_leg(audio_cpu),
            per_leg(audio_cpu) / 10.0,
            (cpu - audio_cpu).as_secs_f64() * 1000.0,
            sum(reports, |r| r.frames_sent),
            sum(reports, |r| r.frames_received),
            100.0 * lost as f64 / (received + lost).max(1) as f64,
            reports.iter().filter(|r| r.disconnected).count(),
        );
    }
}
