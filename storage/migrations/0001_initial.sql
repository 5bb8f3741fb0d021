-- Keep Going: the first schema.
-- Snowflakes are INTEGER; local dates are ISO 'YYYY-MM-DD' text; instants are UTC ISO-8601 text.

CREATE TABLE groups (
    guild_id   INTEGER PRIMARY KEY,
    timezone   TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE TABLE members (
    guild_id        INTEGER NOT NULL REFERENCES groups (guild_id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    timezone        TEXT,
    weekly_target   INTEGER NOT NULL DEFAULT 3 CHECK (weekly_target BETWEEN 1 AND 7),
    celebrate_me    INTEGER NOT NULL DEFAULT 0 CHECK (celebrate_me IN (0, 1)),
    morning_dm      INTEGER NOT NULL DEFAULT 0 CHECK (morning_dm IN (0, 1)),
    morning_dm_time TEXT CHECK (morning_dm_time IS NULL OR morning_dm_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    recap_dm        INTEGER NOT NULL DEFAULT 0 CHECK (recap_dm IN (0, 1)),
    dm_state        TEXT    NOT NULL DEFAULT 'unknown' CHECK (dm_state IN ('unknown', 'open', 'closed')),
    dm_channel_id   INTEGER,
    first_day       TEXT    NOT NULL CHECK (first_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

CREATE TABLE checkins (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    local_date TEXT    NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    kind       TEXT    NOT NULL CHECK (kind IN ('practice', 'rest', 'setback')),
    note       TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 500),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    UNIQUE (guild_id, user_id, local_date),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);

-- A public post of a check-in (share:true); the cheer button carries the check-in id.
CREATE TABLE shared_checkins (
    checkin_id INTEGER PRIMARY KEY REFERENCES checkins (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL,
    message_id INTEGER
);

CREATE TABLE cheers (
    checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (checkin_id, user_id)
) WITHOUT ROWID;

CREATE TABLE reasons (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    text       TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 300),
    created_at TEXT    NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX reasons_member ON reasons (guild_id, user_id, id);

CREATE TABLE pauses (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    start_date TEXT    NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    end_date   TEXT CHECK (end_date IS NULL OR end_date > start_date),
    reason     TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 200),
    created_at TEXT    NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX pauses_member ON pauses (guild_id, user_id, start_date);

-- Private setback reflections: the text never leaves the member's DMs or export.
CREATE TABLE reflections (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    what_happened TEXT CHECK (what_happened IS NULL OR length(what_happened) <= 1000),
    lesson        TEXT CHECK (lesson IS NULL OR length(lesson) <= 1000),
    next_step     TEXT CHECK (next_step IS NULL OR length(next_step) <= 1000),
    created_at    TEXT    NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX reflections_member ON reflections (guild_id, user_id);

-- Small key/value facts about the bot itself (the synced command tree's hash).
CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
