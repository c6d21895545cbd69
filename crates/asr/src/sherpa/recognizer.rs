//! The sherpa-onnx decoder, over the `sherpa-onnx` crate (the C library as a shared library).

use std::sync::Arc;

use sherpa_onnx::{
    OnlineModelConfig, OnlineParaformerModelConfig, OnlineRecognizer, OnlineRecognizerConfig,
    OnlineStream, OnlineTransducerModelConfig, OnlineZipformer2CtcModelConfig,
};

use super::{ModelLayout, SherpaOnnxOptions, words_from_tokens};
use crate::AsrError;
use crate::decoder::{Decoder, Hypothesis};
use crate::resample::DECODER_RATE;

/// Silence fed after an utterance so the model's last chunk (and its right context) is decoded:
/// 0.5 s at 16 kHz, as sherpa-onnx's own streaming examples do.
const TAIL_PADDING: usize = 8_000;

/// A loaded model, shared by every decoder made from it: one recognizer decodes many streams
/// (sherpa-onnx's own streaming server decodes its streams from several threads over one
/// recognizer; a stream's state lives in the stream).
#[derive(Clone)]
pub struct SherpaOnnxEngine {
    /// What was loaded.
    options: SherpaOnnxOptions,
    /// Its files.
    layout: ModelLayout,
    /// The recognizer.
    recognizer: Arc<OnlineRecognizer>,
}

impl std::fmt::Debug for SherpaOnnxEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SherpaOnnxEngine")
            .field("options", &self.options)
            .field("layout", &self.layout)
            .finish_non_exhaustive()
    }
}

impl PartialEq for SherpaOnnxEngine {
    fn eq(&self, other: &Self) -> bool {
        self.options == other.options
    }
}

fn path_string(p: &std::path::Path) -> Option<String> {
    Some(p.to_string_lossy().into_owned())
}

impl SherpaOnnxEngine {
    /// Checks the model directory and loads the model (seconds for a large model).
    pub fn load(options: &SherpaOnnxOptions) -> Result<SherpaOnnxEngine, AsrError> {
        let layout = options.layout()?;
        let mut model = OnlineModelConfig {
            num_threads: i32::try_from(options.num_threads.max(1)).unwrap_or(1),
            ..Default::default()
        };
        match &layout {
            ModelLayout::Transducer {
                encoder,
                decoder,
                joiner,
                tokens,
            } => {
                model.transducer = OnlineTransducerModelConfig {
                    encoder: path_string(encoder),
                    decoder: path_string(decoder),
                    joiner: path_string(joiner),
                };
                model.tokens = path_string(tokens);
            }
            ModelLayout::Paraformer {
                encoder,
                decoder,
                tokens,
            } => {
                model.paraformer = OnlineParaformerModelConfig {
                    encoder: path_string(encoder),
                    decoder: path_string(decoder),
                };
                model.tokens = path_string(tokens);
            }
            ModelLayout::Zipformer2Ctc { model: m, tokens } => {
                model.zipformer2_ctc = OnlineZipformer2CtcModelConfig {
                    model: path_string(m),
                };
                model.tokens = path_string(tokens);
            }
        }
        let mut config = OnlineRecognizerConfig {
            model_config: model,
            decoding_method: Some("greedy_search".into()),
            // Utterances are cut by Patchbay's own voice-activity detection, like every engine's.
            enable_endpoint: false,
            ..Default::default()
        };
        config.feat_config.sample_rate = i32::try_from(options.model_rate).unwrap_or(16_000);
        let recognizer = OnlineRecognizer::create(&config).ok_or_else(|| {
            AsrError::Model(format!(
                "sherpa-onnx could not load the {} in {} (its log above says why)",
                layout.kind(),
                options.model_dir.display()
            ))
        })?;
        Ok(SherpaOnnxEngine {
            options: options.clone(),
            layout,
            recognizer: Arc::new(recognizer),
        })
    }

    /// The options it was loaded with.
    pub fn options(&self) -> &SherpaOnnxOptions {
        &self.options
    }

    /// The model's files.
    pub fn layout(&self) -> &ModelLayout {
        &self.layout
    }

    /// A decoder over the shared model.
    pub fn decoder(&self) -> SherpaOnnx {
        SherpaOnnx {
            recognizer: self.recognizer.clone(),
            stream: None,
            fed: 0,
        }
    }
}

/// A sherpa-onnx decoder: a stream of the shared recognizer per utterance.
pub struct SherpaOnnx {
    /// The shared model.
    recognizer: Arc<OnlineRecognizer>,
    /// The current utterance's stream.
    stream: Option<OnlineStream>,
    /// 16 kHz samples of the current utterance.
    fed: u64,
}

impl std::fmt::Debug for SherpaOnnx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SherpaOnnx")
            .field("fed", &self.fed)
            .finish_non_exhaustive()
    }
}

impl SherpaOnnx {
    fn accept(&self, stream: &OnlineStream, pcm: &[f32]) {
        stream.accept_waveform(DECODER_RATE as i32, pcm);
        while self.recognizer.is_ready(stream) {
            self.recognizer.decode(stream);
        }
    }

    fn hypothesis(&self, stream: &OnlineStream) -> Hypothesis {
        let Some(r) = self.recognizer.get_result(stream) else {
            return Hypothesis::default();
        };
        let end_ms = self.fed / u64::from(DECODER_RATE / 1000);
        let stamps = r.timestamps.unwrap_or_default();
        let words = if r.tokens.is_empty() {
            // A model that reports no tokens: the text as one word.
            let text = r.text.trim().to_lowercase();
            if text.is_empty() {
                Vec::new()
            } else {
                vec![crate::Word {
                    text,
                    start_ms: 0,
                    end_ms: end_ms.max(1),
                    confidence: 0.0,
                }]
            }
        } else {
            words_from_tokens(&r.tokens, &stamps, end_ms)
        };
        Hypothesis { words }
    }
}

impl Decoder for SherpaOnnx {
    fn start_utterance(&mut self) -> Result<(), AsrError> {
        self.stream = Some(self.recognizer.create_stream());
        self.fed = 0;
        Ok(())
    }

    fn process(&mut self, pcm_16k: &[i16]) -> Result<(), AsrError> {
        let Some(stream) = &self.stream else {
            return Err(AsrError::Decoder("audio outside an utterance".into()));
        };
        let pcm: Vec<f32> = pcm_16k.iter().map(|&s| f32::from(s) / 32_768.0).collect();
        self.accept(stream, &pcm);
        self.fed += pcm_16k.len() as u64;
        Ok(())
    }

    fn partial(&mut self) -> Option<String> {
        let stream = self.stream.as_ref()?;
        let text = self.hypothesis(stream).text();
        (!text.is_empty()).then_some(text)
    }

    fn end_utterance(&mut self) -> Result<Hypothesis, AsrError> {
        let Some(stream) = self.stream.take() else {
            return Ok(Hypothesis::default());
        };
        self.accept(&stream, &[0.0; TAIL_PADDING]);
        stream.input_finished();
        while self.recognizer.is_ready(&stream) {
            self.recognizer.decode(&stream);
        }
        Ok(self.hypothesis(&stream))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loading_a_missing_model_directory_fails_with_the_layout_and_no_crash() {
        let e = SherpaOnnxEngine::load(&SherpaOnnxOptions::new("/nonexistent/sherpa-model"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a streaming transducer"), "{e}");
    }

    #[test]
    fn the_library_refusing_a_model_is_an_error_not_a_crash() {
        // Files of the right names that are not ONNX models: the C library loads and says no.
        let d = tempfile::tempdir().unwrap();
        for f in ["encoder.onnx", "decoder.onnx", "joiner.onnx", "tokens.txt"] {
            std::fs::write(d.path().join(f), b"not a model").unwrap();
        }
        let e = SherpaOnnxEngine::load(&SherpaOnnxOptions::new(d.path()));
        assert!(matches!(e, Err(AsrError::Model(_))), "{e:?}");
    }
}
