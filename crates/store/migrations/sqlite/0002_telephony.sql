-- Trunks, enterprise numbers (SPEC §7) and agents' SIP accounts for desk phones (SPEC §3).

CREATE TABLE trunks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id    INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    mode             TEXT    NOT NULL CHECK (mode IN ('peer', 'register')),
    host             TEXT    NOT NULL,
    port             INTEGER NOT NULL,
    transport        TEXT    NOT NULL CHECK (transport IN ('udp', 'tcp')),
    username         TEXT,
    password         TEXT,
    allowed_sources  TEXT    NOT NULL,
    codecs           TEXT    NOT NULL,
    max_calls        INTEGER NOT NULL,
    register_expires INTEGER NOT NULL,
    enabled          BOOLEAN NOT NULL DEFAULT TRUE,
    keepalive        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at       INTEGER NOT NULL,
    UNIQUE (enterprise_id, name),
    UNIQUE (enterprise_id, id)
);

CREATE TABLE numbers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    number        TEXT    NOT NULL UNIQUE,
    trunk_id      INTEGER NOT NULL,
    service       TEXT    NOT NULL,
    description   TEXT,
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (enterprise_id, trunk_id) REFERENCES trunks (enterprise_id, id)
);

CREATE TABLE sip_accounts (
    user_id       INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    username      TEXT    NOT NULL UNIQUE,
    password      TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (enterprise_id, user_id) REFERENCES users (enterprise_id, id) ON DELETE CASCADE
);
