//! Errors of the storage layer.

/// What went wrong in a store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist in this enterprise (or at all: the two are never told apart).
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the string names the field (e.g. `work_id`, `name`).
    #[error("{0} is already taken")]
    Duplicate(&'static str),
    /// The write referenced a row that does not exist in this enterprise.
    #[error("a referenced row does not exist")]
    InvalidReference,
    /// The row is still referenced and cannot be deleted (e.g. a role held by users).
    #[error("the row is in use")]
    InUse,
    /// An uploaded prompt is played by the IVR flows of these numbers and cannot be deleted.
    #[error("the prompt is played by the IVR flow of number(s) {}", .0.join(", "))]
    PromptInUse(Vec<String>),
    /// The database URL is malformed or of an unsupported kind.
    #[error("bad database URL: {0}")]
    BadUrl(String),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Maps constraint violations of a write to [`StoreError::Duplicate`] (naming `field`) or
    /// [`StoreError::InvalidReference`]; other errors pass through.
    pub(crate) fn on_write(e: sqlx::Error, field: &'static str) -> StoreError {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Duplicate(field);
            }
            if db.is_foreign_key_violation() {
                return StoreError::InvalidReference;
            }
        }
        StoreError::Database(e)
    }

    /// Maps a foreign-key violation of a delete to [`StoreError::InUse`].
    pub(crate) fn on_delete(e: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &e
            && db.is_foreign_key_violation()
        {
            return StoreError::InUse;
        }
        StoreError::Database(e)
    }
}
