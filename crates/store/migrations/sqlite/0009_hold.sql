-- Hold time on call records: the total so far, and since when the customer is on hold now.
ALTER TABLE calls ADD COLUMN hold_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN held_since INTEGER;
