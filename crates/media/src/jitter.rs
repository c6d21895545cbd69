//! A jitter buffer for 20 ms G.711 streams: reorders, drops duplicates and late packets, reports
//! losses for concealment, and follows clock drift by growing after underruns and shrinking when
//! it holds too much.

use std::collections::BTreeMap;

use crate::rtp::RtpFrame;

/// What one 20 ms tick plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Playout {
    /// The expected packet.
    Frame(RtpFrame),
    /// The expected packet is missing but later ones arrived: conceal (repeat or silence).
    Lost,
    /// Nothing to play yet (start, or the sender paused or is slower than us).
    Empty,
}

/// Counters for the call record and RTCP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JitterStats {
    /// Packets accepted.
    pub received: u64,
    /// Duplicates dropped.
    pub duplicates: u64,
    /// Packets that arrived after their playout time, dropped.
    pub late: u64,
    /// Ticks concealed.
    pub lost: u64,
    /// Frames dropped to shrink the buffer (sender faster than us).
    pub shrunk: u64,
}

/// The buffer of one incoming stream.
#[derive(Debug)]
pub struct JitterBuffer {
    /// Packets waiting, by extended sequence number.
    packets: BTreeMap<u64, RtpFrame>,
    /// Extended sequence number the next tick plays; `None` until playout starts.
    next: Option<u64>,
    /// Highest extended sequence number seen (for unwrapping 16-bit numbers).
    highest: Option<u64>,
    /// Frames to hold before playing (the target delay).
    target: usize,
    /// Most frames held before the oldest are dropped.
    max: usize,
    /// Consecutive ticks with more than target + 2 frames held.
    overfull_ticks: u32,
    /// Counters.
    stats: JitterStats,
}

impl JitterBuffer {
    /// A buffer that holds `target` frames (e.g. 3 = 60 ms) before playing, at most `max`.
    pub fn new(target: usize, max: usize) -> Self {
        JitterBuffer {
            packets: BTreeMap::new(),
            next: None,
            highest: None,
            target: target.max(1),
            max: max.max(target + 2),
            overfull_ticks: 0,
            stats: JitterStats::default(),
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> JitterStats {
        self.stats
    }

    /// Frames currently held.
    pub fn depth(&self) -> usize {
        self.packets.len()
    }

    /// Extends a 16-bit sequence number to 64 bits, relative to the highest seen.
    fn extend(&self, seq: u16) -> u64 {
        let Some(h) = self.highest else {
            return u64::from(seq) + (1 << 16);
        };
        let base = h & !0xffff;
        let candidates = [base.wrapping_sub(1 << 16), base, base + (1 << 16)];
        candidates
            .into_iter()
            .map(|b| b + u64::from(seq))
            .min_by_key(|c| c.abs_diff(h))
            .unwrap_or(h)
    }

    /// Accepts a received packet.
    pub fn push(&mut self, frame: RtpFrame) {
        let ext = self.extend(frame.seq);
        if self.next.is_some_and(|n| ext < n) {
            self.stats.late += 1;
            return;
        }
        if self.packets.contains_key(&ext) {
            self.stats.duplicates += 1;
            return;
        }
        self.highest = Some(self.highest.map_or(ext, |h| h.max(ext)));
        self.packets.insert(ext, frame);
        self.stats.received += 1;
        while self.packets.len() > self.max {
            if let Some((k, _)) = self.packets.pop_first() {
                self.stats.shrunk += 1;
                self.next = Some(k + 1);
            }
        }
    }

    /// Plays one 20 ms tick.
    pub fn pop(&mut self) -> Playout {
        let next = match self.next {
            Some(n) => n,
            None => {
                // Start once the target delay is buffered.
                if self.packets.len() < self.target {
                    return Playout::Empty;
                }
                match self.packets.keys().next() {
                    Some(&k) => k,
                    None => return Playout::Empty,
                }
            }
        };
        if self.packets.is_empty() {
            // Underrun: rebuild the target delay before playing again (the buffer grows).
            self.next = None;
            return Playout::Empty;
        }
        // Shrink when the sender runs faster: drop one frame after a while of holding too much.
        if self.packets.len() > self.target + 2 {
            self.overfull_ticks += 1;
            if self.overfull_ticks >= 50 {
                self.overfull_ticks = 0;
                if let Some((k, _)) = self.packets.pop_first() {
                    self.stats.shrunk += 1;
                    self.next = Some(k + 1);
                    return self.pop();
                }
            }
        } else {
            self.overfull_ticks = 0;
        }
        self.next = Some(next + 1);
        match self.packets.remove(&next) {
            Some(f) => {
                // Drop anything older that is still held (it can only be late now).
                while let Some((&k, _)) = self.packets.first_key_value() {
                    if k >= next {
                        break;
                    }
                    self.packets.pop_first();
                    self.stats.late += 1;
                }
                Playout::Frame(f)
            }
            None => {
                self.stats.lost += 1;
                Playout::Lost
            }
        }
    }
}
