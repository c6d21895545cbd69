-- Call-record filters and data scopes (SPEC §6): calls of a skill group (the group filter and
-- the `skill_groups` scope) and calls by result, each newest first.

CREATE INDEX calls_group ON calls (enterprise_id, skill_group_id, started_at);
CREATE INDEX calls_result ON calls (enterprise_id, result, started_at);
