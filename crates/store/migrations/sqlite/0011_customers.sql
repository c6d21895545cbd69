-- Customers (客户管理, SPEC §10): a profile per enterprise with numbers, tags, free fields and an
-- owner agent ("my customers"), follow-up records (跟进记录); scheduled callbacks (预约回呼,
-- SPEC §3). A callback's state is not stored: done when `done_at` is set, otherwise pending until
-- the end of its due day in the enterprise's time zone, expired after.

CREATE TABLE customers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    company       TEXT,
    tags          TEXT    NOT NULL DEFAULT '[]',
    fields        TEXT    NOT NULL DEFAULT '{}',
    owner_id      INTEGER,
    created_by    INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (enterprise_id, id),
    FOREIGN KEY (enterprise_id, owner_id) REFERENCES users (enterprise_id, id)
);
CREATE INDEX customers_owner ON customers (enterprise_id, owner_id);
CREATE INDEX customers_name ON customers (enterprise_id, name);

-- A number belongs to at most one customer of an enterprise, so a ringing number finds one name.
CREATE TABLE customer_numbers (
    enterprise_id INTEGER NOT NULL,
    customer_id   INTEGER NOT NULL,
    number        TEXT    NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, number),
    FOREIGN KEY (enterprise_id, customer_id) REFERENCES customers (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_numbers_customer ON customer_numbers (enterprise_id, customer_id);

CREATE TABLE customer_follow_ups (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL,
    customer_id   INTEGER NOT NULL,
    author_id     INTEGER,
    body          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (enterprise_id, customer_id) REFERENCES customers (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_follow_ups_customer ON customer_follow_ups (enterprise_id, customer_id, created_at);

CREATE TABLE callbacks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    customer_id   INTEGER,
    number        TEXT    NOT NULL,
    agent_id      INTEGER NOT NULL,
    due_at        INTEGER NOT NULL,
    remark        TEXT,
    done_at       INTEGER,
    call_id       INTEGER,
    created_by    INTEGER,
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (enterprise_id, customer_id) REFERENCES customers (enterprise_id, id) ON DELETE CASCADE,
    FOREIGN KEY (enterprise_id, agent_id) REFERENCES users (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX callbacks_agent_due ON callbacks (enterprise_id, agent_id, due_at);
CREATE INDEX callbacks_due ON callbacks (enterprise_id, due_at);
CREATE INDEX callbacks_number ON callbacks (enterprise_id, number);
CREATE INDEX callbacks_customer ON callbacks (enterprise_id, customer_id);

-- A customer's timeline finds the calls placed to their numbers too.
CREATE INDEX calls_callee ON calls (enterprise_id, callee, started_at);
