-- A campaign call's record names the campaign customer it called, so the call's end writes the
-- customer's outcome (from the failure catalogue) on their row.
ALTER TABLE calls ADD COLUMN campaign_customer_id INTEGER;
