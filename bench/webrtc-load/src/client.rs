//! One visitor: a headless [`WebRtcClient`] on its own loopback socket, driven on a tokio task.
//! From the moment it connects it sends a 1 kHz tone (Opus, 20 ms frames, 50 packets/s, as a
//! browser's microphone would); over the measurement window it counts the packets that come
//! back and, on the visitors chosen to check, decodes every frame and checks it for the tone.
//! The tone is encoded once for every visitor unless each is asked to encode its own
//! ([`Audio`]): the generator's Opus is then not what limits the legs measured.

use std::net::UdpSocket;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use webrtc::{LegEvent, LegStats, WebRtcClient};

/// The tone every visitor sends, Hz: a whole number of periods in a 20 ms frame at 48 kHz, so
/// one precomputed frame loops seamlessly.
pub(crate) const TONE_HZ: f64 = 1_000.0;
/// Its peak amplitude (about -12 dBFS), a speaking level.
const TONE_AMPLITUDE: f64 = 8_000.0;
/// A frame carries the tone when at least this share of its power is at the tone's frequency …
const TONE_SHARE: f64 = 0.5;
/// … and it is louder than this (mean square relative to full scale: -45 dBFS).
const MIN_POWER: f64 = 3.2e-5;
/// Packets a second, each way.
pub(crate) const PACKETS_PER_SECOND: f64 = 50.0;
/// The longest a task sleeps, so it sees the window and stop flags soon.
const MAX_SLEEP: Duration = Duration::from_millis(50);

/// What the benchmark tells every visitor's task, and what they tell it back.
#[derive(Debug)]
pub(crate) struct Control {
    /// The origin of the millisecond offsets below.
    base: Instant,
    /// Window start, ms after `base` plus one (0: not yet set).
    window_start: AtomicU64,
    /// Window end, the same way.
    window_end: AtomicU64,
    /// The step is over: tasks return their reports.
    stop: AtomicBool,
    /// Visitors whose session has connected (each counts once).
    pub(crate) connected: AtomicUsize,
    /// Visitors that closed their window (the step waits for them all: a visitor's thread may
    /// be descheduled a while on a shared machine).
    pub(crate) closed: AtomicUsize,
}

impl Control {
    pub(crate) fn new(base: Instant) -> Control {
        Control {
            base,
            window_start: AtomicU64::new(0),
            window_end: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            connected: AtomicUsize::new(0),
            closed: AtomicUsize::new(0),
        }
    }

    /// Opens the measurement window from `start` to `end`.
    pub(crate) fn set_window(&self, start: Instant, end: Instant) {
        let ms = |t: Instant| t.saturating_duration_since(self.base).as_millis() as u64 + 1;
        self.window_end.store(ms(end), Relaxed);
        self.window_start.store(ms(start), Relaxed);
    }

    /// Ends every task.
    pub(crate) fn stop(&self) {
        self.stop.store(true, Relaxed);
    }

    fn at(&self, v: &AtomicU64) -> Option<Instant> {
        match v.load(Relaxed) {
            0 => None,
            ms => Some(self.base + Duration::from_millis(ms - 1)),
        }
    }
}

/// What one visitor saw in the window.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Window {
    /// Its length as this task measured it, seconds.
    pub(crate) seconds: f64,
    /// RTP packets received.
    pub(crate) received: u64,
    /// RTP packets lost by sequence number (gaps between those received).
    pub(crate) lost: u64,
    /// 20 ms frames this visitor sent (50 a second unless its thread fell behind).
    pub(crate) sent: u64,
    /// Decoded 20 ms frames.
    pub(crate) frames: u64,
    /// Of those, frames carrying the tone.
    pub(crate) tone_frames: u64,
}

impl Window {
    /// Packets the window should have brought at 50 a second.
    pub(crate) fn expected(&self) -> u64 {
        (self.seconds * PACKETS_PER_SECOND).round() as u64
    }
}

/// What every visitor sends.
#[derive(Debug, Clone)]
pub(crate) enum Audio {
    /// Each visitor encodes this 20 ms frame of PCM (48 kHz) every 20 ms, as a browser does.
    Encode(Arc<[i16]>),
    /// Frames encoded once, sent in a loop by every visitor.
    Encoded(Arc<[Vec<u8>]>),
}

impl Audio {
    /// The tone encoded once: a second of frames, one after the other, as one encoder would
    /// make them.
    pub(crate) fn encoded_tone() -> Result<Audio, webrtc::Error> {
        let frame = tone_frame();
        let frames = vec![&frame[..]; PACKETS_PER_SECOND as usize];
        let encoded = webrtc::encode_frames(webrtc::Codec::Opus, 48_000, &frames)?;
        Ok(Audio::Encoded(encoded.into()))
    }
}

/// What one visitor reports at the end of a step.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Report {
    /// The session connected.
    pub(crate) connected: bool,
    /// It decoded what came back and checked it for the tone.
    pub(crate) checked: bool,
    /// It disconnected afterwards.
    pub(crate) disconnected: bool,
    /// The window's counts, if the task saw the window open and close.
    pub(crate) window: Option<Window>,
}

/// One 20 ms frame of the tone at 48 kHz (960 samples, 20 whole periods).
pub(crate) fn tone_frame() -> Arc<[i16]> {
    let step = 2.0 * std::f64::consts::PI * TONE_HZ / 48_000.0;
    (0..960)
        .map(|i| ((f64::from(i) * step).sin() * TONE_AMPLITUDE).round() as i16)
        .collect()
}

/// Whether a decoded frame carries the tone.
pub(crate) fn has_tone(frame: &[i16], rate: f64) -> bool {
    if frame.is_empty() {
        return false;
    }
    let power = frame
        .iter()
        .map(|s| (f64::from(*s) / 32_768.0).powi(2))
        .sum::<f64>()
        / frame.len() as f64;
    // A sine of peak `a` has a mean square of a²/2 and a Goertzel power of a².
    power > MIN_POWER && media::tone::goertzel(frame, TONE_HZ, rate) / (2.0 * power) > TONE_SHARE
}

/// Drives one visitor until the step stops.
pub(crate) async fn drive(
    mut client: WebRtcClient,
    sock: UdpSocket,
    audio: Audio,
    check: bool,
    control: Arc<Control>,
) -> Report {
    let mut report = Report {
        checked: check,
        ..Report::default()
    };
    client.set_decoding(check);
    let mut sent_frames = 0usize;
    let Ok(sock) = tokio::net::UdpSocket::from_std(sock) else {
        return report;
    };
    let Ok(local) = sock.local_addr() else {
        return report;
    };
    let rate = f64::from(client.sample_rate());
    let mut buf = vec![0u8; 2048];
    let mut next_tick: Option<Instant> = None;
    // (when, stats then, frames and tone frames since)
    let mut open: Option<(Instant, LegStats, u64, u64)> = None;
    loop {
        while let Some((to, bytes)) = client.poll_transmit() {
            // Loopback: a send fails only if Patchbay's socket is gone, which the counts show.
            let _ = sock.send_to(&bytes, to).await;
        }
        while let Some(ev) = client.poll_event() {
            match ev {
                LegEvent::Connected => {
                    if !report.connected {
                        report.connected = true;
                        control.connected.fetch_add(1, Relaxed);
                    }
                    next_tick.get_or_insert_with(Instant::now);
                }
                LegEvent::Disconnected => report.disconnected = true,
                LegEvent::Dtmf(_) => {}
            }
        }
        while let Some(frame) = client.poll_audio() {
            if let Some((_, _, frames, tones)) = &mut open {
                *frames += 1;
                if has_tone(&frame, rate) {
                    *tones += 1;
                }
            }
        }
        let now = Instant::now();
        if control.stop.load(Relaxed) {
            break;
        }
        if open.is_none()
            && report.window.is_none()
            && control.at(&control.window_start).is_some_and(|t| now >= t)
        {
            open = Some((now, client.stats(), 0, 0));
        }
        if let Some((t0, s0, frames, tone_frames)) = open
            && control.at(&control.window_end).is_some_and(|t| now >= t)
        {
            let s1 = client.stats();
            report.window = Some(Window {
                seconds: (now - t0).as_secs_f64(),
                received: s1.packets_received - s0.packets_received,
                lost: s1.packets_lost.saturating_sub(s0.packets_lost),
                sent: s1.frames_sent - s0.frames_sent,
                frames,
                tone_frames,
            });
            open = None;
            control.closed.fetch_add(1, Relaxed);
        }
        if let Some(tick) = next_tick.filter(|&t| t <= now) {
            match &audio {
                Audio::Encode(pcm) => client.send_audio(now, pcm),
                Audio::Encoded(frames) => {
                    client.send_encoded(now, &frames[sent_frames % frames.len()]);
                }
            }
            sent_frames += 1;
            // A late task catches up: the far end still gets 50 packets a second.
            next_tick = Some(tick + Duration::from_millis(20));
            continue;
        }
        let mut wake = client.poll_timeout().min(now + MAX_SLEEP);
        if let Some(t) = next_tick {
            wake = wake.min(t);
        }
        tokio::select! {
            r = sock.recv_from(&mut buf) => {
                if let Ok((n, from)) = r {
                    client.handle_datagram(Instant::now(), from, local, &buf[..n]);
                }
            }
            () = tokio::time::sleep_until(wake.into()) => {
                let now = Instant::now();
                if client.poll_timeout() <= now {
                    client.handle_timeout(now);
                }
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tone_frame_is_the_tone() {
        assert!(has_tone(&tone_frame(), 48_000.0));
    }

    #[test]
    fn silence_and_other_frequencies_are_not() {
        assert!(!has_tone(&[0; 960], 48_000.0));
        let step = 2.0 * std::f64::consts::PI * 600.0 / 48_000.0;
        let other: Vec<i16> = (0..960)
            .map(|i| ((f64::from(i) * step).sin() * 8_000.0) as i16)
            .collect();
        assert!(!has_tone(&other, 48_000.0));
    }

    #[test]
    fn the_window_expects_fifty_packets_a_second() {
        let w = Window {
            seconds: 60.004,
            ..Window::default()
        };
        assert_eq!(w.expected(), 3_000);
    }
}
