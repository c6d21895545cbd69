//! Whether the media workers are alive: each worker's loop beats at least every 20 ms tick, and
//! a worker whose thread ended (a panic, a failed poll) says so as it goes. `/readyz` reads it,
//! and the SIP endpoint stops (so the process exits for a restart) when a worker has ended.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The media workers' pulse.
#[derive(Debug)]
pub struct MediaHealth {
    base: Instant,
    /// Milliseconds after `base` of each worker's last beat.
    beats: Box<[AtomicU64]>,
    /// Each worker's thread ended.
    ended: Box<[AtomicBool]>,
}

impl MediaHealth {
    pub(crate) fn new(workers: usize) -> MediaHealth {
        MediaHealth {
            base: Instant::now(),
            beats: (0..workers).map(|_| AtomicU64::new(0)).collect(),
            ended: (0..workers).map(|_| AtomicBool::new(false)).collect(),
        }
    }

    fn since_base(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Worker `i`'s loop went round.
    pub(crate) fn beat(&self, i: usize) {
        if let Some(b) = self.beats.get(i) {
            b.store(self.since_base(), Ordering::Relaxed);
        }
    }

    /// Marks worker `i` ended when dropped: at the end of its thread, also by a panic.
    pub(crate) fn watch(&self, i: usize) -> EndGuard<'_> {
        EndGuard { health: self, i }
    }

    /// The first worker whose thread ended.
    pub fn ended_worker(&self) -> Option<usize> {
        self.ended.iter().position(|e| e.load(Ordering::Relaxed))
    }

    /// Every worker alive and beating within `silence`; else why not (`media-1 stopped`,
    /// `media-0 silent for 3.2 s`).
    pub fn check(&self, silence: Duration) -> Result<(), String> {
        if let Some(i) = self.ended_worker() {
            return Err(format!("media-{i} stopped"));
        }
        let now = self.since_base();
        for (i, b) in self.beats.iter().enumerate() {
            let quiet = now.saturating_sub(b.load(Ordering::Relaxed));
            if u128::from(quiet) > silence.as_millis() {
                return Err(format!(
                    "media-{i} silent for {:.1} s",
                    quiet as f64 / 1000.0
                ));
            }
        }
        Ok(())
    }
}

/// See [`MediaHealth::watch`].
pub(crate) struct EndGuard<'a> {
    health: &'a MediaHealth,
    i: usize,
}

impl Drop for EndGuard<'_> {
    fn drop(&mut self) {
        if let Some(e) = self.health.ended.get(self.i) {
            e.store(true, Ordering::Relaxed);
        }
    }
}
