//! The Patchbay binary's pieces: command line, configuration, start-up, demo data, operator
//! commands. `serve::run` takes an already-bound listener and a shutdown future so tests start
//! the whole server on port 0.

pub mod backup;
pub mod cli;
pub mod config;
pub mod demo;
pub mod http_limits;
pub mod ops;
pub mod records;
pub mod recovery;
pub mod serve;
pub mod tls;
pub mod transcription;
