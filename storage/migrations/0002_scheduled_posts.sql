-- Scheduled group posts: the admin's configuration, the group's own texts, the rotation
-- state, and the post log that makes each post go out exactly once per period.

ALTER TABLE groups ADD COLUMN morning_enabled INTEGER NOT NULL DEFAULT 0 CHECK (morning_enabled IN (0, 1));
ALTER TABLE groups ADD COLUMN morning_channel_id INTEGER;
ALTER TABLE groups ADD COLUMN morning_time TEXT NOT NULL DEFAULT '07:00' CHECK (morning_time GLOB '[0-2][0-9]:[0-5][0-9]');

ALTER TABLE groups ADD COLUMN patience_enabled INTEGER NOT NULL DEFAULT 0 CHECK (patience_enabled IN (0, 1));
ALTER TABLE groups ADD COLUMN patience_channel_id INTEGER;
ALTER TABLE groups ADD COLUMN patience_time TEXT NOT NULL DEFAULT '12:00' CHECK (patience_time GLOB '[0-2][0-9]:[0-5][0-9]');
ALTER TABLE groups ADD COLUMN patience_day INTEGER NOT NULL DEFAULT 2 CHECK (patience_day BETWEEN 0 AND 6);

ALTER TABLE groups ADD COLUMN recap_enabled INTEGER NOT NULL DEFAULT 0 CHECK (recap_enabled IN (0, 1));
ALTER TABLE groups ADD COLUMN recap_channel_id INTEGER;
ALTER TABLE groups ADD COLUMN recap_time TEXT NOT NULL DEFAULT '18:00' CHECK (recap_time GLOB '[0-2][0-9]:[0-5][0-9]');
ALTER TABLE groups ADD COLUMN recap_day INTEGER NOT NULL DEFAULT 6 CHECK (recap_day BETWEEN 0 AND 6);

-- The group's own morning prompts and patience reminders, used beside the built-in ones.
CREATE TABLE group_texts (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL REFERENCES groups (guild_id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('morning', 'patience')),
    text       TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    created_at TEXT    NOT NULL
);
CREATE INDEX group_texts_by_kind ON group_texts (guild_id, kind, id);

-- Texts already used in the current rotation cycle: 'builtin:<index>' or 'group:<id>'.
CREATE TABLE rotation_used (
    guild_id INTEGER NOT NULL REFERENCES groups (guild_id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL CHECK (kind IN ('morning', 'patience', 'thought')),
    item     TEXT    NOT NULL,
    PRIMARY KEY (guild_id, kind, item)
) WITHOUT ROWID;

-- One row per (group, kind, period): claimed before sending, marked sent after.
CREATE TABLE post_log (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL REFERENCES groups (guild_id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('morning', 'patience', 'recap')),
    period        TEXT    NOT NULL,
    scheduled_for TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('claimed', 'sent', 'skipped', 'failed')),
    nonce         TEXT    NOT NULL,
    item          TEXT,
    channel_id    INTEGER,
    message_id    INTEGER,
    detail        TEXT,
    updated_at    TEXT    NOT NULL,
    UNIQUE (guild_id, kind, period)
);
CREATE INDEX post_log_status ON post_log (status) WHERE status = 'claimed';

-- Encouragements between members (written by /encourage); the recap counts them as a total.
CREATE TABLE encouragements (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL REFERENCES groups (guild_id) ON DELETE CASCADE,
    sender_id  INTEGER NOT NULL,
    target_id  INTEGER NOT NULL,
    public     INTEGER NOT NULL CHECK (public IN (0, 1)),
    created_at TEXT    NOT NULL
);
CREATE INDEX encouragements_by_time ON encouragements (guild_id, created_at);

-- The weekly recap reads check-ins by group and date, and reflections by group and time.
CREATE INDEX reflections_by_time ON reflections (guild_id, created_at);
CREATE INDEX checkins_by_group_day ON checkins (guild_id, local_date);
