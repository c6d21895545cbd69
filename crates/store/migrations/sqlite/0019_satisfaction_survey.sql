-- Satisfaction survey (满意度调查), per skill group: when the agent hangs up first the customer
-- hears the survey prompt (an uploaded one, or NULL for the built-in) and presses 1-5.
ALTER TABLE skill_groups ADD COLUMN survey BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE skill_groups ADD COLUMN survey_prompt_id BIGINT;
-- The call's survey: NULL not offered, 0 offered with no rating pressed, 1-5 the rating.
ALTER TABLE calls ADD COLUMN satisfaction INTEGER;
