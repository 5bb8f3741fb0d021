-- The weekly recap's totals, kept by SQLite itself in the same transaction as every change to
-- checkins (triggers), so a recap reads 14 day rows and one index range of the week's members
-- instead of aggregating the week's check-ins and probing each member's history.

-- Check-ins per group and local date, by kind (group totals: nothing here is about a member).
CREATE TABLE group_days (
    guild_id   INTEGER NOT NULL REFERENCES groups (guild_id) ON DELETE CASCADE,
    local_date TEXT    NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    practice   INTEGER NOT NULL DEFAULT 0 CHECK (practice >= 0),
    rest       INTEGER NOT NULL DEFAULT 0 CHECK (rest >= 0),
    setbacks   INTEGER NOT NULL DEFAULT 0 CHECK (setbacks >= 0),
    PRIMARY KEY (guild_id, local_date)
) WITHOUT ROWID;

-- One row per member and local week (Monday) with a check-in: the week's first check-in date
-- and the member's latest check-in date before that Monday (NULL: none, they were new). The
-- recap counts who showed up, who was new and who came back from these.
CREATE TABLE member_weeks (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    week        TEXT    NOT NULL CHECK (week GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    first_date  TEXT    NOT NULL,
    last_before TEXT,
    PRIMARY KEY (guild_id, user_id, week),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX member_weeks_by_week ON member_weeks (guild_id, week, first_date, last_before);

-- date(d, 'weekday 0', '-6 days') is the Monday of d's week: on to Sunday (d itself when it is
-- one), back six days.

CREATE TRIGGER checkins_recap_insert AFTER INSERT ON checkins
BEGIN
    INSERT INTO group_days (guild_id, local_date, practice, rest, setbacks)
    VALUES (new.guild_id, new.local_date, new.kind = 'practice', new.kind = 'rest',
            new.kind = 'setback')
    ON CONFLICT (guild_id, local_date) DO UPDATE SET
        practice = practice + excluded.practice,
        rest = rest + excluded.rest,
        setbacks = setbacks + excluded.setbacks;

    -- The member's week: a new row knows what came before it; an existing one may get an
    -- earlier first date ("yesterday" recorded after today).
    INSERT INTO member_weeks (guild_id, user_id, week, first_date, last_before)
    VALUES (
        new.guild_id, new.user_id, date(new.local_date, 'weekday 0', '-6 days'), new.local_date,
        (SELECT max(c.local_date) FROM checkins AS c
         WHERE c.guild_id = new.guild_id AND c.user_id = new.user_id
           AND c.local_date < date(new.local_date, 'weekday 0', '-6 days'))
    )
    ON CONFLICT (guild_id, user_id, week) DO UPDATE SET first_date = excluded.first_date
    WHERE excluded.first_date < first_date;

    -- Later weeks (a Sunday recorded on Monday) now have this day before them.
    UPDATE member_weeks SET last_before = new.local_date
    WHERE guild_id = new.guild_id AND user_id = new.user_id AND week > new.local_date
      AND (last_before IS NULL OR last_before < new.local_date);
END;

CREATE TRIGGER checkins_recap_kind AFTER UPDATE OF kind ON checkins
WHEN old.kind != new.kind
BEGIN
    UPDATE group_days SET
        practice = practice - (old.kind = 'practice') + (new.kind = 'practice'),
        rest = rest - (old.kind = 'rest') + (new.kind = 'rest'),
        setbacks = setbacks - (old.kind = 'setback') + (new.kind = 'setback')
    WHERE guild_id = new.guild_id AND local_date = new.local_date;
END;

CREATE TRIGGER checkins_recap_delete AFTER DELETE ON checkins
BEGIN
    UPDATE group_days SET
        practice = practice - (old.kind = 'practice'),
        rest = rest - (old.kind = 'rest'),
        setbacks = setbacks - (old.kind = 'setback')
    WHERE guild_id = old.guild_id AND local_date = old.local_date;

    DELETE FROM member_weeks
    WHERE guild_id = old.guild_id AND user_id = old.user_id
      AND week = date(old.local_date, 'weekday 0', '-6 days')
      AND NOT EXISTS (
          SELECT 1 FROM checkins AS c
          WHERE c.guild_id = old.guild_id AND c.user_id = old.user_id
            AND c.local_date >= date(old.local_date, 'weekday 0', '-6 days')
            AND c.local_date <= date(old.local_date, 'weekday 0')
      );

    UPDATE member_weeks SET first_date = (
        SELECT min(c.local_date) FROM checkins AS c
        WHERE c.guild_id = old.guild_id AND c.user_id = old.user_id
          AND c.local_date >= member_weeks.week AND c.local_date <= date(member_weeks.week, '+6 days')
    )
    WHERE guild_id = old.guild_id AND user_id = old.user_id
      AND week = date(old.local_date, 'weekday 0', '-6 days') AND first_date = old.local_date;

    UPDATE member_weeks SET last_before = (
        SELECT max(c.local_date) FROM checkins AS c
        WHERE c.guild_id = old.guild_id AND c.user_id = old.user_id
          AND c.local_date < member_weeks.week
    )
    WHERE guild_id = old.guild_id AND user_id = old.user_id AND week > old.local_date
      AND last_before = old.local_date;
END;

-- What is already there.
INSERT INTO group_days (guild_id, local_date, practice, rest, setbacks)
SELECT guild_id, local_date, sum(kind = 'practice'), sum(kind = 'rest'), sum(kind = 'setback')
FROM checkins
GROUP BY guild_id, local_date;

INSERT INTO member_weeks (guild_id, user_id, week, first_date, last_before)
SELECT guild_id, user_id, week, first_date,
       lag(last_date) OVER (PARTITION BY guild_id, user_id ORDER BY week)
FROM (
    SELECT guild_id, user_id, date(local_date, 'weekday 0', '-6 days') AS week,
           min(local_date) AS first_date, max(local_date) AS last_date
    FROM checkins
    GROUP BY guild_id, user_id, week
);
