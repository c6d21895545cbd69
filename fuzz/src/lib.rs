//! Patchbay's fuzz targets, one module per target, each with `run(data)`: what the libFuzzer
//! binaries in `fuzz_targets/` call (built and run by `scripts/fuzz`), and what the seed replay
//! test below runs over the committed corpus in `cargo test`, so an input that once crashed a
//! target stays fixed without a fuzzing build.

pub mod ivr_flow;
pub mod rtp_rtcp;
pub mod sdp;
pub mod sip_tcp_framer;
pub mod sip_txn;
pub mod wav_prompt;
pub mod webrtc_offer;

/// A target's entry point: one input, any bytes.
pub type Target = fn(&[u8]);

/// Every target by name, as in `fuzz/Cargo.toml` and `fuzz/corpus/NAME/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("ivr_flow", ivr_flow::run),
    ("rtp_rtcp", rtp_rtcp::run),
    ("sdp", sdp::run),
    ("sip_tcp_framer", sip_tcp_framer::run),
    ("sip_txn", sip_txn::run),
    ("wav_prompt", wav_prompt::run),
    ("webrtc_offer", webrtc_offer::run),
];

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn every_committed_seed_and_past_crash_runs_through_its_target() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for (name, run) in super::TARGETS {
            let dir = corpus.join(name);
            let mut inputs = 0;
            for entry in
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            {
                let path = entry.expect("a corpus entry").path();
                let data =
                    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                run(&data);
                inputs += 1;
            }
            assert!(inputs > 0, "{name} has seeds in {}", dir.display());
        }
    }
}
