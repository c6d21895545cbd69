//! Which enterprise numbers an agent may show as caller ID when dialing: each number is for the
//! agents and skill groups the admin named, or for everyone when it names none.

use model::telephony::CallerNumbers;
use model::{NumberId, SkillGroupId, UserId};

use crate::{Result, StoreError, Tenant, on_pool};

impl Tenant<'_> {
    /// Who may show one of the enterprise's numbers (empty lists: every agent).
    pub async fn number_callers(&self, id: NumberId) -> Result<CallerNumbers> {
        self.number(id).await?;
        let rows: Vec<(Option<i64>, Option<i64>)> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT user_id, skill_group_id FROM number_callers WHERE number_id = $1 \
             ORDER BY user_id, skill_group_id",
        )
        .bind(id.0)
        .fetch_all(pool)
        .await?);
        Ok(CallerNumbers {
            user_ids: rows.iter().filter_map(|r| r.0.map(UserId)).collect(),
            group_ids: rows.iter().filter_map(|r| r.1.map(SkillGroupId)).collect(),
        })
    }

    /// Sets who may show one of the enterprise's numbers (replacing the list);
    /// `InvalidReference` for a user or group that is not the enterprise's.
    pub async fn set_number_callers(&self, id: NumberId, to: &CallerNumbers) -> Result<()> {
        self.number(id).await?;
        for u in &to.user_ids {
            self.user(*u)
                .await
                .map_err(|_| StoreError::InvalidReference)?;
        }
        for g in &to.group_ids {
            self.skill_group(*g)
                .await
                .map_err(|_| StoreError::InvalidReference)?;
        }
        on_pool!(self.store, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM number_callers WHERE number_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            for u in &to.user_ids {
                sqlx::query("INSERT INTO number_callers (number_id, user_id) VALUES ($1, $2)")
                    .bind(id.0)
                    .bind(u.0)
                    .execute(&mut *tx)
                    .await?;
            }
            for g in &to.group_ids {
                sqlx::query("INSERT INTO number_callers (number_id, skill_group_id) VALUES ($1, $2)")
                    .bind(id.0)
                    .bind(g.0)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The enterprise numbers `user` may show: those naming them or one of their skill groups,
    /// and those naming nobody; ordered by number.
    pub async fn caller_numbers_of(
        &self,
        user: UserId,
    ) -> Result<Vec<model::telephony::EnterpriseNumber>> {
        let ids: Vec<i64> = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT n.id FROM numbers n WHERE n.enterprise_id = $1 AND ( \
               NOT EXISTS (SELECT 1 FROM number_callers c WHERE c.number_id = n.id) \
               OR EXISTS (SELECT 1 FROM number_callers c WHERE c.number_id = n.id AND c.user_id = $2) \
               OR EXISTS (SELECT 1 FROM number_callers c JOIN skill_group_members m \
                          ON m.group_id = c.skill_group_id AND m.enterprise_id = n.enterprise_id \
                          WHERE c.number_id = n.id AND m.user_id = $2)) \
             ORDER BY n.number",
        )
        .bind(self.enterprise.0)
        .bind(user.0)
        .fetch_all(pool)
        .await?);
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.number(NumberId(id)).await?);
        }
        Ok(out)
    }
}
