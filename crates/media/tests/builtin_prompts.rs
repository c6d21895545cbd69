//! Every built-in prompt shipped in assets/prompts loads as 8 kHz audio that is not silence.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use media::prompt::load_prompt;
use media::tone::rms_dbfs;

#[test]
fn shipped_prompts_load_and_are_audible() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/prompts");
    let mut files = vec![root.join("hold-music.wav")];
    for lang in ["zh", "en"] {
        for name in [
            "welcome",
            "ivr-menu",
            "queue-wait",
            "goodbye",
            "transfer",
            "invalid-input",
        ] {
            files.push(root.join(lang).join(format!("{name}.wav")));
        }
    }
    for f in files {
        let bytes = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let pcm = load_prompt(&bytes).unwrap();
        let seconds = pcm.len() as f64 / 8_000.0;
        assert!(
            (0.5..30.0).contains(&seconds),
            "{}: {seconds} s",
            f.display()
        );
        assert!(
            rms_dbfs(&pcm) > -35.0,
            "{} is too quiet: {} dBFS",
            f.display(),
            rms_dbfs(&pcm)
        );
    }
}
