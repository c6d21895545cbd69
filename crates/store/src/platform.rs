//! Platform administrators and their sessions: accounts outside every enterprise, which manage
//! the enterprises themselves. Their sessions live in their own table, so an enterprise user's
//! token never opens a platform route and a platform token never opens an enterprise's.

use model::platform::PlatformAdmin;

use crate::{Result, Store, StoreError, on_pool};

/// A live platform session found by its token hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSession {
    /// The session's id.
    pub id: i64,
    /// Who holds it.
    pub admin: PlatformAdmin,
}

impl Store {
    /// Creates a platform administrator; `Duplicate("platform_username")` if the name is taken.
    pub async fn create_platform_admin(
        &self,
        username: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<PlatformAdmin> {
        let id: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO platform_admins (username, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "platform_username"))?);
        Ok(PlatformAdmin {
            id,
            username: username.to_owned(),
        })
    }

    /// A platform administrator's id and password hash, for login.
    pub async fn platform_admin_credentials(
        &self,
        username: &str,
    ) -> Result<Option<(PlatformAdmin, String)>> {
        let row: Option<(i64, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, username, password_hash FROM platform_admins WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(id, username, hash)| (PlatformAdmin { id, username }, hash)))
    }

    /// Sets a platform administrator's password and revokes all its sessions; `NotFound` for an
    /// unknown name.
    pub async fn set_platform_admin_password(
        &self,
        username: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<()> {
        let n = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("UPDATE platform_admins SET password_hash = $2 WHERE username = $1")
                .bind(username)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(
                "UPDATE platform_sessions SET revoked_at = $2 WHERE revoked_at IS NULL AND admin_id = \
                 (SELECT id FROM platform_admins WHERE username = $1)",
            )
            .bind(username)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            n
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Stores a new platform session.
    pub async fn create_platform_session(
        &self,
        admin: i64,
        token_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO platform_sessions (admin_id, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(admin)
        .bind(token_hash)
        .bind(now)
        .bind(expires_at)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "token"))?))
    }

    /// The live (not revoked, not expired) platform session with this token hash.
    pub async fn live_platform_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<PlatformSession>> {
        let row: Option<(i64, i64, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT s.id, a.id, a.username FROM platform_sessions s \
             JOIN platform_admins a ON a.id = s.admin_id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(id, admin, username)| PlatformSession {
            id,
            admin: PlatformAdmin {
                id: admin,
                username,
            },
        }))
    }

    /// Revokes one platform session.
    pub async fn revoke_platform_session(&self, id: i64, now: i64) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE platform_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }
}
