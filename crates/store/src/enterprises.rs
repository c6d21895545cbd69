//! Enterprises (tenants): the only table not scoped by enterprise. Only start-up, login and the
//! platform administrator's routes reach it.

use model::platform::{EnterpriseInfo, EnterpriseLimits};
use model::{DataScope, EnterpriseId, Permission};

use crate::roles::join_permissions;
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
    /// A disabled enterprise cannot sign in and has no live sessions.
    pub enabled: bool,
}

/// The first administrator of a new enterprise; the password is already hashed.
#[derive(Debug, Clone)]
pub struct FirstAdmin {
    /// Work ID (工号).
    pub work_id: String,
    /// Display name.
    pub name: String,
    /// Argon2 PHC string of the generated password.
    pub password_hash: String,
}

/// What the platform administrator changes of an enterprise: only the fields given.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseChange<'a> {
    /// New display name.
    pub name: Option<&'a str>,
    /// Enable or disable it (disabling revokes its users' sessions).
    pub enabled: Option<bool>,
    /// New time zone (an IANA name, already checked).
    pub time_zone: Option<&'a str>,
    /// New limits, all three at once.
    pub limits: Option<EnterpriseLimits>,
}

/// Limits as stored: NULL is none.
fn limit_column(v: Option<u32>) -> Option<i64> {
    v.map(i64::from)
}

/// A stored limit (a value out of range, written by hand, counts as none).
fn limit_of(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

/// The roles every new enterprise starts with: name, description, permissions, data scope and
/// whether it is the built-in administrator role.
fn standard_roles() -> [(&'static str, &'static str, Vec<Permission>, DataScope, bool); 3] {
    [
        (
            "管理员",
            "Administrator: everything",
            Permission::ALL.to_vec(),
            DataScope::Enterprise,
            true,
        ),
        (
            "班长",
            "Supervisor: agent work plus monitoring of own skill groups",
            vec![
                Permission::AgentLogin,
                Permission::AnswerDial,
                Permission::ConsultTransfer,
                Permission::Monitor,
                Permission::ViewCallRecords,
                Permission::ViewRecordings,
                Permission::Export,
            ],
            DataScope::SkillGroups,
            false,
        ),
        (
            "坐席",
            "Agent: answers and makes calls, sees own records",
            vec![
                Permission::AgentLogin,
                Permission::AnswerDial,
                Permission::ConsultTransfer,
                Permission::ViewCallRecords,
            ],
            DataScope::Own,
            false,
        ),
    ]
}

/// `SELECT` of an enterprise as the platform administrator sees it.
const SELECT_INFO: &str = "SELECT e.id, e.code, e.name, e.enabled, e.created_at, e.time_zone, \
     e.max_agents, e.max_concurrent_calls, e.max_widget_calls, (SELECT COUNT(*) FROM users u WHERE u.enterprise_id = e.id) AS user_count FROM enterprises e";

/// An `enterprises` row with its user count.
#[derive(sqlx::FromRow)]
struct InfoRow {
    id: i64,
    code: String,
    name: String,
    enabled: bool,
    created_at: i64,
    time_zone: String,
    max_agents: Option<i64>,
    max_concurrent_calls: Option<i64>,
    max_widget_calls: Option<i64>,
    user_count: i64,
}

impl From<InfoRow> for EnterpriseInfo {
    fn from(r: InfoRow) -> EnterpriseInfo {
        EnterpriseInfo {
            id: EnterpriseId(r.id),
            code: r.code,
            name: r.name,
            enabled: r.enabled,
            user_count: r.user_count,
            created_at: r.created_at,
            time_zone: r.time_zone,
            limits: EnterpriseLimits {
                agents: limit_of(r.max_agents),
                concurrent_calls: limit_of(r.max_concurrent_calls),
                widget_calls: limit_of(r.max_widget_calls),
            },
        }
    }
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
            enabled: true,
        })
    }

    /// Creates an enterprise with the standard roles (管理员 with every permission, 班长, 坐席)
    /// and its first administrator, all or nothing; `Duplicate("code")` if the code is taken.
    /// `terms` sets its time zone (and limits); only `limits` of it is used when
    /// `time_zone` is `None` (the default zone).
    pub async fn create_enterprise_with_admin(
        &self,
        code: &str,
        name: &str,
        admin: &FirstAdmin,
        terms: &EnterpriseChange<'_>,
        now: i64,
    ) -> Result<EnterpriseInfo> {
        let limits = terms.limits.unwrap_or_default();
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO enterprises (code, name, created_at, time_zone, max_agents, \
                 max_concurrent_calls, max_widget_calls) \
                 VALUES ($1, $2, $3, COALESCE($4, 'Asia/Shanghai'), $5, $6, $7) RETURNING id",
            )
            .bind(code)
            .bind(name)
            .bind(now)
            .bind(terms.time_zone)
            .bind(limit_column(limits.agents))
            .bind(limit_column(limits.concurrent_calls))
            .bind(limit_column(limits.widget_calls))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::on_write(e, "code"))?;
            let mut admin_role = None;
            for (role, description, permissions, scope, builtin) in standard_roles() {
                let role_id: i64 = sqlx::query_scalar(
                    "INSERT INTO roles (enterprise_id, name, description, permissions, data_scope, builtin, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(id)
                .bind(role)
                .bind(description)
                .bind(join_permissions(&permissions))
                .bind(scope.as_str())
                .bind(builtin)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                if builtin {
                    admin_role = Some(role_id);
                }
            }
            sqlx::query(
                "INSERT INTO users (enterprise_id, work_id, name, role_id, enabled, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4, TRUE, $5, $6)",
            )
            .bind(id)
            .bind(&admin.work_id)
            .bind(&admin.name)
            .bind(admin_role)
            .bind(&admin.password_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            id
        });
        self.enterprise_info(EnterpriseId(id)).await
    }

    /// Finds an enterprise by its login code.
    pub async fn enterprise_by_code(&self, code: &str) -> Result<Option<Enterprise>> {
        let row: Option<(i64, String, String, bool)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, code, name, enabled FROM enterprises WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(id, code, name, enabled)| Enterprise {
            id: EnterpriseId(id),
            code,
            name,
            enabled,
        }))
    }

    /// Finds an enterprise by id.
    pub async fn enterprise(&self, id: EnterpriseId) -> Result<Enterprise> {
        let row: Option<(i64, String, String, bool)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, code, name, enabled FROM enterprises WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        let (id, code, name, enabled) = row.ok_or(StoreError::NotFound)?;
        Ok(Enterprise {
            id: EnterpriseId(id),
            code,
            name,
            enabled,
        })
    }

    /// Every enterprise, by id (for server-wide figures such as `/metrics`).
    pub async fn list_enterprises(&self) -> Result<Vec<Enterprise>> {
        let rows: Vec<(i64, String, String, bool)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, code, name, enabled FROM enterprises ORDER BY id",
        )
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(id, code, name, enabled)| Enterprise {
                id: EnterpriseId(id),
                code,
                name,
                enabled,
            })
            .collect())
    }

    /// Every enterprise with its user count, by code (the platform administrator's list).
    pub async fn enterprise_infos(&self) -> Result<Vec<EnterpriseInfo>> {
        let rows: Vec<InfoRow> = on_pool!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!("{SELECT_INFO} ORDER BY e.code")),
        )
        .fetch_all(pool)
        .await?);
        Ok(rows.into_iter().map(EnterpriseInfo::from).collect())
    }

    /// One enterprise with its user count.
    pub async fn enterprise_info(&self, id: EnterpriseId) -> Result<EnterpriseInfo> {
        let row: Option<InfoRow> = on_pool!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!("{SELECT_INFO} WHERE e.id = $1")),
        )
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        row.map(EnterpriseInfo::from).ok_or(StoreError::NotFound)
    }

    /// Renames, enables or disables an enterprise, changes its time zone or limits (only the
    /// fields given change). Disabling revokes every session of its users. `NotFound` for an
    /// unknown id.
    pub async fn update_enterprise(
        &self,
        id: EnterpriseId,
        change: &EnterpriseChange<'_>,
        now: i64,
    ) -> Result<EnterpriseInfo> {
        let (name, enabled) = (change.name, change.enabled);
        let limits = change.limits;
        let n = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let n = sqlx::query(
                "UPDATE enterprises SET name = COALESCE($2, name), enabled = COALESCE($3, enabled), \
                 time_zone = COALESCE($4, time_zone) WHERE id = $1",
            )
            .bind(id.0)
            .bind(name)
            .bind(enabled)
            .bind(change.time_zone)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if let Some(l) = limits {
                sqlx::query(
                    "UPDATE enterprises SET max_agents = $2, max_concurrent_calls = $3, \
                     max_widget_calls = $4 WHERE id = $1",
                )
                .bind(id.0)
                .bind(limit_column(l.agents))
                .bind(limit_column(l.concurrent_calls))
                .bind(limit_column(l.widget_calls))
                .execute(&mut *tx)
                .await?;
            }
            if enabled == Some(false) {
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $2 WHERE enterprise_id = $1 AND revoked_at IS NULL",
                )
                .bind(id.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            n
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.enterprise_info(id).await
    }

    /// Enterprises with at least one limit, and their limits (for the SIP endpoint).
    pub async fn enterprise_limits(&self) -> Result<Vec<(EnterpriseId, EnterpriseLimits)>> {
        type Row = (i64, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, max_agents, max_concurrent_calls, max_widget_calls FROM enterprises \
             WHERE max_agents IS NOT NULL OR max_concurrent_calls IS NOT NULL \
             OR max_widget_calls IS NOT NULL ORDER BY id",
        )
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(e, a, c, w)| {
                let limits = EnterpriseLimits {
                    agents: limit_of(a),
                    concurrent_calls: limit_of(c),
                    widget_calls: limit_of(w),
                };
                (EnterpriseId(e), limits)
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
