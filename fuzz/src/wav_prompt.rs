//! An uploaded prompt file, through the check and decoder the upload route and the prompt
//! loader use (`media::prompt::load_prompt`): whatever it accepts is 8 kHz audio of a bounded
//! length.

/// Runs one input through this target.
pub fn run(data: &[u8]) {
    if let Ok(samples) = media::prompt::load_prompt(data) {
        assert!(!samples.is_empty());
        // At most 10 minutes, and the data chunk cannot hold more samples than bytes (8-bit
        // audio at 8 kHz) beyond the resampler's rounding.
        assert!(samples.len() <= 600 * 8_000);
    }
}
