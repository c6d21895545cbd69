//! Back-pressure: a recognizer on its own thread behind a bounded queue, for callers that must
//! never wait (a call's media loop feeding 20 ms frames).
//!
//! [`Worker::feed`] copies the samples into the queue and returns. When the queue already holds
//! [`WorkerConfig::max_queued_ms`] of audio the decoder has fallen behind: the samples are
//! dropped instead, and the run of dropped audio reaches the recognizer as a gap
//! ([`Recognizer::skip`]), so its times stay right, and the caller as an [`Event::Delayed`]
//! marker, in order with the segments. Events come back through a bounded channel too; a
//! caller that stops polling makes the worker wait, which fills the queue, which drops audio:
//! memory stays bounded whatever the caller does.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::{Event, Recognizer};

/// Settings of a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerConfig {
    /// Most audio waiting for the decoder, in ms; more is dropped.
    pub max_queued_ms: u32,
    /// Most events waiting for the caller.
    pub max_queued_events: usize,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            max_queued_ms: 3_000,
            max_queued_events: 256,
        }
    }
}

/// What the caller sends the thread, in stream order.
enum Msg {
    /// Audio to decode.
    Audio(Vec<i16>),
    /// Samples missing from the stream, from input sample `start`: dropped (some or all of
    /// them) because the decoder was behind (`dropped`), or declared lost by the caller.
    Gap { start: u64, len: u64, dropped: bool },
    /// No more audio.
    Finish,
}

/// Counters shared with the thread.
#[derive(Debug, Default)]
struct Shared {
    /// Samples in the queue.
    queued: AtomicUsize,
    /// Samples dropped since the start.
    dropped: AtomicU64,
}

/// A recognizer running on its own thread; itself a [`Recognizer`] whose `feed` never blocks.
pub struct Worker {
    /// To the thread; `None` after `finish`.
    tx: Option<Sender<Msg>>,
    /// From the thread.
    rx: Receiver<Event>,
    /// Queue fill and drop counters.
    shared: Arc<Shared>,
    /// Input rate of the wrapped recognizer.
    rate: u32,
    /// Most samples queued.
    max_queued: usize,
    /// Input samples fed or skipped so far.
    pos: u64,
    /// The run of missing samples not yet announced to the thread: (first sample, length,
    /// whether any of it was dropped here rather than declared lost by the caller). One run at
    /// most, merged as it grows, so a stuck decoder cannot make the caller queue messages.
    gap: Option<(u64, u64, bool)>,
    /// The thread ended (after `Finished`, or because it died).
    done: bool,
    /// The thread, detached on drop.
    _thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("rate", &self.rate)
            .field("queued", &self.shared.queued.load(Ordering::Relaxed))
            .field("dropped", &self.shared.dropped.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Worker {
    /// Moves `recognizer` onto a new thread (named `asr`).
    pub fn spawn<R>(recognizer: R, config: WorkerConfig) -> std::io::Result<Worker>
    where
        R: Recognizer + Send + 'static,
    {
        let rate = recognizer.sample_rate();
        let (tx, thread_rx) = mpsc::channel::<Msg>();
        let (thread_tx, rx) = mpsc::sync_channel::<Event>(config.max_queued_events.max(4));
        let shared = Arc::new(Shared::default());
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("asr".into())
            .spawn(move || run(recognizer, thread_rx, thread_tx, thread_shared))?;
        Ok(Worker {
            tx: Some(tx),
            rx,
            shared,
            rate,
            max_queued: (u64::from(config.max_queued_ms) * u64::from(rate) / 1000) as usize,
            pos: 0,
            gap: None,
            done: false,
            _thread: Some(thread),
        })
    }

    /// Samples dropped so far because the decoder was behind.
    pub fn dropped_samples(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// Audio waiting for the decoder, in ms.
    pub fn queued_ms(&self) -> u64 {
        self.shared.queued.load(Ordering::Relaxed) as u64 * 1000 / u64::from(self.rate)
    }

    /// Waits up to `timeout` for the next event (for callers that may block, like a file
    /// transcription or a test). `None` on time-out, or when the thread has ended.
    pub fn wait_event(&mut self, timeout: Duration) -> Option<Event> {
        if self.done {
            return None;
        }
        match self.rx.recv_timeout(timeout) {
            Ok(e) => Some(self.seen(e)),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => self.thread_gone(),
        }
    }

    fn seen(&mut self, e: Event) -> Event {
        if matches!(e, Event::Finished) {
            self.done = true;
        }
        e
    }

    /// The thread ended without `Finished`: the recognizer panicked.
    fn thread_gone(&mut self) -> Option<Event> {
        self.done = true;
        tracing::warn!("ASR worker thread ended early");
        Some(Event::Finished)
    }

    /// Sends the pending run of missing audio, if any, ahead of the next message.
    fn send_gap(&mut self) {
        if let (Some((start, len, dropped)), Some(tx)) = (self.gap.take(), &self.tx) {
            let _ = tx.send(Msg::Gap {
                start,
                len,
                dropped,
            });
        }
    }

    /// Adds `len` missing samples at the current position to the pending run.
    fn extend_gap(&mut self, len: u64, dropped: bool) {
        let pos = self.pos;
        let g = self.gap.get_or_insert((pos, 0, false));
        g.1 += len;
        g.2 |= dropped;
        self.pos += len;
    }
}

impl Recognizer for Worker {
    fn sample_rate(&self) -> u32 {
        self.rate
    }

    fn feed(&mut self, pcm: &[i16]) {
        if self.tx.is_none() || pcm.is_empty() {
            return;
        }
        let queued = self.shared.queued.load(Ordering::Acquire);
        if queued + pcm.len() > self.max_queued {
            // Behind: drop, and remember the run for the thread and the caller.
            self.extend_gap(pcm.len() as u64, true);
            self.shared
                .dropped
                .fetch_add(pcm.len() as u64, Ordering::Relaxed);
            return;
        }
        self.send_gap();
        self.shared.queued.fetch_add(pcm.len(), Ordering::AcqRel);
        if let Some(tx) = &self.tx
            && tx.send(Msg::Audio(pcm.to_vec())).is_err()
        {
            // The thread is gone; nothing will decode this.
            self.shared.queued.fetch_sub(pcm.len(), Ordering::AcqRel);
        }
        self.pos += pcm.len() as u64;
    }

    fn skip(&mut self, samples: usize) {
        if self.tx.is_some() {
            self.extend_gap(samples as u64, false);
        }
    }

    fn poll_event(&mut self) -> Option<Event> {
        if self.done {
            return None;
        }
        match self.rx.try_recv() {
            Ok(e) => Some(self.seen(e)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => self.thread_gone(),
        }
    }

    fn finish(&mut self) {
        self.send_gap();
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Msg::Finish);
        }
    }
}

/// The thread: decode what comes, hand events back, until `Finish` or the caller is gone.
fn run<R: Recognizer>(mut rec: R, rx: Receiver<Msg>, tx: SyncSender<Event>, shared: Arc<Shared>) {
    let rate = u64::from(rec.sample_rate());
    while let Ok(msg) = rx.recv() {
        let alive = match msg {
            Msg::Audio(pcm) => {
                rec.feed(&pcm);
                shared.queued.fetch_sub(pcm.len(), Ordering::AcqRel);
                drain(&mut rec, &tx)
            }
            Msg::Gap {
                start,
                len,
                dropped,
            } => {
                rec.skip(len as usize);
                drain(&mut rec, &tx)
                    && (!dropped
                        || tx
                            .send(Event::Delayed {
                                start_ms: start * 1000 / rate,
                                end_ms: (start + len) * 1000 / rate,
                            })
                            .is_ok())
            }
            Msg::Finish => {
                rec.finish();
                drain(&mut rec, &tx);
                return;
            }
        };
        if !alive {
            return;
        }
    }
}

/// Passes the recognizer's events on; partials are dropped when the caller is behind, other
/// events wait for room. False when the caller is gone.
fn drain<R: Recognizer>(rec: &mut R, tx: &SyncSender<Event>) -> bool {
    while let Some(e) = rec.poll_event() {
        let partial = matches!(&e, Event::Segment(s) if !s.is_final);
        if partial {
            match tx.try_send(e) {
                Ok(()) | Err(mpsc::TrySendError::Full(_)) => {}
                Err(mpsc::TrySendError::Disconnected(_)) => return false,
            }
        } else if tx.send(e).is_err() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Segment;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    #[derive(Debug, Clone, PartialEq)]
    enum Call {
        Feed(usize),
        Skip(usize),
        Finish,
    }

    /// A recognizer that waits for a token before each feed (so a test decides how far behind
    /// it is), records what it is asked, and reports one final segment per feed.
    struct Gated {
        gate: Receiver<()>,
        calls: Arc<Mutex<Vec<Call>>>,
        pos: u64,
        events: VecDeque<Event>,
        dropped: Arc<AtomicUsize>,
    }

    impl Drop for Gated {
        fn drop(&mut self) {
            self.dropped.fetch_add(1, Ordering::SeqCst);
        }
    }

    impl Recognizer for Gated {
        fn sample_rate(&self) -> u32 {
            8_000
        }
        fn feed(&mut self, pcm: &[i16]) {
            let _ = self.gate.recv(); // Err once the test drops the sender: run free.
            self.calls.lock().unwrap().push(Call::Feed(pcm.len()));
            let start_ms = self.pos / 8;
            self.pos += pcm.len() as u64;
            self.events.push_back(Event::Segment(Segment {
                utterance: 0,
                text: "x".into(),
                start_ms,
                end_ms: self.pos / 8,
                is_final: true,
                confidence: 1.0,
            }));
        }
        fn skip(&mut self, samples: usize) {
            self.calls.lock().unwrap().push(Call::Skip(samples));
            self.pos += samples as u64;
        }
        fn poll_event(&mut self) -> Option<Event> {
            self.events.pop_front()
        }
        fn finish(&mut self) {
            self.calls.lock().unwrap().push(Call::Finish);
            self.events.push_back(Event::Finished);
        }
    }

    struct Rig {
        worker: Worker,
        gate: Option<SyncSender<()>>,
        calls: Arc<Mutex<Vec<Call>>>,
        dropped: Arc<AtomicUsize>,
    }

    fn rig(max_queued_ms: u32) -> Rig {
        let (gate_tx, gate) = mpsc::sync_channel(1_000);
        let calls = Arc::new(Mutex::new(Vec::new()));
        let dropped = Arc::new(AtomicUsize::new(0));
        let rec = Gated {
            gate,
            calls: Arc::clone(&calls),
            pos: 0,
            events: VecDeque::new(),
            dropped: Arc::clone(&dropped),
        };
        let worker = Worker::spawn(
            rec,
            WorkerConfig {
                max_queued_ms,
                ..Default::default()
            },
        )
        .unwrap();
        Rig {
            worker,
            gate: Some(gate_tx),
            calls,
            dropped,
        }
    }

    fn drain_all(w: &mut Worker) -> Vec<Event> {
        let mut out = Vec::new();
        while let Some(e) = w.wait_event(Duration::from_secs(10)) {
            let done = matches!(e, Event::Finished);
            out.push(e);
            if done {
                break;
            }
        }
        out
    }

    #[test]
    fn a_stuck_decoder_makes_the_worker_drop_and_mark_the_gap() {
        let mut r = rig(1_000);
        // 5 s in 20 ms frames while the decoder takes nothing: 1 s fits, 4 s are dropped.
        for _ in 0..250 {
            r.worker.feed(&[0; 160]);
        }
        assert_eq!(r.worker.dropped_samples(), 4 * 8_000);
        assert_eq!(r.worker.queued_ms(), 1_000);
        // Two more frames after the decoder caught up: the gap is announced before them.
        r.gate = None;
        while r.worker.queued_ms() > 0 {
            std::thread::yield_now();
        }
        r.worker.feed(&[0; 160]);
        r.worker.feed(&[0; 160]);
        r.worker.finish();
        let events = drain_all(&mut r.worker);
        let delayed: Vec<&Event> = events
            .iter()
            .filter(|e| matches!(e, Event::Delayed { .. }))
            .collect();
        assert_eq!(
            delayed,
            vec![&Event::Delayed {
                start_ms: 1_000,
                end_ms: 5_000
            }]
        );
        // In order: segments up to 1 s, the marker, segments from 5 s, Finished.
        let pos = events
            .iter()
            .position(|e| matches!(e, Event::Delayed { .. }))
            .unwrap();
        assert!(
            events[..pos]
                .iter()
                .all(|e| matches!(e, Event::Segment(s) if s.end_ms <= 1_000))
        );
        assert!(
            events[pos + 1..events.len() - 1]
                .iter()
                .all(|e| matches!(e, Event::Segment(s) if s.start_ms >= 5_000))
        );
        assert_eq!(events.last(), Some(&Event::Finished));
        let calls = r.calls.lock().unwrap().clone();
        assert_eq!(calls.iter().filter(|c| **c == Call::Feed(160)).count(), 52);
        assert!(calls.contains(&Call::Skip(4 * 8_000)));
        assert_eq!(calls.last(), Some(&Call::Finish));
    }

    #[test]
    fn a_gap_still_open_at_finish_is_marked() {
        let mut r = rig(100);
        for _ in 0..20 {
            r.worker.feed(&[0; 160]);
        }
        r.gate = None;
        r.worker.finish();
        let events = drain_all(&mut r.worker);
        assert!(
            events.contains(&Event::Delayed {
                start_ms: 100,
                end_ms: 400
            }),
            "{events:?}"
        );
        assert_eq!(events.last(), Some(&Event::Finished));
    }

    #[test]
    fn lost_audio_is_skipped_without_a_delay_marker() {
        let mut r = rig(1_000);
        r.gate = None;
        r.worker.feed(&[0; 160]);
        r.worker.skip(800);
        r.worker.feed(&[0; 160]);
        r.worker.finish();
        let events = drain_all(&mut r.worker);
        assert!(!events.iter().any(|e| matches!(e, Event::Delayed { .. })));
        assert_eq!(
            r.calls.lock().unwrap().clone(),
            vec![
                Call::Feed(160),
                Call::Skip(800),
                Call::Feed(160),
                Call::Finish
            ]
        );
        assert_eq!(r.worker.dropped_samples(), 0);
        // Times continue past the skipped 100 ms.
        assert!(events.contains(&Event::Segment(Segment {
            utterance: 0,
            text: "x".into(),
            start_ms: 120,
            end_ms: 140,
            is_final: true,
            confidence: 1.0,
        })));
    }

    #[test]
    fn dropping_the_worker_ends_its_thread() {
        let r = rig(1_000);
        let dropped = Arc::clone(&r.dropped);
        drop(r);
        for _ in 0..1_000 {
            if dropped.load(Ordering::SeqCst) == 1 {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the recognizer was never dropped");
    }
}
