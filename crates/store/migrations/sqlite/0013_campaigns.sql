-- Outbound campaigns (外呼任务, SPEC §5): campaigns with their assigned agents and customers,
-- import reports, the enterprise's do-not-call list, and risk control (风控): its settings and
-- the times of recent outbound calls per number. A campaign's state is not stored: it follows
-- from its start and end, `paused` and `completed_at` (the `dialer` crate decides).

CREATE TABLE campaigns (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    start_at       INTEGER NOT NULL,
    end_at         INTEGER NOT NULL,
    paused         BOOLEAN NOT NULL DEFAULT FALSE,
    completed_at   INTEGER,
    caller_numbers TEXT    NOT NULL DEFAULT '[]',
    masking        BOOLEAN NOT NULL DEFAULT FALSE,
    max_attempts   INTEGER NOT NULL DEFAULT 5,
    hours_from     TEXT    NOT NULL DEFAULT '09:00',
    hours_to       TEXT    NOT NULL DEFAULT '20:00',
    time_zone      TEXT    NOT NULL DEFAULT 'Asia/Shanghai',
    mode           TEXT    NOT NULL DEFAULT 'preview',
    created_by     INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (enterprise_id, id)
);
CREATE INDEX campaigns_end ON campaigns (enterprise_id, end_at);

CREATE TABLE campaign_agents (
    enterprise_id INTEGER NOT NULL,
    campaign_id   INTEGER NOT NULL,
    agent_id      INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, campaign_id, agent_id),
    FOREIGN KEY (enterprise_id, campaign_id) REFERENCES campaigns (enterprise_id, id) ON DELETE CASCADE,
    FOREIGN KEY (enterprise_id, agent_id) REFERENCES users (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX campaign_agents_agent ON campaign_agents (enterprise_id, agent_id);

-- A number appears once per campaign; `number` is E.164.
CREATE TABLE campaign_customers (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id  INTEGER NOT NULL,
    campaign_id    INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    number         TEXT    NOT NULL,
    fields         TEXT    NOT NULL DEFAULT '{}',
    notes          TEXT    NOT NULL DEFAULT '',
    attempts       INTEGER NOT NULL DEFAULT 0,
    outcome        TEXT,
    last_called_at INTEGER,
    last_call_id   INTEGER,
    created_at     INTEGER NOT NULL,
    UNIQUE (enterprise_id, campaign_id, number),
    UNIQUE (enterprise_id, id),
    FOREIGN KEY (enterprise_id, campaign_id) REFERENCES campaigns (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX campaign_customers_name ON campaign_customers (enterprise_id, campaign_id, name);

-- One import of a customer list: its counts and the rows it refused (JSON), for the report.
CREATE TABLE campaign_imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL,
    campaign_id   INTEGER NOT NULL,
    file_name     TEXT    NOT NULL,
    total_rows    INTEGER NOT NULL,
    imported      INTEGER NOT NULL,
    errors        TEXT    NOT NULL DEFAULT '[]',
    created_by    INTEGER,
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (enterprise_id, campaign_id) REFERENCES campaigns (enterprise_id, id) ON DELETE CASCADE
);

CREATE TABLE do_not_call (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    number        TEXT    NOT NULL,
    reason        TEXT    NOT NULL DEFAULT '',
    created_by    INTEGER,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, number)
);

-- Per-enterprise risk-control settings (JSON); no row means the defaults.
CREATE TABLE risk_settings (
    enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises(id) ON DELETE CASCADE,
    limits        TEXT    NOT NULL,
    destinations  TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- Every outbound call placed, per number, kept as long as the longest risk window needs.
CREATE TABLE outbound_attempts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    number        TEXT    NOT NULL,
    at            INTEGER NOT NULL
);
CREATE INDEX outbound_attempts_number ON outbound_attempts (enterprise_id, number, at);
