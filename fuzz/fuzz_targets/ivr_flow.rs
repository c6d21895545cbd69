//! The `ivr_flow` fuzz target: see `patchbay_fuzz::ivr_flow`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchbay_fuzz::ivr_flow::run(data));
