//! `patchbay`: run the call center, or an operator command.

use clap::Parser;
use patchbay::cli::{Cli, Command};

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Transcription is CPU work on threads of its own: no runtime needed.
    if let Some(Command::Transcribe(args)) = &cli.command {
        return patchbay::ops::transcribe(&cli.settings, args);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command.unwrap_or_default() {
            Command::Serve => patchbay::serve::main(cli.settings).await,
            Command::ResetPassword(args) => patchbay::ops::reset_password(cli.settings, args).await,
            Command::Openapi => patchbay::ops::print_openapi(),
            Command::Backup(args) => patchbay::backup::run(cli.settings, args).await,
            Command::Transcribe(args) => patchbay::ops::transcribe(&cli.settings, &args),
            Command::Admin(cmd) => patchbay::ops::admin(cli.settings, cmd).await,
        }
    })
}
