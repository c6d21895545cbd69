//! Customers (客户管理): profiles with numbers, tags, free fields and an owner agent, their
//! follow-up records and their timeline (calls, follow-ups, callbacks). The role's data scope
//! applies through the owner: `self` sees the user's own customers, `skill_groups` those of
//! the members of the user's groups, `department` those of the user's department.

use std::collections::BTreeMap;

use model::calls::{CallQuery, CallRecord};
use model::customers::{
    Customer, CustomerBrief, CustomerQuery, FollowUp, TimelineEntry, TimelineKind,
};
use model::{CustomerId, Page, UserId};

use crate::calls::{CallRow, SELECT_CALLS};
use crate::query::{Arg, Where, bind_all, list_of, user_in_scope};
use crate::{CallScope, Result, StoreError, Tenant, like_pattern, on_pool};

/// A customer as written: checked fields, numbers in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerInput {
    /// Name.
    pub name: String,
    /// Company.
    pub company: Option<String>,
    /// Numbers, the first the main one.
    pub numbers: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Free fields.
    pub fields: BTreeMap<String, String>,
    /// Owner.
    pub owner: Option<UserId>,
}

/// A `customers` row with its owner's name.
#[derive(sqlx::FromRow)]
struct CustomerRow {
    id: i64,
    name: String,
    company: Option<String>,
    tags: String,
    fields: String,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl CustomerRow {
    fn into_customer(self, numbers: Vec<String>) -> Customer {
        Customer {
            id: CustomerId(self.id),
            name: self.name,
            company: self.company,
            numbers,
            tags: serde_json::from_str(&self.tags).unwrap_or_default(),
            fields: serde_json::from_str(&self.fields).unwrap_or_default(),
            owner_id: self.owner_id.map(UserId),
            owner_name: self.owner_name,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

const SELECT_CUSTOMERS: &str = "SELECT k.id, k.name, k.company, k.tags, k.fields, k.owner_id, \
     u.name AS owner_name, k.created_at, k.updated_at FROM customers k \
     LEFT JOIN users u ON u.enterprise_id = k.enterprise_id AND u.id = k.owner_id";

/// A `customer_follow_ups` row with its author's name.
#[derive(sqlx::FromRow)]
struct FollowUpRow {
    id: i64,
    customer_id: i64,
    author_id: Option<i64>,
    author_name: Option<String>,
    body: String,
    created_at: i64,
}

impl From<FollowUpRow> for FollowUp {
    fn from(r: FollowUpRow) -> FollowUp {
        FollowUp {
            id: r.id,
            customer_id: CustomerId(r.customer_id),
            author_id: r.author_id.map(UserId),
            author_name: r.author_name,
            body: r.body,
            created_at: r.created_at,
        }
    }
}

const SELECT_FOLLOW_UPS: &str = "SELECT f.id, f.customer_id, f.author_id, u.name AS author_name, \
     f.body, f.created_at FROM customer_follow_ups f \
     LEFT JOIN users u ON u.enterprise_id = f.enterprise_id AND u.id = f.author_id \
     WHERE f.enterprise_id = $1 AND f.customer_id = $2 ORDER BY f.created_at DESC, f.id DESC";

/// The tags as stored: a JSON array.
fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".to_owned())
}

/// The free fields as stored: a JSON object.
fn fields_json(fields: &BTreeMap<String, String>) -> String {
    serde_json::to_string(fields).unwrap_or_else(|_| "{}".to_owned())
}

impl Tenant<'_> {
    /// A `WHERE` for customers (`k`) of this enterprise that `scope` lets the user see.
    fn customer_where(&self, scope: CallScope) -> (Where, String) {
        let mut w = Where::new();
        let ent = w.arg(Arg::Int(self.enterprise.0));
        w.conds.push(format!("k.enterprise_id = {ent}"));
        user_in_scope(&mut w, "k.owner_id", &ent, scope);
        (w, ent)
    }

    /// The numbers of each customer in `ids`, in their order.
    async fn numbers_of(&self, ids: &[i64]) -> Result<BTreeMap<i64, Vec<String>>> {
        let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let mut w = Where::new();
        let ent = w.arg(Arg::Int(self.enterprise.0));
        let list = list_of(&mut w, ids.iter().map(|i| Arg::Int(*i)));
        let sql = format!(
            "SELECT customer_id, number FROM customer_numbers WHERE enterprise_id = {ent} \
             AND customer_id IN ({list}) ORDER BY customer_id, position"
        );
        let rows: Vec<(i64, String)> = on_pool!(self.store, pool =>
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.args).fetch_all(pool).await?);
        for (id, n) in rows {
            out.entry(id).or_default().push(n);
        }
        Ok(out)
    }

    /// A page of the customers `scope` lets the user see matching `q` (name, company or
    /// number contains `q.q`; tag; owner), by name. `mine` is the user's own customers.
    pub async fn customers(
        &self,
        q: &CustomerQuery,
        scope: CallScope,
        me: UserId,
    ) -> Result<Page<Customer>> {
        let page = q.page_query();
        let (mut w, ent) = self.customer_where(scope);
        if let Some(text) = page.search() {
            let p = w.arg(Arg::Text(like_pattern(Some(text))));
            w.conds.push(format!(
                "(LOWER(k.name) LIKE {p} ESCAPE '\\' OR LOWER(COALESCE(k.company, '')) LIKE {p} ESCAPE '\\' \
                 OR EXISTS (SELECT 1 FROM customer_numbers n WHERE n.enterprise_id = {ent} \
                 AND n.customer_id = k.id AND n.number LIKE {p} ESCAPE '\\'))"
            ));
        }
        if let Some(tag) = q.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let quoted = serde_json::to_string(tag).unwrap_or_default();
            let p = w.arg(Arg::Text(like_pattern(Some(&quoted))));
            w.conds.push(format!("LOWER(k.tags) LIKE {p} ESCAPE '\\'"));
        }
        if let Some(owner) = q.owner_id {
            let p = w.arg(Arg::Int(owner));
            w.conds.push(format!("k.owner_id = {p}"));
        }
        if q.mine == Some(true) {
            let p = w.arg(Arg::Int(me.0));
            w.conds.push(format!("k.owner_id = {p}"));
        }
        let list = format!(
            "{SELECT_CUSTOMERS}{} ORDER BY k.name, k.id LIMIT {} OFFSET {}",
            w.sql(),
            page.page_size(),
            page.offset()
        );
        let count = format!("SELECT COUNT(*) FROM customers k{}", w.sql());
        let (rows, total): (Vec<CustomerRow>, i64) = on_pool!(self.store, pool => {
            let rows = bind_all!(sqlx::query_as::<_, CustomerRow>(sqlx::AssertSqlSafe(list)), &w.args)
                .fetch_all(pool)
                .await?;
            let total: i64 = bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(count)), &w.args)
                .fetch_one(pool)
                .await?;
            (rows, total)
        });
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut numbers = self.numbers_of(&ids).await?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| {
                    let n = numbers.remove(&r.id).unwrap_or_default();
                    r.into_customer(n)
                })
                .collect(),
            total,
            page: page.page(),
            page_size: page.page_size(),
        })
    }

    /// One customer, when `scope` lets the user see it (`NotFound` otherwise).
    pub async fn customer(&self, id: CustomerId, scope: CallScope) -> Result<Customer> {
        let (mut w, _) = self.customer_where(scope);
        let p = w.arg(Arg::Int(id.0));
        w.conds.push(format!("k.id = {p}"));
        let sql = format!("{SELECT_CUSTOMERS}{}", w.sql());
        let row: Option<CustomerRow> = on_pool!(self.store, pool =>
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.args).fetch_optional(pool).await?);
        let row = row.ok_or(StoreError::NotFound)?;
        let numbers = self.numbers_of(&[row.id]).await?.remove(&row.id);
        Ok(row.into_customer(numbers.unwrap_or_default()))
    }

    /// Creates a customer. `Duplicate("customer_number")` when one of the numbers is already
    /// another customer's; `InvalidReference` when the owner is not a user of the enterprise.
    pub async fn create_customer(
        &self,
        c: &CustomerInput,
        by: UserId,
        now: i64,
    ) -> Result<Customer> {
        let created = self
            .create_customers(std::slice::from_ref(c), by, now)
            .await?;
        let id = created.into_iter().next().ok_or(StoreError::NotFound)??;
        self.customer(id, CallScope::Enterprise).await
    }

    /// Creates customers in one transaction (an import's batch), each in a savepoint: a customer
    /// one of whose numbers is already another customer's (`Duplicate("customer_number")`,
    /// also when an earlier customer of the batch has it) or whose owner is not a user of the
    /// enterprise (`InvalidReference`) is left out with that error and nothing of it is kept;
    /// the others are added. Any other error undoes the whole batch. One result per input, in
    /// order.
    pub async fn create_customers(
        &self,
        rows: &[CustomerInput],
        by: UserId,
        now: i64,
    ) -> Result<Vec<Result<CustomerId>>> {
        use sqlx::Acquire;
        let e = self.enterprise.0;
        let created = on_pool!(self.store, pool => {
            let mut tx = pool.begin().await?;
            let mut created = Vec::with_capacity(rows.len());
            for c in rows {
                let mut one = tx.begin().await?;
                let written: Result<i64> = async {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO customers (enterprise_id, name, company, tags, fields, owner_id, created_by, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                    )
                    .bind(e)
                    .bind(&c.name)
                    .bind(&c.company)
                    .bind(tags_json(&c.tags))
                    .bind(fields_json(&c.fields))
                    .bind(c.owner.map(|o| o.0))
                    .bind(by.0)
                    .bind(now)
                    .fetch_one(&mut *one)
                    .await
                    .map_err(|e| StoreError::on_write(e, "customer"))?;
                    for (i, n) in c.numbers.iter().enumerate() {
                        sqlx::query(
                            "INSERT INTO customer_numbers (enterprise_id, customer_id, number, position) VALUES ($1, $2, $3, $4)",
                        )
                        .bind(e)
                        .bind(id)
                        .bind(n)
                        .bind(i as i64)
                        .execute(&mut *one)
                        .await
                        .map_err(|e| StoreError::on_write(e, "customer_number"))?;
                    }
                    Ok(id)
                }
                .await;
                match written {
                    Ok(id) => {
                        one.commit().await?;
                        created.push(Ok(CustomerId(id)));
                    }
                    Err(refused @ (StoreError::Duplicate(_) | StoreError::InvalidReference)) => {
                        one.rollback().await?;
                        created.push(Err(refused));
                    }
                    Err(other) => return Err(other),
                }
            }
            tx.commit().await?;
            created
        });
        Ok(created)
    }

    /// Replaces a customer's profile with `c` (the caller merged the PATCH), when `scope` lets
    /// the user see it. Errors as for [`create_customer`](Tenant::create_customer).
    pub async fn update_customer(
        &self,
        id: CustomerId,
        scope: CallScope,
        c: &CustomerInput,
        now: i64,
    ) -> Result<Customer> {
        self.customer(id, scope).await?;
        let e = self.enterprise.0;
        on_pool!(self.store, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE customers SET name = $3, company = $4, tags = $5, fields = $6, owner_id = $7, updated_at = $8 \
                 WHERE enterprise_id = $1 AND id = $2",
            )
            .bind(e)
            .bind(id.0)
            .bind(&c.name)
            .bind(&c.company)
            .bind(tags_json(&c.tags))
            .bind(fields_json(&c.fields))
            .bind(c.owner.map(|o| o.0))
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::on_write(e, "customer"))?;
            sqlx::query("DELETE FROM customer_numbers WHERE enterprise_id = $1 AND customer_id = $2")
                .bind(e)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            for (i, n) in c.numbers.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO customer_numbers (enterprise_id, customer_id, number, position) VALUES ($1, $2, $3, $4)",
                )
                .bind(e)
                .bind(id.0)
                .bind(n)
                .bind(i as i64)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::on_write(e, "customer_number"))?;
            }
            tx.commit().await?;
        });
        self.customer(id, CallScope::Enterprise).await
    }

    /// Deletes a customer with their numbers, follow-ups and callbacks, when `scope` lets the
    /// user see it.
    pub async fn delete_customer(&self, id: CustomerId, scope: CallScope) -> Result<()> {
        self.customer(id, scope).await?;
        self.delete_by_id(
            "DELETE FROM customers WHERE enterprise_id = $1 AND id = $2",
            id.0,
        )
        .await
    }

    /// The customer one of `forms` (the written forms of a number) belongs to, whoever owns
    /// it, with `visible` saying whether `scope` lets the user open the profile.
    pub async fn customer_by_number(
        &self,
        forms: &[&str],
        scope: CallScope,
    ) -> Result<Option<CustomerBrief>> {
        if forms.is_empty() {
            return Ok(None);
        }
        let mut w = Where::new();
        let ent = w.arg(Arg::Int(self.enterprise.0));
        let list = list_of(&mut w, forms.iter().map(|f| Arg::Text((*f).to_owned())));
        let sql = format!(
            "SELECT customer_id FROM customer_numbers WHERE enterprise_id = {ent} AND number IN ({list}) \
             ORDER BY customer_id LIMIT 1"
        );
        let id: Option<i64> = on_pool!(self.store, pool =>
            bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), &w.args).fetch_optional(pool).await?);
        let Some(id) = id else { return Ok(None) };
        let c = self.customer(CustomerId(id), CallScope::Enterprise).await?;
        let visible = scope == CallScope::Enterprise || self.customer(c.id, scope).await.is_ok();
        Ok(Some(CustomerBrief {
            id: c.id,
            name: c.name,
            company: c.company,
            tags: c.tags,
            owner_name: c.owner_name,
            visible,
        }))
    }

    /// A customer's follow-up records, newest first.
    pub async fn follow_ups(&self, customer: CustomerId) -> Result<Vec<FollowUp>> {
        let rows: Vec<FollowUpRow> = on_pool!(self.store, pool => sqlx::query_as(SELECT_FOLLOW_UPS)
            .bind(self.enterprise.0)
            .bind(customer.0)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(FollowUp::from).collect())
    }

    /// Adds a follow-up record by `author` to a customer of this enterprise.
    pub async fn add_follow_up(
        &self,
        customer: CustomerId,
        author: UserId,
        body: &str,
        now: i64,
    ) -> Result<FollowUp> {
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO customer_follow_ups (enterprise_id, customer_id, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(customer.0)
        .bind(author.0)
        .bind(body)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "follow_up"))?);
        self.follow_ups(customer)
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or(StoreError::NotFound)
    }

    /// The calls from or to any of `forms` (the written forms of a customer's numbers) that
    /// `scope` lets the user see, newest first, at most `limit`.
    pub async fn calls_of_numbers(
        &self,
        forms: &[String],
        scope: CallScope,
        limit: u32,
    ) -> Result<Vec<CallRecord>> {
        if forms.is_empty() {
            return Ok(Vec::new());
        }
        let mut w = Where::of(self.enterprise.0, &CallQuery::default(), scope);
        let list = list_of(&mut w, forms.iter().map(|f| Arg::Text(f.clone())));
        w.conds
            .push(format!("(c.caller IN ({list}) OR c.callee IN ({list}))"));
        let sql = format!(
            "{SELECT_CALLS}{} ORDER BY c.started_at DESC, c.id DESC LIMIT {limit}",
            w.sql()
        );
        let rows: Vec<CallRow> = on_pool!(self.store, pool =>
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.args).fetch_all(pool).await?);
        Ok(rows.into_iter().map(CallRecord::from).collect())
    }

    /// A customer's timeline (客户轨迹), newest first, at most `limit` entries: the calls of
    /// their numbers (`forms`, every written form) when `calls` gives the scope to read them
    /// in, their follow-ups and their callbacks (by due time; states as of `day_start`).
    pub async fn customer_timeline(
        &self,
        customer: CustomerId,
        forms: &[String],
        calls: Option<CallScope>,
        day_start: i64,
        limit: u32,
    ) -> Result<Vec<TimelineEntry>> {
        let mut entries: Vec<TimelineEntry> = Vec::new();
        if let Some(scope) = calls {
            for c in self.calls_of_numbers(forms, scope, limit).await? {
                entries.push(TimelineEntry {
                    kind: TimelineKind::Call,
                    at: c.started_at,
                    call: Some(c),
                    follow_up: None,
                    callback: None,
                });
            }
        }
        for f in self.follow_ups(customer).await? {
            entries.push(TimelineEntry {
                kind: TimelineKind::FollowUp,
                at: f.created_at,
                call: None,
                follow_up: Some(f),
                callback: None,
            });
        }
        for cb in self.callbacks_of_customer(customer, day_start).await? {
            entries.push(TimelineEntry {
                kind: TimelineKind::Callback,
                at: cb.due_at,
                call: None,
                follow_up: None,
                callback: Some(cb),
            });
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.at));
        entries.truncate(limit as usize);
        Ok(entries)
    }
}
