-- Which enterprise numbers an agent may show when dialing (SPEC §3, issue 16): a number with
-- rows here is for the agents named and the members of the skill groups named; a number with
-- none is for every agent. "System-assigned" (no choice) is always allowed.
CREATE TABLE number_callers (
    number_id      INTEGER NOT NULL REFERENCES numbers(id) ON DELETE CASCADE,
    user_id        INTEGER,
    skill_group_id INTEGER,
    CHECK ((user_id IS NULL) <> (skill_group_id IS NULL))
);
CREATE INDEX number_callers_number ON number_callers (number_id);
