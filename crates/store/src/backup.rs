//! A consistent copy of a SQLite database while Patchbay runs (`patchbay backup`).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::{Result, StoreError};

/// Writes a consistent copy of the SQLite database at `url` to `dest` with `VACUUM INTO` (a
/// snapshot of one read transaction: the server may keep writing meanwhile). The database is
/// neither created nor migrated: a backup taken before an upgrade is the old schema as it was.
/// `dest` must not exist.
pub async fn copy_sqlite(url: &str, dest: &Path) -> Result<()> {
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::BadUrl(e.to_string()))?
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(30));
    let mut conn = opts.connect().await?;
    let dest = dest
        .to_str()
        .ok_or_else(|| StoreError::BadUrl(format!("{} is not a UTF-8 path", dest.display())))?;
    let copied = sqlx::query("VACUUM INTO ?")
        .bind(dest)
        .execute(&mut conn)
        .await;
    conn.close().await?;
    copied?;
    Ok(())
}
