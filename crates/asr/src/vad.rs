//! Energy-based voice-activity detection with an adaptive noise floor and a hangover.
//!
//! Works on 10 ms frames. A frame is loud when its level is well above the noise floor (and
//! above an absolute minimum, so digital silence and faint hiss never count). Speech starts
//! after [`VadConfig::onset_ms`] of loud frames and ends after [`VadConfig::hangover_ms`] of
//! quiet ones, so pauses between words do not cut an utterance. The floor is the quietest frame
//! of the last few seconds (minimum statistics): speech always dips between words, so the floor
//! stays at the noise while someone talks, and a noise that starts and never stops becomes the
//! floor within that window instead of holding speech open forever.

use std::collections::VecDeque;

/// Tuning of the detector.
#[derive(Debug, Clone, PartialEq)]
pub struct VadConfig {
    /// How far above the noise floor a frame must be to start speech, in dB.
    pub start_above_floor_db: f32,
    /// How far above the noise floor a frame must be to keep speech going, in dB (lower than the
    /// start threshold: hysteresis).
    pub keep_above_floor_db: f32,
    /// Frames quieter than this (dB full scale) are never speech.
    pub min_level_dbfs: f32,
    /// Loud audio needed before speech starts, in ms.
    pub onset_ms: u32,
    /// Quiet audio after which speech ends, in ms.
    pub hangover_ms: u32,
    /// How far back the noise floor looks for the quietest frame, in ms.
    pub floor_window_ms: u32,
}

impl Default for VadConfig {
    fn default() -> Self {
        VadConfig {
            start_above_floor_db: 12.0,
            keep_above_floor_db: 7.0,
            min_level_dbfs: -50.0,
            onset_ms: 40,
            hangover_ms: 600,
            floor_window_ms: 5_000,
        }
    }
}

/// What a frame changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VadEvent {
    /// Nothing: still in silence, or still in speech.
    None,
    /// Speech began; it started `onset_ms` ago (the loud frames that confirmed it).
    SpeechStart,
    /// Speech ended; the last `hangover_ms` were quiet.
    SpeechEnd,
}

/// The detector's state.
#[derive(Debug, Clone)]
pub struct Vad {
    config: VadConfig,
    /// Quietest frame level of each completed block of the floor window, oldest first; starts
    /// with one block at [`INITIAL_FLOOR_DB`] so the first seconds have a floor to compare with.
    block_mins: VecDeque<f32>,
    /// Quietest frame level of the block being filled.
    block_min: f32,
    /// Frames in the block being filled.
    block_frames: u32,
    /// Noise floor estimate, dBFS: the minimum over the window.
    floor_db: f32,
    /// In speech (between SpeechStart and SpeechEnd).
    in_speech: bool,
    /// Consecutive loud frames while in silence.
    loud_run: u32,
    /// Consecutive quiet frames while in speech.
    quiet_run: u32,
}

/// Lowest level a frame can have: what an all-zero frame is given.
const LEVEL_MIN_DB: f32 = -90.0;
/// The floor assumed before any audio: a quiet line.
const INITIAL_FLOOR_DB: f32 = -60.0;
/// Frames per block of the floor window (0.5 s).
const BLOCK_FRAMES: u32 = 50;

impl Vad {
    /// A detector in silence.
    pub fn new(config: VadConfig) -> Vad {
        let blocks = (config.floor_window_ms / (BLOCK_FRAMES * 10)).max(1) as usize;
        let mut block_mins = VecDeque::with_capacity(blocks + 1);
        block_mins.push_back(INITIAL_FLOOR_DB);
        Vad {
            config,
            block_mins,
            block_min: f32::INFINITY,
            block_frames: 0,
            floor_db: INITIAL_FLOOR_DB,
            in_speech: false,
            loud_run: 0,
            quiet_run: 0,
        }
    }

    /// Whether speech is going on.
    pub fn in_speech(&self) -> bool {
        self.in_speech
    }

    /// The current noise floor, dBFS.
    pub fn noise_floor_db(&self) -> f32 {
        self.floor_db
    }

    /// Frames of loud audio it takes to start speech.
    pub fn onset_frames(&self) -> u32 {
        (self.config.onset_ms / 10).max(1)
    }

    fn hangover_frames(&self) -> u32 {
        (self.config.hangover_ms / 10).max(1)
    }

    /// Takes the next 10 ms frame (any length works; 160 samples at 16 kHz is the intent).
    pub fn push_frame(&mut self, frame: &[i16]) -> VadEvent {
        let level = level_dbfs(frame);
        let c = &self.config;
        let start = level > (self.floor_db + c.start_above_floor_db).max(c.min_level_dbfs);
        let keep = level > (self.floor_db + c.keep_above_floor_db).max(c.min_level_dbfs);
        self.update_floor(level);

        if self.in_speech {
            if keep {
                self.quiet_run = 0;
                VadEvent::None
            } else {
                self.quiet_run += 1;
                if self.quiet_run >= self.hangover_frames() {
                    self.in_speech = false;
                    self.quiet_run = 0;
                    self.loud_run = 0;
                    VadEvent::SpeechEnd
                } else {
                    VadEvent::None
                }
            }
        } else if start {
            self.loud_run += 1;
            if self.loud_run >= self.onset_frames() {
                self.in_speech = true;
                self.loud_run = 0;
                self.quiet_run = 0;
                VadEvent::SpeechStart
            } else {
                VadEvent::None
            }
        } else {
            self.loud_run = 0;
            VadEvent::None
        }
    }

    fn update_floor(&mut self, level: f32) {
        self.block_min = self.block_min.min(level);
        self.block_frames += 1;
        if self.block_frames >= BLOCK_FRAMES {
            let blocks = (self.config.floor_window_ms / (BLOCK_FRAMES * 10)).max(1) as usize;
            self.block_mins.push_back(self.block_min);
            while self.block_mins.len() > blocks {
                self.block_mins.pop_front();
            }
            self.block_min = f32::INFINITY;
            self.block_frames = 0;
        }
        self.floor_db = self
            .block_mins
            .iter()
            .copied()
            .fold(self.block_min, f32::min)
            .max(LEVEL_MIN_DB);
    }

    /// Back to silence (after a gap in the audio), keeping the noise floor.
    pub fn reset(&mut self) {
        self.in_speech = false;
        self.loud_run = 0;
        self.quiet_run = 0;
    }
}

/// RMS level of a frame in dB full scale (a full-scale square wave is 0 dB).
pub fn level_dbfs(frame: &[i16]) -> f32 {
    if frame.is_empty() {
        return LEVEL_MIN_DB;
    }
    let sum: f64 = frame.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    let rms = (sum / frame.len() as f64).sqrt() / 32_768.0;
    if rms <= 0.0 {
        return LEVEL_MIN_DB;
    }
    ((20.0 * rms.log10()) as f32).max(LEVEL_MIN_DB)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(amplitude: f64, n: usize) -> Vec<i16> {
        (0..n)
            .map(|i| (amplitude * (i as f64 * 0.3).sin()) as i16)
            .collect()
    }

    fn noise(amplitude: f64, n: usize, seed: &mut u32) -> Vec<i16> {
        (0..n)
            .map(|_| {
                *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                ((f64::from(*seed >> 8) / f64::from(1u32 << 24) - 0.5) * 2.0 * amplitude) as i16
            })
            .collect()
    }

    /// Feeds `frames` frames of `make()` and returns the index of each event.
    fn run(
        vad: &mut Vad,
        frames: usize,
        mut make: impl FnMut() -> Vec<i16>,
    ) -> Vec<(usize, VadEvent)> {
        (0..frames)
            .filter_map(|i| match vad.push_frame(&make()) {
                VadEvent::None => None,
                e => Some((i, e)),
            })
            .collect()
    }

    #[test]
    fn levels() {
        assert_eq!(level_dbfs(&[0; 160]), LEVEL_MIN_DB);
        let full = vec![i16::MAX; 160];
        assert!(level_dbfs(&full).abs() < 0.01);
        let half = vec![16_384; 160];
        assert!((level_dbfs(&half) + 6.02).abs() < 0.05);
    }

    #[test]
    fn speech_starts_after_onset_and_ends_after_hangover() {
        let mut vad = Vad::new(VadConfig::default());
        assert!(run(&mut vad, 100, || vec![0; 160]).is_empty());
        let ev = run(&mut vad, 100, || tone(8_000.0, 160));
        assert_eq!(ev, vec![(3, VadEvent::SpeechStart)]);
        let ev = run(&mut vad, 100, || vec![0; 160]);
        assert_eq!(ev, vec![(59, VadEvent::SpeechEnd)]);
        assert!(!vad.in_speech());
    }

    #[test]
    fn a_pause_shorter_than_the_hangover_keeps_speech() {
        let mut vad = Vad::new(VadConfig::default());
        run(&mut vad, 50, || vec![0; 160]);
        run(&mut vad, 50, || tone(8_000.0, 160));
        assert!(vad.in_speech());
        assert!(run(&mut vad, 40, || vec![0; 160]).is_empty());
        assert!(run(&mut vad, 50, || tone(8_000.0, 160)).is_empty());
        assert!(vad.in_speech());
    }

    #[test]
    fn a_click_is_not_speech() {
        let mut vad = Vad::new(VadConfig::default());
        run(&mut vad, 50, || vec![0; 160]);
        let ev = run(&mut vad, 2, || tone(20_000.0, 160));
        assert!(ev.is_empty());
        assert!(run(&mut vad, 10, || vec![0; 160]).is_empty());
    }

    #[test]
    fn steady_noise_becomes_the_floor() {
        let mut vad = Vad::new(VadConfig::default());
        let mut seed = 7;
        // -30 dBFS noise that starts and stays: speech at first, then the floor within the
        // window and speech ends.
        let ev = run(&mut vad, 800, || noise(1_000.0, 160, &mut seed));
        assert!(!vad.in_speech(), "events: {ev:?}");
        assert_eq!(ev.len(), 2, "events: {ev:?}");
        assert!(
            vad.noise_floor_db() > -40.0,
            "floor {}",
            vad.noise_floor_db()
        );
        // Speech well above the noise is still found.
        let ev = run(&mut vad, 50, || {
            let mut t = tone(12_000.0, 160);
            for (s, n) in t.iter_mut().zip(noise(1_000.0, 160, &mut seed)) {
                *s = s.saturating_add(n);
            }
            t
        });
        assert_eq!(ev.first().map(|e| e.1), Some(VadEvent::SpeechStart));
    }

    #[test]
    fn faint_hiss_is_never_speech() {
        let mut vad = Vad::new(VadConfig::default());
        let mut seed = 1;
        run(&mut vad, 100, || vec![0; 160]);
        // -60 dBFS: above a floor of digital silence, but below the absolute minimum.
        assert!(run(&mut vad, 100, || noise(50.0, 160, &mut seed)).is_empty());
    }
}
