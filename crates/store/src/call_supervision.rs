//! Supervisors' steps into calls (listen, whisper, barge-in, force-disconnect, left), kept with
//! the call record.

use model::calls::{CallEvent, SupervisionStep};
use model::{CallId, UserId};

use crate::{Result, Store, Tenant, on_pool};

#[derive(sqlx::FromRow)]
struct StepRow {
    supervisor_id: i64,
    supervisor_name: Option<String>,
    supervisor_work_id: Option<String>,
    step: String,
    at: i64,
}

impl Store {
    /// Writes a supervisor's step (`CallEvent::Supervision`); false when the call has no record.
    pub(crate) async fn add_supervision_step(&self, ev: &CallEvent) -> Result<bool> {
        let CallEvent::Supervision {
            key,
            supervisor,
            step,
            at,
        } = ev
        else {
            return Ok(false);
        };
        let n = on_pool!(self, pool => sqlx::query(
            "INSERT INTO call_supervision (call_id, supervisor_id, step, at) \
             SELECT id, $2, $3, $4 FROM calls WHERE call_key = $1",
        )
        .bind(key)
        .bind(supervisor.0)
        .bind(step)
        .bind(at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n > 0)
    }
}

impl Tenant<'_> {
    /// The supervisors' steps into one of the enterprise's calls, in order.
    pub async fn call_supervision(&self, id: CallId) -> Result<Vec<SupervisionStep>> {
        let rows: Vec<StepRow> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT s.supervisor_id, u.name AS supervisor_name, u.work_id AS supervisor_work_id, \
             s.step, s.at FROM call_supervision s JOIN calls c ON c.id = s.call_id \
             LEFT JOIN users u ON u.id = s.supervisor_id AND u.enterprise_id = c.enterprise_id \
             WHERE c.enterprise_id = $1 AND s.call_id = $2 ORDER BY s.at, s.id",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|r| SupervisionStep {
                supervisor_id: UserId(r.supervisor_id),
                supervisor_name: r.supervisor_name,
                supervisor_work_id: r.supervisor_work_id,
                step: r.step,
                at: r.at,
            })
            .collect())
    }
}
