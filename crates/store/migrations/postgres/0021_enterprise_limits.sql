-- What each enterprise may use at once (set by the platform administrator); NULL is no limit.
ALTER TABLE enterprises ADD COLUMN max_agents BIGINT;
ALTER TABLE enterprises ADD COLUMN max_concurrent_calls BIGINT;
ALTER TABLE enterprises ADD COLUMN max_widget_calls BIGINT;
