//! What an engine provides: a decoder of one utterance at a time, fed 16 kHz mono PCM.
//!
//! The [`Stream`](crate::Stream) around it does everything else (resampling, voice-activity
//! detection, cutting utterances, pacing partial results, timing), so an engine stays a thin
//! adapter over its library.

use crate::AsrError;

/// One word of a final hypothesis, timed from the start of its utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word, as the engine spells it (lower case for PocketSphinx and sherpa-onnx).
    pub text: String,
    /// Start, in ms from the first sample of the utterance.
    pub start_ms: u64,
    /// End, in ms from the first sample of the utterance.
    pub end_ms: u64,
    /// The engine's confidence in the word, 0 to 1.
    pub confidence: f32,
}

/// The best hypothesis of a whole utterance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hypothesis {
    /// Its words, in order, without silences and noise fillers.
    pub words: Vec<Word>,
}

impl Hypothesis {
    /// The words joined by single spaces, except between two characters of a script written
    /// without spaces (Chinese, Japanese kana): `hello world`, `你好世界`, `我用 patchbay`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for w in &self.words {
            let joined = match (out.chars().last(), w.text.chars().next()) {
                (Some(a), Some(b)) => crate::sherpa::is_cjk(a) && crate::sherpa::is_cjk(b),
                _ => true,
            };
            if !joined {
                out.push(' ');
            }
            out.push_str(&w.text);
        }
        out
    }
}

/// A speech decoder working one utterance at a time on 16 kHz mono PCM.
///
/// Call order: `start_utterance`, any number of `process` and `partial`, `end_utterance`; then
/// again. A decoder keeps state across utterances (PocketSphinx adapts its cepstral mean), so a
/// stream keeps one decoder for its whole life.
pub trait Decoder: Send {
    /// Begins an utterance: the next sample processed is its time 0.
    fn start_utterance(&mut self) -> Result<(), AsrError>;
    /// Decodes more audio of the current utterance.
    fn process(&mut self, pcm_16k: &[i16]) -> Result<(), AsrError>;
    /// The best guess so far for the current utterance, or `None` when there is none yet.
    fn partial(&mut self) -> Option<String>;
    /// Ends the utterance and returns its best hypothesis.
    fn end_utterance(&mut self) -> Result<Hypothesis, AsrError>;
}

impl<D: Decoder + ?Sized> Decoder for Box<D> {
    fn start_utterance(&mut self) -> Result<(), AsrError> {
        (**self).start_utterance()
    }
    fn process(&mut self, pcm_16k: &[i16]) -> Result<(), AsrError> {
        (**self).process(pcm_16k)
    }
    fn partial(&mut self) -> Option<String> {
        (**self).partial()
    }
    fn end_utterance(&mut self) -> Result<Hypothesis, AsrError> {
        (**self).end_utterance()
    }
}
