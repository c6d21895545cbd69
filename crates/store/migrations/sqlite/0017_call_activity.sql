-- The last moment a call was known to be alive (its latest event), so a record left open by a
-- crash is closed at start-up with `ended_at` = this (issue 20). Records from before this
-- migration fall back to their start, answer or queue time.
ALTER TABLE calls ADD COLUMN last_activity_at INTEGER;
