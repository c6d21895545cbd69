//! Login sessions. Tokens are never stored: only their SHA-256, so a database leak logs nobody in.

use model::account::SessionInfo;
use model::{EnterpriseId, SessionId, UserId};

use crate::{Result, Store, StoreError, Tenant, on_pool};

/// A live session found by its token hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The session.
    pub id: SessionId,
    /// The enterprise of the user.
    pub enterprise_id: EnterpriseId,
    /// The signed-in user.
    pub user_id: UserId,
    /// When it stops being valid (unix ms).
    pub expires_at: i64,
}

impl Store {
    /// The live (not revoked, not expired, of an enabled enterprise) session with this token hash, if any. This global look-up
    /// is how a request finds its tenant in the first place.
    pub async fn live_session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRecord>> {
        let row: Option<(i64, i64, i64, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT s.id, s.enterprise_id, s.user_id, s.expires_at FROM sessions s \
             JOIN enterprises e ON e.id = s.enterprise_id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND e.enabled",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(id, e, u, exp)| SessionRecord {
            id: SessionId(id),
            enterprise_id: EnterpriseId(e),
            user_id: UserId(u),
            expires_at: exp,
        }))
    }
}

impl Tenant<'_> {
    /// Stores a new session for a user.
    pub async fn create_session(
        &self,
        user: UserId,
        token_hash: &str,
        user_agent: Option<&str>,
        now: i64,
        expires_at: i64,
    ) -> Result<SessionId> {
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO sessions (enterprise_id, user_id, token_hash, user_agent, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(user.0)
        .bind(token_hash)
        .bind(user_agent)
        .bind(now)
        .bind(expires_at)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "token"))?);
        Ok(SessionId(id))
    }

    /// A user's live sessions, newest first; `current` marks `current`.
    pub async fn sessions_of(
        &self,
        user: UserId,
        current: SessionId,
        now: i64,
    ) -> Result<Vec<SessionInfo>> {
        let rows: Vec<(i64, i64, i64, Option<String>)> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT id, created_at, expires_at, user_agent FROM sessions \
             WHERE enterprise_id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3 \
             ORDER BY id DESC",
        )
        .bind(self.enterprise.0)
        .bind(user.0)
        .bind(now)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(id, created_at, expires_at, user_agent)| SessionInfo {
                id: SessionId(id),
                created_at,
                expires_at,
                user_agent,
                current: id == current.0,
            })
            .collect())
    }

    /// Revokes one of a user's sessions; `NotFound` if it is not theirs or not live.
    pub async fn revoke_session(&self, user: UserId, id: SessionId, now: i64) -> Result<()> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE sessions SET revoked_at = $4 \
             WHERE enterprise_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL",
        )
        .bind(self.enterprise.0)
        .bind(user.0)
        .bind(id.0)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Revokes every live session of a user except `keep`; returns the revoked ids.
    pub async fn revoke_sessions_of(
        &self,
        user: UserId,
        keep: Option<SessionId>,
        now: i64,
    ) -> Result<Vec<SessionId>> {
        let keep = keep.map(|s| s.0).unwrap_or(0);
        let ids: Vec<i64> = on_pool!(self.store, pool => sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = $4 \
             WHERE enterprise_id = $1 AND user_id = $2 AND id <> $3 AND revoked_at IS NULL RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(user.0)
        .bind(keep)
        .bind(now)
        .fetch_all(pool)
        .await?);
        Ok(ids.into_iter().map(SessionId).collect())
    }
}
