-- Supervision (SPEC §4): each skill group's service level (服务水平) threshold and target, and
-- when an agent first answered a queued call (speed of answer, answered in time).
ALTER TABLE skill_groups ADD COLUMN service_level_secs BIGINT NOT NULL DEFAULT 20;
ALTER TABLE skill_groups ADD COLUMN service_level_target BIGINT NOT NULL DEFAULT 80;
ALTER TABLE calls ADD COLUMN agent_answered_at BIGINT;
CREATE INDEX calls_queued ON calls (enterprise_id, queued_at);
