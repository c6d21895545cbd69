//! The `sdp` fuzz target: see `patchbay_fuzz::sdp`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchbay_fuzz::sdp::run(data));
