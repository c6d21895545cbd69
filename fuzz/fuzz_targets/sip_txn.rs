//! The `sip_txn` fuzz target: see `patchbay_fuzz::sip_txn`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchbay_fuzz::sip_txn::run(data));
