//! Users: agents, supervisors and administrators of one enterprise.

use std::collections::BTreeMap;

use model::account::{Me, Membership, User, UserUpdate};
use model::{DataScope, Page, PageQuery, Permission, RoleId, SkillGroupId, UserId};

use crate::roles::{parse_permissions, parse_scope};
use crate::{Result, StoreError, Tenant, like_pattern, on_pool};

/// What the store needs to create a user; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Work ID (工号).
    pub work_id: String,
    /// Display name.
    pub name: String,
    /// Mobile number.
    pub mobile: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Role to grant.
    pub role_id: RoleId,
    /// Whether the user may log in.
    pub enabled: bool,
    /// Argon2 PHC string of the initial password.
    pub password_hash: String,
}

/// What login checks against.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user.
    pub user_id: UserId,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// Disabled users cannot log in.
    pub enabled: bool,
    /// Consecutive failed logins since the last success or lock.
    pub failed_logins: i32,
    /// Set while locked out (unix ms).
    pub locked_until: Option<i64>,
}

/// A `users` row joined with its role's name.
#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    work_id: String,
    name: String,
    mobile: Option<String>,
    department: Option<String>,
    role_id: i64,
    role_name: String,
    enabled: bool,
    created_at: i64,
    locked_until: Option<i64>,
}

/// One membership of one user.
#[derive(sqlx::FromRow)]
struct MembershipRow {
    user_id: i64,
    group_id: i64,
    group_name: String,
    skill_level: i32,
}

const USER_COLUMNS: &str = "SELECT u.id, u.work_id, u.name, u.mobile, u.department, u.role_id, \
     r.name AS role_name, u.enabled, u.created_at, u.locked_until \
     FROM users u JOIN roles r ON r.enterprise_id = u.enterprise_id AND r.id = u.role_id";

impl UserRow {
    fn into_user(self, skill_groups: Vec<Membership>) -> User {
        User {
            id: UserId(self.id),
            work_id: self.work_id,
            name: self.name,
            mobile: self.mobile,
            department: self.department,
            role_id: RoleId(self.role_id),
            role_name: self.role_name,
            enabled: self.enabled,
            skill_groups,
            created_at: self.created_at,
            locked_until: self.locked_until,
        }
    }
}

impl Tenant<'_> {
    /// A page of users whose name or work ID contains the search text, ordered by work ID.
    pub async fn users(&self, q: &PageQuery) -> Result<Page<User>> {
        let e = self.enterprise.0;
        let pattern = like_pattern(q.search());
        let (rows, total): (Vec<UserRow>, i64) = on_pool!(self.store, pool => {
            let rows = sqlx::query_as::<_, UserRow>(user_select(
                "WHERE u.enterprise_id = $1 AND (LOWER(u.name) LIKE $2 ESCAPE '\\' OR LOWER(u.work_id) LIKE $2 ESCAPE '\\') \
                 ORDER BY u.work_id LIMIT $3 OFFSET $4",
            ))
            .bind(e)
            .bind(&pattern)
            .bind(i64::from(q.page_size()))
            .bind(q.offset())
            .fetch_all(pool)
            .await?;
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM users u WHERE u.enterprise_id = $1 \
                 AND (LOWER(u.name) LIKE $2 ESCAPE '\\' OR LOWER(u.work_id) LIKE $2 ESCAPE '\\')",
            )
            .bind(e)
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
            (rows, total)
        });
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut groups = self.memberships_of(&ids).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let g = groups.remove(&r.id).unwrap_or_default();
                r.into_user(g)
            })
            .collect();
        Ok(Page {
            items,
            total,
            page: q.page(),
            page_size: q.page_size(),
        })
    }

    /// One user.
    pub async fn user(&self, id: UserId) -> Result<User> {
        let row: Option<UserRow> = on_pool!(self.store, pool => sqlx::query_as::<_, UserRow>(
            user_select("WHERE u.enterprise_id = $1 AND u.id = $2"),
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        let row = row.ok_or(StoreError::NotFound)?;
        let mut groups = self.memberships_of(&[row.id]).await?;
        let g = groups.remove(&row.id).unwrap_or_default();
        Ok(row.into_user(g))
    }

    /// Skill-group memberships of the given users, keyed by user id, ordered by group name.
    async fn memberships_of(&self, user_ids: &[i64]) -> Result<BTreeMap<i64, Vec<Membership>>> {
        let mut out: BTreeMap<i64, Vec<Membership>> = BTreeMap::new();
        if user_ids.is_empty() {
            return Ok(out);
        }
        let rows: Vec<MembershipRow> = on_pool!(self.store, pool => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT m.user_id, g.id AS group_id, g.name AS group_name, m.skill_level \
                 FROM skill_group_members m JOIN skill_groups g \
                 ON g.enterprise_id = m.enterprise_id AND g.id = m.group_id WHERE m.enterprise_id = ",
            );
            qb.push_bind(self.enterprise.0);
            qb.push(" AND m.user_id IN (");
            let mut sep = qb.separated(", ");
            for id in user_ids {
                sep.push_bind(*id);
            }
            qb.push(") ORDER BY g.name");
            qb.build_query_as::<MembershipRow>().fetch_all(pool).await?
        });
        for r in rows {
            out.entry(r.user_id).or_default().push(Membership {
                id: SkillGroupId(r.group_id),
                name: r.group_name,
                skill_level: r.skill_level,
            });
        }
        Ok(out)
    }

    /// Creates a user; `Duplicate("work_id")` if the work ID is taken, `InvalidReference` if the
    /// role is not this enterprise's.
    pub async fn create_user(&self, new: &NewUser, now: i64) -> Result<User> {
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO users (enterprise_id, work_id, name, mobile, department, role_id, enabled, \
             password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(&new.work_id)
        .bind(&new.name)
        .bind(&new.mobile)
        .bind(&new.department)
        .bind(new.role_id.0)
        .bind(new.enabled)
        .bind(&new.password_hash)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "work_id"))?);
        self.user(UserId(id)).await
    }

    /// Applies a PATCH to a user and returns it as it is now.
    pub async fn update_user(&self, id: UserId, patch: &UserUpdate) -> Result<User> {
        let cur = self.user(id).await?;
        let name = patch.name.clone().unwrap_or(cur.name);
        let mobile = patch.mobile.clone().unwrap_or(cur.mobile);
        let department = patch.department.clone().unwrap_or(cur.department);
        let role_id = patch.role_id.unwrap_or(cur.role_id);
        let enabled = patch.enabled.unwrap_or(cur.enabled);
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE users SET name = $3, mobile = $4, department = $5, role_id = $6, enabled = $7 \
             WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(&name)
        .bind(&mobile)
        .bind(&department)
        .bind(role_id.0)
        .bind(enabled)
        .execute(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "work_id"))?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.user(id).await
    }

    /// Deletes a user with their sessions and memberships.
    pub async fn delete_user(&self, id: UserId) -> Result<()> {
        // Their customers become nobody's (a customer outlives the agent who owned it).
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE customers SET owner_id = NULL WHERE enterprise_id = $1 AND owner_id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .execute(pool)
        .await?
        .rows_affected());
        self.delete_by_id(
            "DELETE FROM users WHERE enterprise_id = $1 AND id = $2",
            id.0,
        )
        .await
    }

    /// Looks up a user's credentials by work ID, for login.
    pub async fn credentials(&self, work_id: &str) -> Result<Option<Credentials>> {
        let row: Option<(i64, String, bool, i32, Option<i64>)> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT id, password_hash, enabled, failed_logins, locked_until FROM users \
             WHERE enterprise_id = $1 AND work_id = $2",
        )
        .bind(self.enterprise.0)
        .bind(work_id)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(
            |(id, password_hash, enabled, failed_logins, locked_until)| Credentials {
                user_id: UserId(id),
                password_hash,
                enabled,
                failed_logins,
                locked_until,
            },
        ))
    }

    /// The password hash of a user, for password changes.
    pub async fn password_hash(&self, id: UserId) -> Result<String> {
        let h: Option<String> = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT password_hash FROM users WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        h.ok_or(StoreError::NotFound)
    }

    /// Replaces a user's password hash and clears any lockout.
    pub async fn set_password(&self, id: UserId, password_hash: &str) -> Result<()> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE users SET password_hash = $3, failed_logins = 0, locked_until = NULL \
             WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(password_hash)
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Counts a failed login. At `max_failures` consecutive failures the account locks until
    /// `now + lock_ms` and the counter restarts; returns the lock's end when this failure locked it.
    pub async fn record_failed_login(
        &self,
        id: UserId,
        now: i64,
        max_failures: i32,
        lock_ms: i64,
    ) -> Result<Option<i64>> {
        let until = now + lock_ms;
        let locked: Option<Option<i64>> = on_pool!(self.store, pool => sqlx::query_scalar(
            "UPDATE users SET \
               locked_until = CASE WHEN failed_logins + 1 >= $3 THEN $4 ELSE locked_until END, \
               failed_logins = CASE WHEN failed_logins + 1 >= $3 THEN 0 ELSE failed_logins + 1 END \
             WHERE enterprise_id = $1 AND id = $2 RETURNING locked_until",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(max_failures)
        .bind(until)
        .fetch_optional(pool)
        .await?);
        Ok(locked.flatten().filter(|&t| t == until))
    }

    /// Clears the failure counter and lock after a successful login.
    pub async fn clear_failed_logins(&self, id: UserId) -> Result<()> {
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE users SET failed_logins = 0, locked_until = NULL \
             WHERE enterprise_id = $1 AND id = $2 AND (failed_logins <> 0 OR locked_until IS NOT NULL)",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The signed-in user's own view: account, role, permissions, skill groups, enterprise.
    pub async fn me(&self, id: UserId) -> Result<Me> {
        let user = self.user(id).await?;
        let ent = self.store.enterprise(self.enterprise).await?;
        let (perms, scope): (String, String) = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT permissions, data_scope FROM roles WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(user.role_id.0)
        .fetch_one(pool)
        .await?);
        let permissions: Vec<Permission> = parse_permissions(&perms);
        let data_scope: DataScope = parse_scope(&scope);
        Ok(Me {
            id: user.id,
            enterprise_id: ent.id,
            enterprise_code: ent.code,
            enterprise_name: ent.name,
            work_id: user.work_id,
            name: user.name,
            mobile: user.mobile,
            role_id: user.role_id,
            role_name: user.role_name,
            permissions,
            data_scope,
            skill_groups: user.skill_groups,
        })
    }
}

/// The user SELECT with a WHERE/ORDER tail appended. Only ever called with literal tails.
fn user_select(tail: &'static str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!("{USER_COLUMNS} {tail}"))
}

impl Tenant<'_> {
    /// Ids of the users holding a role (to tell their clients when it changes).
    pub async fn user_ids_with_role(&self, role: RoleId) -> Result<Vec<UserId>> {
        let ids: Vec<i64> = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT id FROM users WHERE enterprise_id = $1 AND role_id = $2 ORDER BY id",
        )
        .bind(self.enterprise.0)
        .bind(role.0)
        .fetch_all(pool)
        .await?);
        Ok(ids.into_iter().map(UserId).collect())
    }
}
