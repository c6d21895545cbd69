//! What the real-time monitor and the wallboard read from the database (SPEC §4): each skill
//! group's figures for today, and which groups a supervisor's data scope lets them watch.

use model::presence::GroupFigures;
use model::{DataScope, EnterpriseId, SkillGroupId, UserId};

use crate::{Result, Store, Tenant, on_pool};

/// One group's counts as the database adds them up.
#[derive(sqlx::FromRow)]
struct FiguresRow {
    group_id: i64,
    name: String,
    service_level_secs: i64,
    service_level_target: i64,
    offered: i64,
    answered: i64,
    abandoned: i64,
    in_time: i64,
    left_queue: i64,
    timed: i64,
    answer_ms: i64,
}

impl From<FiguresRow> for GroupFigures {
    fn from(r: FiguresRow) -> Self {
        let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        GroupFigures {
            group_id: SkillGroupId(r.group_id),
            name: r.name,
            offered: count(r.offered),
            answered: count(r.answered),
            abandoned: count(r.abandoned),
            answered_in_time: count(r.in_time),
            left_queue: count(r.left_queue),
            average_answer_ms: (r.timed > 0).then(|| r.answer_ms / r.timed),
            service_level: (r.left_queue > 0).then(|| count(r.in_time * 100 / r.left_queue)),
            service_level_secs: r.service_level_secs,
            service_level_target: r.service_level_target,
        }
    }
}

/// Per group: calls queued since `$2`; answered (`result` set by the agent's answer); abandoned;
/// answered within the threshold; left the queue (answered, or ended); and the time from
/// queueing to the agent's answer of those with both instants. `$3` narrows to one group.
const FIGURES: &str = "SELECT g.id AS group_id, g.name, g.service_level_secs, g.service_level_target, \
     COUNT(c.id) AS offered, \
     COALESCE(SUM(CASE WHEN c.result = 'answered' THEN 1 ELSE 0 END), 0) AS answered, \
     COALESCE(SUM(CASE WHEN c.result = 'abandoned' THEN 1 ELSE 0 END), 0) AS abandoned, \
     COALESCE(SUM(CASE WHEN c.agent_answered_at IS NOT NULL \
         AND c.agent_answered_at - c.queued_at <= g.service_level_secs * 1000 THEN 1 ELSE 0 END), 0) AS in_time, \
     COALESCE(SUM(CASE WHEN c.result = 'answered' OR c.ended_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS left_queue, \
     COALESCE(SUM(CASE WHEN c.agent_answered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS timed, \
     CAST(COALESCE(SUM(CASE WHEN c.agent_answered_at IS NOT NULL \
         THEN c.agent_answered_at - c.queued_at ELSE 0 END), 0) AS BIGINT) AS answer_ms \
     FROM skill_groups g \
     LEFT JOIN calls c ON c.enterprise_id = g.enterprise_id AND c.skill_group_id = g.id \
         AND c.queued_at >= $2 \
     WHERE g.enterprise_id = $1 AND ($3 = 0 OR g.id = $3) \
     GROUP BY g.id, g.name, g.service_level_secs, g.service_level_target \
     ORDER BY g.name";

impl Tenant<'_> {
    /// Every skill group's figures for the calls that queued since `since` (unix ms: the
    /// enterprise's local midnight), by group name.
    pub async fn group_figures(&self, since: i64) -> Result<Vec<GroupFigures>> {
        self.figures(since, 0).await
    }

    /// One skill group's figures since `since`; `None` for a group that is not this
    /// enterprise's.
    pub async fn group_figures_of(
        &self,
        group: SkillGroupId,
        since: i64,
    ) -> Result<Option<GroupFigures>> {
        Ok(self.figures(since, group.0).await?.into_iter().next())
    }

    async fn figures(&self, since: i64, group: i64) -> Result<Vec<GroupFigures>> {
        let rows: Vec<FiguresRow> = on_pool!(self.store, pool => sqlx::query_as(FIGURES)
            .bind(self.enterprise.0)
            .bind(since)
            .bind(group)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(GroupFigures::from).collect())
    }

    /// The skill groups a supervisor with `scope` watches on the monitor: `None` for every
    /// group (enterprise scope); the groups they belong to (skill-group scope); the groups with
    /// a member in their department, and their own (department scope); none (own scope: they
    /// see only themselves).
    pub async fn monitor_groups(
        &self,
        user: UserId,
        scope: DataScope,
    ) -> Result<Option<Vec<SkillGroupId>>> {
        let sql = match scope {
            DataScope::Enterprise => return Ok(None),
            DataScope::Own => return Ok(Some(Vec::new())),
            DataScope::SkillGroups => {
                "SELECT DISTINCT m.group_id FROM skill_group_members m \
                 WHERE m.enterprise_id = $1 AND m.user_id = $2 ORDER BY m.group_id"
            }
            DataScope::Department => {
                "SELECT DISTINCT m.group_id FROM skill_group_members m \
                 JOIN users d ON d.enterprise_id = m.enterprise_id AND d.id = m.user_id \
                 WHERE m.enterprise_id = $1 AND (m.user_id = $2 OR d.department = \
                 (SELECT s.department FROM users s WHERE s.enterprise_id = $1 AND s.id = $2)) \
                 ORDER BY m.group_id"
            }
        };
        let ids: Vec<i64> = on_pool!(self.store, pool => sqlx::query_scalar(sql)
            .bind(self.enterprise.0)
            .bind(user.0)
            .fetch_all(pool)
            .await?);
        Ok(Some(ids.into_iter().map(SkillGroupId).collect()))
    }
}

impl Store {
    /// The enterprise and skill group of a call record (by the engine's call key), when it
    /// queued in one.
    pub async fn call_group(&self, key: &str) -> Result<Option<(EnterpriseId, SkillGroupId)>> {
        let row: Option<(i64, Option<i64>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT enterprise_id, skill_group_id FROM calls WHERE call_key = $1",
        )
        .bind(key)
        .fetch_optional(pool)
        .await?);
        Ok(row.and_then(|(e, g)| Some((EnterpriseId(e), SkillGroupId(g?)))))
    }
}
