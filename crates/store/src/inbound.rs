//! What the inbound path needs beyond numbers and trunks: every enterprise's skill groups with
//! queue settings for the ACD, after-call work, and agents' missed-call reminders (漏电提醒).

use std::collections::BTreeMap;

use model::org::{EnterpriseSettings, SkillGroup};
use model::presence::MissedCall;
use model::{EnterpriseId, UserId};

use crate::skill_groups::{GroupRow, select_groups};
use crate::{Result, Store, StoreError, Tenant, on_pool};

/// A `missed_calls` row.
#[derive(sqlx::FromRow)]
struct MissedRow {
    id: i64,
    agent_id: i64,
    caller: String,
    enterprise_number: Option<String>,
    missed_at: i64,
    handled_at: Option<i64>,
}

impl From<MissedRow> for MissedCall {
    fn from(r: MissedRow) -> MissedCall {
        MissedCall {
            id: r.id,
            agent_id: UserId(r.agent_id),
            caller: r.caller,
            enterprise_number: r.enterprise_number,
            missed_at: r.missed_at,
            handled_at: r.handled_at,
        }
    }
}

/// Skill groups with members, and after-call work and time zone, per enterprise.
pub(crate) type AcdDirectory = (
    Vec<(EnterpriseId, SkillGroup)>,
    Vec<(EnterpriseId, i64)>,
    Vec<(EnterpriseId, String)>,
);

impl Store {
    /// Every enterprise's skill groups (members, queue settings), after-call work length and
    /// time zone.
    pub(crate) async fn acd_directory(&self) -> Result<AcdDirectory> {
        let (rows, acw): (Vec<GroupRow>, Vec<(i64, i64, String)>) = on_pool!(self, pool => {
            let rows = sqlx::query_as::<_, GroupRow>(select_groups!("ORDER BY enterprise_id, id"))
                .fetch_all(pool)
                .await?;
            let acw = sqlx::query_as("SELECT id, after_call_work_secs, time_zone FROM enterprises ORDER BY id")
                .fetch_all(pool)
                .await?;
            (rows, acw)
        });
        let mut by_enterprise: BTreeMap<i64, Vec<GroupRow>> = BTreeMap::new();
        for r in rows {
            by_enterprise.entry(r.enterprise_id).or_default().push(r);
        }
        let mut groups = Vec::new();
        for (e, rows) in by_enterprise {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let mut members = self.tenant(EnterpriseId(e)).members_of(&ids).await?;
            for r in rows {
                let m = members.remove(&r.id).unwrap_or_default();
                groups.push((EnterpriseId(e), r.into_group(m)));
            }
        }
        Ok((
            groups,
            acw.iter().map(|(e, s, _)| (EnterpriseId(*e), *s)).collect(),
            acw.into_iter()
                .map(|(e, _, tz)| (EnterpriseId(e), tz))
                .collect(),
        ))
    }

    /// Records a missed-call reminder for an agent of an enterprise.
    pub(crate) async fn add_missed_call(
        &self,
        enterprise: EnterpriseId,
        agent: UserId,
        key: &str,
        caller: &str,
        enterprise_number: Option<&str>,
        at: i64,
    ) -> Result<MissedCall> {
        let id: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO missed_calls (enterprise_id, agent_id, call_key, caller, enterprise_number, missed_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(enterprise.0)
        .bind(agent.0)
        .bind(key)
        .bind(caller)
        .bind(enterprise_number)
        .bind(at)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "agent_id"))?);
        Ok(MissedCall {
            id,
            agent_id: agent,
            caller: caller.to_owned(),
            enterprise_number: enterprise_number.map(str::to_owned),
            missed_at: at,
            handled_at: None,
        })
    }
}

impl Tenant<'_> {
    /// The enterprise's after-call work length in seconds (0: none).
    pub async fn after_call_work_secs(&self) -> Result<i64> {
        let v: Option<i64> = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT after_call_work_secs FROM enterprises WHERE id = $1",
        )
        .bind(self.enterprise.0)
        .fetch_optional(pool)
        .await?);
        v.ok_or(StoreError::NotFound)
    }

    /// Sets the enterprise's after-call work length in seconds.
    pub async fn set_after_call_work_secs(&self, secs: i64) -> Result<()> {
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE enterprises SET after_call_work_secs = $2 WHERE id = $1",
        )
        .bind(self.enterprise.0)
        .bind(secs)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Whether the enterprise transcribes every call (实时转文字 for all calls).
    pub async fn transcribe_all_calls(&self) -> Result<bool> {
        let v: Option<bool> = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT transcribe_all_calls FROM enterprises WHERE id = $1",
        )
        .bind(self.enterprise.0)
        .fetch_optional(pool)
        .await?);
        v.ok_or(StoreError::NotFound)
    }

    /// Sets whether the enterprise transcribes every call.
    pub async fn set_transcribe_all_calls(&self, on: bool) -> Result<()> {
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE enterprises SET transcribe_all_calls = $2 WHERE id = $1",
        )
        .bind(self.enterprise.0)
        .bind(on)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The enterprise's time zone (an IANA name).
    pub async fn time_zone(&self) -> Result<String> {
        let v: Option<String> = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT time_zone FROM enterprises WHERE id = $1",
        )
        .bind(self.enterprise.0)
        .fetch_optional(pool)
        .await?);
        v.ok_or(StoreError::NotFound)
    }

    /// Sets the enterprise's time zone (an IANA name the caller has checked).
    pub async fn set_time_zone(&self, zone: &str) -> Result<()> {
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE enterprises SET time_zone = $2 WHERE id = $1",
        )
        .bind(self.enterprise.0)
        .bind(zone)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The enterprise's contact-center settings (one read of its row).
    pub async fn enterprise_settings(&self) -> Result<EnterpriseSettings> {
        let row: Option<(i64, bool, String)> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT after_call_work_secs, transcribe_all_calls, time_zone FROM enterprises WHERE id = $1",
        )
        .bind(self.enterprise.0)
        .fetch_optional(pool)
        .await?);
        let (after_call_work_secs, transcribe_all_calls, time_zone) =
            row.ok_or(StoreError::NotFound)?;
        Ok(EnterpriseSettings {
            after_call_work_secs,
            transcribe_all_calls,
            time_zone,
        })
    }

    /// An agent's missed-call reminders, unhandled first, then newest first (at most 100).
    pub async fn missed_calls(&self, agent: UserId) -> Result<Vec<MissedCall>> {
        let rows: Vec<MissedRow> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT id, agent_id, caller, enterprise_number, missed_at, handled_at FROM missed_calls \
             WHERE enterprise_id = $1 AND agent_id = $2 \
             ORDER BY CASE WHEN handled_at IS NULL THEN 0 ELSE 1 END, missed_at DESC, id DESC LIMIT 100",
        )
        .bind(self.enterprise.0)
        .bind(agent.0)
        .fetch_all(pool)
        .await?);
        Ok(rows.into_iter().map(MissedCall::from).collect())
    }

    /// Marks one of an agent's reminders handled; `NotFound` when it is not theirs.
    pub async fn handle_missed_call(&self, agent: UserId, id: i64, now: i64) -> Result<()> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE missed_calls SET handled_at = COALESCE(handled_at, $4) \
             WHERE enterprise_id = $1 AND agent_id = $2 AND id = $3",
        )
        .bind(self.enterprise.0)
        .bind(agent.0)
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

    /// Marks an agent's unhandled reminders from `caller` handled (the agent called back).
    /// Returns how many were.
    pub async fn missed_calls_called_back(
        &self,
        agent: UserId,
        caller: &str,
        now: i64,
    ) -> Result<u64> {
        Ok(on_pool!(self.store, pool => sqlx::query(
            "UPDATE missed_calls SET handled_at = $4 \
             WHERE enterprise_id = $1 AND agent_id = $2 AND caller = $3 AND handled_at IS NULL",
        )
        .bind(self.enterprise.0)
        .bind(agent.0)
        .bind(caller)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()))
    }
}
