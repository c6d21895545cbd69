//! Scheduled callbacks (预约回呼). A callback's state is derived, never stored: done once
//! `done_at` is set (a call to the number connected, or the agent marked it), otherwise pending
//! while its due time is at or after the start of today (`day_start`, the enterprise's local
//! midnight, given by the caller) and expired once its due day has ended. The role's data scope
//! applies through the agent: `self` sees the user's own callbacks.

use model::customers::{Callback, CallbackQuery, CallbackState};
use model::{CallId, CallbackId, CustomerId, Page, UserId};

use crate::query::{Arg, Where, bind_all, user_in_scope};
use crate::{CallScope, Result, Store, StoreError, Tenant, like_pattern, on_pool};

/// A callback as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackInput {
    /// The customer, if any.
    pub customer: Option<CustomerId>,
    /// The number to call.
    pub number: String,
    /// The agent to call.
    pub agent: UserId,
    /// When (unix ms).
    pub due_at: i64,
    /// Remark.
    pub remark: Option<String>,
}

/// A `callbacks` row with the customer's and the agent's names.
#[derive(sqlx::FromRow)]
struct CallbackRow {
    id: i64,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    number: String,
    agent_id: i64,
    agent_name: Option<String>,
    due_at: i64,
    remark: Option<String>,
    done_at: Option<i64>,
    call_id: Option<i64>,
    created_at: i64,
}

impl CallbackRow {
    fn into_callback(self, day_start: i64) -> Callback {
        let state = match self.done_at {
            Some(_) => CallbackState::Done,
            None if self.due_at < day_start => CallbackState::Expired,
            None => CallbackState::Pending,
        };
        Callback {
            id: CallbackId(self.id),
            customer_id: self.customer_id.map(CustomerId),
            customer_name: self.customer_name,
            number: self.number,
            agent_id: UserId(self.agent_id),
            agent_name: self.agent_name,
            due_at: self.due_at,
            remark: self.remark,
            state,
            done_at: self.done_at,
            call_id: self.call_id.map(CallId),
            created_at: self.created_at,
        }
    }
}

const SELECT_CALLBACKS: &str = "SELECT b.id, b.customer_id, k.name AS customer_name, b.number, \
     b.agent_id, u.name AS agent_name, b.due_at, b.remark, b.done_at, b.call_id, b.created_at \
     FROM callbacks b \
     LEFT JOIN customers k ON k.enterprise_id = b.enterprise_id AND k.id = b.customer_id \
     LEFT JOIN users u ON u.enterprise_id = b.enterprise_id AND u.id = b.agent_id";

impl Tenant<'_> {
    /// A `WHERE` for callbacks (`b`) of this enterprise that `scope` lets the user see.
    fn callback_where(&self, scope: CallScope) -> Where {
        let mut w = Where::new();
        let ent = w.arg(Arg::Int(self.enterprise.0));
        w.conds.push(format!("b.enterprise_id = {ent}"));
        user_in_scope(&mut w, "b.agent_id", &ent, scope);
        w
    }

    /// A page of the callbacks `scope` lets the user see that match `q` (due time range, agent,
    /// state as of `day_start`, customer name or number), by due time (earliest first).
    pub async fn callbacks(
        &self,
        q: &CallbackQuery,
        scope: CallScope,
        day_start: i64,
    ) -> Result<Page<Callback>> {
        let page = q.page_query();
        let mut w = self.callback_where(scope);
        if let Some(from) = q.from {
            let p = w.arg(Arg::Int(from));
            w.conds.push(format!("b.due_at >= {p}"));
        }
        if let Some(to) = q.to {
            let p = w.arg(Arg::Int(to));
            w.conds.push(format!("b.due_at < {p}"));
        }
        if let Some(agent) = q.agent_id {
            let p = w.arg(Arg::Int(agent));
            w.conds.push(format!("b.agent_id = {p}"));
        }
        if let Some(state) = q.state {
            match state {
                CallbackState::Done => w.conds.push("b.done_at IS NOT NULL".to_owned()),
                CallbackState::Pending => {
                    let p = w.arg(Arg::Int(day_start));
                    w.conds
                        .push(format!("b.done_at IS NULL AND b.due_at >= {p}"));
                }
                CallbackState::Expired => {
                    let p = w.arg(Arg::Int(day_start));
                    w.conds
                        .push(format!("b.done_at IS NULL AND b.due_at < {p}"));
                }
            }
        }
        if let Some(text) = page.search() {
            let p = w.arg(Arg::Text(like_pattern(Some(text))));
            w.conds.push(format!(
                "(b.number LIKE {p} ESCAPE '\\' OR LOWER(COALESCE(k.name, '')) LIKE {p} ESCAPE '\\')"
            ));
        }
        let list = format!(
            "{SELECT_CALLBACKS}{} ORDER BY b.due_at, b.id LIMIT {} OFFSET {}",
            w.sql(),
            page.page_size(),
            page.offset()
        );
        let count = format!(
            "SELECT COUNT(*) FROM callbacks b \
             LEFT JOIN customers k ON k.enterprise_id = b.enterprise_id AND k.id = b.customer_id{}",
            w.sql()
        );
        let (rows, total): (Vec<CallbackRow>, i64) = on_pool!(self.store, pool => {
            let rows = bind_all!(sqlx::query_as::<_, CallbackRow>(sqlx::AssertSqlSafe(list)), &w.args)
                .fetch_all(pool)
                .await?;
            let total: i64 = bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(count)), &w.args)
                .fetch_one(pool)
                .await?;
            (rows, total)
        });
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| r.into_callback(day_start))
                .collect(),
            total,
            page: page.page(),
            page_size: page.page_size(),
        })
    }

    /// One callback, when `scope` lets the user see it (`NotFound` otherwise).
    pub async fn callback(
        &self,
        id: CallbackId,
        scope: CallScope,
        day_start: i64,
    ) -> Result<Callback> {
        let mut w = self.callback_where(scope);
        let p = w.arg(Arg::Int(id.0));
        w.conds.push(format!("b.id = {p}"));
        let sql = format!("{SELECT_CALLBACKS}{}", w.sql());
        let row: Option<CallbackRow> = on_pool!(self.store, pool =>
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.args).fetch_optional(pool).await?);
        Ok(row.ok_or(StoreError::NotFound)?.into_callback(day_start))
    }

    /// A customer's callbacks, by due time.
    pub(crate) async fn callbacks_of_customer(
        &self,
        customer: CustomerId,
        day_start: i64,
    ) -> Result<Vec<Callback>> {
        let mut w = self.callback_where(CallScope::Enterprise);
        let p = w.arg(Arg::Int(customer.0));
        w.conds.push(format!("b.customer_id = {p}"));
        let sql = format!("{SELECT_CALLBACKS}{} ORDER BY b.due_at, b.id", w.sql());
        let rows: Vec<CallbackRow> = on_pool!(self.store, pool =>
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.args).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(|r| r.into_callback(day_start))
            .collect())
    }

    /// Schedules a callback. `InvalidReference` when the customer or the agent is not one of
    /// this enterprise's.
    pub async fn create_callback(
        &self,
        c: &CallbackInput,
        by: UserId,
        now: i64,
        day_start: i64,
    ) -> Result<Callback> {
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO callbacks (enterprise_id, customer_id, number, agent_id, due_at, remark, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(c.customer.map(|k| k.0))
        .bind(&c.number)
        .bind(c.agent.0)
        .bind(c.due_at)
        .bind(&c.remark)
        .bind(by.0)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "callback"))?);
        self.callback(CallbackId(id), CallScope::Enterprise, day_start)
            .await
    }

    /// Reschedules a callback and sets its remark, when `scope` lets the user see it.
    pub async fn update_callback(
        &self,
        id: CallbackId,
        scope: CallScope,
        due_at: i64,
        remark: Option<&str>,
        day_start: i64,
    ) -> Result<Callback> {
        self.callback(id, scope, day_start).await?;
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE callbacks SET due_at = $3, remark = $4 WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(due_at)
        .bind(remark)
        .execute(pool)
        .await?
        .rows_affected());
        self.callback(id, scope, day_start).await
    }

    /// Marks a callback done by hand (no call linked), when `scope` lets the user see it; a
    /// callback already done keeps its time and call.
    pub async fn mark_callback_done(
        &self,
        id: CallbackId,
        scope: CallScope,
        now: i64,
        day_start: i64,
    ) -> Result<Callback> {
        self.callback(id, scope, day_start).await?;
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE callbacks SET done_at = $3 WHERE enterprise_id = $1 AND id = $2 AND done_at IS NULL",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        self.callback(id, scope, day_start).await
    }

    /// Deletes a callback, when `scope` lets the user see it.
    pub async fn delete_callback(&self, id: CallbackId, scope: CallScope) -> Result<()> {
        self.callback(id, scope, 0).await?;
        self.delete_by_id(
            "DELETE FROM callbacks WHERE enterprise_id = $1 AND id = $2",
            id.0,
        )
        .await
    }
}

impl Store {
    /// A placed call connected (`key`, at `at`): every open callback of its agent for the
    /// number called is done, linked to the call's record.
    pub(crate) async fn callbacks_done_by_call(&self, key: &str, at: i64) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE callbacks SET done_at = $2, call_id = (SELECT c.id FROM calls c WHERE c.call_key = $1) \
             WHERE done_at IS NULL AND (enterprise_id, agent_id, number) IN \
             (SELECT c.enterprise_id, c.agent_id, c.callee FROM calls c WHERE c.call_key = $1 \
             AND c.direction = 'agent_outbound')",
        )
        .bind(key)
        .bind(at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }
}
