//! The media plane with real UDP peers on loopback: rooms on worker threads, members moved
//! between rooms (hold, consult, three-way), supervisor modes, prompts, the RTP timeout and
//! strict RTP (a second source is ignored).
//! Peers send paced 20 ms packets like a phone; what each hears is checked by tone detection.

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use media::room::{Codec, Mode, Role};
use media::rtp::RtpFrame;
use media::tone::{ToneGenerator, goertzel};
use tokio::sync::mpsc;

use super::{LegId, LegMedia, LegSpec, MediaEvent, MediaPlane, Place, Prompt};
use crate::stats::CallStats;

/// A phone on loopback sending a tone.
struct Peer {
    sock: UdpSocket,
    tone: ToneGenerator,
    seq: u16,
    ts: u32,
    ssrc: u32,
    to: SocketAddr,
    /// Everything received, in arrival order.
    got: Vec<RtpFrame>,
    leg: LegId,
}

struct Bench {
    plane: MediaPlane,
    peers: Vec<Peer>,
    events: mpsc::Receiver<MediaEvent>,
    tx: mpsc::Sender<MediaEvent>,
    /// Every leg's counters.
    counters: Arc<CallStats>,
}

impl Bench {
    fn new(workers: usize) -> Bench {
        Bench::forwarding(workers, None)
    }

    /// A bench whose two-party rooms the kernel forwards (`kernel`), or the workers (`None`).
    fn forwarding(workers: usize, kernel: Option<Arc<kforward::Kernel>>) -> Bench {
        let (tx, events) = mpsc::channel(64);
        Bench {
            plane: MediaPlane::start(
                workers,
                webrtc::Certificate::generate().expect("a DTLS certificate"),
                kernel,
            )
            .expect("media workers start"),
            peers: Vec::new(),
            events,
            tx,
            counters: Arc::new(CallStats::default()),
        }
    }

    /// A peer sending `freq` (0: silence) to a new leg placed at `place`.
    fn peer(&mut self, freq: f64, role: Role, place: Place, timeout: Duration) -> usize {
        self.recorded_peer(freq, role, place, timeout, None)
    }

    /// A peer whose leg records the call to `recorder`.
    fn recorded_peer(
        &mut self,
        freq: f64,
        role: Role,
        place: Place,
        timeout: Duration,
        recorder: Option<media::wav::RecordingFile>,
    ) -> usize {
        let sock = UdpSocket::bind("127.0.0.1:0").expect("peer socket");
        sock.set_nonblocking(true).expect("non-blocking");
        let leg_sock = UdpSocket::bind("127.0.0.1:0").expect("leg socket");
        let to = leg_sock.local_addr().expect("leg address");
        let leg = self.plane.add_leg(
            LegSpec {
                call: self.peers.len() as u64 + 1,
                media: LegMedia::Rtp {
                    socket: leg_sock,
                    remote: Some(sock.local_addr().expect("peer address")),
                    telephone_event: 101,
                },
                codec: Codec::Pcmu,
                role,
                rtp_timeout: timeout,
                events: self.tx.clone(),
                recorder,
                counters: self.counters.clone(),
                report: None,
            },
            place,
        );
        let n = self.peers.len() as u32;
        self.peers.push(Peer {
            sock,
            tone: ToneGenerator::continuous(freq, if freq > 0.0 { 8_000 } else { 0 }),
            seq: 1,
            ts: 0,
            ssrc: 0x1000 + n,
            to,
            got: Vec::new(),
            leg,
        });
        self.peers.len() - 1
    }

    /// Runs `frames` 20 ms steps: every sending peer sends one packet, all receive.
    fn run(&mut self, frames: usize, silent: &[usize]) {
        let start = Instant::now();
        let mut buf = [0u8; 2_048];
        for i in 0..frames {
            for (n, p) in self.peers.iter_mut().enumerate() {
                if silent.contains(&n) {
                    continue;
                }
                let pcm = p.tone.next_frame();
                let frame = RtpFrame {
                    payload_type: 0,
                    seq: p.seq,
                    timestamp: p.ts,
                    ssrc: p.ssrc,
                    marker: false,
                    payload: media::g711::encode_ulaw(&pcm),
                };
                p.seq = p.seq.wrapping_add(1);
                p.ts = p.ts.wrapping_add(160);
                let _ = p.sock.send_to(&frame.to_bytes(), p.to);
            }
            let next = start + Duration::from_millis(20 * (i as u64 + 1));
            while Instant::now() < next {
                for p in &mut self.peers {
                    while let Ok((n, _)) = p.sock.recv_from(&mut buf) {
                        if let Ok(f) = RtpFrame::parse(&buf[..n]) {
                            p.got.push(f);
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }

    /// Forgets what peers received so far.
    fn clear(&mut self) {
        for p in &mut self.peers {
            p.got.clear();
        }
    }

    /// The audio peer `n` received in the last `frames` packets.
    fn heard(&self, n: usize, frames: usize) -> Vec<i16> {
        let got = &self.peers[n].got;
        let from = got.len().saturating_sub(frames);
        got[from..]
            .iter()
            .flat_map(|f| media::g711::decode_ulaw(&f.payload))
            .collect()
    }

    /// Settles after a change, then listens for 30 frames.
    fn settle_and_listen(&mut self, silent: &[usize]) {
        self.run(10, silent);
        self.clear();
        self.run(30, silent);
    }
}

fn hears(samples: &[i16], freq: f64) -> bool {
    goertzel(samples, freq, 8_000.0) > 0.005
}

/// Each received stream is one SSRC with sequence numbers going up by one and timestamps by
/// 160, whatever room fed it.
fn assert_continuous(frames: &[RtpFrame]) {
    assert!(frames.len() > 10, "too few packets: {}", frames.len());
    let ssrc = frames[0].ssrc;
    for w in frames.windows(2) {
        assert_eq!(w[1].ssrc, ssrc, "one SSRC for the whole call");
        assert_eq!(w[1].seq, w[0].seq.wrapping_add(1), "no sequence gap");
        assert_eq!(
            w[1].timestamp,
            w[0].timestamp.wrapping_add(160),
            "timestamps advance one frame per packet"
        );
    }
}

const CUSTOMER: f64 = 1_000.0;
const AGENT: f64 = 600.0;
const THIRD: f64 = 1_400.0;
const SUPERVISOR: f64 = 350.0;
const LONG: Duration = Duration::from_secs(60);

fn music() -> Arc<[i16]> {
    let mut t = ToneGenerator::continuous(800.0, 8_000);
    (0..50)
        .flat_map(|_| t.next_frame())
        .collect::<Vec<_>>()
        .into()
}

#[test]
fn hold_consult_and_three_way_move_legs_between_rooms_on_different_workers() {
    hold_consult_and_three_way_move_legs_between_rooms_on_different_workers_on(Bench::new(2));
}

#[test]
fn hold_consult_and_three_way_move_legs_between_rooms_on_different_workers_with_the_kernel_forwarding()
 {
    if let Some(k) = kernel() {
        hold_consult_and_three_way_move_legs_between_rooms_on_different_workers_on(
            Bench::forwarding(2, Some(k)),
        );
    }
}

fn hold_consult_and_three_way_move_legs_between_rooms_on_different_workers_on(mut b: Bench) {
    let talk = b.plane.room();
    let hold = b.plane.room();
    let consult = b.plane.room();
    assert_ne!(
        talk.worker, hold.worker,
        "rooms are spread over the workers"
    );
    let c = b.peer(
        CUSTOMER,
        Role::Customer,
        Place::Room(talk, Mode::SpeakListen),
        LONG,
    );
    let a = b.peer(
        AGENT,
        Role::Agent,
        Place::Room(talk, Mode::SpeakListen),
        LONG,
    );
    let t = b.peer(THIRD, Role::Agent, Place::Nowhere, LONG);

    // Talking: each hears the other.
    b.settle_and_listen(&[]);
    assert!(hears(&b.heard(c, 30), AGENT), "customer hears the agent");
    assert!(hears(&b.heard(a, 30), CUSTOMER), "agent hears the customer");
    assert!(
        !hears(&b.heard(t, 30), CUSTOMER),
        "the third party hears nothing yet"
    );
    let mut customer_stream = b.peers[c].got.clone();

    // Hold: the customer moves to a music room (another worker), the agent consults the third.
    b.plane
        .place(b.peers[c].leg, Place::Room(hold, Mode::SpeakListen));
    b.plane.play(
        hold,
        Prompt {
            samples: music(),
            loop_from: Some(0),
            notify: None,
        },
    );
    b.plane
        .place(b.peers[a].leg, Place::Room(consult, Mode::SpeakListen));
    b.plane
        .place(b.peers[t].leg, Place::Room(consult, Mode::SpeakListen));
    b.settle_and_listen(&[]);
    let on_hold = b.heard(c, 30);
    assert!(hears(&on_hold, 800.0), "the customer on hold hears music");
    assert!(
        !hears(&on_hold, AGENT),
        "the customer does not hear the consultation"
    );
    assert!(
        hears(&b.heard(a, 30), THIRD),
        "the agent hears the consulted party"
    );
    assert!(
        hears(&b.heard(t, 30), AGENT),
        "the consulted party hears the agent"
    );
    assert!(!hears(&b.heard(t, 30), CUSTOMER), "…but not the customer");
    customer_stream.extend(b.peers[c].got.iter().cloned());

    // Three-way: everyone in the talk room; each hears the two others.
    for p in [c, a, t] {
        b.plane
            .place(b.peers[p].leg, Place::Room(talk, Mode::SpeakListen));
    }
    b.settle_and_listen(&[]);
    let (hc, ha, ht) = (b.heard(c, 30), b.heard(a, 30), b.heard(t, 30));
    assert!(
        hears(&hc, AGENT) && hears(&hc, THIRD),
        "customer hears both"
    );
    assert!(
        hears(&ha, CUSTOMER) && hears(&ha, THIRD),
        "agent hears both"
    );
    assert!(
        hears(&ht, CUSTOMER) && hears(&ht, AGENT),
        "third hears both"
    );
    assert!(!hears(&hc, 800.0), "the music stayed in the hold room");
    assert!(!hears(&hc, CUSTOMER), "nobody hears themselves");
    customer_stream.extend(b.peers[c].got.iter().cloned());

    // Only what came in the listening windows was kept: check each window's continuity, and
    // that the SSRC never changed across the moves.
    assert_continuous(&b.peers[c].got);
    let ssrcs: std::collections::HashSet<u32> = customer_stream.iter().map(|f| f.ssrc).collect();
    assert_eq!(ssrcs.len(), 1, "the customer sees one stream across moves");
    b.plane.shutdown();
}

#[test]
fn a_stream_stays_continuous_while_its_leg_moves_between_workers() {
    a_stream_stays_continuous_while_its_leg_moves_between_workers_on(Bench::new(2));
}

#[test]
fn a_stream_stays_continuous_while_its_leg_moves_between_workers_with_the_kernel_forwarding() {
    if let Some(k) = kernel() {
        a_stream_stays_continuous_while_its_leg_moves_between_workers_on(Bench::forwarding(
            2,
            Some(k),
        ));
    }
}

fn a_stream_stays_continuous_while_its_leg_moves_between_workers_on(mut b: Bench) {
    let r1 = b.plane.room();
    let r2 = b.plane.room();
    let c = b.peer(
        CUSTOMER,
        Role::Customer,
        Place::Room(r1, Mode::SpeakListen),
        LONG,
    );
    let a = b.peer(AGENT, Role::Agent, Place::Room(r1, Mode::SpeakListen), LONG);
    b.run(10, &[]);
    b.clear();
    for (i, room) in [r2, r1, r2, r1].into_iter().enumerate() {
        b.plane
            .place(b.peers[c].leg, Place::Room(room, Mode::SpeakListen));
        b.run(10, &[]);
        assert!(
            b.peers[c].got.len() >= 8 * (i + 1),
            "the customer keeps receiving while moved ({} packets after {} moves)",
            b.peers[c].got.len(),
            i + 1
        );
    }
    assert_continuous(&b.peers[c].got);
    b.settle_and_listen(&[]);
    assert!(
        hears(&b.heard(c, 30), AGENT),
        "back together, they hear each other"
    );
    assert!(hears(&b.heard(a, 30), CUSTOMER));
    b.plane.shutdown();
}

#[test]
fn a_listening_supervisor_hears_both_sides_then_whispers_then_barges_in() {
    let mut b = Bench::new(1);
    let room = b.plane.room();
    let c = b.peer(
        CUSTOMER,
        Role::Customer,
        Place::Room(room, Mode::SpeakListen),
        LONG,
    );
    let a = b.peer(
        AGENT,
        Role::Agent,
        Place::Room(room, Mode::SpeakListen),
        LONG,
    );
    let s = b.peer(
        SUPERVISOR,
        Role::Agent,
        Place::Room(room, Mode::Listen),
        LONG,
    );

    b.settle_and_listen(&[]);
    let hs = b.heard(s, 30);
    assert!(
        hears(&hs, CUSTOMER) && hears(&hs, AGENT),
        "listen: hears both"
    );
    assert!(
        !hears(&b.heard(c, 30), SUPERVISOR),
        "listen: the customer does not hear"
    );
    assert!(
        !hears(&b.heard(a, 30), SUPERVISOR),
        "listen: the agent does not hear"
    );

    b.plane.set_mode(b.peers[s].leg, Mode::SpeakToAgentOnly);
    b.settle_and_listen(&[]);
    assert!(
        hears(&b.heard(a, 30), SUPERVISOR),
        "whisper: the agent hears"
    );
    assert!(
        !hears(&b.heard(c, 30), SUPERVISOR),
        "whisper: the customer does not"
    );

    b.plane.set_mode(b.peers[s].leg, Mode::SpeakListen);
    b.settle_and_listen(&[]);
    assert!(
        hears(&b.heard(a, 30), SUPERVISOR),
        "barge-in: the agent hears"
    );
    assert!(
        hears(&b.heard(c, 30), SUPERVISOR),
        "barge-in: the customer hears"
    );

    // Force-disconnect: the agent leaves, the supervisor talks with the customer.
    b.plane.remove_leg(b.peers[a].leg);
    b.settle_and_listen(&[a]);
    assert!(hears(&b.heard(c, 30), SUPERVISOR));
    assert!(!hears(&b.heard(c, 30), AGENT));
    b.plane.shutdown();
}

#[test]
fn a_prompt_played_to_its_end_is_reported_and_a_silent_peer_times_out() {
    let mut b = Bench::new(1);
    let room = b.plane.room();
    let c = b.peer(
        0.0,
        Role::Customer,
        Place::Room(room, Mode::SpeakListen),
        Duration::from_millis(1_500),
    );
    let mut tone = ToneGenerator::continuous(500.0, 8_000);
    let prompt: Arc<[i16]> = (0..15)
        .flat_map(|_| tone.next_frame())
        .collect::<Vec<_>>()
        .into();
    b.plane.play(
        room,
        Prompt {
            samples: prompt,
            loop_from: None,
            notify: Some(77),
        },
    );
    b.run(25, &[]);
    assert!(hears(&b.heard(c, 40), 500.0), "the caller heard the prompt");
    let mut seen = HashMap::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && seen.len() < 2 {
        match b.events.try_recv() {
            Ok(MediaEvent::PromptDone(n)) => {
                seen.insert("prompt", n);
            }
            Ok(MediaEvent::RtpTimeout(n)) => {
                seen.insert("timeout", n);
            }
            Ok(_) => {}
            // The peer stops sending: only the timeout can come now.
            Err(_) => b.run(5, &[c]),
        }
    }
    assert_eq!(seen.get("prompt"), Some(&77), "prompt end reported");
    assert_eq!(
        seen.get("timeout"),
        Some(&1),
        "the leg whose peer went silent timed out"
    );
    b.plane.shutdown();
}

/// Sends `frames` from `sock` to `to`.
fn send_all(sock: &UdpSocket, to: SocketAddr, frames: &[RtpFrame]) {
    for f in frames {
        let _ = sock.send_to(&f.to_bytes(), to);
    }
}

/// The digits the legs reported, waiting up to `wait` for the media plane.
fn digits(b: &mut Bench, wait: Duration) -> String {
    let mut got = String::new();
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        b.run(1, &[]);
        while let Ok(ev) = b.events.try_recv() {
            if let MediaEvent::Dtmf(_, d) = ev {
                got.push(d);
            }
        }
    }
    got
}

#[test]
fn rtp_and_digits_from_a_second_address_neither_reach_the_agent_nor_draw_the_audio_away() {
    let mut b = Bench::new(1);
    let talk = b.plane.room();
    let c = b.peer(
        CUSTOMER,
        Role::Customer,
        Place::Room(talk, Mode::SpeakListen),
        LONG,
    );
    let a = b.peer(
        AGENT,
        Role::Agent,
        Place::Room(talk, Mode::SpeakListen),
        LONG,
    );
    // The customer's first packets latch their leg to the customer's address.
    b.run(10, &[]);
    let intruder = UdpSocket::bind("127.0.0.1:0").expect("intruder socket");
    intruder.set_nonblocking(true).expect("non-blocking");
    let target = b.peers[c].to;
    let mut tone = ToneGenerator::continuous(THIRD, 8_000);
    b.clear();
    for i in 0..30u16 {
        // Audio with the customer's SSRC and running numbers: only the source address differs.
        let frame = RtpFrame {
            payload_type: 0,
            seq: b.peers[c].seq.wrapping_add(100 + i),
            timestamp: b.peers[c].ts.wrapping_add(16_000 + 160 * u32::from(i)),
            ssrc: b.peers[c].ssrc,
            marker: false,
            payload: media::g711::encode_ulaw(&tone.next_frame()),
        };
        send_all(&intruder, target, &[frame]);
        b.run(1, &[]);
    }
    assert!(
        hears(&b.heard(a, 30), CUSTOMER),
        "the agent hears the customer"
    );
    assert!(
        !hears(&b.heard(a, 30), THIRD),
        "the agent does not hear the intruder"
    );
    assert!(
        hears(&b.heard(c, 30), AGENT),
        "the agent's audio still goes to the customer"
    );
    let mut buf = [0u8; 2_048];
    assert!(
        intruder.recv_from(&mut buf).is_err(),
        "nothing is sent to the intruder"
    );
    // RFC 4733 digits from the intruder are not reported; the customer's are.
    let seq = b.peers[c].seq.wrapping_add(500);
    let forged = media::dtmf::generate_digit('5', 101, b.peers[c].ssrc, seq, 99_000, 120);
    send_all(&intruder, target, &forged);
    assert_eq!(digits(&mut b, Duration::from_millis(300)), "");
    let p = &b.peers[c];
    let real = media::dtmf::generate_digit('7', 101, p.ssrc, p.seq.wrapping_add(600), 199_000, 120);
    send_all(&p.sock, target, &real);
    assert_eq!(digits(&mut b, Duration::from_millis(300)), "7");
    let ignored = b
        .counters
        .rtp_foreign
        .load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(
        ignored,
        30 + forged.len() as u64,
        "every foreign packet is counted"
    );
    b.plane.shutdown();
}

/// The in-kernel forwarder, where this process may load it (root); elsewhere the test says so
/// and checks nothing.
fn kernel() -> Option<Arc<kforward::Kernel>> {
    let root = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    });
    match kforward::Kernel::start(&["lo".to_owned()]) {
        Ok(k) => Some(Arc::new(k)),
        Err(e) if !root => {
            eprintln!("skipped: in-kernel forwarding needs root: {e}");
            None
        }
        Err(e) => panic!("root could not load the in-kernel forwarder: {e}"),
    }
}

#[test]
fn a_two_party_call_forwarded_by_the_kernel_stays_continuous_through_hold_music_and_is_recorded() {
    let Some(k) = kernel() else { return };
    let mut b = Bench::forwarding(2, Some(k));
    let dir = tempfile::tempdir().expect("temp dir");
    let wav = dir.path().join("call.wav");
    let room = b.plane.room();
    let recorder = media::wav::RecordingFile::create(&wav).expect("recording");
    let c = b.recorded_peer(
        CUSTOMER,
        Role::Customer,
        Place::Room(room, Mode::SpeakListen),
        LONG,
        Some(recorder),
    );
    let a = b.peer(
        AGENT,
        Role::Agent,
        Place::Room(room, Mode::SpeakListen),
        LONG,
    );
    b.settle_and_listen(&[]);
    let before_hold = b_counter(&b.counters);
    assert!(
        before_hold >= 40,
        "the kernel forwards the call's packets ({before_hold} of ~80)"
    );
    assert!(
        hears(&b.heard(c, 30), AGENT),
        "the customer hears the agent"
    );
    assert!(
        hears(&b.heard(a, 30), CUSTOMER),
        "the agent hears the customer"
    );
    // Music in the room: the workers mix, the kernel forwards nothing.
    b.plane.play(
        room,
        Prompt {
            samples: music(),
            loop_from: Some(0),
            notify: None,
        },
    );
    b.run(10, &[]);
    let during = b_counter(&b.counters);
    b.settle_and_listen(&[]);
    assert_eq!(
        b_counter(&b.counters),
        during,
        "nothing is forwarded by the kernel while music plays"
    );
    assert!(
        hears(&b.heard(c, 30), 800.0),
        "the customer hears the music"
    );
    b.plane.stop_play(room);
    b.settle_and_listen(&[]);
    assert!(
        b_counter(&b.counters) >= during + 20,
        "forwarded by the kernel again after the music"
    );
    assert!(
        hears(&b.heard(c, 30), AGENT),
        "and they hear each other again"
    );
    assert!(hears(&b.heard(a, 30), CUSTOMER));
    // One stream each way, from the first packet to the last, whoever sent it.
    b.clear();
    b.run(40, &[]);
    assert_continuous(&b.peers[c].got);
    assert_continuous(&b.peers[a].got);
    let (lc, la) = (b.peers[c].leg, b.peers[a].leg);
    b.plane.remove_leg(lc);
    b.plane.remove_leg(la);
    b.run(5, &[]);
    b.plane.shutdown();
    let reader = hound::WavReader::open(&wav).expect("the recording");
    let samples: Vec<i16> = reader.into_samples().map(|s| s.expect("sample")).collect();
    let left: Vec<i16> = samples.iter().step_by(2).copied().collect();
    let right: Vec<i16> = samples.iter().skip(1).step_by(2).copied().collect();
    let secs = left.len() as f64 / 8_000.0;
    assert!(secs > 3.0, "the whole call is recorded ({secs:.1} s)");
    let tail = |v: &[i16]| v[v.len() - 8_000..].to_vec();
    assert!(hears(&tail(&left), CUSTOMER), "the customer on the left");
    assert!(hears(&tail(&right), AGENT), "the agent on the right");
}

fn b_counter(c: &CallStats) -> u64 {
    c.rtp_kernel_forwarded
        .load(std::sync::atomic::Ordering::Relaxed)
}
