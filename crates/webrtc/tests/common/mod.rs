//! Test and example helpers: real UDP sockets on 127.0.0.1 around the sans-IO leg and client,
//! tones and a Goertzel detector.
#![allow(dead_code, unreachable_pub)]

use std::f64::consts::PI;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::UdpSocket;
use webrtc::{Codec, LegEvent, WebRtcClient, WebRtcLeg};

/// The wall clock. Only drivers read it (here, as in the engine); the leg and client take it.
#[allow(clippy::disallowed_methods)]
pub fn clock() -> Instant {
    Instant::now()
}

/// The certificate every leg of a test process answers with, as a server has one.
pub fn certificate() -> &'static webrtc::Certificate {
    static CERTIFICATE: std::sync::OnceLock<webrtc::Certificate> = std::sync::OnceLock::new();
    CERTIFICATE.get_or_init(|| webrtc::Certificate::generate().expect("a DTLS certificate"))
}

/// One side of a pair, as the driver sees it.
pub trait Endpoint {
    fn handle_datagram(&mut self, now: Instant, from: SocketAddr, to: SocketAddr, bytes: &[u8]);
    fn handle_timeout(&mut self, now: Instant);
    fn poll_transmit(&mut self) -> Option<(SocketAddr, Vec<u8>)>;
    fn poll_timeout(&self) -> Instant;
    fn poll_event(&mut self) -> Option<LegEvent>;
    fn poll_audio(&mut self) -> Option<Vec<i16>>;
    fn send_audio(&mut self, now: Instant, pcm: &[i16]);
    fn stats(&self) -> webrtc::LegStats;
}

macro_rules! endpoint {
    ($t:ty) => {
        impl Endpoint for $t {
            fn handle_datagram(
                &mut self,
                now: Instant,
                from: SocketAddr,
                to: SocketAddr,
                b: &[u8],
            ) {
                <$t>::handle_datagram(self, now, from, to, b)
            }
            fn handle_timeout(&mut self, now: Instant) {
                <$t>::handle_timeout(self, now)
            }
            fn poll_transmit(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
                <$t>::poll_transmit(self)
            }
            fn poll_timeout(&self) -> Instant {
                <$t>::poll_timeout(self)
            }
            fn poll_event(&mut self) -> Option<LegEvent> {
                <$t>::poll_event(self)
            }
            fn poll_audio(&mut self) -> Option<Vec<i16>> {
                <$t>::poll_audio(self)
            }
            fn send_audio(&mut self, now: Instant, pcm: &[i16]) {
                <$t>::send_audio(self, now, pcm)
            }
            fn stats(&self) -> webrtc::LegStats {
                <$t>::stats(self)
            }
        }
    };
}
endpoint!(WebRtcLeg);
endpoint!(WebRtcClient);

/// Sends everything an endpoint queued.
pub async fn flush(e: &mut impl Endpoint, sock: &UdpSocket) {
    while let Some((to, bytes)) = e.poll_transmit() {
        // Loopback: a send can only fail if the peer's socket is gone, which a test notices.
        let _ = sock.send_to(&bytes, to).await;
    }
}

/// Says whether the network loses a datagram.
pub type LossModel = Box<dyn FnMut(&[u8]) -> bool>;

/// A client and a leg on two loopback sockets, with what each has reported so far.
pub struct Pair {
    pub client: WebRtcClient,
    pub leg: WebRtcLeg,
    pub client_sock: UdpSocket,
    pub leg_sock: UdpSocket,
    pub client_addr: SocketAddr,
    pub leg_addr: SocketAddr,
    pub client_events: Vec<LegEvent>,
    pub leg_events: Vec<LegEvent>,
    pub client_audio: Vec<Vec<i16>>,
    pub leg_audio: Vec<Vec<i16>>,
    /// Datagrams from the client that the network loses on the way to the leg.
    pub lose_to_leg: Option<LossModel>,
}

impl Pair {
    /// Binds two sockets, has the client offer `codec` and the leg answer.
    pub async fn new(codec: Codec) -> Pair {
        Pair::with_offer(codec, |offer| offer).await
    }

    /// Like [`Pair::new`], with the client's offer rewritten by `edit` before the leg sees it.
    pub async fn with_offer(codec: Codec, edit: impl FnOnce(String) -> String) -> Pair {
        let client_sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind client");
        let leg_sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind leg");
        let client_addr = client_sock.local_addr().expect("client addr");
        let leg_addr = leg_sock.local_addr().expect("leg addr");
        let now = clock();
        let (mut client, offer) = WebRtcClient::new(now, client_addr, codec).expect("offer");
        let (leg, answer) =
            WebRtcLeg::accept_offer(now, &edit(offer), leg_addr, None, certificate())
                .expect("answer");
        client.accept_answer(now, &answer).expect("accept answer");
        Pair {
            client,
            leg,
            client_sock,
            leg_sock,
            client_addr,
            leg_addr,
            client_events: Vec::new(),
            leg_events: Vec::new(),
            client_audio: Vec::new(),
            leg_audio: Vec::new(),
            lose_to_leg: None,
        }
    }

    pub fn both_connected(&self) -> bool {
        self.client_events.contains(&LegEvent::Connected)
            && self.leg_events.contains(&LegEvent::Connected)
    }

    fn collect(&mut self) {
        while let Some(e) = self.client.poll_event() {
            self.client_events.push(e);
        }
        while let Some(e) = self.leg.poll_event() {
            self.leg_events.push(e);
        }
        while let Some(f) = self.client.poll_audio() {
            self.client_audio.push(f);
        }
        while let Some(f) = self.leg.poll_audio() {
            self.leg_audio.push(f);
        }
    }

    /// Drives both sides over their sockets for at most `limit`, calling `tick` every 20 ms
    /// (after each tick's output is collected) until it returns `true`. Returns whether it did.
    pub async fn run(
        &mut self,
        limit: Duration,
        mut tick: impl FnMut(&mut Pair, Instant) -> bool,
    ) -> bool {
        let start = clock();
        let mut next_tick = start;
        let mut cbuf = vec![0u8; 2048];
        let mut lbuf = vec![0u8; 2048];
        loop {
            flush(&mut self.client, &self.client_sock).await;
            flush(&mut self.leg, &self.leg_sock).await;
            self.collect();
            let now = clock();
            if now >= next_tick {
                next_tick += Duration::from_millis(20);
                if tick(self, now) {
                    return true;
                }
                continue;
            }
            if now - start > limit {
                return false;
            }
            let wake = next_tick
                .min(self.client.poll_timeout())
                .min(self.leg.poll_timeout());
            tokio::select! {
                r = self.client_sock.recv_from(&mut cbuf) => {
                    if let Ok((n, from)) = r {
                        self.client.handle_datagram(clock(), from, self.client_addr, &cbuf[..n]);
                    }
                }
                r = self.leg_sock.recv_from(&mut lbuf) => {
                    let lost = match (&r, self.lose_to_leg.as_mut()) {
                        (Ok((n, _)), Some(lose)) => lose(&lbuf[..*n]),
                        _ => false,
                    };
                    if let (Ok((n, from)), false) = (r, lost) {
                        self.leg.handle_datagram(clock(), from, self.leg_addr, &lbuf[..n]);
                    }
                }
                _ = tokio::time::sleep_until(tokio::time::Instant::from_std(wake)) => {
                    let now = clock();
                    if self.client.poll_timeout() <= now {
                        self.client.handle_timeout(now);
                    }
                    if self.leg.poll_timeout() <= now {
                        self.leg.handle_timeout(now);
                    }
                }
            }
        }
    }

    /// Runs until both sides report `Connected`, or panics after 5 s.
    pub async fn connect(&mut self) {
        let ok = self
            .run(Duration::from_secs(5), |p, _| p.both_connected())
            .await;
        assert!(
            ok,
            "not connected in 5 s: client {:?}, leg {:?}",
            self.client_events, self.leg_events
        );
    }
}

/// Whether a datagram is (S)RTP media rather than RTCP, STUN or DTLS (RFC 7983, RFC 5761).
pub fn is_rtp(datagram: &[u8]) -> bool {
    matches!(datagram, [128..=191, pt, ..] if !(192..=223).contains(pt))
}

/// Frame `index` (20 ms each) of a sine of `freq` Hz and peak `amplitude` at `rate` Hz.
pub fn tone_frame(freq: f64, amplitude: f64, rate: u32, index: usize) -> Vec<i16> {
    let n = rate as usize / 50;
    (0..n)
        .map(|i| {
            let t = (index * n + i) as f64 / f64::from(rate);
            (amplitude * (2.0 * PI * freq * t).sin()).round() as i16
        })
        .collect()
}

/// The amplitude of the `freq` Hz component of `samples` (Goertzel), in the samples' units.
pub fn goertzel_amplitude(samples: &[i16], rate: u32, freq: f64) -> f64 {
    let w = 2.0 * PI * freq / f64::from(rate);
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s = f64::from(x) + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    2.0 * power.max(0.0).sqrt() / samples.len() as f64
}

/// Root-mean-square of `samples`.
pub fn rms(samples: &[i16]) -> f64 {
    let sum: f64 = samples.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
    (sum / samples.len().max(1) as f64).sqrt()
}

/// Decibels of `a` over `b`.
pub fn db(a: f64, b: f64) -> f64 {
    20.0 * (a.max(1e-9) / b.max(1e-9)).log10()
}

/// What one direction of a tone exchange measured.
#[derive(Debug)]
pub struct Heard {
    /// Frames received.
    pub frames: usize,
    /// Amplitude of the tone sent.
    pub at_tone: f64,
    /// Amplitude at a frequency nobody sent.
    pub off_tone: f64,
    /// RMS of everything received past the codec's start-up.
    pub rms: f64,
}

/// Measures `freq` and `other` Hz in `frames` past the first `skip`.
pub fn hear(frames: &[Vec<i16>], skip: usize, rate: u32, freq: f64, other: f64) -> Heard {
    let samples: Vec<i16> = frames.iter().skip(skip).flatten().copied().collect();
    Heard {
        frames: frames.len(),
        at_tone: goertzel_amplitude(&samples, rate, freq),
        off_tone: goertzel_amplitude(&samples, rate, other),
        rms: rms(&samples),
    }
}

/// Once connected, the client sends `client_freq` and the leg `leg_freq` Hz (peak 8000) for
/// `frames` frames of 20 ms each, then both listen 300 ms more.
pub async fn exchange_tones(pair: &mut Pair, client_freq: f64, leg_freq: f64, frames: usize) {
    let client_rate = pair.client.sample_rate();
    exchange(pair, leg_freq, frames, |client, now, i| {
        client.send_audio(now, &tone_frame(client_freq, 8000.0, client_rate, i));
    })
    .await;
}

/// Once connected, every 20 ms `client_sends(client, now, i)` sends the client's frame `i` and
/// the leg sends `leg_freq` Hz (peak 8000), for `frames` frames, then both listen 300 ms more.
pub async fn exchange(
    pair: &mut Pair,
    leg_freq: f64,
    frames: usize,
    mut client_sends: impl FnMut(&mut WebRtcClient, Instant, usize),
) {
    pair.connect().await;
    let mut sent = 0;
    let mut quiet = 0;
    let ok = pair
        .run(Duration::from_secs(10), |p, now| {
            if sent < frames {
                client_sends(&mut p.client, now, sent);
                p.leg
                    .send_audio(now, &tone_frame(leg_freq, 8000.0, 8000, sent));
                sent += 1;
                false
            } else {
                quiet += 1;
                quiet >= 15
            }
        })
        .await;
    assert!(ok, "the exchange did not finish in 10 s");
}
