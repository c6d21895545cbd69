-- Uploaded IVR prompts (SPEC §3, §7): admins' own recordings, converted on upload to what calls
-- play, so the SIP endpoint never decodes a file during a call.

CREATE TABLE prompts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    -- Length of the converted audio.
    seconds       REAL    NOT NULL,
    -- 8 kHz 16-bit mono PCM, little-endian, no header.
    audio         BLOB    NOT NULL,
    -- The uploaded file's name, when the upload gave one.
    file_name     TEXT,
    created_at    INTEGER NOT NULL,
    UNIQUE (enterprise_id, name)
);
