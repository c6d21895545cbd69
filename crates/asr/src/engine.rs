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
    ];

    /// The engine's name, as `FromStr` takes it.
    pub fn name(&self) -> &'static str {
        match *self {
            #[cfg(feature = "pocketsphinx")]
            Engine::PocketSphinx(_) => "pocketsphinx",
        }
    }

    /// A new decoder (loads the model: a fraction of a second, and its memory).
    pub fn decoder(&self) -> Result<Box<dyn Decoder>, AsrError> {
        match *self {
            #[cfg(feature = "pocketsphinx")]
            Engine::PocketSphinx(ref o) => Ok(Box::new(crate::pocketsphinx::PocketSphinx::new(o)?)),
        }
    }

    /// A new stream recognizer over a new decoder.
    pub fn stream(&self, config: StreamConfig) -> Result<Stream<Box<dyn Decoder>>, AsrError> {
        Stream::new(self.decoder()?, config)
    }
}

impl FromStr for Engine {
    type Err = AsrError;

    /// `pocketsphinx`, with default options.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            #[cfg(feature = "pocketsphinx")]
            "pocketsphinx" => Ok(Engine::default()),
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
