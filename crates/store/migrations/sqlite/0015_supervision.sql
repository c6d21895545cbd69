-- Supervisors' steps into calls (issue 17): listen, whisper, barge-in, force-disconnect, and
-- when they left, with times, for the call record.
CREATE TABLE call_supervision (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id       INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    supervisor_id INTEGER NOT NULL,
    step          TEXT    NOT NULL,
    at            INTEGER NOT NULL
);
CREATE INDEX call_supervision_call ON call_supervision (call_id, at);
