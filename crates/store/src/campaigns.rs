//! Outbound campaigns (外呼任务) and their assigned agents. A campaign's state is not stored:
//! the caller decides it from the times, `paused` and `completed_at` (the `dialer` crate), so
//! the store only filters history (completed or past its end) by those columns.

use model::UserId;

use crate::query::{Arg, Where, bind_all};
use crate::{Result, StoreError, Tenant, on_pool};

/// A campaign as written by the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignWrite {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Unix ms.
    pub start_at: i64,
    /// Unix ms.
    pub end_at: i64,
    /// Enterprise numbers to call from.
    pub caller_numbers: Vec<String>,
    /// Mask the last four digits.
    pub masking: bool,
    /// Calls per customer.
    pub max_attempts: u32,
    /// Calling hours start, `HH:MM`.
    pub hours_from: String,
    /// Calling hours end, `HH:MM`.
    pub hours_to: String,
    /// IANA zone of the calling hours.
    pub time_zone: String,
    /// `preview`, `progressive` or `predictive`.
    pub mode: String,
    /// Predictive dialing's abandon-rate cap, in basis points of answered calls (300 = 3 %).
    pub abandon_cap_bp: u32,
    /// Assigned agents.
    pub agents: Vec<UserId>,
}

/// A stored campaign with its agents and customer counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignRecord {
    /// Id.
    pub id: i64,
    /// As written.
    pub write: CampaignWrite,
    /// Paused by the admin.
    pub paused: bool,
    /// When it was completed, if it was.
    pub completed_at: Option<i64>,
    /// Customers imported.
    pub customers: i64,
    /// Customers called at least once.
    pub dialed: i64,
    /// Customers whose last call was answered.
    pub answered: i64,
    /// Unix ms.
    pub created_at: i64,
}

/// A `campaigns` row with its counts.
#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: i64,
    name: String,
    description: String,
    start_at: i64,
    end_at: i64,
    paused: bool,
    completed_at: Option<i64>,
    caller_numbers: String,
    masking: bool,
    max_attempts: i64,
    hours_from: String,
    hours_to: String,
    time_zone: String,
    mode: String,
    abandon_cap_bp: i64,
    created_at: i64,
    customers: i64,
    dialed: i64,
    answered: i64,
}

const SELECT_CAMPAIGNS: &str = "SELECT c.id, c.name, c.description, c.start_at, c.end_at, \
     c.paused, c.completed_at, c.caller_numbers, c.masking, c.max_attempts, c.hours_from, \
     c.hours_to, c.time_zone, c.mode, c.abandon_cap_bp, c.created_at, \
     (SELECT COUNT(*) FROM campaign_customers k WHERE k.enterprise_id = c.enterprise_id AND k.campaign_id = c.id) AS customers, \
     (SELECT COUNT(*) FROM campaign_customers k WHERE k.enterprise_id = c.enterprise_id AND k.campaign_id = c.id AND k.attempts > 0) AS dialed, \
     (SELECT COUNT(*) FROM campaign_customers k WHERE k.enterprise_id = c.enterprise_id AND k.campaign_id = c.id AND k.outcome = 'answered') AS answered \
     FROM campaigns c";

/// The campaign's history condition at placeholder `now`.
fn history_cond(now: &str) -> String {
    format!("((c.completed_at IS NOT NULL AND c.completed_at <= {now}) OR c.end_at <= {now})")
}

impl Tenant<'_> {
    /// The campaigns of this enterprise: history (completed or expired at `now`, newest end
    /// first) or the others (by start time); only those `agent` is assigned to when given.
    pub async fn campaigns(
        &self,
        history: bool,
        agent: Option<UserId>,
        now: i64,
    ) -> Result<Vec<CampaignRecord>> {
        let mut w = Where::new();
        let ent = w.arg(Arg::Int(self.enterprise.0));
        w.conds.push(format!("c.enterprise_id = {ent}"));
        let now = w.arg(Arg::Int(now));
        let cond = history_cond(&now);
        w.conds
            .push(if history { cond } else { format!("NOT {cond}") });
        if let Some(agent) = agent {
            let p = w.arg(Arg::Int(agent.0));
            w.conds.push(format!(
                "EXISTS (SELECT 1 FROM campaign_agents a WHERE a.enterprise_id = c.enterprise_id \
                 AND a.campaign_id = c.id AND a.agent_id = {p})"
            ));
        }
        let order = if history {
            "COALESCE(c.completed_at, c.end_at) DESC, c.id DESC"
        } else {
            "c.start_at, c.id"
        };
        let sql = format!("{SELECT_CAMPAIGNS}{} ORDER BY {order}", w.sql());
        let rows: Vec<CampaignRow> = on_pool!(self.store, pool =>
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.args).fetch_all(pool).await?);
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.with_agents(row).await?);
        }
        Ok(out)
    }

    /// One campaign of this enterprise.
    pub async fn campaign(&self, id: i64) -> Result<CampaignRecord> {
        let sql = format!("{SELECT_CAMPAIGNS} WHERE c.enterprise_id = $1 AND c.id = $2");
        let row: Option<CampaignRow> = on_pool!(self.store, pool =>
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(self.enterprise.0)
                .bind(id)
                .fetch_optional(pool)
                .await?);
        self.with_agents(row.ok_or(StoreError::NotFound)?).await
    }

    /// Adds the assigned agents to a row.
    async fn with_agents(&self, row: CampaignRow) -> Result<CampaignRecord> {
        let agents: Vec<i64> = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT agent_id FROM campaign_agents WHERE enterprise_id = $1 AND campaign_id = $2 ORDER BY agent_id",
        )
        .bind(self.enterprise.0)
        .bind(row.id)
        .fetch_all(pool)
        .await?);
        Ok(CampaignRecord {
            id: row.id,
            write: CampaignWrite {
                name: row.name,
                description: row.description,
                start_at: row.start_at,
                end_at: row.end_at,
                caller_numbers: serde_json::from_str(&row.caller_numbers).unwrap_or_default(),
                masking: row.masking,
                max_attempts: u32::try_from(row.max_attempts).unwrap_or(0),
                hours_from: row.hours_from,
                hours_to: row.hours_to,
                time_zone: row.time_zone,
                mode: row.mode,
                abandon_cap_bp: u32::try_from(row.abandon_cap_bp).unwrap_or(0),
                agents: agents.into_iter().map(UserId).collect(),
            },
            paused: row.paused,
            completed_at: row.completed_at,
            customers: row.customers,
            dialed: row.dialed,
            answered: row.answered,
            created_at: row.created_at,
        })
    }

    /// Creates a campaign. `InvalidReference` when an agent is not one of this enterprise's.
    pub async fn create_campaign(
        &self,
        c: &CampaignWrite,
        by: UserId,
        now: i64,
    ) -> Result<CampaignRecord> {
        let e = self.enterprise.0;
        let numbers = serde_json::to_string(&c.caller_numbers).unwrap_or_else(|_| "[]".into());
        let id: i64 = on_pool!(self.store, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO campaigns (enterprise_id, name, description, start_at, end_at, caller_numbers, \
                 masking, max_attempts, hours_from, hours_to, time_zone, mode, created_by, created_at, updated_at, abandon_cap_bp) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) RETURNING id",
            )
            .bind(e)
            .bind(&c.name)
            .bind(&c.description)
            .bind(c.start_at)
            .bind(c.end_at)
            .bind(&numbers)
            .bind(c.masking)
            .bind(i64::from(c.max_attempts))
            .bind(&c.hours_from)
            .bind(&c.hours_to)
            .bind(&c.time_zone)
            .bind(&c.mode)
            .bind(by.0)
            .bind(now)
            .bind(i64::from(c.abandon_cap_bp))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::on_write(e, "campaign"))?;
            for agent in &c.agents {
                sqlx::query("INSERT INTO campaign_agents (enterprise_id, campaign_id, agent_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(e)
                    .bind(id)
                    .bind(agent.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::on_write(e, "agent"))?;
            }
            tx.commit().await?;
            id
        });
        self.campaign(id).await
    }

    /// Replaces a campaign's settings and agents with `c`. Returns the record and the agents
    /// newly assigned (to notify them).
    pub async fn update_campaign(
        &self,
        id: i64,
        c: &CampaignWrite,
        now: i64,
    ) -> Result<(CampaignRecord, Vec<UserId>)> {
        let before = self.campaign(id).await?;
        let e = self.enterprise.0;
        let numbers = serde_json::to_string(&c.caller_numbers).unwrap_or_else(|_| "[]".into());
        on_pool!(self.store, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE campaigns SET name = $3, description = $4, start_at = $5, end_at = $6, caller_numbers = $7, \
                 masking = $8, max_attempts = $9, hours_from = $10, hours_to = $11, time_zone = $12, mode = $13, updated_at = $14, \
                 abandon_cap_bp = $15 WHERE enterprise_id = $1 AND id = $2",
            )
            .bind(e)
            .bind(id)
            .bind(&c.name)
            .bind(&c.description)
            .bind(c.start_at)
            .bind(c.end_at)
            .bind(&numbers)
            .bind(c.masking)
            .bind(i64::from(c.max_attempts))
            .bind(&c.hours_from)
            .bind(&c.hours_to)
            .bind(&c.time_zone)
            .bind(&c.mode)
            .bind(now)
            .bind(i64::from(c.abandon_cap_bp))
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::on_write(e, "campaign"))?;
            sqlx::query("DELETE FROM campaign_agents WHERE enterprise_id = $1 AND campaign_id = $2")
                .bind(e)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for agent in &c.agents {
                sqlx::query("INSERT INTO campaign_agents (enterprise_id, campaign_id, agent_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(e)
                    .bind(id)
                    .bind(agent.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::on_write(e, "agent"))?;
            }
            tx.commit().await?;
        });
        let added = c
            .agents
            .iter()
            .filter(|a| !before.write.agents.contains(a))
            .copied()
            .collect();
        Ok((self.campaign(id).await?, added))
    }

    /// Saves the schedule facts an admin action changed.
    pub async fn set_campaign_schedule(
        &self,
        id: i64,
        start_at: i64,
        paused: bool,
        completed_at: Option<i64>,
        now: i64,
    ) -> Result<CampaignRecord> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE campaigns SET start_at = $3, paused = $4, completed_at = $5, updated_at = $6 \
             WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id)
        .bind(start_at)
        .bind(paused)
        .bind(completed_at)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.campaign(id).await
    }

    /// Deletes a campaign with its customers and import reports.
    pub async fn delete_campaign(&self, id: i64) -> Result<()> {
        self.delete_by_id(
            "DELETE FROM campaigns WHERE enterprise_id = $1 AND id = $2",
            id,
        )
        .await
    }
}
