-- Enterprises beyond the demo (issue 21): a platform administrator, outside every enterprise,
-- creates enterprises and disables them; recordings are compressed after the call and removed
-- after the retention period, and the call record says so.

ALTER TABLE enterprises ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE platform_admins (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE platform_sessions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    admin_id    INTEGER NOT NULL REFERENCES platform_admins(id) ON DELETE CASCADE,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX platform_sessions_admin ON platform_sessions (admin_id);

ALTER TABLE calls ADD COLUMN recording_deleted_at INTEGER;
CREATE INDEX calls_with_recording ON calls (started_at) WHERE recording IS NOT NULL;
CREATE INDEX calls_uncompressed_recording ON calls (id) WHERE recording LIKE '%.wav';
