//! Command-line arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

/// Patchbay: a self-hosted cloud call center.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings flags. They override the TOML file and `PATCHBAY_*` environment variables.
#[derive(Debug, Clone, Default, Args, Serialize)]
pub struct SettingsArgs {
    /// TOML configuration file.
    #[arg(long, global = true)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Data directory (database, recordings, demo credentials). Default: ./data
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// HTTP listen address. Default: 127.0.0.1:8080
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_listen: Option<SocketAddr>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB. Default: SQLite in the data directory.
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// SIP listen address, UDP and TCP. Default: 127.0.0.1:5060
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sip_listen: Option<SocketAddr>,
    /// RTP port range LOW-HIGH. Default: 20000-29999
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtp_ports: Option<String>,
    /// Log filter, e.g. `info` or `patchbay=debug,info`.
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    /// Do not create the demo enterprise when the database is empty (`serve --no-demo`).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_demo: bool,
}

/// Commands.
#[derive(Debug, Default, Subcommand)]
pub enum Command {
    /// Run the call center (the default).
    #[default]
    Serve,
    /// Give a user a new generated password and sign them out everywhere.
    ResetPassword(ResetPasswordArgs),
    /// Print the OpenAPI document of the HTTP API.
    Openapi,
    /// Back up the database to DEST while Patchbay runs or not: a consistent SQLite copy, or a
    /// PostgreSQL `pg_dump -Fc` archive. Recordings are files in DATA_DIR/recordings: copy them
    /// yourself.
    Backup(BackupArgs),
    /// Print the timed transcript of a WAV recording, one line per final segment.
    Transcribe(TranscribeArgs),
    /// Platform administrators, who create and disable enterprises in the web app's platform
    /// console (`/platform`) or through `/api/v1/platform`.
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// `patchbay admin …`.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a platform administrator and print its generated password once.
    Create(AdminArgs),
    /// Give a platform administrator a new generated password (printed once) and sign it out
    /// everywhere.
    ResetPassword(AdminArgs),
}

/// Arguments of `admin create` and `admin reset-password`.
#[derive(Debug, Args)]
pub struct AdminArgs {
    /// The platform administrator's user name: 1–32 letters, digits, `.`, `_` or `-`.
    pub username: String,
}

/// Arguments of `transcribe`.
#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// The WAV file: stereo (customer left, agent right, as Patchbay records calls) or mono
    /// (one speaker, `customer`); 8 kHz and up, e.g. 8, 16 or 48 kHz.
    pub file: PathBuf,
    /// The speech-to-text engine: `pocketsphinx` (English, built in) or `sherpa-onnx` (the
    /// model of `sherpa_onnx_model_dir`, in a binary built with `--features sherpa`).
    #[arg(long, default_value = "pocketsphinx")]
    pub engine: String,
}

/// Arguments of `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the backup; it must not exist yet.
    pub dest: PathBuf,
}

/// Arguments of `reset-password`.
#[derive(Debug, Args)]
pub struct ResetPasswordArgs {
    /// The user's work ID (工号).
    pub work_id: String,
    /// The enterprise's code.
    #[arg(long, default_value = "demo")]
    pub enterprise: String,
}
