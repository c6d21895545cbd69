//! Which speech-to-text engines this server has, decided once at start-up: PocketSphinx
//! (built in, English) always; sherpa-onnx when the binary has it (`--features sherpa`) and
//! `sherpa_onnx_model_dir` names a model that loads. Live calls use sherpa-onnx when its model
//! loaded, else PocketSphinx. A configured model that cannot be used stops start-up: no silent
//! fallback to another language's engine.

use anyhow::Context;
use asr::sherpa::Unavailable;
use model::org::{TranscriptionEngine, TranscriptionEngineStatus};

use crate::config::Config;

/// The engines, resolved.
#[derive(Debug, Clone)]
pub struct Transcription {
    /// The engine for live call transcription.
    pub live: asr::Engine,
    /// What `GET /enterprise/transcription-engines` reports, and the start-up log says.
    pub engines: Vec<TranscriptionEngine>,
}

impl Transcription {
    /// Loads the configured sherpa-onnx model, if any (seconds for a large model). A configured
    /// directory without a model, or a binary without sherpa-onnx, is an error naming the key.
    pub fn load(config: &Config) -> anyhow::Result<Transcription> {
        let sherpa = match &config.sherpa_onnx_model_dir {
            None => Err(if asr::sherpa::BUILT_IN {
                Unavailable::NoModel
            } else {
                Unavailable::NotBuiltIn
            }),
            Some(dir) => Ok(asr::Engine::sherpa_onnx(Some(dir))
                .context("sherpa_onnx_model_dir: the sherpa-onnx model cannot be used")?),
        };
        Ok(Transcription::of(sherpa))
    }

    /// The engines given what became of sherpa-onnx.
    pub fn of(sherpa: Result<asr::Engine, Unavailable>) -> Transcription {
        let live = match &sherpa {
            Ok(e) => e.clone(),
            Err(_) => asr::Engine::default(),
        };
        let pocketsphinx = TranscriptionEngine {
            name: "pocketsphinx".into(),
            status: TranscriptionEngineStatus::Ready,
            languages: vec!["en".into()],
            live: sherpa.is_err(),
            detail: "PocketSphinx 5.1.1, US English, wide-band model built in; poor on 8 kHz \
                     telephone audio"
                .into(),
        };
        let sherpa_onnx = match &sherpa {
            Ok(e) => TranscriptionEngine {
                name: "sherpa-onnx".into(),
                status: TranscriptionEngineStatus::Ready,
                languages: Vec::new(),
                live: true,
                detail: format!("model loaded: {}", e.describe()),
            },
            Err(why) => TranscriptionEngine {
                name: "sherpa-onnx".into(),
                status: match why {
                    Unavailable::NotBuiltIn => TranscriptionEngineStatus::NotBuiltIn,
                    Unavailable::NoModel => TranscriptionEngineStatus::NoModel,
                },
                languages: Vec::new(),
                live: false,
                detail: why.to_string(),
            },
        };
        Transcription {
            live,
            engines: vec![pocketsphinx, sherpa_onnx],
        }
    }

    /// The start-up log lines: the engines available, the one live calls use, and sherpa-onnx's
    /// model or why there is none.
    pub fn log(&self) {
        let ready: Vec<&str> = self
            .engines
            .iter()
            .filter(|e| e.status == TranscriptionEngineStatus::Ready)
            .map(|e| e.name.as_str())
            .collect();
        tracing::info!(
            "transcription engines available: {}; live calls use {}",
            ready.join(", "),
            self.live.describe()
        );
        for e in self.engines.iter().filter(|e| e.name == "sherpa-onnx") {
            match e.status {
                TranscriptionEngineStatus::Ready => tracing::info!("sherpa-onnx: {}", e.detail),
                TranscriptionEngineStatus::NotBuiltIn | TranscriptionEngineStatus::NoModel => {
                    tracing::warn!(
                        "sherpa-onnx unavailable (no Chinese transcription): {}",
                        e.detail
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::default()
    }

    #[test]
    fn without_a_model_pocketsphinx_is_live_and_sherpa_says_what_to_set() {
        let t = Transcription::load(&config()).unwrap();
        assert_eq!(t.live.name(), "pocketsphinx");
        let names: Vec<&str> = t.engines.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["pocketsphinx", "sherpa-onnx"]);
        assert!(t.engines[0].live);
        assert_eq!(t.engines[0].languages, ["en"]);
        let s = &t.engines[1];
        assert!(!s.live);
        if asr::sherpa::BUILT_IN {
            assert_eq!(s.status, TranscriptionEngineStatus::NoModel);
            assert!(
                s.detail.contains("PATCHBAY_SHERPA_ONNX_MODEL_DIR"),
                "{}",
                s.detail
            );
        } else {
            assert_eq!(s.status, TranscriptionEngineStatus::NotBuiltIn);
            assert!(s.detail.contains("--features sherpa"), "{}", s.detail);
        }
    }

    #[test]
    fn a_configured_directory_without_a_model_stops_start_up_naming_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let c = Config {
            sherpa_onnx_model_dir: Some(dir.path().to_owned()),
            ..config()
        };
        let e = format!("{:#}", Transcription::load(&c).unwrap_err());
        assert!(e.contains("sherpa_onnx_model_dir"), "{e}");
        if asr::sherpa::BUILT_IN {
            assert!(e.contains("lacks tokens.txt"), "{e}");
        } else {
            assert!(e.contains("--features sherpa"), "{e}");
        }
    }
}
