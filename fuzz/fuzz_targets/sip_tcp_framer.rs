//! The `sip_tcp_framer` fuzz target: see `patchbay_fuzz::sip_tcp_framer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchbay_fuzz::sip_tcp_framer::run(data));
