-- When each scheduled post was last set up: an occurrence from before that was never due, so
-- the start-up catch-up must neither send it nor report it as missed.

ALTER TABLE groups ADD COLUMN morning_since TEXT;
ALTER TABLE groups ADD COLUMN patience_since TEXT;
ALTER TABLE groups ADD COLUMN recap_since TEXT;
ALTER TABLE groups ADD COLUMN buddies_since TEXT;
