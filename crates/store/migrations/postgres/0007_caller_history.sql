-- Caller history on the call pops (SPEC §3): how many times a number called the enterprise and
-- when it last did, looked up for every call that rings an agent.

CREATE INDEX calls_caller ON calls (enterprise_id, caller, started_at);
