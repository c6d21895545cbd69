//! Uploaded IVR prompts (语音文件, SPEC §3, §7): an enterprise's own recordings that its flows
//! play with `{"file": ID}`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::PromptId;

/// An uploaded prompt, without its audio (`GET /prompts/{id}/audio` serves that).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Prompt {
    /// Id: what a flow names in `{"file": ID}`.
    pub id: PromptId,
    /// Name shown to admins, unique in the enterprise.
    pub name: String,
    /// Length of the audio, seconds.
    pub seconds: f64,
    /// The uploaded file's name, if the upload gave one.
    pub file_name: Option<String>,
    /// When it was uploaded (Unix ms).
    pub created_at: i64,
}

/// `PATCH /prompts/{id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromptRename {
    /// The new name, 1–64 characters, unique in the enterprise.
    pub name: String,
}

/// A prompt's audio as calls play it: 8 kHz mono 16-bit samples, shared without copying.
/// Its `Debug` shows the length, not the samples.
#[derive(Clone, PartialEq, Eq)]
pub struct PromptAudio(pub Arc<[i16]>);

impl std::fmt::Debug for PromptAudio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PromptAudio({} samples)", self.0.len())
    }
}
