-- A predictive campaign's abandon-rate cap, in basis points of answered calls (300 = 3%): the
-- dialer calls ahead of free agents only while the abandoned share stays under it.
ALTER TABLE campaigns ADD COLUMN abandon_cap_bp INTEGER NOT NULL DEFAULT 300;
