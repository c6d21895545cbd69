//! Enterprises (tenants): the only table not scoped by enterprise.

use model::EnterpriseId;

use crate::{Result, Store, StoreError, on_pool};

/// An enterprise (企业).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enterprise {
    /// Its id.
    pub id: EnterpriseId,
    /// Login code, unique across the server (e.g. `demo`).
    pub code: String,
    /// Display name.
    pub name: String,
}

impl Store {
    /// Creates an enterprise; `Duplicate("code")` if the code is taken.
    pub async fn create_enterprise(&self, code: &str, name: &str, now: i64) -> Result<Enterprise> {
        let id: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO enterprises (code, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(code)
        .bind(name)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "code"))?);
        Ok(Enterprise {
            id: EnterpriseId(id),
            code: code.to_owned(),
            name: name.to_owned(),
        })
    }

    /// Finds an enterprise by its login code.
    pub async fn enterprise_by_code(&self, code: &str) -> Result<Option<Enterprise>> {
        let row: Option<(i64, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, code, name FROM enterprises WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(id, code, name)| Enterprise {
            id: EnterpriseId(id),
            code,
            name,
        }))
    }

    /// Finds an enterprise by id.
    pub async fn enterprise(&self, id: EnterpriseId) -> Result<Enterprise> {
        let row: Option<(i64, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, code, name FROM enterprises WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        let (id, code, name) = row.ok_or(StoreError::NotFound)?;
        Ok(Enterprise {
            id: EnterpriseId(id),
            code,
            name,
        })
    }

    /// Every enterprise, by id (for server-wide figures such as `/metrics`).
    pub async fn list_enterprises(&self) -> Result<Vec<Enterprise>> {
        let rows: Vec<(i64, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, code, name FROM enterprises ORDER BY id",
        )
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(id, code, name)| Enterprise {
                id: EnterpriseId(id),
                code,
                name,
            })
            .collect())
    }

    /// Number of enterprises: zero means a first start.
    pub async fn enterprise_count(&self) -> Result<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM enterprises")
            .fetch_one(pool)
            .await?),
        )
    }
}
