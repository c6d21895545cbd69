//! Roles: named permission sets with a data scope.

use model::account::{Role, RoleUpdate};
use model::{DataScope, Page, PageQuery, Permission, RoleId};

use crate::{Result, StoreError, Tenant, like_pattern, on_pool};

/// A `roles` row with the number of users holding it.
#[derive(sqlx::FromRow)]
struct RoleRow {
    id: i64,
    name: String,
    description: Option<String>,
    permissions: String,
    data_scope: String,
    builtin: bool,
    user_count: i64,
}

impl From<RoleRow> for Role {
    fn from(r: RoleRow) -> Role {
        Role {
            id: RoleId(r.id),
            name: r.name,
            description: r.description,
            permissions: parse_permissions(&r.permissions),
            data_scope: parse_scope(&r.data_scope),
            builtin: r.builtin,
            user_count: r.user_count,
        }
    }
}

/// Parses the stored comma-separated permission list, skipping names this build does not know.
pub(crate) fn parse_permissions(s: &str) -> Vec<Permission> {
    let mut v: Vec<Permission> = s.split(',').filter_map(Permission::parse).collect();
    v.sort();
    v.dedup();
    v
}

/// Joins permissions for storage.
pub(crate) fn join_permissions(p: &[Permission]) -> String {
    let mut v = p.to_vec();
    v.sort();
    v.dedup();
    v.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
}

/// Parses the stored data scope; an unknown value narrows to `self`, never widens.
pub(crate) fn parse_scope(s: &str) -> DataScope {
    DataScope::parse(s).unwrap_or(DataScope::Own)
}

const ROLE_SELECT: &str = "SELECT r.id, r.name, r.description, r.permissions, r.data_scope, r.builtin, \
     (SELECT COUNT(*) FROM users u WHERE u.enterprise_id = r.enterprise_id AND u.role_id = r.id) AS user_count \
     FROM roles r";

fn role_select(tail: &'static str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!("{ROLE_SELECT} {tail}"))
}

impl Tenant<'_> {
    /// A page of roles whose name contains the search text, ordered by name.
    pub async fn roles(&self, q: &PageQuery) -> Result<Page<Role>> {
        let e = self.enterprise.0;
        let pattern = like_pattern(q.search());
        let (rows, total): (Vec<RoleRow>, i64) = on_pool!(self.store, pool => {
            let rows = sqlx::query_as::<_, RoleRow>(role_select(
                "WHERE r.enterprise_id = $1 AND LOWER(r.name) LIKE $2 ESCAPE '\\' ORDER BY r.builtin DESC, r.name LIMIT $3 OFFSET $4",
            ))
            .bind(e)
            .bind(&pattern)
            .bind(i64::from(q.page_size()))
            .bind(q.offset())
            .fetch_all(pool)
            .await?;
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM roles r WHERE r.enterprise_id = $1 AND LOWER(r.name) LIKE $2 ESCAPE '\\'",
            )
            .bind(e)
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
            (rows, total)
        });
        Ok(Page {
            items: rows.into_iter().map(Role::from).collect(),
            total,
            page: q.page(),
            page_size: q.page_size(),
        })
    }

    /// One role.
    pub async fn role(&self, id: RoleId) -> Result<Role> {
        let row: Option<RoleRow> = on_pool!(self.store, pool => sqlx::query_as::<_, RoleRow>(
            role_select("WHERE r.enterprise_id = $1 AND r.id = $2"),
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        row.map(Role::from).ok_or(StoreError::NotFound)
    }

    /// Creates a role; `Duplicate("name")` if the name is taken.
    pub async fn create_role(
        &self,
        name: &str,
        description: Option<&str>,
        permissions: &[Permission],
        data_scope: DataScope,
        builtin: bool,
        now: i64,
    ) -> Result<Role> {
        let perms = join_permissions(permissions);
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO roles (enterprise_id, name, description, permissions, data_scope, builtin, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(name)
        .bind(description)
        .bind(&perms)
        .bind(data_scope.as_str())
        .bind(builtin)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "name"))?);
        self.role(RoleId(id)).await
    }

    /// Applies a PATCH to a role.
    pub async fn update_role(&self, id: RoleId, patch: &RoleUpdate) -> Result<Role> {
        let cur = self.role(id).await?;
        let name = patch.name.clone().unwrap_or(cur.name);
        let description = patch.description.clone().unwrap_or(cur.description);
        let perms = join_permissions(patch.permissions.as_deref().unwrap_or(&cur.permissions));
        let scope = patch.data_scope.unwrap_or(cur.data_scope);
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE roles SET name = $3, description = $4, permissions = $5, data_scope = $6 \
             WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(&name)
        .bind(&description)
        .bind(&perms)
        .bind(scope.as_str())
        .execute(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "name"))?
        .rows_affected());
        self.role(id).await
    }

    /// Deletes a role; `InUse` while users hold it.
    pub async fn delete_role(&self, id: RoleId) -> Result<()> {
        self.delete_by_id(
            "DELETE FROM roles WHERE enterprise_id = $1 AND id = $2",
            id.0,
        )
        .await
    }
}
