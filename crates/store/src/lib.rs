//! Patchbay's storage: one repository layer over SQLite (the embedded default) and PostgreSQL.
//!
//! Tenant isolation lives here, not in the HTTP handlers: apart from the few global look-ups that
//! find a tenant in the first place (an enterprise by its code, a session by its token), every
//! query runs through a [`Tenant`], which binds the enterprise id into each statement. A handler
//! that forgets a check still cannot read or change another enterprise's rows. The schema backs it
//! up: references between tenant rows include `enterprise_id` in their foreign keys.
//!
//! The same SQL text runs on both backends (`$1` placeholders work on both); [`on_pool!`] expands
//! each repository body once per backend so sqlx checks types against the right driver.

mod backup;
mod call_notes;
mod call_supervision;
mod callbacks;
mod caller_numbers;
mod calls;
mod campaign_customers;
mod campaign_pacing;
mod campaigns;
mod customers;
mod enterprises;
mod error;
mod inbound;
mod interrupted;
mod monitor;
mod platform;
mod prompts;
mod query;
mod risk;
mod roles;
mod secrets;
mod sessions;
mod skill_groups;
mod statuses;
mod telephony;
mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use model::EnterpriseId;

pub use backup::copy_sqlite;
pub use call_notes::MAX_NOTE_CHARS;
pub use callbacks::CallbackInput;
pub use calls::{CallScope, CallerHistory, RecordingFile};
pub use campaign_customers::{
    CampaignCustomerFilter, CampaignCustomerRecord, CampaignCustomerWrite,
};
pub use campaigns::{CampaignRecord, CampaignWrite};
pub use customers::CustomerInput;
pub use enterprises::{Enterprise, EnterpriseChange, FirstAdmin};
pub use error::StoreError;
pub use interrupted::OpenCall;
pub use platform::PlatformSession;
pub use secrets::SecretKey;
pub use sessions::SessionRecord;
pub use users::{Credentials, NewUser};

/// Result of every store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Runs `$body` with `$pool` bound to the backend's concrete pool type.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The connection pool of whichever backend the database URL chose.
#[derive(Debug, Clone)]
enum Backend {
    /// Embedded SQLite file in WAL mode.
    Sqlite(SqlitePool),
    /// A PostgreSQL server.
    Postgres(PgPool),
}

/// Handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    /// The pool queries run on.
    backend: Backend,
    /// Seals and opens the passwords kept for SIP (see [`secrets`]).
    sealer: secrets::Sealer,
}

/// Which database a URL points at, for logs and `/healthz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`), creating a SQLite file if missing,
    /// and runs the migrations of that backend. `key` seals and opens the SIP passwords kept.
    pub async fn open(url: &str, key: &SecretKey) -> Result<Store> {
        let backend = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // In WAL mode, NORMAL makes each commit a write to the WAL that survives the
                // process (kill -9), with no flush to the disk per commit: the disk is flushed
                // at checkpoints, so a power cut may roll back the last commits, never corrupt
                // the file (the call-event journal makes the same trade). FULL flushed on every
                // commit, ten times a call.
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            Backend::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Backend::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl(format!(
                "unsupported database URL scheme in {:?}: use sqlite:// or postgres://",
                url.split(':').next().unwrap_or_default()
            )));
        };
        Ok(Store {
            backend,
            sealer: secrets::Sealer::new(key),
        })
    }

    /// Which backend this store runs on.
    pub fn kind(&self) -> BackendKind {
        match self.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// The repositories of one enterprise: every query they run is scoped to it.
    pub fn tenant(&self, enterprise: EnterpriseId) -> Tenant<'_> {
        Tenant {
            store: self,
            enterprise,
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await?.rows_affected());
        Ok(())
    }

    /// Closes the pool, waiting for queries in flight.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// Repositories scoped to one enterprise. Obtain with [`Store::tenant`].
#[derive(Debug, Clone, Copy)]
pub struct Tenant<'a> {
    /// The database.
    store: &'a Store,
    /// The enterprise every query is bound to.
    enterprise: EnterpriseId,
}

impl Tenant<'_> {
    /// The enterprise this handle is scoped to.
    pub fn enterprise(&self) -> EnterpriseId {
        self.enterprise
    }

    /// Runs a `DELETE … WHERE enterprise_id = $1 AND id = $2`: `NotFound` when no row of this
    /// enterprise matched, `InUse` when a reference still holds the row.
    pub(crate) async fn delete_by_id(&self, sql: &'static str, id: i64) -> Result<()> {
        let n = on_pool!(self.store, pool => sqlx::query(sql)
            .bind(self.enterprise.0)
            .bind(id)
            .execute(pool)
            .await
            .map_err(StoreError::on_delete)?
            .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

/// Escapes `%`, `_` and `\` and wraps the text for a case-insensitive `LIKE … ESCAPE '\'`.
pub(crate) fn like_pattern(search: Option<&str>) -> String {
    let mut p = String::from("%");
    for c in search.unwrap_or_default().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}
