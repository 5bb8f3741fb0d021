-- Privacy: remember when a member left a group, or the bot left a server, so their data can
-- be purged after the retention period (and restored if they come back before it ends).

ALTER TABLE members ADD COLUMN left_at TEXT;
ALTER TABLE groups ADD COLUMN left_at TEXT;

CREATE INDEX members_left ON members (left_at) WHERE left_at IS NOT NULL;
CREATE INDEX groups_left ON groups (left_at) WHERE left_at IS NOT NULL;
-- Deleting a member's data looks these up by member.
CREATE INDEX cheers_by_user ON cheers (guild_id, user_id);
CREATE INDEX encouragements_by_target ON encouragements (guild_id, target_id);
CREATE INDEX buddy_pairs_by_user ON buddy_pairs (guild_id, user_id);
