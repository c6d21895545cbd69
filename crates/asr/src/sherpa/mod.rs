//! Engine 2: sherpa-onnx streaming models (Chinese, English and the other languages sherpa-onnx
//! has streaming models for), read from a model directory the operator provides.
//!
//! No model ships with Patchbay: the operator downloads a streaming model and points Patchbay
//! at its directory. Three layouts are recognised ([`ModelLayout::find`]):
//!
//! - a streaming **transducer** (zipformer, conformer, LSTM): `encoder*.onnx`, `decoder*.onnx`,
//!   `joiner*.onnx` and `tokens.txt`;
//! - a streaming **paraformer**: `encoder*.onnx`, `decoder*.onnx` (no joiner) and `tokens.txt`;
//! - a streaming **zipformer2 CTC** model: one `*ctc*.onnx` (or `model*.onnx`) and `tokens.txt`.
//!
//! Where a directory holds both a float and an `.int8.` variant of a file, the int8 one is
//! taken (several times faster on CPU for a small loss of accuracy).
//!
//! The layout check is pure file inspection and is compiled into every build; the recognizer
//! itself needs the `sherpa` feature (the sherpa-onnx C library, linked as a shared library).
//! Like every engine, it works one utterance at a time on 16 kHz audio behind Patchbay's own
//! voice-activity detection ([`Stream`](crate::Stream)); sherpa-onnx resamples that to the
//! model's rate if the model was trained at another one ([`SherpaOnnxOptions::model_rate`]).

#[cfg(feature = "sherpa")]
mod recognizer;

use std::fmt;
use std::path::{Path, PathBuf};

#[cfg(feature = "sherpa")]
pub use recognizer::{SherpaOnnx, SherpaOnnxEngine};

use crate::AsrError;
use crate::decoder::Word;

/// Whether this binary was built with the sherpa-onnx engine (the `sherpa` feature).
pub const BUILT_IN: bool = cfg!(feature = "sherpa");

/// The version of the sherpa-onnx C library this build expects (that of the `sherpa-onnx`
/// crate, and of the PyPI package `sherpa-onnx-core` that provides the library).
pub const LIBRARY_VERSION: &str = "2.0.1";

/// The expected layouts, for error messages.
pub const EXPECTED_LAYOUT: &str = "a streaming transducer (encoder*.onnx, decoder*.onnx, \
     joiner*.onnx, tokens.txt), a streaming paraformer (encoder*.onnx, decoder*.onnx, tokens.txt) \
     or a streaming zipformer2 CTC model (*ctc*.onnx, tokens.txt)";

/// The model files found in a model directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelLayout {
    /// A streaming transducer.
    Transducer {
        /// The encoder network.
        encoder: PathBuf,
        /// The decoder (prediction) network.
        decoder: PathBuf,
        /// The joiner network.
        joiner: PathBuf,
        /// The token table.
        tokens: PathBuf,
    },
    /// A streaming paraformer.
    Paraformer {
        /// The encoder network.
        encoder: PathBuf,
        /// The decoder network.
        decoder: PathBuf,
        /// The token table.
        tokens: PathBuf,
    },
    /// A streaming zipformer2 CTC model.
    Zipformer2Ctc {
        /// The network.
        model: PathBuf,
        /// The token table.
        tokens: PathBuf,
    },
}

impl ModelLayout {
    /// Finds the model files in `dir`. The error names the directory, the files that are
    /// missing and the layouts expected.
    pub fn find(dir: &Path) -> Result<ModelLayout, AsrError> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            AsrError::Model(format!(
                "sherpa-onnx model directory {}: {e}; expected {EXPECTED_LAYOUT}",
                dir.display()
            ))
        })?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        let onnx = |prefix: &str| pick(&names, |n| n.starts_with(prefix) && n.ends_with(".onnx"));
        let encoder = onnx("encoder");
        let decoder = onnx("decoder");
        let joiner = onnx("joiner");
        let ctc = pick(&names, |n| {
            n.ends_with(".onnx") && (n.contains("ctc") || n.starts_with("model"))
        });
        let tokens = names.iter().any(|n| n == "tokens.txt");
        let path = |n: &str| dir.join(n);

        let mut missing = Vec::new();
        if !tokens {
            missing.push("tokens.txt");
        }
        let layout = match (encoder, decoder, joiner, ctc) {
            (Some(e), Some(d), Some(j), _) => ModelLayout::Transducer {
                encoder: path(e),
                decoder: path(d),
                joiner: path(j),
                tokens: path("tokens.txt"),
            },
            (Some(e), Some(d), None, _) => ModelLayout::Paraformer {
                encoder: path(e),
                decoder: path(d),
                tokens: path("tokens.txt"),
            },
            (None, None, None, Some(m)) => ModelLayout::Zipformer2Ctc {
                model: path(m),
                tokens: path("tokens.txt"),
            },
            (e, d, j, _) => {
                // Name what a transducer still needs: the most common layout.
                if e.is_none() {
                    missing.push("encoder*.onnx");
                }
                if d.is_none() {
                    missing.push("decoder*.onnx");
                }
                if j.is_none() {
                    missing.push("joiner*.onnx");
                }
                return Err(missing_error(dir, &missing));
            }
        };
        if !missing.is_empty() {
            return Err(missing_error(dir, &missing));
        }
        Ok(layout)
    }

    /// The kind of model, as operators know it.
    pub fn kind(&self) -> &'static str {
        match self {
            ModelLayout::Transducer { .. } => "streaming transducer",
            ModelLayout::Paraformer { .. } => "streaming paraformer",
            ModelLayout::Zipformer2Ctc { .. } => "streaming zipformer2 CTC",
        }
    }
}

fn missing_error(dir: &Path, missing: &[&str]) -> AsrError {
    AsrError::Model(format!(
        "sherpa-onnx model directory {} lacks {}; expected {EXPECTED_LAYOUT}",
        dir.display(),
        missing.join(", ")
    ))
}

/// The file for one role: the int8 variant when there is one, else the first by name.
fn pick(names: &[String], matches: impl Fn(&str) -> bool) -> Option<&str> {
    let found: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| matches(n))
        .collect();
    found
        .iter()
        .find(|n| n.contains(".int8."))
        .or(found.first())
        .copied()
}

/// Options of the sherpa-onnx engine.
#[derive(Debug, Clone, PartialEq)]
pub struct SherpaOnnxOptions {
    /// The model directory.
    pub model_dir: PathBuf,
    /// Threads each decode step may use (ONNX Runtime intra-op threads).
    pub num_threads: u32,
    /// The sample rate the model was trained at (16 kHz for the published streaming models);
    /// the engine feeds 16 kHz and sherpa-onnx resamples when this differs.
    pub model_rate: u32,
}

impl SherpaOnnxOptions {
    /// Defaults for a model directory: one thread, 16 kHz.
    pub fn new(model_dir: impl Into<PathBuf>) -> SherpaOnnxOptions {
        SherpaOnnxOptions {
            model_dir: model_dir.into(),
            num_threads: 1,
            model_rate: 16_000,
        }
    }

    /// The model's files, checked.
    pub fn layout(&self) -> Result<ModelLayout, AsrError> {
        ModelLayout::find(&self.model_dir)
    }
}

/// Why the sherpa-onnx engine cannot be used, in words for operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// This binary was built without the `sherpa` feature.
    NotBuiltIn,
    /// No model directory is configured.
    NoModel,
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::NotBuiltIn => write!(
                f,
                "sherpa-onnx is not built into this binary: build Patchbay with \
                 `--features sherpa` (see README, Transcription)"
            ),
            Unavailable::NoModel => write!(
                f,
                "no sherpa-onnx model directory configured: set sherpa_onnx_model_dir in the \
                 configuration file or PATCHBAY_SHERPA_ONNX_MODEL_DIR (see README, Transcription)"
            ),
        }
    }
}

/// Words of a sherpa-onnx result from its tokens and their start times (seconds from the start
/// of the utterance); `end_ms` is where the utterance's audio ends.
///
/// BPE tokens starting with `▁` (or a space) begin a new word and others continue the one
/// before; a CJK character is a word of its own. Words come out lower case. sherpa-onnx gives
/// no per-word confidence: it is 0.
pub fn words_from_tokens(tokens: &[String], timestamps: &[f32], end_ms: u64) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    // Whether the last word may take more pieces (a BPE word, not a CJK character).
    let mut open = false;
    for (i, token) in tokens.iter().enumerate() {
        let start_ms = timestamps
            .get(i)
            .map_or(0, |t| (t.max(0.0) * 1000.0).round() as u64)
            .min(end_ms);
        let next_ms = timestamps
            .get(i + 1)
            .map_or(end_ms, |t| (t.max(0.0) * 1000.0).round() as u64)
            .clamp(start_ms, end_ms.max(start_ms));
        let starts_word = token.starts_with('▁') || token.starts_with(' ');
        let piece = token.trim_start_matches(['▁', ' ']).to_lowercase();
        if piece.is_empty() {
            open = false;
            continue;
        }
        let cjk = piece.chars().all(is_cjk);
        match words.last_mut() {
            Some(w) if open && !starts_word && !cjk => {
                w.text.push_str(&piece);
                w.end_ms = next_ms.max(w.end_ms);
            }
            _ => words.push(Word {
                text: piece,
                start_ms,
                end_ms: next_ms.max(start_ms + 1),
                confidence: 0.0,
            }),
        }
        open = !cjk;
    }
    words
}

/// A character of a script written without spaces between words (Chinese, Japanese kana).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F // Extensions B–F, compatibility supplement
        | 0x3000..=0x303F // CJK punctuation
        | 0xFF00..=0xFFEF) // full-width forms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[&str]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for f in files {
            std::fs::write(d.path().join(f), b"x").unwrap();
        }
        d
    }

    fn err_of(dir: &Path) -> String {
        ModelLayout::find(dir).unwrap_err().to_string()
    }

    #[test]
    fn a_transducer_directory_is_recognised_and_int8_files_preferred() {
        let d = dir_with(&[
            "encoder-epoch-99-avg-1.onnx",
            "encoder-epoch-99-avg-1.int8.onnx",
            "decoder-epoch-99-avg-1.onnx",
            "joiner-epoch-99-avg-1.int8.onnx",
            "joiner-epoch-99-avg-1.onnx",
            "tokens.txt",
            "README.md",
        ]);
        let layout = ModelLayout::find(d.path()).unwrap();
        assert_eq!(
            layout,
            ModelLayout::Transducer {
                encoder: d.path().join("encoder-epoch-99-avg-1.int8.onnx"),
                decoder: d.path().join("decoder-epoch-99-avg-1.onnx"),
                joiner: d.path().join("joiner-epoch-99-avg-1.int8.onnx"),
                tokens: d.path().join("tokens.txt"),
            }
        );
        assert_eq!(layout.kind(), "streaming transducer");
    }

    #[test]
    fn a_paraformer_and_a_ctc_directory_are_recognised() {
        let p = dir_with(&["encoder.int8.onnx", "decoder.int8.onnx", "tokens.txt"]);
        assert!(matches!(
            ModelLayout::find(p.path()).unwrap(),
            ModelLayout::Paraformer { .. }
        ));
        let c = dir_with(&["ctc-epoch-20-avg-1-chunk-16-left-128.onnx", "tokens.txt"]);
        assert_eq!(
            ModelLayout::find(c.path()).unwrap(),
            ModelLayout::Zipformer2Ctc {
                model: c.path().join("ctc-epoch-20-avg-1-chunk-16-left-128.onnx"),
                tokens: c.path().join("tokens.txt"),
            }
        );
    }

    #[test]
    fn a_missing_directory_is_named_with_the_expected_layout() {
        let e = err_of(Path::new("/nonexistent/sherpa-model"));
        assert!(e.contains("/nonexistent/sherpa-model"), "{e}");
        assert!(e.contains("joiner*.onnx, tokens.txt"), "{e}");
    }

    #[test]
    fn an_empty_directory_names_every_missing_file() {
        let d = dir_with(&[]);
        let e = err_of(d.path());
        assert!(
            e.contains("lacks tokens.txt, encoder*.onnx, decoder*.onnx, joiner*.onnx"),
            "{e}"
        );
        assert!(e.contains(&d.path().display().to_string()), "{e}");
    }

    #[test]
    fn a_model_without_tokens_names_tokens_txt() {
        let d = dir_with(&["encoder.onnx", "decoder.onnx", "joiner.onnx"]);
        let e = err_of(d.path());
        assert!(e.contains("lacks tokens.txt;"), "{e}");
    }

    #[test]
    fn a_transducer_without_its_joiner_is_taken_for_a_paraformer_only_with_tokens() {
        // encoder + decoder + tokens is a valid paraformer layout; without tokens both fail.
        let d = dir_with(&["encoder.onnx", "decoder.onnx"]);
        let e = err_of(d.path());
        assert!(e.contains("lacks tokens.txt"), "{e}");
    }

    #[test]
    fn unavailability_tells_the_operator_what_to_set() {
        let no_model = Unavailable::NoModel.to_string();
        assert!(no_model.contains("sherpa_onnx_model_dir"), "{no_model}");
        assert!(
            no_model.contains("PATCHBAY_SHERPA_ONNX_MODEL_DIR"),
            "{no_model}"
        );
        assert!(no_model.contains("README"), "{no_model}");
        assert!(
            Unavailable::NotBuiltIn
                .to_string()
                .contains("--features sherpa")
        );
    }

    fn toks(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bpe_pieces_join_into_lower_case_words_with_times() {
        let w = words_from_tokens(&toks(&["▁HE", "LLO", "▁WORLD"]), &[0.12, 0.36, 0.80], 1_500);
        let texts: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["hello", "world"]);
        assert_eq!((w[0].start_ms, w[0].end_ms), (120, 800));
        assert_eq!((w[1].start_ms, w[1].end_ms), (800, 1_500));
    }

    #[test]
    fn each_chinese_character_is_a_word_and_text_has_no_spaces() {
        let w = words_from_tokens(
            &toks(&["你", "好", "世", "界"]),
            &[0.1, 0.3, 0.5, 0.7],
            1_000,
        );
        assert_eq!(w.len(), 4);
        assert_eq!(w[2].start_ms, 500);
        let h = crate::Hypothesis { words: w };
        assert_eq!(h.text(), "你好世界");
    }

    #[test]
    fn mixed_chinese_and_english_keep_spaces_only_between_latin_words() {
        let w = words_from_tokens(
            &toks(&["我", "用", "▁PATCH", "BAY", "▁CALL", "呼", "叫"]),
            &[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
            700,
        );
        let h = crate::Hypothesis { words: w };
        assert_eq!(h.text(), "我用 patchbay call 呼叫");
    }
}
