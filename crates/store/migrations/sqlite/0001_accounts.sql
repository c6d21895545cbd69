-- Enterprises, roles, users, sessions, skill groups and custom statuses (SPEC §1, §2).
-- Every tenant table carries enterprise_id, and references between tenant rows include it, so the
-- database itself refuses a row that points into another enterprise.

CREATE TABLE enterprises (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE roles (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    description   TEXT,
    permissions   TEXT    NOT NULL,
    data_scope    TEXT    NOT NULL,
    builtin       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    INTEGER NOT NULL,
    UNIQUE (enterprise_id, name),
    UNIQUE (enterprise_id, id)
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    work_id        TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    mobile         TEXT,
    department     TEXT,
    role_id        INTEGER NOT NULL,
    enabled        BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash  TEXT    NOT NULL,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   INTEGER,
    created_at     INTEGER NOT NULL,
    UNIQUE (enterprise_id, work_id),
    UNIQUE (enterprise_id, id),
    FOREIGN KEY (enterprise_id, role_id) REFERENCES roles (enterprise_id, id)
);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    user_agent    TEXT,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    FOREIGN KEY (enterprise_id, user_id) REFERENCES users (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (enterprise_id, user_id);

CREATE TABLE skill_groups (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    description   TEXT,
    created_at    INTEGER NOT NULL,
    UNIQUE (enterprise_id, name),
    UNIQUE (enterprise_id, id)
);

CREATE TABLE skill_group_members (
    enterprise_id INTEGER NOT NULL,
    group_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    skill_level   INTEGER NOT NULL CHECK (skill_level BETWEEN 1 AND 5),
    PRIMARY KEY (group_id, user_id),
    FOREIGN KEY (enterprise_id, group_id) REFERENCES skill_groups (enterprise_id, id) ON DELETE CASCADE,
    FOREIGN KEY (enterprise_id, user_id) REFERENCES users (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX skill_group_members_user ON skill_group_members (enterprise_id, user_id);

CREATE TABLE custom_statuses (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    description   TEXT,
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    INTEGER NOT NULL,
    UNIQUE (enterprise_id, name)
);
