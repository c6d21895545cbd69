//! The `webrtc_offer` fuzz target: see `patchbay_fuzz::webrtc_offer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchbay_fuzz::webrtc_offer::run(data));
