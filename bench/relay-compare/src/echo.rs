//! The far end's media: one UDP socket that sends every RTP packet back where it came from and
//! counts, per source (one a call: both systems relay each call from a port of its own), the
//! packets received and the sequence numbers' span, so loss on the way caller → system → far
//! end is measured the same way for every system.

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One call's stream as the echo saw it.
#[derive(Debug, Clone, Copy)]
struct Stream {
    /// Lowest and highest extended sequence number (wraps unrolled).
    low: u64,
    high: u64,
    received: u64,
    last_seen: Instant,
}

impl Stream {
    fn new(seq: u16, now: Instant) -> Stream {
        // Start in the middle of the range so a wrap below the first number stays positive.
        let ext = (1u64 << 32) + u64::from(seq);
        Stream {
            low: ext,
            high: ext,
            received: 1,
            last_seen: now,
        }
    }

    /// Counts `seq`: the extended number nearest the highest seen so far.
    fn count(&mut self, seq: u16, now: Instant) {
        let base = self.high & !0xffff;
        let ext = [base.wrapping_sub(0x1_0000), base, base + 0x1_0000]
            .into_iter()
            .map(|b| b | u64::from(seq))
            .min_by_key(|e| e.abs_diff(self.high))
            .unwrap_or(base);
        self.low = self.low.min(ext);
        self.high = self.high.max(ext);
        self.received += 1;
        self.last_seen = now;
    }
}

/// What the echo counted since it was last reset.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Counts {
    /// Calls whose media reached the far end.
    pub streams: u64,
    /// Packets their sequence numbers span, and those received.
    pub expected: u64,
    pub received: u64,
}

impl Counts {
    /// Lost packets in % of those expected (100 when nothing came).
    pub fn loss(&self) -> f64 {
        if self.expected == 0 {
            100.0
        } else {
            self.expected.saturating_sub(self.received) as f64 * 100.0 / self.expected as f64
        }
    }
}

/// The echo socket and its counts; the thread stops when this is dropped.
pub(crate) struct Echo {
    streams: Arc<Mutex<HashMap<SocketAddr, Stream>>>,
    stop: Arc<AtomicBool>,
}

impl Echo {
    /// Binds 127.0.0.1:`port` (a 4 MiB receive buffer) and starts echoing.
    pub fn start(port: u16) -> std::io::Result<Echo> {
        let socket = socket2::Socket::new(
            socket2::Domain::IPV4,
            socket2::Type::DGRAM,
            Some(socket2::Protocol::UDP),
        )?;
        let _ = socket.set_recv_buffer_size(4 << 20);
        socket.bind(&SocketAddr::from(([127, 0, 0, 1], port)).into())?;
        let socket: UdpSocket = socket.into();
        socket.set_read_timeout(Some(Duration::from_millis(100)))?;
        let streams = Arc::new(Mutex::new(HashMap::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (streams.clone(), stop.clone());
        std::thread::Builder::new()
            .name("echo".to_owned())
            .spawn(move || echo(&socket, &s, &st))?;
        Ok(Echo { streams, stop })
    }

    /// Forgets every stream (a new step starts).
    pub fn reset(&self) {
        self.lock().clear();
    }

    /// Streams that sent a packet within the last second: calls with media flowing now.
    pub fn active(&self) -> usize {
        let now = Instant::now();
        self.lock()
            .values()
            .filter(|s| now.duration_since(s.last_seen) < Duration::from_secs(1))
            .count()
    }

    /// The counts since the last reset.
    pub fn counts(&self) -> Counts {
        self.lock().values().fold(Counts::default(), |mut c, s| {
            c.streams += 1;
            c.expected += s.high - s.low + 1;
            c.received += s.received;
            c
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SocketAddr, Stream>> {
        self.streams.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
    }
}

fn echo(socket: &UdpSocket, streams: &Mutex<HashMap<SocketAddr, Stream>>, stop: &AtomicBool) {
    let mut buf = [0u8; 2048];
    while !stop.load(Relaxed) {
        let Ok((n, from)) = socket.recv_from(&mut buf) else {
            continue;
        };
        if n < 12 || buf[0] >> 6 != 2 {
            continue; // not RTP (RTCP goes to the next port, which nobody binds)
        }
        let seq = u16::from_be_bytes([buf[2], buf[3]]);
        let now = Instant::now();
        streams
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(from)
            .and_modify(|s| s.count(seq, now))
            .or_insert_with(|| Stream::new(seq, now));
        let _ = socket.send_to(&buf[..n], from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_that_wrap_count_as_one_span() {
        let now = Instant::now();
        let mut s = Stream::new(65_534, now);
        for seq in [65_535, 0, 2, 1] {
            s.count(seq, now);
        }
        assert_eq!((s.high - s.low + 1, s.received), (5, 5));
        s.count(4, now);
        assert_eq!((s.high - s.low + 1, s.received), (7, 6), "3 lost");
    }
}
