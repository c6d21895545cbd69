//! The built-in engine: PocketSphinx 5.1.1 with its US English model, linked statically.
//!
//! The model (acoustic model, trigram language model, pronouncing dictionary: 37 MB) is embedded
//! in the binary at build time: one binary is all a deployment needs, and no model can go
//! missing. PocketSphinx reads models from files only, so the first decoder of a process writes
//! them once to a cache directory ([`ModelPaths::embedded`]: a directory named after the model
//! build, reused while complete) and every decoder reads them from there. Another model made
//! for 16 kHz input (a larger vocabulary, a language model for one's own domain) is given with
//! [`ModelPaths::from_dir`] or [`ModelPaths::new`].
//!
//! The model is wide-band (16 kHz). Telephone audio (8 kHz, 300–3400 Hz) is upsampled to
//! 16 kHz before decoding but lacks everything above 4 kHz the model expects: accuracy there is
//! poor (the tests state the word error rates measured per bandwidth).

mod ffi;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::AsrError;
use crate::decoder::{Decoder, Hypothesis, Word};

include!(concat!(env!("OUT_DIR"), "/model.rs"));

/// Where a decoder finds its model files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPaths {
    /// The acoustic model directory (`mdef`, `means`, `feat.params`, …).
    pub hmm: PathBuf,
    /// The n-gram language model (`.lm.bin`, ARPA `.lm` or `.lm.gz`).
    pub lm: PathBuf,
    /// The pronouncing dictionary.
    pub dict: PathBuf,
}

impl ModelPaths {
    /// Explicit paths.
    pub fn new(hmm: impl Into<PathBuf>, lm: impl Into<PathBuf>, dict: impl Into<PathBuf>) -> Self {
        ModelPaths {
            hmm: hmm.into(),
            lm: lm.into(),
            dict: dict.into(),
        }
    }

    /// A directory laid out like PocketSphinx's `model/en-us`: `en-us/` (acoustic model),
    /// `en-us.lm.bin` and `cmudict-en-us.dict`.
    pub fn from_dir(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        ModelPaths::new(
            dir.join("en-us"),
            dir.join("en-us.lm.bin"),
            dir.join("cmudict-en-us.dict"),
        )
    }

    /// The embedded en-us model, written under `cache_root` (once: a directory named after the
    /// model build is reused when complete). `None` picks the default cache root:
    /// `$XDG_CACHE_HOME/patchbay/asr`, else `$HOME/.cache/patchbay/asr`, else the system
    /// temporary directory.
    pub fn embedded(cache_root: Option<&Path>) -> Result<ModelPaths, AsrError> {
        let root = match cache_root {
            Some(r) => r.to_path_buf(),
            None => default_cache_root(),
        };
        // One writer per process; other processes are handled by the atomic rename below.
        static LOCK: Mutex<()> = Mutex::new(());
        let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let dir = root.join(MODEL_ID);
        if !is_complete(&dir) {
            write_model(&root, &dir).map_err(|e| {
                AsrError::Model(format!(
                    "writing the embedded model to {}: {e}",
                    dir.display()
                ))
            })?;
        }
        Ok(ModelPaths::from_dir(dir))
    }
}

fn default_cache_root() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        });
    match base {
        Some(b) => b.join("patchbay").join("asr"),
        None => std::env::temp_dir().join("patchbay-asr"),
    }
}

/// Every file is there with the embedded size.
fn is_complete(dir: &Path) -> bool {
    MODEL_FILES.iter().all(|(rel, bytes)| {
        fs::metadata(dir.join(rel)).is_ok_and(|m| m.len() == bytes.len() as u64)
    })
}

/// Writes the files into a fresh directory beside `dir` and renames it into place, so a reader
/// never sees a half-written model.
fn write_model(root: &Path, dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(root)?;
    let tmp = root.join(format!(".{MODEL_ID}.{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    for (rel, bytes) in MODEL_FILES {
        let path = tmp.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, bytes)?;
    }
    if dir.exists() {
        // An incomplete leftover (or another process just finished): replace unless complete.
        if is_complete(dir) {
            let _ = fs::remove_dir_all(&tmp);
            return Ok(());
        }
        fs::remove_dir_all(dir)?;
    }
    match fs::rename(&tmp, dir) {
        Ok(()) => Ok(()),
        Err(_) if is_complete(dir) => {
            let _ = fs::remove_dir_all(&tmp);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Options of the PocketSphinx engine.
#[derive(Debug, Clone, PartialEq)]
pub struct PocketSphinxOptions {
    /// The model; `None` uses the embedded en-us model in the default cache root.
    pub model: Option<ModelPaths>,
    /// Language model weight (PocketSphinx `lw`); `None` keeps the model's default (6.5).
    pub lm_weight: Option<f64>,
    /// Beam width (PocketSphinx `beam`); `None` keeps the default (1e-48). Narrower is faster and
    /// less accurate.
    pub beam: Option<f64>,
    /// Most HMMs searched per 10 ms frame (PocketSphinx `maxhmmpf`; -1 for no limit). Ours is
    /// 3000, not PocketSphinx's 30000: on telephone audio that decodes about three times faster
    /// for a few points of word error rate either way (see `bench/asr-load`), the difference
    /// between keeping up with a call and falling behind it.
    pub max_hmms_per_frame: i64,
}

impl Default for PocketSphinxOptions {
    fn default() -> Self {
        PocketSphinxOptions {
            model: None,
            lm_weight: None,
            beam: None,
            max_hmms_per_frame: 3_000,
        }
    }
}

impl PocketSphinxOptions {
    fn model_paths(&self) -> Result<ModelPaths, AsrError> {
        static DEFAULT: OnceLock<Result<ModelPaths, String>> = OnceLock::new();
        match &self.model {
            Some(m) => Ok(m.clone()),
            None => DEFAULT
                .get_or_init(|| ModelPaths::embedded(None).map_err(|e| e.to_string()))
                .clone()
                .map_err(AsrError::Model),
        }
    }
}

/// A PocketSphinx decoder (16 kHz input). Each holds its own copy of the model in memory
/// (about 110–160 MB with the en-us model).
pub struct PocketSphinx {
    raw: ffi::RawDecoder,
    /// Audio of the decoder's first utterance, kept to decode it again at its end (see
    /// [`PocketSphinx::end_utterance`]); `None` once that is done.
    first: Option<Vec<i16>>,
}

/// Longest first utterance kept for its second pass: 20 s at 16 kHz.
const FIRST_MAX: usize = 20 * 16_000;

impl std::fmt::Debug for PocketSphinx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PocketSphinx").finish_non_exhaustive()
    }
}

impl PocketSphinx {
    /// Loads the model; takes a fraction of a second (the language model is 27 MB).
    pub fn new(options: &PocketSphinxOptions) -> Result<PocketSphinx, AsrError> {
        let paths = options.model_paths()?;
        for p in [&paths.hmm, &paths.lm, &paths.dict] {
            if !p.exists() {
                return Err(AsrError::Model(format!("{} does not exist", p.display())));
            }
        }
        let mut settings = ffi::Settings::default();
        for (name, p) in [
            ("hmm", &paths.hmm),
            ("lm", &paths.lm),
            ("dict", &paths.dict),
        ] {
            settings
                .strings
                .push((name.to_string(), ffi::path_str(p).map_err(AsrError::Model)?));
        }
        settings.ints.push(("samprate".into(), 16_000));
        // Digital silence (exact zeros, as in recordings and between RTP talk spurts) makes
        // log-energy features degenerate and throws off the cepstral mean: add half-bit noise.
        settings.strings.push(("dither".into(), "yes".into()));
        if let Some(lw) = options.lm_weight {
            settings.floats.push(("lw".into(), lw));
        }
        if let Some(beam) = options.beam {
            settings.floats.push(("beam".into(), beam));
        }
        settings
            .ints
            .push(("maxhmmpf".into(), options.max_hmms_per_frame));
        let raw = ffi::RawDecoder::new(&settings).map_err(AsrError::Model)?;
        Ok(PocketSphinx {
            raw,
            first: Some(Vec::new()),
        })
    }
}

/// PocketSphinx's non-words: silence, sentence marks and noise fillers.
fn is_filler(word: &str) -> bool {
    word.is_empty()
        || word.starts_with('<')
        || word.starts_with('[')
        || word.starts_with("++")
        || word == "<sil>"
}

/// `word(2)` (an alternate pronunciation) is `word`.
fn strip_variant(word: &str) -> &str {
    match word.find('(') {
        Some(i) if word.ends_with(')') => &word[..i],
        _ => word,
    }
}

impl Decoder for PocketSphinx {
    fn start_utterance(&mut self) -> Result<(), AsrError> {
        self.raw.start_utt().map_err(AsrError::Decoder)
    }

    fn process(&mut self, pcm_16k: &[i16]) -> Result<(), AsrError> {
        if let Some(first) = &mut self.first {
            if first.len() + pcm_16k.len() <= FIRST_MAX {
                first.extend_from_slice(pcm_16k);
            } else {
                self.first = None;
            }
        }
        self.raw.process(pcm_16k).map_err(AsrError::Decoder)
    }

    fn partial(&mut self) -> Option<String> {
        self.raw
            .hyp()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
    }

    /// Ends the utterance. The first utterance of a decoder is decoded a second time here:
    /// PocketSphinx normalises features by a running cepstral mean that starts from a generic
    /// guess, so its first seconds of speech are decoded against a poor estimate (a first
    /// sentence came out with 5 errors in 6 words); by the end of the utterance the mean fits
    /// the line, and the second pass gets it right. It costs the first final segment of a
    /// stream one more decode of its audio.
    fn end_utterance(&mut self) -> Result<Hypothesis, AsrError> {
        self.raw.end_utt().map_err(AsrError::Decoder)?;
        if let Some(first) = self.first.take()
            && !first.is_empty()
        {
            self.raw.start_utt().map_err(AsrError::Decoder)?;
            self.raw.process(&first).map_err(AsrError::Decoder)?;
            self.raw.end_utt().map_err(AsrError::Decoder)?;
        }
        let words = self
            .raw
            .words()
            .into_iter()
            .filter(|w| !is_filler(&w.word))
            .map(|w| Word {
                text: strip_variant(&w.word).to_string(),
                start_ms: (w.start_frame.max(0) as u64) * 10,
                end_ms: (w.end_frame.max(w.start_frame).max(0) as u64 + 1) * 10,
                confidence: w.posterior as f32,
            })
            .collect();
        Ok(Hypothesis { words })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fillers_and_variants() {
        assert!(is_filler("<s>"));
        assert!(is_filler("</s>"));
        assert!(is_filler("<sil>"));
        assert!(is_filler("[NOISE]"));
        assert!(is_filler("++UH++"));
        assert!(!is_filler("hello"));
        assert_eq!(strip_variant("read(2)"), "read");
        assert_eq!(strip_variant("hello"), "hello");
    }

    #[test]
    fn embedded_model_is_written_once_and_reused() {
        let root = tempfile::tempdir().unwrap();
        let a = ModelPaths::embedded(Some(root.path())).unwrap();
        assert!(a.hmm.join("mdef").is_file());
        assert!(a.lm.is_file());
        assert!(a.dict.is_file());
        let modified = fs::metadata(&a.lm).unwrap().modified().unwrap();
        let b = ModelPaths::embedded(Some(root.path())).unwrap();
        assert_eq!(a, b);
        assert_eq!(fs::metadata(&b.lm).unwrap().modified().unwrap(), modified);
    }

    #[test]
    fn a_truncated_model_is_rewritten() {
        let root = tempfile::tempdir().unwrap();
        let a = ModelPaths::embedded(Some(root.path())).unwrap();
        fs::write(&a.dict, b"truncated").unwrap();
        let b = ModelPaths::embedded(Some(root.path())).unwrap();
        assert!(fs::metadata(&b.dict).unwrap().len() > 1_000_000);
    }

    #[test]
    fn a_missing_model_is_an_error_not_a_crash() {
        let opts = PocketSphinxOptions {
            model: Some(ModelPaths::from_dir("/nonexistent/model")),
            ..Default::default()
        };
        assert!(matches!(PocketSphinx::new(&opts), Err(AsrError::Model(_))));
    }
}
