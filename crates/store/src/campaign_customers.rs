//! A campaign's customers (imported rows with their attempts and outcome) and import reports.

use std::collections::BTreeMap;

use model::campaigns::{CampaignImportReport, CampaignImportRowError};
use model::{CallId, Page, PageQuery, UserId};

use crate::query::{Arg, Where, bind_all};
use crate::{Result, Store, StoreError, Tenant, like_pattern, on_pool};

/// A customer row to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignCustomerWrite {
    /// Name.
    pub name: String,
    /// Number, E.164.
    pub number: String,
    /// Other columns of the row.
    pub fields: BTreeMap<String, String>,
}

/// A stored campaign customer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CampaignCustomerRecord {
    /// Id.
    pub id: i64,
    /// The campaign.
    pub campaign_id: i64,
    /// Name.
    pub name: String,
    /// Number, E.164 (never masked here).
    pub number: String,
    /// Other columns, JSON object.
    pub fields: String,
    /// The agent's notes.
    pub notes: String,
    /// Calls placed.
    pub attempts: i64,
    /// Outcome of the last call (`dialer::attempts::Outcome` strings).
    pub outcome: Option<String>,
    /// Unix ms of the last call.
    pub last_called_at: Option<i64>,
    /// The last call's record.
    pub last_call_id: Option<i64>,
}

/// What a campaign's customer list is filtered by.
#[derive(Debug, Clone, Default)]
pub struct CampaignCustomerFilter {
    /// Only this last outcome.
    pub outcome: Option<String>,
    /// Only customers never called.
    pub not_called: bool,
    /// Customers still to dial: fewer attempts than this and no final outcome.
    pub dialable: Option<(u32, Vec<String>)>,
}

const SELECT_CUSTOMERS: &str = "SELECT id, campaign_id, name, number, fields, notes, attempts, \
     outcome, last_called_at, last_call_id FROM campaign_customers";

impl Tenant<'_> {
    /// Adds customers to a campaign in one transaction; for each row, whether it was added
    /// (`false`: the campaign already has its number).
    pub async fn add_campaign_customers(
        &self,
        campaign: i64,
        rows: &[CampaignCustomerWrite],
        now: i64,
    ) -> Result<Vec<bool>> {
        self.campaign(campaign).await?;
        let e = self.enterprise.0;
        let added = on_pool!(self.store, pool => {
            let mut tx = pool.begin().await?;
            let mut added = Vec::with_capacity(rows.len());
            for r in rows {
                let fields = serde_json::to_string(&r.fields).unwrap_or_else(|_| "{}".into());
                let n = sqlx::query(
                    "INSERT INTO campaign_customers (enterprise_id, campaign_id, name, number, fields, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                )
                .bind(e)
                .bind(campaign)
                .bind(&r.name)
                .bind(&r.number)
                .bind(fields)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                added.push(n == 1);
            }
            tx.commit().await?;
            added
        });
        Ok(added)
    }

    /// A page of a campaign's customers matching `filter` and the search text (name or number),
    /// sorted by name.
    pub async fn campaign_customers(
        &self,
        campaign: i64,
        filter: &CampaignCustomerFilter,
        page: &PageQuery,
    ) -> Result<Page<CampaignCustomerRecord>> {
        let mut w = Where::new();
        let ent = w.arg(Arg::Int(self.enterprise.0));
        let c = w.arg(Arg::Int(campaign));
        w.conds
            .push(format!("enterprise_id = {ent} AND campaign_id = {c}"));
        if let Some(outcome) = &filter.outcome {
            let p = w.arg(Arg::Text(outcome.clone()));
            w.conds.push(format!("outcome = {p}"));
        }
        if filter.not_called {
            w.conds.push("attempts = 0".to_owned());
        }
        if let Some((max, finals)) = &filter.dialable {
            let p = w.arg(Arg::Int(i64::from(*max)));
            w.conds.push(format!("attempts < {p}"));
            for f in finals {
                let p = w.arg(Arg::Text(f.clone()));
                w.conds.push(format!("(outcome IS NULL OR outcome <> {p})"));
            }
        }
        if let Some(text) = page.search() {
            let p = w.arg(Arg::Text(like_pattern(Some(text))));
            w.conds.push(format!(
                "(LOWER(name) LIKE {p} ESCAPE '\\' OR number LIKE {p} ESCAPE '\\')"
            ));
        }
        let list = format!(
            "{SELECT_CUSTOMERS}{} ORDER BY name, id LIMIT {} OFFSET {}",
            w.sql(),
            page.page_size(),
            page.offset()
        );
        let count = format!("SELECT COUNT(*) FROM campaign_customers{}", w.sql());
        let (items, total) = on_pool!(self.store, pool => {
            let items: Vec<CampaignCustomerRecord> =
                bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(list)), &w.args).fetch_all(pool).await?;
            let total: i64 = bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(count)), &w.args)
                .fetch_one(pool)
                .await?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            page: page.page(),
            page_size: page.page_size(),
        })
    }

    /// One customer of a campaign.
    pub async fn campaign_customer(
        &self,
        campaign: i64,
        id: i64,
    ) -> Result<CampaignCustomerRecord> {
        let sql =
            format!("{SELECT_CUSTOMERS} WHERE enterprise_id = $1 AND campaign_id = $2 AND id = $3");
        let row: Option<CampaignCustomerRecord> = on_pool!(self.store, pool =>
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(self.enterprise.0)
                .bind(campaign)
                .bind(id)
                .fetch_optional(pool)
                .await?);
        row.ok_or(StoreError::NotFound)
    }

    /// A campaign customer of this enterprise by its id alone.
    pub async fn find_campaign_customer(&self, id: i64) -> Result<CampaignCustomerRecord> {
        let sql = format!("{SELECT_CUSTOMERS} WHERE enterprise_id = $1 AND id = $2");
        let row: Option<CampaignCustomerRecord> = on_pool!(self.store, pool =>
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(self.enterprise.0)
                .bind(id)
                .fetch_optional(pool)
                .await?);
        row.ok_or(StoreError::NotFound)
    }

    /// Saves the agent's notes on a customer.
    pub async fn set_campaign_customer_notes(
        &self,
        campaign: i64,
        id: i64,
        notes: &str,
    ) -> Result<CampaignCustomerRecord> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE campaign_customers SET notes = $4 WHERE enterprise_id = $1 AND campaign_id = $2 AND id = $3",
        )
        .bind(self.enterprise.0)
        .bind(campaign)
        .bind(id)
        .bind(notes)
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.campaign_customer(campaign, id).await
    }

    /// Counts one more call to a customer and what it came to (`None` while it is not known
    /// yet: the call was placed).
    pub async fn record_campaign_attempt(
        &self,
        campaign: i64,
        id: i64,
        outcome: Option<&str>,
        call: Option<CallId>,
        now: i64,
    ) -> Result<CampaignCustomerRecord> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE campaign_customers SET attempts = attempts + 1, outcome = COALESCE($4, outcome), \
             last_called_at = $5, last_call_id = COALESCE($6, last_call_id) \
             WHERE enterprise_id = $1 AND campaign_id = $2 AND id = $3",
        )
        .bind(self.enterprise.0)
        .bind(campaign)
        .bind(id)
        .bind(outcome)
        .bind(now)
        .bind(call.map(|c| c.0))
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.campaign_customer(campaign, id).await
    }

    /// Counts a call being placed to a customer now: one more attempt, and no outcome until the
    /// call's end writes it (a row with attempts, no outcome and a recent `last_called_at` is a
    /// call still going).
    pub async fn start_campaign_attempt(&self, campaign: i64, id: i64, now: i64) -> Result<()> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE campaign_customers SET attempts = attempts + 1, outcome = NULL, last_called_at = $4 \
             WHERE enterprise_id = $1 AND campaign_id = $2 AND id = $3",
        )
        .bind(self.enterprise.0)
        .bind(campaign)
        .bind(id)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Puts a customer's progress back as it was before [`Tenant::start_campaign_attempt`],
    /// when the call could not be placed after all.
    pub async fn restore_campaign_progress(&self, before: &CampaignCustomerRecord) -> Result<()> {
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE campaign_customers SET attempts = $4, outcome = $5, last_called_at = $6 \
             WHERE enterprise_id = $1 AND campaign_id = $2 AND id = $3",
        )
        .bind(self.enterprise.0)
        .bind(before.campaign_id)
        .bind(before.id)
        .bind(before.attempts)
        .bind(&before.outcome)
        .bind(before.last_called_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Up to `limit` customers the dialer may consider: fewer than `max_attempts` calls, no final
    /// outcome (`finals`), and never called or last called before `retry_before`; never-called
    /// first, then fewer attempts, then longest ago, then by name. The `dialer` crate decides
    /// among them.
    pub async fn campaign_customers_to_dial(
        &self,
        campaign: i64,
        max_attempts: u32,
        finals: &[&str],
        retry_before: i64,
        limit: u32,
    ) -> Result<Vec<CampaignCustomerRecord>> {
        let mut w = Where::new();
        let ent = w.arg(Arg::Int(self.enterprise.0));
        let c = w.arg(Arg::Int(campaign));
        let max = w.arg(Arg::Int(i64::from(max_attempts)));
        let before = w.arg(Arg::Int(retry_before));
        w.conds.push(format!(
            "enterprise_id = {ent} AND campaign_id = {c} AND attempts < {max} \
             AND (attempts = 0 OR last_called_at IS NULL OR last_called_at <= {before})"
        ));
        for f in finals {
            let p = w.arg(Arg::Text((*f).to_owned()));
            w.conds.push(format!("(outcome IS NULL OR outcome <> {p})"));
        }
        let sql = format!(
            "{SELECT_CUSTOMERS}{} ORDER BY attempts, COALESCE(last_called_at, 0), name, id LIMIT {limit}",
            w.sql()
        );
        Ok(on_pool!(self.store, pool =>
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.args).fetch_all(pool).await?))
    }

    /// Sets the outcome of a customer's last call, once the call has ended.
    pub async fn set_campaign_outcome(&self, campaign: i64, id: i64, outcome: &str) -> Result<()> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE campaign_customers SET outcome = $4 WHERE enterprise_id = $1 AND campaign_id = $2 AND id = $3",
        )
        .bind(self.enterprise.0)
        .bind(campaign)
        .bind(id)
        .bind(outcome)
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Keeps what an import came to; returns the report with its id.
    pub async fn save_import_report(
        &self,
        campaign: i64,
        file_name: &str,
        total_rows: u32,
        errors: Vec<CampaignImportRowError>,
        by: UserId,
        now: i64,
    ) -> Result<CampaignImportReport> {
        let imported = total_rows.saturating_sub(u32::try_from(errors.len()).unwrap_or(u32::MAX));
        let json = serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into());
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO campaign_imports (enterprise_id, campaign_id, file_name, total_rows, imported, errors, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(campaign)
        .bind(file_name)
        .bind(i64::from(total_rows))
        .bind(i64::from(imported))
        .bind(json)
        .bind(by.0)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "import"))?);
        Ok(CampaignImportReport {
            id,
            file_name: file_name.to_owned(),
            total_rows,
            imported,
            errors,
            created_at: now,
        })
    }

    /// One import report of this enterprise (of any campaign).
    pub async fn import_report(&self, id: i64) -> Result<CampaignImportReport> {
        let row: Option<(String, i64, i64, String, i64)> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT file_name, total_rows, imported, errors, created_at FROM campaign_imports \
             WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id)
        .fetch_optional(pool)
        .await?);
        let (file_name, total, imported, errors, created_at) = row.ok_or(StoreError::NotFound)?;
        Ok(CampaignImportReport {
            id,
            file_name,
            total_rows: u32::try_from(total).unwrap_or(0),
            imported: u32::try_from(imported).unwrap_or(0),
            errors: serde_json::from_str(&errors).unwrap_or_default(),
            created_at,
        })
    }
}

/// What a campaign call's end is read from: enterprise, call id, campaign customer, answered
/// at, failure code.
type EndedCampaignCall = (
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

impl Store {
    /// The campaigns that dial by themselves (progressive or predictive) and may be running at
    /// `now` (not paused, not completed, between start and end), of every enterprise:
    /// `(enterprise, campaign)`.
    pub async fn dialing_campaigns(&self, now: i64) -> Result<Vec<(model::EnterpriseId, i64)>> {
        let rows: Vec<(i64, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT enterprise_id, id FROM campaigns WHERE mode IN ('progressive', 'predictive') \
             AND paused = FALSE AND completed_at IS NULL AND start_at <= $1 AND end_at > $1 \
             ORDER BY enterprise_id, id",
        )
        .bind(now)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(e, c)| (model::EnterpriseId(e), c))
            .collect())
    }

    /// Marks the record of call `key` as a call to campaign customer `customer`.
    pub(crate) async fn link_campaign_call(&self, key: &str, customer: i64) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE calls SET campaign_customer_id = $2 WHERE call_key = $1 AND EXISTS \
             (SELECT 1 FROM campaign_customers k WHERE k.id = $2 AND k.enterprise_id = calls.enterprise_id)",
        )
        .bind(key)
        .bind(customer)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// After call `key` ended: when it called a campaign customer, the customer's row gets the
    /// call's outcome (answered, or its failure code through `dialer`'s mapping of the failure
    /// catalogue) and the call as its last.
    pub(crate) async fn campaign_call_ended(&self, key: &str) -> Result<()> {
        let row: Option<EndedCampaignCall> = on_pool!(self, pool => sqlx::query_as(
                "SELECT enterprise_id, id, campaign_customer_id, answered_at, failure, result FROM calls WHERE call_key = $1",
            )
            .bind(key)
            .fetch_optional(pool)
            .await?);
        let Some((enterprise, call, Some(customer), answered_at, failure, result)) = row else {
            return Ok(());
        };
        let outcome = match (answered_at, failure.as_deref()) {
            // A predictive call that found no agent for the customer: not connected, so the
            // customer is called again.
            (Some(_), _) if result.as_deref() == Some("abandoned") => {
                dialer::attempts::Outcome::NotAnswered
            }
            (Some(_), _) => dialer::attempts::Outcome::Answered,
            (None, Some(code)) => dialer::attempts::Outcome::from_failure_code(code),
            (None, None) => dialer::attempts::Outcome::Other,
        };
        on_pool!(self, pool => sqlx::query(
            "UPDATE campaign_customers SET outcome = $3, last_call_id = $4 WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(enterprise)
        .bind(customer)
        .bind(outcome.as_str())
        .bind(call)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }
}
