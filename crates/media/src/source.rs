//! Audio that a room plays without a remote party: hold music, prompts, tones.

use crate::FRAME_SAMPLES;
use crate::tone::ToneGenerator;

/// Something that yields 20 ms frames of 8 kHz audio.
pub trait FrameSource: Send + std::fmt::Debug {
    /// The next frame; `None` when finished (a prompt that played out).
    fn next_frame(&mut self) -> Option<Vec<i16>>;
}

impl FrameSource for ToneGenerator {
    fn next_frame(&mut self) -> Option<Vec<i16>> {
        Some(ToneGenerator::next_frame(self))
    }
}

/// Plays decoded 8 kHz samples, once or looping (hold music).
#[derive(Debug, Clone)]
pub struct PromptPlayer {
    /// The whole prompt.
    samples: std::sync::Arc<[i16]>,
    /// Next sample to play.
    pos: usize,
    /// Start again at the end.
    looping: bool,
    /// Where a loop starts again (a "please hold" prompt followed by looping music).
    loop_from: usize,
}

impl PromptPlayer {
    /// A player over shared samples (one decoded copy serves every call).
    pub fn new(samples: std::sync::Arc<[i16]>, looping: bool) -> Self {
        PromptPlayer {
            samples,
            pos: 0,
            looping,
            loop_from: 0,
        }
    }

    /// A player that plays everything once, then loops from sample `at` (clamped to the
    /// start when it is past the end).
    pub fn looping_from(samples: std::sync::Arc<[i16]>, at: usize) -> Self {
        let loop_from = if at < samples.len() { at } else { 0 };
        PromptPlayer {
            samples,
            pos: 0,
            looping: true,
            loop_from,
        }
    }
}

impl FrameSource for PromptPlayer {
    fn next_frame(&mut self) -> Option<Vec<i16>> {
        if self.samples.is_empty() {
            return None;
        }
        if self.pos >= self.samples.len() {
            if !self.looping {
                return None;
            }
            self.pos = self.loop_from;
        }
        let mut frame = Vec::with_capacity(FRAME_SAMPLES);
        while frame.len() < FRAME_SAMPLES {
            if self.pos >= self.samples.len() {
                if !self.looping {
                    frame.resize(FRAME_SAMPLES, 0);
                    break;
                }
                self.pos = self.loop_from;
            }
            let take = (FRAME_SAMPLES - frame.len()).min(self.samples.len() - self.pos);
            frame.extend_from_slice(&self.samples[self.pos..self.pos + take]);
            self.pos += take;
        }
        Some(frame)
    }
}
