-- The inbound path (SPEC §2, §3, §7): IVR flows on numbers, queue settings of skill groups,
-- after-call work, call results, missed-call reminders.

-- An IVR flow (JSON) for numbers whose service is 'ivr'.
ALTER TABLE numbers ADD COLUMN flow TEXT;

-- Queue settings: strategy, ring timeout, maximum wait and where calls go after it
-- ('goodbye', 'group:ID' or 'number:DIGITS').
ALTER TABLE skill_groups ADD COLUMN strategy TEXT NOT NULL DEFAULT 'longest_idle';
ALTER TABLE skill_groups ADD COLUMN ring_timeout_secs INTEGER NOT NULL DEFAULT 20;
ALTER TABLE skill_groups ADD COLUMN max_wait_secs INTEGER;
ALTER TABLE skill_groups ADD COLUMN overflow TEXT NOT NULL DEFAULT 'goodbye';

-- After-call work (事后整理) length; 0 sends agents straight back to idle.
ALTER TABLE enterprises ADD COLUMN after_call_work_secs INTEGER NOT NULL DEFAULT 0;

ALTER TABLE calls ADD COLUMN result TEXT;
ALTER TABLE calls ADD COLUMN skill_group_id INTEGER;
ALTER TABLE calls ADD COLUMN queued_at INTEGER;

CREATE TABLE missed_calls (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id     INTEGER NOT NULL,
    agent_id          INTEGER NOT NULL,
    call_key          TEXT    NOT NULL,
    caller            TEXT    NOT NULL,
    enterprise_number TEXT,
    missed_at         INTEGER NOT NULL,
    handled_at        INTEGER,
    FOREIGN KEY (enterprise_id, agent_id) REFERENCES users (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX missed_calls_agent ON missed_calls (enterprise_id, agent_id, missed_at);
