-- Who talked with the customer and when: one row per agent's part of a call (a transfer makes
-- two), written when that part ends.
CREATE TABLE call_segments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id     INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    agent_id    INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER NOT NULL,
    transferred INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX call_segments_call ON call_segments (call_id, started_at);
CREATE INDEX call_segments_agent ON call_segments (agent_id, call_id);

-- Agents' notes on a call (小记): each written by one agent, read-only to everyone else.
CREATE TABLE call_notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id    INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL,
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX call_notes_call ON call_notes (call_id, created_at);
