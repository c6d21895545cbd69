//! Cost of the media room per call, single-threaded, so the figures say how many calls one core
//! carries: the forward path (two parties, one codec) per packet, and the mix path (three
//! parties, or two with the recorder tap) per 20 ms tick.
//!
//! Run: `cargo run --release -p media-mix`. Prints figures; asserts nothing about time.

use std::time::{Duration, Instant};

use bench_harness::{Samples, fmt_duration};
use media::g711;
use media::room::{Codec, MemberId, MemberState, Mode, Role, Room};
use media::rtp::RtpFrame;
use media::stream::OutStream;
use media::tone::ToneGenerator;

const TICKS: usize = 50_000;

struct Leg {
    id: MemberId,
    seq: u16,
    ts: u32,
    payload: Vec<u8>,
}

impl Leg {
    fn new(id: u64, freq: f64) -> Leg {
        let pcm = ToneGenerator::continuous(freq, 8_000).next_frame();
        Leg {
            id: MemberId(id),
            seq: 0,
            ts: 0,
            payload: g711::encode_alaw(&pcm),
        }
    }
    fn packet(&mut self) -> RtpFrame {
        self.seq = self.seq.wrapping_add(1);
        self.ts = self.ts.wrapping_add(160);
        RtpFrame {
            payload_type: 8,
            seq: self.seq,
            timestamp: self.ts,
            ssrc: self.id.0 as u32,
            marker: false,
            payload: self.payload.clone(),
        }
    }
}

fn state(id: u64, role: Role) -> MemberState {
    MemberState {
        role,
        mode: Mode::SpeakListen,
        codec: Codec::Pcma,
        out: OutStream::new(id as u32, 0, 0),
    }
}

/// Runs `TICKS` ticks with every leg sending one packet per tick; returns per-tick samples.
fn run(room: &mut Room, legs: &mut [Leg]) -> (Samples, Duration) {
    let mut s = Samples::with_capacity(TICKS);
    let start = Instant::now();
    for _ in 0..TICKS {
        let t = Instant::now();
        for leg in legs.iter_mut() {
            let p = leg.packet();
            room.handle_rtp(leg.id, p);
        }
        room.handle_tick();
        while room.poll_output().is_some() {}
        s.push(t.elapsed());
    }
    (s, start.elapsed())
}

fn report(name: &str, mut s: Samples, total: Duration) {
    let per_tick = total / TICKS as u32;
    // One call needs one tick of work every 20 ms: calls per core = 20 ms / cost per tick.
    let calls_per_core = Duration::from_millis(20).as_secs_f64() / per_tick.as_secs_f64();
    println!("{}", s.summary(name));
    println!(
        "  mean {} per call per 20 ms -> about {calls_per_core:.0} such calls per core",
        fmt_duration(per_tick)
    );
}

fn main() {
    let mut room = Room::new();
    let mut legs = vec![Leg::new(1, 1_000.0), Leg::new(2, 400.0)];
    room.join(legs[0].id, state(1, Role::Customer));
    room.join(legs[1].id, state(2, Role::Agent));
    assert!(room.forwarding());
    let (s, t) = run(&mut room, &mut legs);
    report("bridged pair, forwarded (2 packets per tick)", s, t);

    let mut room = Room::new();
    room.set_tap(true);
    let mut legs = vec![Leg::new(1, 1_000.0), Leg::new(2, 400.0)];
    room.join(legs[0].id, state(1, Role::Customer));
    room.join(legs[1].id, state(2, Role::Agent));
    let (s, t) = run(&mut room, &mut legs);
    report("bridged pair with recorder tap, mixed", s, t);

    let mut room = Room::new();
    let mut legs = vec![
        Leg::new(1, 1_000.0),
        Leg::new(2, 400.0),
        Leg::new(3, 2_000.0),
    ];
    room.join(legs[0].id, state(1, Role::Customer));
    room.join(legs[1].id, state(2, Role::Agent));
    room.join(legs[2].id, state(3, Role::Agent));
    let (s, t) = run(&mut room, &mut legs);
    report("three-way call, mixed", s, t);
}
