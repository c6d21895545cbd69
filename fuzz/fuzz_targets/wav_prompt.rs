//! The `wav_prompt` fuzz target: see `patchbay_fuzz::wav_prompt`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchbay_fuzz::wav_prompt::run(data));
