//! The do-not-call list and risk control (风控): per-enterprise settings (JSON the API reads)
//! and the times of recent outbound calls per number, so limits survive a restart.

use model::UserId;
use model::campaigns::DoNotCallEntry;

use crate::{Backend, Result, StoreError, Tenant, on_pool};

impl Tenant<'_> {
    /// Puts `number` (E.164) on the do-not-call list; `Duplicate("number")` when it is there.
    pub async fn add_do_not_call(
        &self,
        number: &str,
        reason: &str,
        by: UserId,
        now: i64,
    ) -> Result<DoNotCallEntry> {
        on_pool!(self.store, pool => sqlx::query(
            "INSERT INTO do_not_call (enterprise_id, number, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(self.enterprise.0)
        .bind(number)
        .bind(reason)
        .bind(by.0)
        .bind(now)
        .execute(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "number"))?
        .rows_affected());
        Ok(DoNotCallEntry {
            number: number.to_owned(),
            reason: reason.to_owned(),
            created_at: now,
        })
    }

    /// Takes `number` off the list.
    pub async fn remove_do_not_call(&self, number: &str) -> Result<()> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "DELETE FROM do_not_call WHERE enterprise_id = $1 AND number = $2",
        )
        .bind(self.enterprise.0)
        .bind(number)
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The whole list, newest first.
    pub async fn do_not_call_list(&self) -> Result<Vec<DoNotCallEntry>> {
        let rows: Vec<(String, String, i64)> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT number, reason, created_at FROM do_not_call WHERE enterprise_id = $1 ORDER BY created_at DESC, number",
        )
        .bind(self.enterprise.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(number, reason, created_at)| DoNotCallEntry {
                number,
                reason,
                created_at,
            })
            .collect())
    }

    /// Whether `number` (E.164) is on the list.
    pub async fn is_do_not_call(&self, number: &str) -> Result<bool> {
        let n: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM do_not_call WHERE enterprise_id = $1 AND number = $2",
        )
        .bind(self.enterprise.0)
        .bind(number)
        .fetch_one(pool)
        .await?);
        Ok(n > 0)
    }

    /// The stored risk-control settings as (limits JSON, destinations JSON); `None`: defaults.
    pub async fn risk_settings(&self) -> Result<Option<(String, String)>> {
        Ok(on_pool!(self.store, pool => sqlx::query_as(
            "SELECT limits, destinations FROM risk_settings WHERE enterprise_id = $1",
        )
        .bind(self.enterprise.0)
        .fetch_optional(pool)
        .await?))
    }

    /// Saves the risk-control settings (JSON written by the API).
    pub async fn set_risk_settings(
        &self,
        limits: &str,
        destinations: &str,
        now: i64,
    ) -> Result<()> {
        on_pool!(self.store, pool => sqlx::query(
            "INSERT INTO risk_settings (enterprise_id, limits, destinations, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (enterprise_id) DO UPDATE SET limits = excluded.limits, \
             destinations = excluded.destinations, updated_at = excluded.updated_at",
        )
        .bind(self.enterprise.0)
        .bind(limits)
        .bind(destinations)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Risk control's counter: in one transaction, reads the times of calls to `number` after
    /// `since`, asks `check` whether one more is allowed, and if so records a call at `now`.
    /// Times at or before `since` are deleted on the way (they no longer count for any window).
    pub async fn record_outbound_attempt<E>(
        &self,
        number: &str,
        since: i64,
        now: i64,
        check: impl FnOnce(&[i64]) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<(), E>> {
        let e = self.enterprise.0;
        // The read, the check and the insert run under a lock on the number, so two calls placed
        // at once cannot both see room for one more.
        macro_rules! counted {
            ($tx:ident) => {{
                sqlx::query("DELETE FROM outbound_attempts WHERE enterprise_id = $1 AND number = $2 AND at <= $3")
                    .bind(e)
                    .bind(number)
                    .bind(since)
                    .execute(&mut *$tx)
                    .await?;
                let times: Vec<i64> = sqlx::query_scalar(
                    "SELECT at FROM outbound_attempts WHERE enterprise_id = $1 AND number = $2 ORDER BY at",
                )
                .bind(e)
                .bind(number)
                .fetch_all(&mut *$tx)
                .await?;
                let verdict = check(&times);
                if verdict.is_ok() {
                    sqlx::query("INSERT INTO outbound_attempts (enterprise_id, number, at) VALUES ($1, $2, $3)")
                        .bind(e)
                        .bind(number)
                        .bind(now)
                        .execute(&mut *$tx)
                        .await?;
                }
                $tx.commit().await?;
                verdict
            }};
        }
        Ok(match &self.store.backend {
            // SQLite: take the database's write lock at the start of the transaction.
            Backend::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                counted!(tx)
            }
            // PostgreSQL: a transaction-scoped advisory lock on the enterprise and number.
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                    .bind(format!("outbound:{e}:{number}"))
                    .execute(&mut *tx)
                    .await?;
                counted!(tx)
            }
        })
    }
}
