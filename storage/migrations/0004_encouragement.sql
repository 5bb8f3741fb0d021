-- Peer encouragement: opt-in weekly buddies. (Encouragements themselves are stored in the
-- table made by 0002; cheers by 0001.)

ALTER TABLE groups ADD COLUMN buddies_enabled INTEGER NOT NULL DEFAULT 1 CHECK (buddies_enabled IN (0, 1));
ALTER TABLE groups ADD COLUMN buddies_time TEXT NOT NULL DEFAULT '09:00' CHECK (buddies_time GLOB '[0-2][0-9]:[0-5][0-9]');
ALTER TABLE groups ADD COLUMN buddies_day INTEGER NOT NULL DEFAULT 0 CHECK (buddies_day BETWEEN 0 AND 6);

CREATE TABLE buddy_members (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    joined_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- One row per group and week: the week's pairing happens once.
CREATE TABLE buddy_weeks (
    guild_id   INTEGER NOT NULL REFERENCES groups (guild_id) ON DELETE CASCADE,
    week       TEXT    NOT NULL CHECK (week GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    created_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, week)
) WITHOUT ROWID;

CREATE TABLE buddy_pairs (
    guild_id INTEGER NOT NULL,
    week     TEXT    NOT NULL,
    pair_no  INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, week, user_id),
    FOREIGN KEY (guild_id, week) REFERENCES buddy_weeks (guild_id, week) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX buddy_pairs_by_pair ON buddy_pairs (guild_id, week, pair_no);

CREATE INDEX encouragements_pair ON encouragements (guild_id, sender_id, target_id, created_at);
CREATE INDEX cheers_by_checkin_time ON cheers (checkin_id, created_at);
