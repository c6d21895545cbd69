//! Patchbay's streaming speech-to-text.
//!
//! A [`Recognizer`] takes one side of a call as PCM (8, 16 or 48 kHz, or any rate from 8 to
//! 192 kHz), finds the speech in it, and hands back [`Segment`]s: partial ones while someone
//! talks (at least every 500 ms of speech) and a final one when they stop (after 600 ms of
//! silence). Times are in ms from the first sample of the stream, counted from the samples fed,
//! never from a clock.
//!
//! - [`Stream`] is the recognizer itself, a pure state machine over an engine's [`Decoder`]:
//!   feeding it runs the decoder on the caller's thread. Use it for files ([`transcribe_wav`]).
//! - [`Worker`] runs a recognizer on its own thread behind a bounded queue: its `feed` never
//!   blocks, and when the decoder falls behind it drops audio and says so with
//!   [`Event::Delayed`]. Use it from a call's media loop.
//! - [`Engine`] names an engine and makes decoders. Built in: PocketSphinx with its US English
//!   model (feature `pocketsphinx`, on by default), see [`pocketsphinx`]; sherpa-onnx with a
//!   streaming model from a model directory (feature `sherpa`, off by default), see [`sherpa`].
//!
//! # Building
//!
//! The `pocketsphinx` feature's build script needs python3 with pip, a C compiler and CMake
//! 3.25 or later (`scripts/install-test-deps` installs them on Debian). It takes the
//! PocketSphinx 5.1.1 source package from PyPI with `pip download` (about 20 s, once), checks
//! its SHA-256, keeps it in `$XDG_CACHE_HOME/patchbay/sdist` (else `~/.cache/patchbay/sdist`)
//! so later builds need no network, builds the C library with CMake (static, Release) and links
//! it. `PATCHBAY_POCKETSPHINX_SDIST=/path/to/pocketsphinx-5.1.1.tar.gz` builds from a copy at
//! hand instead; `--no-default-features` builds the crate without any engine (no C, no network).
//!
//! The `sherpa` feature links the sherpa-onnx C library (2.0.1) as a shared library: set
//! `SHERPA_ONNX_LIB_DIR` to a directory holding `libsherpa-onnx-c-api.so` and
//! `libonnxruntime.so` (the PyPI package `sherpa-onnx-core` ships both; `scripts/sherpa-libs`
//! fetches it with pip). Without that variable the `sherpa-onnx-sys` build script would try
//! to download the library itself.
//!
//! The en-us model (37 MB: acoustic model, trigram language model, dictionary) is embedded in
//! the binary, so a single binary is all a deployment needs; see [`pocketsphinx`] for where it
//! is unpacked at run time and how to use another model.
//!
//! # Example
//!
//! ```no_run
//! use asr::{Engine, Event, Recognizer, StreamConfig};
//! # fn main() -> Result<(), asr::AsrError> {
//! let engine = Engine::default();
//! let mut rec = engine.stream(StreamConfig::new(8_000))?;
//! let frame = [0i16; 160]; // 20 ms at 8 kHz, from the call
//! rec.feed(&frame);
//! while let Some(event) = rec.poll_event() {
//!     if let Event::Segment(s) = event {
//!         println!("{} {}", if s.is_final { "final" } else { "partial" }, s.text);
//!     }
//! }
//! # Ok(()) }
//! ```

pub mod decoder;
mod engine;
#[cfg(feature = "pocketsphinx")]
pub mod pocketsphinx;
mod resample;
pub mod sherpa;
pub mod stream;
pub mod vad;
pub mod wav;
pub mod wer;
pub mod worker;

pub use decoder::{Decoder, Hypothesis, Word};
pub use engine::Engine;
pub use stream::{Stream, StreamConfig};
pub use wav::{Speaker, clock, format_line, transcribe_wav};
pub use worker::{Worker, WorkerConfig};

/// Recognised speech.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Sequence number of the utterance in its stream, from 0. The partials of an utterance and
    /// its final share it: each one replaces the one before.
    pub utterance: u64,
    /// The words, lower case, separated by single spaces. A final with empty text withdraws the
    /// partials of an utterance that turned out to hold no words.
    pub text: String,
    /// Start of the speech, in ms from the start of the stream's audio.
    pub start_ms: u64,
    /// End of the speech (for a partial: of the audio decoded so far), in ms from the start of
    /// the stream's audio.
    pub end_ms: u64,
    /// False for a partial result (more may come for the utterance), true for the utterance's
    /// last result.
    pub is_final: bool,
    /// The engine's confidence, 0 to 1: for a final, the mean of its words' posteriors; 0 for a
    /// partial (PocketSphinx computes posteriors only at the end of an utterance).
    pub confidence: f32,
}

/// What a recognizer reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A partial or final result.
    Segment(Segment),
    /// The decoder fell behind and the audio from `start_ms` to `end_ms` was dropped untranscribed
    /// (an utterance running then was ended at `start_ms`). Only a [`Worker`] drops audio.
    Delayed {
        /// Start of the dropped audio, in ms from the start of the stream.
        start_ms: u64,
        /// End of the dropped audio.
        end_ms: u64,
    },
    /// After [`Recognizer::finish`]: all audio is transcribed; nothing more comes.
    Finished,
}

/// A streaming speech recognizer for one audio stream (one side of a call).
pub trait Recognizer {
    /// Rate of the PCM [`feed`](Recognizer::feed) takes, in Hz.
    fn sample_rate(&self) -> u32;
    /// Takes the next mono PCM samples, at [`sample_rate`](Recognizer::sample_rate), any
    /// number at a time.
    fn feed(&mut self, pcm: &[i16]);
    /// Declares `samples` (at the input rate) missing, for instance a stretch of lost packets:
    /// time moves on past them and an utterance running is ended.
    fn skip(&mut self, samples: usize);
    /// The next event, if one is ready. Never blocks.
    fn poll_event(&mut self) -> Option<Event>;
    /// No more audio: the speech still running is finalised, and [`Event::Finished`] follows the
    /// last segment.
    fn finish(&mut self);

    /// The next segment, skipping other events; for callers that only want text.
    fn poll_segment(&mut self) -> Option<Segment> {
        while let Some(e) = self.poll_event() {
            if let Event::Segment(s) = e {
                return Some(s);
            }
        }
        None
    }
}

impl<R: Recognizer + ?Sized> Recognizer for Box<R> {
    fn sample_rate(&self) -> u32 {
        (**self).sample_rate()
    }
    fn feed(&mut self, pcm: &[i16]) {
        (**self).feed(pcm)
    }
    fn skip(&mut self, samples: usize) {
        (**self).skip(samples)
    }
    fn poll_event(&mut self) -> Option<Event> {
        (**self).poll_event()
    }
    fn finish(&mut self) {
        (**self).finish()
    }
}

/// Errors of the speech-to-text code.
#[derive(Debug, thiserror::Error)]
pub enum AsrError {
    /// A sample rate the recognizer cannot take.
    #[error("unsupported sample rate: {0}")]
    SampleRate(String),
    /// Settings that do not make sense.
    #[error("bad ASR settings: {0}")]
    Config(String),
    /// The engine's model is missing, damaged or cannot be written to its cache.
    #[error("ASR model: {0}")]
    Model(String),
    /// The decoder failed on audio.
    #[error("ASR decoder: {0}")]
    Decoder(String),
    /// An engine that cannot be used here, and what to do about it.
    #[error("{0}")]
    Unavailable(String),
    /// No engine of that name is built in.
    #[error("unknown ASR engine {0:?} (built in: {1})")]
    UnknownEngine(String, String),
    /// A WAV file that cannot be transcribed.
    #[error("WAV: {0}")]
    Wav(String),
    /// File I/O failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}
