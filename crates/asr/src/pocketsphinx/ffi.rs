//! The few functions of PocketSphinx 5.1.1's C API (`include/pocketsphinx.h`) this crate calls,
//! declared by hand (a dozen signatures do not warrant bindgen and libclang on every build
//! machine), and a safe owner of one decoder.
//!
//! This is the only module of the crate with `unsafe` code. Every call states why it is sound.
//! Types follow the header: `int32` is `int32_t`, `int16` is `int16_t`, `int` is `c_int`.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char, c_double, c_int, c_long};
use std::path::Path;
use std::ptr::NonNull;
use std::sync::Once;

/// `ps_config_t`: opaque.
#[repr(C)]
struct PsConfig {
    _private: [u8; 0],
}
/// `ps_decoder_t`: opaque.
#[repr(C)]
struct PsDecoder {
    _private: [u8; 0],
}
/// `ps_seg_t`: opaque.
#[repr(C)]
struct PsSeg {
    _private: [u8; 0],
}
/// `logmath_t`: opaque.
#[repr(C)]
struct LogMath {
    _private: [u8; 0],
}
/// `anytype_t`: only ever compared with NULL here.
#[repr(C)]
struct AnyType {
    _private: [u8; 0],
}

/// `err_lvl_t`'s `ERR_FATAL` (DEBUG, INFO, WARN, ERROR, FATAL in order from 0).
const ERR_FATAL: c_int = 4;

unsafe extern "C" {
    fn ps_config_init(defn: *const u8) -> *mut PsConfig;
    fn ps_config_free(config: *mut PsConfig) -> c_int;
    fn ps_config_set_str(
        config: *mut PsConfig,
        name: *const c_char,
        val: *const c_char,
    ) -> *const AnyType;
    fn ps_config_set_float(
        config: *mut PsConfig,
        name: *const c_char,
        val: c_double,
    ) -> *const AnyType;
    fn ps_config_set_int(config: *mut PsConfig, name: *const c_char, val: c_long)
    -> *const AnyType;
    fn ps_init(config: *mut PsConfig) -> *mut PsDecoder;
    fn ps_free(ps: *mut PsDecoder) -> c_int;
    fn ps_start_utt(ps: *mut PsDecoder) -> c_int;
    fn ps_process_raw(
        ps: *mut PsDecoder,
        data: *const i16,
        n_samples: usize,
        no_search: c_int,
        full_utt: c_int,
    ) -> c_int;
    fn ps_end_utt(ps: *mut PsDecoder) -> c_int;
    fn ps_get_hyp(ps: *mut PsDecoder, out_best_score: *mut i32) -> *const c_char;
    fn ps_seg_iter(ps: *mut PsDecoder) -> *mut PsSeg;
    fn ps_seg_next(seg: *mut PsSeg) -> *mut PsSeg;
    fn ps_seg_word(seg: *mut PsSeg) -> *const c_char;
    fn ps_seg_frames(seg: *mut PsSeg, out_sf: *mut c_int, out_ef: *mut c_int);
    fn ps_seg_prob(
        seg: *mut PsSeg,
        out_ascr: *mut i32,
        out_lscr: *mut i32,
        out_lback: *mut i32,
    ) -> i32;
    fn ps_get_logmath(ps: *mut PsDecoder) -> *mut LogMath;
    fn logmath_exp(lmath: *mut LogMath, logb_p: c_int) -> c_double;
    fn err_set_loglevel(lvl: c_int) -> c_int;
}

/// One word of the best hypothesis, as PocketSphinx reports it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawWord {
    /// The dictionary word, with fillers (`<s>`, `<sil>`, `[NOISE]`) and alternate
    /// pronunciation marks (`word(2)`) as they come.
    pub(crate) word: String,
    /// First 10 ms frame of the word, from the start of the utterance.
    pub(crate) start_frame: i32,
    /// Last 10 ms frame of the word (inclusive).
    pub(crate) end_frame: i32,
    /// Posterior probability of the word in the lattice, 0 to 1.
    pub(crate) posterior: f64,
}

/// A configuration under construction; freed on drop.
struct Config(NonNull<PsConfig>);

impl Config {
    fn new() -> Result<Config, String> {
        // SAFETY: NULL asks for the decoder's default argument definitions; the result is a
        // fresh object we own (or NULL on allocation failure, checked).
        let ptr = unsafe { ps_config_init(std::ptr::null()) };
        NonNull::new(ptr)
            .map(Config)
            .ok_or_else(|| "ps_config_init failed".to_string())
    }

    fn set_str(&mut self, name: &str, val: &str) -> Result<(), String> {
        let n = c_string(name)?;
        let v = c_string(val)?;
        // SAFETY: the config is live; both strings are NUL-terminated and outlive the call
        // (PocketSphinx copies string values).
        let r = unsafe { ps_config_set_str(self.0.as_ptr(), n.as_ptr(), v.as_ptr()) };
        if r.is_null() {
            return Err(format!("PocketSphinx rejected {name}={val}"));
        }
        Ok(())
    }

    fn set_float(&mut self, name: &str, val: f64) -> Result<(), String> {
        let n = c_string(name)?;
        // SAFETY: the config is live; the name is NUL-terminated and outlives the call.
        let r = unsafe { ps_config_set_float(self.0.as_ptr(), n.as_ptr(), val) };
        if r.is_null() {
            return Err(format!("PocketSphinx rejected {name}={val}"));
        }
        Ok(())
    }

    fn set_int(&mut self, name: &str, val: i64) -> Result<(), String> {
        let n = c_string(name)?;
        let v = c_long::try_from(val).map_err(|_| format!("{name}={val} out of range"))?;
        // SAFETY: the config is live; the name is NUL-terminated and outlives the call.
        let r = unsafe { ps_config_set_int(self.0.as_ptr(), n.as_ptr(), v) };
        if r.is_null() {
            return Err(format!("PocketSphinx rejected {name}={val}"));
        }
        Ok(())
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        // SAFETY: we own one reference; ps_init took its own if it kept the config.
        unsafe { ps_config_free(self.0.as_ptr()) };
    }
}

fn c_string(s: &str) -> Result<CString, String> {
    CString::new(s).map_err(|_| format!("{s:?} holds a NUL byte"))
}

/// Settings of a decoder: model paths and search parameters by their PocketSphinx names.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) strings: Vec<(String, String)>,
    pub(crate) floats: Vec<(String, f64)>,
    pub(crate) ints: Vec<(String, i64)>,
}

/// A PocketSphinx decoder, freed on drop.
pub(crate) struct RawDecoder {
    ps: NonNull<PsDecoder>,
}

// SAFETY: a decoder is a self-contained heap object with no thread affinity: PocketSphinx keeps
// no pointer to it in thread-local or global state (its random generator is thread-local since
// 5.0.4, built with PS_THREAD_LOCAL_RNG on). `RawDecoder` is not `Sync` and every method takes
// `&mut self`, so it is used by one thread at a time.
unsafe impl Send for RawDecoder {}

static QUIET: Once = Once::new();

impl RawDecoder {
    /// Loads the models named in `settings` (`hmm`, `lm`, `dict`, …) into a new decoder.
    pub(crate) fn new(settings: &Settings) -> Result<RawDecoder, String> {
        // PocketSphinx logs to stderr, and even its errors are ones this crate reports itself
        // (a model that does not load) or that do not matter (an utterance cut before any
        // search: "Empty backpointer table"). It can only log through a C variadic callback,
        // which Rust cannot provide, so it is silenced.
        QUIET.call_once(|| {
            // SAFETY: sets a global log threshold; done once, before any decoder exists.
            unsafe { err_set_loglevel(ERR_FATAL) };
        });
        let mut config = Config::new()?;
        // ps_init would otherwise set the global log level again from the config, racing
        // with decoders made on other threads: "FATAL" is what QUIET already set.
        config.set_str("loglevel", "FATAL")?;
        for (k, v) in &settings.strings {
            config.set_str(k, v)?;
        }
        for (k, v) in &settings.floats {
            config.set_float(k, *v)?;
        }
        for (k, v) in &settings.ints {
            config.set_int(k, *v)?;
        }
        // SAFETY: the config is live; ps_init retains its own reference and returns a decoder
        // we own, or NULL if the models could not be loaded.
        let ps = unsafe { ps_init(config.0.as_ptr()) };
        let ps = NonNull::new(ps).ok_or_else(|| {
            "PocketSphinx could not load its model (missing or damaged files?)".to_string()
        })?;
        Ok(RawDecoder { ps })
    }

    pub(crate) fn start_utt(&mut self) -> Result<(), String> {
        // SAFETY: the decoder is live and used by this thread only (`&mut self`).
        let r = unsafe { ps_start_utt(self.ps.as_ptr()) };
        if r < 0 {
            return Err("ps_start_utt failed".into());
        }
        Ok(())
    }

    pub(crate) fn process(&mut self, pcm: &[i16]) -> Result<(), String> {
        if pcm.is_empty() {
            return Ok(());
        }
        // SAFETY: `pcm` is a valid slice of `pcm.len()` samples for the whole call; the decoder
        // copies what it needs and keeps no pointer into it.
        let r = unsafe { ps_process_raw(self.ps.as_ptr(), pcm.as_ptr(), pcm.len(), 0, 0) };
        if r < 0 {
            return Err("ps_process_raw failed".into());
        }
        Ok(())
    }

    pub(crate) fn end_utt(&mut self) -> Result<(), String> {
        // SAFETY: the decoder is live and used by this thread only.
        let r = unsafe { ps_end_utt(self.ps.as_ptr()) };
        if r < 0 {
            return Err("ps_end_utt failed".into());
        }
        Ok(())
    }

    /// The best hypothesis so far (during an utterance) or of the last utterance.
    pub(crate) fn hyp(&mut self) -> Option<String> {
        let mut score = 0i32;
        // SAFETY: the decoder is live; the returned string is owned by the decoder and valid
        // until the next decoder call, so it is copied out at once.
        let p = unsafe { ps_get_hyp(self.ps.as_ptr(), &mut score) };
        if p.is_null() {
            return None;
        }
        // SAFETY: non-NULL, NUL-terminated, valid until the next call on this decoder.
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }

    /// The word segmentation of the best hypothesis, with posteriors.
    pub(crate) fn words(&mut self) -> Vec<RawWord> {
        let mut out = Vec::new();
        // SAFETY: the decoder is live; the logmath object is owned by it and lives as long.
        let lmath = unsafe { ps_get_logmath(self.ps.as_ptr()) };
        // SAFETY: the decoder is live; the iterator is ours until ps_seg_next returns NULL
        // (which frees it), and it is never used after that.
        let mut seg = unsafe { ps_seg_iter(self.ps.as_ptr()) };
        while !seg.is_null() {
            let (mut sf, mut ef) = (0 as c_int, 0 as c_int);
            let (mut ascr, mut lscr, mut lback) = (0i32, 0i32, 0i32);
            // SAFETY: `seg` is a live iterator; the word string is valid until ps_seg_next and
            // copied before it; the out-pointers point at locals.
            let (word, prob) = unsafe {
                let w = ps_seg_word(seg);
                let word = if w.is_null() {
                    String::new()
                } else {
                    CStr::from_ptr(w).to_string_lossy().into_owned()
                };
                ps_seg_frames(seg, &mut sf, &mut ef);
                let prob = ps_seg_prob(seg, &mut ascr, &mut lscr, &mut lback);
                (word, prob)
            };
            let posterior = if lmath.is_null() {
                0.0
            } else {
                // SAFETY: lmath is the decoder's live logmath object.
                unsafe { logmath_exp(lmath, prob) }
            };
            out.push(RawWord {
                word,
                start_frame: sf,
                end_frame: ef,
                posterior: posterior.clamp(0.0, 1.0),
            });
            // SAFETY: advances (or frees, returning NULL) the live iterator.
            seg = unsafe { ps_seg_next(seg) };
        }
        out
    }
}

impl Drop for RawDecoder {
    fn drop(&mut self) {
        // SAFETY: we own the decoder's only reference; nothing refers to it after this.
        unsafe { ps_free(self.ps.as_ptr()) };
    }
}

/// The path as a string PocketSphinx can take.
pub(crate) fn path_str(p: &Path) -> Result<String, String> {
    p.to_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{} is not valid UTF-8", p.display()))
}
