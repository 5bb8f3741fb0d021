-- A member's numbers over every day before a checkpoint (bot/journey.py ``Carry``), kept in
-- the same transaction as their check-ins, so /journey and the check-in reply read the few
-- weeks since the checkpoint instead of the whole history. Written on a member's first
-- check-in or /journey after this migration, and moved on every few weeks.
CREATE TABLE member_stats (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    checkpoint    TEXT    NOT NULL CHECK (checkpoint GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    days          INTEGER NOT NULL CHECK (days >= 0),
    rest_days     INTEGER NOT NULL CHECK (rest_days >= 0),
    first_day     TEXT,
    longest       INTEGER NOT NULL CHECK (longest >= 0),
    run_in        INTEGER NOT NULL CHECK (run_in >= 0),
    rhythm_in     INTEGER NOT NULL CHECK (rhythm_in >= 0),
    rhythm_target INTEGER NOT NULL CHECK (rhythm_target BETWEEN 1 AND 7),
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;
