//! The engines built into this binary, by name.

use std::str::FromStr;

use crate::AsrError;
use crate::decoder::Decoder;
use crate::stream::{Stream, StreamConfig};

/// A speech-to-text engine and its options: makes decoders.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Engine {
    /// PocketSphinx 5.1.1, US English, wide-band (16 kHz) model.
    #[cfg(feature = "pocketsphinx")]
    PocketSphinx(crate::pocketsphinx::PocketSphinxOptions),
    /// sherpa-onnx with a streaming model from a model directory, loaded and shared by every
    /// decoder made from it. Made with [`Engine::sherpa_onnx`].
    #[cfg(feature = "sherpa")]
    SherpaOnnx(crate::sherpa::SherpaOnnxEngine),
}

/// The engine live calls use, set once at start-up.
static LIVE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();

#[cfg(feature = "pocketsphinx")]
impl Engine {
    /// The engine for live call transcription: the one [`set_live`](Engine::set_live) chose at
    /// start-up, else PocketSphinx.
    pub fn live() -> Engine {
        LIVE.get().cloned().unwrap_or_default()
    }
}

impl Engine {
    /// Chooses the engine for live call transcription, once per process (the server does at
    /// start-up); false when one was chosen already.
    pub fn set_live(engine: Engine) -> bool {
        LIVE.set(engine).is_ok()
    }
}

#[cfg(feature = "pocketsphinx")]
impl Default for Engine {
    /// PocketSphinx with its embedded model.
    fn default() -> Self {
        Engine::PocketSphinx(Default::default())
    }
}

impl Engine {
    /// Names of the engines built in, for `FromStr` and messages.
    pub const NAMES: &'static [&'static str] = &[
        #[cfg(feature = "pocketsphinx")]
        "pocketsphinx",
        #[cfg(feature = "sherpa")]
        "sherpa-onnx",
    ];

    /// The sherpa-onnx engine over the model in `model_dir` (checked and loaded now: seconds for
    /// a large model). `None` and a build without the `sherpa` feature are errors that say what
    /// to do.
    pub fn sherpa_onnx(model_dir: Option<&std::path::Path>) -> Result<Engine, AsrError> {
        use crate::sherpa::{SherpaOnnxOptions, Unavailable};
        let Some(dir) = model_dir else {
            return Err(AsrError::Unavailable(
                if crate::sherpa::BUILT_IN {
                    Unavailable::NoModel
                } else {
                    Unavailable::NotBuiltIn
                }
                .to_string(),
            ));
        };
        let options = SherpaOnnxOptions::new(dir);
        #[cfg(feature = "sherpa")]
        return Ok(Engine::SherpaOnnx(crate::sherpa::SherpaOnnxEngine::load(
            &options,
        )?));
        #[cfg(not(feature = "sherpa"))]
        {
            let _ = options;
            Err(AsrError::Unavailable(Unavailable::NotBuiltIn.to_string()))
        }
    }

    /// What the engine is, for logs: `pocketsphinx (en-us, built in)`,
    /// `sherpa-onnx (streaming transducer in /srv/models/zh)`.
    pub fn describe(&self) -> String {
        match *self {
            #[cfg(feature = "pocketsphinx")]
            Engine::PocketSphinx(ref o) => match &o.model {
                None => "pocketsphinx (en-us, built in)".to_string(),
                Some(m) => format!("pocketsphinx ({})", m.hmm.display()),
            },
            #[cfg(feature = "sherpa")]
            Engine::SherpaOnnx(ref e) => format!(
                "sherpa-onnx ({} in {})",
                e.layout().kind(),
                e.options().model_dir.display()
            ),
        }
    }

    /// The engine's name, as `FromStr` takes it.
    pub fn name(&self) -> &'static str {
        match *self {
            #[cfg(feature = "pocketsphinx")]
            Engine::PocketSphinx(_) => "pocketsphinx",
            #[cfg(feature = "sherpa")]
            Engine::SherpaOnnx(_) => "sherpa-onnx",
        }
    }

    /// A new decoder (loads the model: a fraction of a second, and its memory).
    pub fn decoder(&self) -> Result<Box<dyn Decoder>, AsrError> {
        match *self {
            #[cfg(feature = "pocketsphinx")]
            Engine::PocketSphinx(ref o) => Ok(Box::new(crate::pocketsphinx::PocketSphinx::new(o)?)),
            #[cfg(feature = "sherpa")]
            Engine::SherpaOnnx(ref e) => Ok(Box::new(e.decoder())),
        }
    }

    /// A new stream recognizer over a new decoder.
    pub fn stream(&self, config: StreamConfig) -> Result<Stream<Box<dyn Decoder>>, AsrError> {
        Stream::new(self.decoder()?, config)
    }
}

impl FromStr for Engine {
    type Err = AsrError;

    /// `pocketsphinx`, with default options. `sherpa-onnx` needs its model directory: it is
    /// an error here that says so (use [`Engine::sherpa_onnx`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            #[cfg(feature = "pocketsphinx")]
            "pocketsphinx" => Ok(Engine::default()),
            "sherpa-onnx" => Engine::sherpa_onnx(None),
            other => Err(AsrError::UnknownEngine(
                other.to_string(),
                if Engine::NAMES.is_empty() {
                    "none".to_string()
                } else {
                    Engine::NAMES.join(", ")
                },
            )),
        }
    }
}
