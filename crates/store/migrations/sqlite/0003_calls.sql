-- Call records (SPEC §6), written from the engine's call events.

CREATE TABLE calls (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id     INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    call_key          TEXT    NOT NULL UNIQUE,
    direction         TEXT    NOT NULL,
    caller            TEXT    NOT NULL,
    callee            TEXT    NOT NULL,
    enterprise_number TEXT,
    agent_id          INTEGER,
    started_at        INTEGER NOT NULL,
    answered_at       INTEGER,
    ended_at          INTEGER,
    failure           TEXT,
    hangup_side       TEXT,
    recording         TEXT,
    rtp_received      INTEGER,
    rtp_lost          INTEGER,
    jitter_us         INTEGER
);
CREATE INDEX calls_started ON calls (enterprise_id, started_at);
CREATE INDEX calls_agent ON calls (enterprise_id, agent_id, started_at);
