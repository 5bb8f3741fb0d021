-- Private reflection and personal DMs: wins, personal patience reminders, the DM notice,
-- and one row per personal DM that is due, so a per-minute job can find them by time.

ALTER TABLE members ADD COLUMN patience_dm INTEGER NOT NULL DEFAULT 1 CHECK (patience_dm IN (0, 1));
ALTER TABLE members ADD COLUMN dm_notice_pending INTEGER NOT NULL DEFAULT 0 CHECK (dm_notice_pending IN (0, 1));

CREATE TABLE wins (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    local_date TEXT    NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    what       TEXT CHECK (what IS NULL OR length(what) BETWEEN 1 AND 500),
    shared     INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    created_at TEXT    NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX wins_member ON wins (guild_id, user_id);

CREATE TABLE personal_dms (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('morning', 'recap', 'followup_setback',
                                                 'followup_win', 'quiet', 'welcome', 'cheers',
                                                 'buddies')),
    period     TEXT    NOT NULL,
    due_at     TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'claimed', 'sent', 'skipped', 'failed')),
    detail     TEXT,
    updated_at TEXT    NOT NULL,
    UNIQUE (guild_id, user_id, kind, period),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
-- The per-minute job's query: what is due, oldest first.
CREATE INDEX personal_dms_due ON personal_dms (due_at) WHERE status IN ('pending', 'claimed');
