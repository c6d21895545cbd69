//! Skill groups (技能组) and their members with skill levels.

use std::collections::BTreeMap;

use model::org::{
    MemberAssignment, OverflowTarget, QueueSettings, RoutingStrategy, SkillGroup, SkillGroupMember,
    SkillGroupUpdate,
};
use model::{Page, PageQuery, SkillGroupId, UserId};

use crate::{Result, StoreError, Tenant, like_pattern, on_pool};

/// A `skill_groups` row.
#[derive(sqlx::FromRow)]
pub(crate) struct GroupRow {
    pub(crate) id: i64,
    pub(crate) enterprise_id: i64,
    name: String,
    description: Option<String>,
    strategy: String,
    ring_timeout_secs: i64,
    max_wait_secs: Option<i64>,
    overflow: String,
    service_level_secs: i64,
    service_level_target: i64,
    survey: bool,
    survey_prompt_id: Option<i64>,
}

/// Every `skill_groups` column, then the rest of the statement.
macro_rules! select_groups {
    ($rest:literal) => {
        concat!(
            "SELECT id, enterprise_id, name, description, strategy, ring_timeout_secs, max_wait_secs, overflow, \
             service_level_secs, service_level_target, survey, survey_prompt_id \
             FROM skill_groups ",
            $rest
        )
    };
}
pub(crate) use select_groups;

fn strategy_str(s: RoutingStrategy) -> &'static str {
    match s {
        RoutingStrategy::LongestIdle => "longest_idle",
        RoutingStrategy::RoundRobin => "round_robin",
        RoutingStrategy::FewestCalls => "fewest_calls",
        RoutingStrategy::SkillPriority => "skill_priority",
    }
}

fn overflow_str(o: &OverflowTarget) -> String {
    match o {
        OverflowTarget::Goodbye => "goodbye".to_owned(),
        OverflowTarget::Group { group_id } => format!("group:{group_id}"),
        OverflowTarget::Number { number } => format!("number:{number}"),
    }
}

impl GroupRow {
    pub(crate) fn into_group(self, members: Vec<SkillGroupMember>) -> SkillGroup {
        let strategy = match self.strategy.as_str() {
            "round_robin" => RoutingStrategy::RoundRobin,
            "fewest_calls" => RoutingStrategy::FewestCalls,
            "skill_priority" => RoutingStrategy::SkillPriority,
            _ => RoutingStrategy::LongestIdle,
        };
        let overflow = match self.overflow.split_once(':') {
            Some(("group", id)) => id
                .parse()
                .map(|id| OverflowTarget::Group {
                    group_id: SkillGroupId(id),
                })
                .unwrap_or_default(),
            Some(("number", n)) => OverflowTarget::Number {
                number: n.to_owned(),
            },
            _ => OverflowTarget::Goodbye,
        };
        SkillGroup {
            id: SkillGroupId(self.id),
            name: self.name,
            description: self.description,
            members,
            settings: QueueSettings {
                strategy,
                ring_timeout_secs: self.ring_timeout_secs,
                max_wait_secs: self.max_wait_secs,
                overflow,
                service_level_secs: self.service_level_secs,
                service_level_target: self.service_level_target,
                survey: self.survey,
                survey_prompt_id: self.survey_prompt_id.map(model::PromptId),
            },
        }
    }
}

/// A member of a group, joined with the user's work ID and name.
#[derive(sqlx::FromRow)]
struct MemberRow {
    group_id: i64,
    user_id: i64,
    work_id: String,
    name: String,
    skill_level: i32,
}

impl Tenant<'_> {
    /// A page of skill groups whose name contains the search text, ordered by name, with members.
    pub async fn skill_groups(&self, q: &PageQuery) -> Result<Page<SkillGroup>> {
        let e = self.enterprise.0;
        let pattern = like_pattern(q.search());
        let (rows, total): (Vec<GroupRow>, i64) = on_pool!(self.store, pool => {
            let rows = sqlx::query_as::<_, GroupRow>(select_groups!(
                "WHERE enterprise_id = $1 AND LOWER(name) LIKE $2 ESCAPE '\\' ORDER BY name LIMIT $3 OFFSET $4"
            ))
            .bind(e)
            .bind(&pattern)
            .bind(i64::from(q.page_size()))
            .bind(q.offset())
            .fetch_all(pool)
            .await?;
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM skill_groups WHERE enterprise_id = $1 AND LOWER(name) LIKE $2 ESCAPE '\\'",
            )
            .bind(e)
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
            (rows, total)
        });
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut members = self.members_of(&ids).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let m = members.remove(&r.id).unwrap_or_default();
                r.into_group(m)
            })
            .collect();
        Ok(Page {
            items,
            total,
            page: q.page(),
            page_size: q.page_size(),
        })
    }

    /// One skill group with its members.
    pub async fn skill_group(&self, id: SkillGroupId) -> Result<SkillGroup> {
        let row: Option<GroupRow> = on_pool!(self.store, pool => sqlx::query_as::<_, GroupRow>(
            select_groups!("WHERE enterprise_id = $1 AND id = $2"),
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        let r = row.ok_or(StoreError::NotFound)?;
        let mut members = self.members_of(&[r.id]).await?;
        let m = members.remove(&r.id).unwrap_or_default();
        Ok(r.into_group(m))
    }

    /// Replaces a group's queue settings; an overflow group must be another group of this
    /// enterprise (`InvalidReference` otherwise).
    pub async fn set_queue_settings(
        &self,
        id: SkillGroupId,
        settings: &QueueSettings,
    ) -> Result<SkillGroup> {
        self.skill_group(id).await?;
        if let OverflowTarget::Group { group_id } = &settings.overflow {
            if *group_id == id {
                return Err(StoreError::InvalidReference);
            }
            self.skill_group(*group_id)
                .await
                .map_err(|_| StoreError::InvalidReference)?;
        }
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE skill_groups SET strategy = $3, ring_timeout_secs = $4, max_wait_secs = $5, overflow = $6, \
             service_level_secs = $7, service_level_target = $8, survey = $9, survey_prompt_id = $10 \
             WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(strategy_str(settings.strategy))
        .bind(settings.ring_timeout_secs)
        .bind(settings.max_wait_secs)
        .bind(overflow_str(&settings.overflow))
        .bind(settings.service_level_secs)
        .bind(settings.service_level_target)
        .bind(settings.survey)
        .bind(settings.survey_prompt_id.map(|p| p.0))
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.skill_group(id).await
    }

    /// Members of the given groups, keyed by group id, ordered by work ID.
    pub(crate) async fn members_of(
        &self,
        group_ids: &[i64],
    ) -> Result<BTreeMap<i64, Vec<SkillGroupMember>>> {
        let mut out: BTreeMap<i64, Vec<SkillGroupMember>> = BTreeMap::new();
        if group_ids.is_empty() {
            return Ok(out);
        }
        let rows: Vec<MemberRow> = on_pool!(self.store, pool => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT m.group_id, m.user_id, u.work_id, u.name, m.skill_level \
                 FROM skill_group_members m JOIN users u \
                 ON u.enterprise_id = m.enterprise_id AND u.id = m.user_id WHERE m.enterprise_id = ",
            );
            qb.push_bind(self.enterprise.0);
            qb.push(" AND m.group_id IN (");
            let mut sep = qb.separated(", ");
            for id in group_ids {
                sep.push_bind(*id);
            }
            qb.push(") ORDER BY u.work_id");
            qb.build_query_as::<MemberRow>().fetch_all(pool).await?
        });
        for r in rows {
            out.entry(r.group_id).or_default().push(SkillGroupMember {
                user_id: UserId(r.user_id),
                work_id: r.work_id,
                name: r.name,
                skill_level: r.skill_level,
            });
        }
        Ok(out)
    }

    /// Creates a skill group; `Duplicate("name")` if the name is taken.
    pub async fn create_skill_group(
        &self,
        name: &str,
        description: Option<&str>,
        now: i64,
    ) -> Result<SkillGroup> {
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO skill_groups (enterprise_id, name, description, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(name)
        .bind(description)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "name"))?);
        self.skill_group(SkillGroupId(id)).await
    }

    /// Applies a PATCH to a skill group.
    pub async fn update_skill_group(
        &self,
        id: SkillGroupId,
        patch: &SkillGroupUpdate,
    ) -> Result<SkillGroup> {
        let cur = self.skill_group(id).await?;
        let name = patch.name.clone().unwrap_or(cur.name);
        let description = patch.description.clone().unwrap_or(cur.description);
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE skill_groups SET name = $3, description = $4 WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(&name)
        .bind(&description)
        .execute(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "name"))?
        .rows_affected());
        self.skill_group(id).await
    }

    /// Deletes a skill group and its memberships.
    pub async fn delete_skill_group(&self, id: SkillGroupId) -> Result<()> {
        self.delete_by_id(
            "DELETE FROM skill_groups WHERE enterprise_id = $1 AND id = $2",
            id.0,
        )
        .await
    }

    /// Replaces a group's members in one transaction. A user of another enterprise (or none)
    /// fails the whole change with `InvalidReference`.
    pub async fn set_skill_group_members(
        &self,
        id: SkillGroupId,
        members: &[MemberAssignment],
    ) -> Result<SkillGroup> {
        self.skill_group(id).await?;
        on_pool!(self.store, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM skill_group_members WHERE enterprise_id = $1 AND group_id = $2")
                .bind(self.enterprise.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            for m in members {
                sqlx::query(
                    "INSERT INTO skill_group_members (enterprise_id, group_id, user_id, skill_level) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(self.enterprise.0)
                .bind(id.0)
                .bind(m.user_id.0)
                .bind(m.skill_level)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::on_write(e, "user_id"))?;
            }
            tx.commit().await?;
        });
        self.skill_group(id).await
    }

    /// Adds or updates one membership (used by the demo seed and by user creation).
    pub async fn add_skill_group_member(
        &self,
        group: SkillGroupId,
        user: UserId,
        skill_level: i32,
    ) -> Result<()> {
        on_pool!(self.store, pool => sqlx::query(
            "INSERT INTO skill_group_members (enterprise_id, group_id, user_id, skill_level) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (group_id, user_id) DO UPDATE SET skill_level = excluded.skill_level",
        )
        .bind(self.enterprise.0)
        .bind(group.0)
        .bind(user.0)
        .bind(skill_level)
        .execute(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "user_id"))?
        .rows_affected());
        Ok(())
    }
}
