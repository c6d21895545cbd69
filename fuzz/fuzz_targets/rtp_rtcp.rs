//! The `rtp_rtcp` fuzz target: see `patchbay_fuzz::rtp_rtcp`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchbay_fuzz::rtp_rtcp::run(data));
