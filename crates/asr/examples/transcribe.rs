//! Prints the transcript of a call recording, one final segment a line:
//! `[00:01.20–00:03.40] customer: hello world`.
//!
//! Run: `cargo run --release -p asr --example transcribe -- FILE.wav [ENGINE]`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!(
            "usage: transcribe FILE.wav [ENGINE]  (engines: {})",
            asr::Engine::NAMES.join(", ")
        );
        return ExitCode::from(2);
    };
    let engine = match args
        .next()
        .as_deref()
        .unwrap_or("pocketsphinx")
        .parse::<asr::Engine>()
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match asr::transcribe_wav(&path, &engine) {
        Ok(segments) => {
            for (speaker, segment) in &segments {
                println!("{}", asr::format_line(*speaker, segment));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}
