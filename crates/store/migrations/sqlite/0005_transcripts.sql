-- Transcripts (SPEC §3 实时转文字): the final segments the recognizers hand back, per call, and
-- the enterprise switch that transcribes every call.

ALTER TABLE enterprises ADD COLUMN transcribe_all_calls INTEGER NOT NULL DEFAULT 0;

-- Transcript rows reference their call together with its enterprise.
CREATE UNIQUE INDEX calls_enterprise_id ON calls (enterprise_id, id);

CREATE TABLE transcript_segments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL,
    call_id       INTEGER NOT NULL,
    speaker       TEXT    NOT NULL,
    start_ms      INTEGER NOT NULL,
    end_ms        INTEGER NOT NULL,
    text          TEXT    NOT NULL,
    confidence    REAL    NOT NULL,
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (enterprise_id, call_id) REFERENCES calls (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX transcript_segments_call ON transcript_segments (call_id, start_ms);
