//! `patchbay backup DEST`: the database, with the settings `serve` uses, while Patchbay runs.
//! SQLite: a consistent copy (`VACUUM INTO`, one read transaction). PostgreSQL: `pg_dump` in its
//! custom format (`pg_restore` reads it). The database is not migrated first: a backup taken
//! before an upgrade holds the schema the old binary left.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::cli::{BackupArgs, SettingsArgs};
use crate::config::Config;

/// Runs the backup and prints what it wrote.
pub async fn run(settings: SettingsArgs, args: BackupArgs) -> anyhow::Result<()> {
    let config = Config::load(&settings)?;
    let dest = args.dest;
    if dest.exists() {
        bail!(
            "{} already exists: give a new file name (a backup never overwrites)",
            dest.display()
        );
    }
    // A backup holds everything the database does: only this user may read it.
    crate::serve::private_files();
    let url = config.database_url();
    let kind = if url.starts_with("sqlite:") {
        let path = sqlite_path(&url);
        if !path.is_file() {
            bail!(
                "no SQLite database at {} (check data_dir or database_url)",
                path.display()
            );
        }
        store::copy_sqlite(&url, &dest)
            .await
            .with_context(|| format!("copying the SQLite database to {}", dest.display()))?;
        "SQLite database copy"
    } else {
        pg_dump(&url, &dest).await?;
        "PostgreSQL pg_dump archive (custom format: restore with pg_restore)"
    };
    let size = std::fs::metadata(&dest)
        .with_context(|| format!("reading {}", dest.display()))?
        .len();
    println!("Wrote {} ({size} bytes): {kind}", dest.display());
    Ok(())
}

/// The file of a `sqlite://PATH?options` URL.
fn sqlite_path(url: &str) -> PathBuf {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

/// `pg_dump -Fc` of `url` into `dest`; its stderr in the error when it fails. A partial file is
/// removed.
async fn pg_dump(url: &str, dest: &Path) -> anyhow::Result<()> {
    let out = tokio::process::Command::new("pg_dump")
        .arg("--format=custom")
        .arg("--file")
        .arg(dest)
        .arg("--dbname")
        .arg(url)
        .output()
        .await;
    let out = match out {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "pg_dump is not on PATH: install PostgreSQL's client tools (Debian: postgresql-client), the same major version as the server or newer"
        ),
        Err(e) => return Err(e).context("cannot run pg_dump"),
    };
    if !out.status.success() {
        let _ = std::fs::remove_file(dest);
        bail!(
            "pg_dump failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sqlite_file_is_read_from_the_url() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/patchbay/patchbay.db"),
            PathBuf::from("/var/lib/patchbay/patchbay.db")
        );
        assert_eq!(
            sqlite_path("sqlite://./data/patchbay.db?mode=rwc"),
            PathBuf::from("./data/patchbay.db")
        );
        assert_eq!(sqlite_path("sqlite:pb.db"), PathBuf::from("pb.db"));
    }
}
