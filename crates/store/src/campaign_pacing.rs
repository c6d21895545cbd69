//! What predictive pacing measures of a campaign's calls: how many were placed and answered,
//! how many answered customers found no agent (abandoned), how long customers took to answer
//! and agents to handle the call.

use dialer::pacing::Measured;

use crate::{Result, Tenant, on_pool};

type PacingRow = (i64, i64, i64, i64, i64, i64);

impl Tenant<'_> {
    /// Campaign `campaign`'s calls started at or after `since` (unix ms) that have ended, as
    /// predictive pacing counts them.
    pub async fn campaign_pacing(&self, campaign: i64, since: i64) -> Result<Measured> {
        let row: PacingRow = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT COUNT(*), COUNT(c.answered_at), \
             CAST(COALESCE(SUM(CASE WHEN c.result = 'abandoned' THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN c.answered_at IS NOT NULL THEN c.answered_at - c.started_at ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN c.agent_id IS NOT NULL AND c.answered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN c.agent_id IS NOT NULL AND c.answered_at IS NOT NULL THEN c.ended_at - c.answered_at ELSE 0 END), 0) AS BIGINT) \
             FROM calls c JOIN campaign_customers k \
             ON k.enterprise_id = c.enterprise_id AND k.id = c.campaign_customer_id \
             WHERE c.enterprise_id = $1 AND k.campaign_id = $2 AND c.ended_at IS NOT NULL AND c.started_at >= $3",
        )
        .bind(self.enterprise.0)
        .bind(campaign)
        .bind(since)
        .fetch_one(pool)
        .await?);
        let n = |v: i64| u64::try_from(v).unwrap_or_default();
        Ok(Measured {
            dialed: n(row.0),
            answered: n(row.1),
            abandoned: n(row.2),
            answer_wait_ms: n(row.3),
            handled: n(row.4),
            handle_ms: n(row.5),
        })
    }
}
