//! Custom agent statuses (会议中, 小休 …), defined per enterprise.

use model::org::{CustomStatus, CustomStatusUpdate};
use model::{CustomStatusId, Page, PageQuery};

use crate::{Result, StoreError, Tenant, like_pattern, on_pool};

/// A `custom_statuses` row.
#[derive(sqlx::FromRow)]
struct StatusRow {
    id: i64,
    name: String,
    description: Option<String>,
    enabled: bool,
}

impl From<StatusRow> for CustomStatus {
    fn from(r: StatusRow) -> CustomStatus {
        CustomStatus {
            id: CustomStatusId(r.id),
            name: r.name,
            description: r.description,
            enabled: r.enabled,
        }
    }
}

impl Tenant<'_> {
    /// A page of custom statuses whose name contains the search text, ordered by name.
    pub async fn custom_statuses(&self, q: &PageQuery) -> Result<Page<CustomStatus>> {
        let e = self.enterprise.0;
        let pattern = like_pattern(q.search());
        let (rows, total): (Vec<StatusRow>, i64) = on_pool!(self.store, pool => {
            let rows = sqlx::query_as::<_, StatusRow>(
                "SELECT id, name, description, enabled FROM custom_statuses \
                 WHERE enterprise_id = $1 AND LOWER(name) LIKE $2 ESCAPE '\\' ORDER BY name LIMIT $3 OFFSET $4",
            )
            .bind(e)
            .bind(&pattern)
            .bind(i64::from(q.page_size()))
            .bind(q.offset())
            .fetch_all(pool)
            .await?;
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM custom_statuses WHERE enterprise_id = $1 AND LOWER(name) LIKE $2 ESCAPE '\\'",
            )
            .bind(e)
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
            (rows, total)
        });
        Ok(Page {
            items: rows.into_iter().map(CustomStatus::from).collect(),
            total,
            page: q.page(),
            page_size: q.page_size(),
        })
    }

    /// One custom status.
    pub async fn custom_status(&self, id: CustomStatusId) -> Result<CustomStatus> {
        let row: Option<StatusRow> = on_pool!(self.store, pool => sqlx::query_as::<_, StatusRow>(
            "SELECT id, name, description, enabled FROM custom_statuses WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        row.map(CustomStatus::from).ok_or(StoreError::NotFound)
    }

    /// Creates a custom status; `Duplicate("name")` if the name is taken.
    pub async fn create_custom_status(
        &self,
        name: &str,
        description: Option<&str>,
        now: i64,
    ) -> Result<CustomStatus> {
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO custom_statuses (enterprise_id, name, description, enabled, created_at) \
             VALUES ($1, $2, $3, TRUE, $4) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(name)
        .bind(description)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "name"))?);
        self.custom_status(CustomStatusId(id)).await
    }

    /// Applies a PATCH to a custom status.
    pub async fn update_custom_status(
        &self,
        id: CustomStatusId,
        patch: &CustomStatusUpdate,
    ) -> Result<CustomStatus> {
        let cur = self.custom_status(id).await?;
        let name = patch.name.clone().unwrap_or(cur.name);
        let description = patch.description.clone().unwrap_or(cur.description);
        let enabled = patch.enabled.unwrap_or(cur.enabled);
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE custom_statuses SET name = $3, description = $4, enabled = $5 \
             WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(&name)
        .bind(&description)
        .bind(enabled)
        .execute(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "name"))?
        .rows_affected());
        self.custom_status(id).await
    }

    /// Deletes a custom status.
    pub async fn delete_custom_status(&self, id: CustomStatusId) -> Result<()> {
        self.delete_by_id(
            "DELETE FROM custom_statuses WHERE enterprise_id = $1 AND id = $2",
            id.0,
        )
        .await
    }
}
