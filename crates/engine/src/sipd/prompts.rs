//! The built-in voice prompts (Chinese, then English) and the hold music, decoded once.

use std::collections::HashMap;
use std::sync::Arc;

macro_rules! builtin {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!("../../../../assets/prompts/zh/", $name, ".wav")).as_slice(),
            include_bytes!(concat!("../../../../assets/prompts/en/", $name, ".wav")).as_slice(),
        )
    };
}

/// Half a second of silence between the Chinese and the English version.
const GAP: usize = 4_000;

/// Prompts ready to play, 8 kHz.
#[derive(Debug)]
pub(crate) struct Prompts {
    builtin: HashMap<&'static str, Arc<[i16]>>,
    /// "Please hold" followed by the music; loops from `queue_loop_from`.
    pub(crate) queue: Arc<[i16]>,
    /// Where the queue audio's loop starts (the music).
    pub(crate) queue_loop_from: usize,
    /// The music alone (a customer on hold hears it, looping).
    pub(crate) hold: Arc<[i16]>,
}

fn decode(bytes: &[u8]) -> Vec<i16> {
    media::prompt::load_prompt(bytes)
        .map_err(|e| tracing::warn!(error = %e, "a built-in prompt does not decode"))
        .unwrap_or_default()
}

impl Prompts {
    pub(crate) fn load() -> Prompts {
        let files = [
            builtin!("welcome"),
            builtin!("ivr-menu"),
            builtin!("queue-wait"),
            builtin!("goodbye"),
            builtin!("transfer"),
            builtin!("invalid-input"),
            builtin!("survey"),
            builtin!("survey-thanks"),
            builtin!("no-agent"),
        ];
        let builtin: HashMap<&'static str, Arc<[i16]>> = files
            .into_iter()
            .map(|(name, zh, en)| {
                let mut s = decode(zh);
                s.extend(std::iter::repeat_n(0, GAP));
                s.extend(decode(en));
                (name, Arc::from(s))
            })
            .collect();
        let music: Vec<i16> = decode(include_bytes!("../../../../assets/prompts/hold-music.wav"));
        let mut queue: Vec<i16> = builtin
            .get("queue-wait")
            .map(|p| p.to_vec())
            .unwrap_or_default();
        queue.extend(std::iter::repeat_n(0, GAP));
        let queue_loop_from = queue.len();
        queue.extend_from_slice(&music);
        Prompts {
            builtin,
            queue: queue.into(),
            queue_loop_from,
            hold: music.into(),
        }
    }

    /// A built-in prompt by name (`welcome`, `ivr-menu`, …).
    pub(crate) fn builtin(&self, name: &str) -> Option<Arc<[i16]>> {
        self.builtin.get(name).cloned()
    }
}
