//! What answering one browser offer costs: N offers (one Opus offer of the headless client)
//! answered one after the other by `WebRtcLeg`, as the engine's SIP task answers a browser's or
//! a widget visitor's offer, all with one certificate made first. Prints the time that took,
//! the wall time per offer (mean, median, slowest) and the thread's CPU time per offer.
//! Asserts nothing about time.
//!
//! `cargo run --release -p webrtc --example offer_cost -- [OFFERS]` (default 200).

#[path = "../tests/common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::time::Duration;

use webrtc::{Certificate, Codec, WebRtcClient, WebRtcLeg};

fn main() {
    let offers: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let client_addr: SocketAddr = "127.0.0.1:40000".parse().expect("address");
    let leg_addr: SocketAddr = "127.0.0.1:40002".parse().expect("address");
    let (_client, offer) =
        WebRtcClient::new(common::clock(), client_addr, Codec::Opus).expect("client offer");
    let started = common::clock();
    let certificate = Certificate::generate().expect("certificate");
    println!(
        "one DTLS certificate made in {:.3} ms",
        ms(common::clock() - started)
    );
    let mut times: Vec<Duration> = Vec::with_capacity(offers);
    let cpu_start = thread_cpu();
    for _ in 0..offers {
        let start = common::clock();
        let answered = WebRtcLeg::accept_offer(start, &offer, leg_addr, None, &certificate);
        times.push(common::clock() - start);
        answered.expect("answer");
    }
    let cpu = thread_cpu() - cpu_start;
    times.sort();
    let total: Duration = times.iter().sum();
    let mean = total / u32::try_from(offers.max(1)).unwrap_or(u32::MAX);
    println!(
        "{offers} offers answered: mean {:.3} ms, median {:.3} ms, slowest {:.3} ms; CPU {:.3} ms an offer",
        ms(mean),
        ms(times[offers / 2]),
        ms(times[offers - 1]),
        ms(cpu) / offers as f64
    );
}

/// This thread's CPU time so far (the kernel's scheduler statistics, in nanoseconds).
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
