"""The weekly recap's queries: group-level totals, and the histories of members who opted in.

Every total is aggregated inside SQLite through the indexes on ``checkins``
(``UNIQUE (guild_id, user_id, local_date)``, ``checkins_member_days`` and
``checkins_by_group_day``, which covers ``kind`` and ``user_id``): a recap reads the two weeks
it shows from the index alone, plus a few index probes per member who showed up, never the
group's whole history. Nothing here counts or orders anything per member for publication.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.journey import PausePeriod
from storage.db import Database
from storage.queries import utc_text

__all__ = [
    "MemberHistory",
    "RecapCounts",
    "celebrated_members",
    "milestone_candidates",
    "recap_counts",
]

_DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class RecapCounts:
    """A group's week in totals. Nothing in it belongs to one member."""

    per_day_this_week: tuple[int, ...]  # check-ins per local date, Monday..Sunday
    per_day_last_week: tuple[int, ...]  # the same for the week before
    members_showed_up: int  # distinct members with a check-in this week
    checkins: int
    rest_days: int
    setbacks: int
    reflections: int  # written within [utc_start, utc_end)
    encouragements: int  # sent within [utc_start, utc_end)
    came_back: int  # showed up this week after at least seven quiet days
    new_members: int  # first check-in ever falls in this week


@dataclass(frozen=True)
class MemberHistory:
    """What the milestone rules need about one member who opted in to being celebrated."""

    user_id: int
    days: frozenset[date]  # every local date with a check-in, up to the week's Sunday
    pauses: tuple[PausePeriod, ...]
    weekly_target: int


# Check-ins per local date and kind over the two weeks the chart shows (last week, then this
# week). A range on checkins_by_group_day (guild_id, local_date, kind, …) read in index order:
# no table rows, no sorting; at most 14 × 3 groups.
_PER_DAY = """
SELECT local_date, kind, count(*) AS checkins
FROM checkins
WHERE guild_id = ? AND local_date >= ? AND local_date < ?
GROUP BY local_date, kind
"""

_KIND_COLUMN = {"practice": None, "rest": 1, "setback": 2}

# Who showed up this week, who was new and who came back, in one statement.
# firsts:   each member's first check-in date of the week, from the week's rows only
#           (checkins_by_group_day). "+user_id" keeps SQLite from grouping through the UNIQUE
#           index instead, which would walk the group's whole history in user order.
# previous: one backward seek per member on UNIQUE (guild_id, user_id, local_date) for their
#           latest check-in before this Monday (materialized so the seek runs once, not once
#           per use below).
# new:       no check-in before this week.
# came back: the latest earlier check-in is more than seven days before the first one of this
#            week, i.e. the seven days before it were quiet (a break of at least a week).
# Parameters: ?1 guild, ?2 this Monday, ?3 next Monday.
_WEEK_MEMBERS = """
WITH firsts AS (
    SELECT user_id, min(local_date) AS first_date
    FROM checkins
    WHERE guild_id = ?1 AND local_date >= ?2 AND local_date < ?3
    GROUP BY +user_id
), previous AS MATERIALIZED (
    SELECT first_date, (
        SELECT p.local_date FROM checkins AS p
        WHERE p.guild_id = ?1 AND p.user_id = firsts.user_id AND p.local_date < ?2
        ORDER BY p.local_date DESC
        LIMIT 1
    ) AS last_before
    FROM firsts
)
SELECT count(*) AS members,
       coalesce(sum(last_before IS NULL), 0) AS new_members,
       coalesce(sum(last_before < date(first_date, '-7 days')), 0) AS came_back
FROM previous
"""

# No index covers (guild_id, created_at) on reflections yet: this walks the group's entries
# in reflections_member. A later migration can add one; the query needs no change.
_REFLECTIONS = """
SELECT count(*) FROM reflections
WHERE guild_id = ? AND created_at >= ? AND created_at < ?
"""

# Range on encouragements_by_time (guild_id, created_at).
_ENCOURAGEMENTS = """
SELECT count(*) FROM encouragements
WHERE guild_id = ? AND created_at >= ? AND created_at < ?
"""


async def recap_counts(
    db: Database, guild_id: int, week_start: date, utc_start: datetime, utc_end: datetime
) -> RecapCounts:
    """The group's totals for the local week starting on Monday ``week_start``.

    Check-ins are counted by their local date (Monday..Sunday); reflections and
    encouragements by their creation instant within ``[utc_start, utc_end)``, which the
    caller derives from the group's timezone.
    """
    last_monday = week_start - timedelta(days=_DAYS_PER_WEEK)
    next_monday = week_start + timedelta(days=_DAYS_PER_WEEK)

    per_day: dict[str, list[int]] = {}
    for row in await db.fetchall(
        _PER_DAY, (guild_id, last_monday.isoformat(), next_monday.isoformat())
    ):
        totals = per_day.setdefault(row["local_date"], [0, 0, 0])  # check-ins, rest, setbacks
        totals[0] += int(row["checkins"])
        column = _KIND_COLUMN.get(row["kind"])
        if column is not None:
            totals[column] += int(row["checkins"])

    def week(monday: date) -> list[tuple[int, int, int]]:
        days = (per_day.get((monday + timedelta(days=i)).isoformat()) for i in range(7))
        return [(d[0], d[1], d[2]) if d else (0, 0, 0) for d in days]

    this_week = week(week_start)
    last_week = week(last_monday)

    members = await db.fetchone(
        _WEEK_MEMBERS,
        (guild_id, week_start.isoformat(), next_monday.isoformat()),
    )
    reflections = await db.fetchone(
        _REFLECTIONS, (guild_id, utc_text(utc_start), utc_text(utc_end))
    )
    encouragements = await db.fetchone(
        _ENCOURAGEMENTS, (guild_id, utc_text(utc_start), utc_text(utc_end))
    )
    assert members is not None and reflections is not None and encouragements is not None

    return RecapCounts(
        per_day_this_week=tuple(day[0] for day in this_week),
        per_day_last_week=tuple(day[0] for day in last_week),
        members_showed_up=int(members["members"]),
        checkins=sum(day[0] for day in this_week),
        rest_days=sum(day[1] for day in this_week),
        setbacks=sum(day[2] for day in this_week),
        reflections=int(reflections[0]),
        encouragements=int(encouragements[0]),
        came_back=int(members["came_back"]),
        new_members=int(members["new_members"]),
    )


# Members who opted in to being celebrated and showed up this week: the members primary key
# gives the group's members, one probe on the UNIQUE check-in index keeps those who showed up.
# Parameters: ?1 guild, ?2 Monday, ?3 Sunday.
_CHOSEN = """
m.guild_id = ?1 AND m.celebrate_me = 1
AND EXISTS (
    SELECT 1 FROM checkins AS w
    WHERE w.guild_id = ?1 AND w.user_id = m.user_id AND w.local_date >= ?2 AND w.local_date <= ?3
)
"""

# One row per chosen member; their dates come as one comma-separated string read by a range
# seek on UNIQUE (guild_id, user_id, local_date), which keeps a few thousand members with a
# year each to a few thousand rows instead of a million.
_CELEBRATED = f"""
SELECT m.user_id, m.weekly_target, (
    SELECT group_concat(c.local_date, ',') FROM checkins AS c
    WHERE c.guild_id = ?1 AND c.user_id = m.user_id AND c.local_date <= ?3
) AS days
FROM members AS m
WHERE {_CHOSEN}
ORDER BY m.user_id
"""

# CROSS JOIN keeps SQLite on that path (members outside, a seek per member inside).
_CELEBRATED_PAUSES = f"""
SELECT m.user_id, p.start_date, p.end_date
FROM members AS m CROSS JOIN pauses AS p
WHERE {_CHOSEN} AND p.guild_id = ?1 AND p.user_id = m.user_id AND p.start_date <= ?3
ORDER BY m.user_id, p.start_date, p.id
"""


class _Dates(dict[str, date]):
    """ISO date text to ``date``, each distinct text parsed once (a recap reads a few thousand
    members' histories: hundreds of thousands of dates, but only a few hundred distinct)."""

    def __missing__(self, text: str) -> date:
        parsed = self[text] = date.fromisoformat(text)
        return parsed


_Params = tuple[object, ...] | dict[str, object]


async def _histories(
    db: Database, members_sql: str, pauses_sql: str, params: _Params
) -> list[MemberHistory]:
    """Members (``members_sql``: user_id, weekly_target, days as text) and their pauses
    (``pauses_sql`` with the same parameters, plus ``:ids`` when named: the members' ids)."""
    chosen = await db.fetchall(members_sql, params)
    if not chosen:
        return []
    if isinstance(params, dict):
        params = {**params, "ids": json.dumps([row["user_id"] for row in chosen])}
    dates = _Dates()
    pauses: dict[int, list[PausePeriod]] = {}
    for row in await db.fetchall(pauses_sql, params):
        end = dates[row["end_date"]] if row["end_date"] else None
        pauses.setdefault(row["user_id"], []).append(PausePeriod(dates[row["start_date"]], end))
    return [
        MemberHistory(
            user_id=row["user_id"],
            days=frozenset(map(dates.__getitem__, row["days"].split(","))),
            pauses=tuple(pauses.get(row["user_id"], ())),
            weekly_target=int(row["weekly_target"]),
        )
        for row in chosen
    ]


async def celebrated_members(db: Database, guild_id: int, week_start: date) -> list[MemberHistory]:
    """Histories of the members with ``celebrate_me`` on who checked in during the week.

    Only these members are read, with their check-ins up to the week's Sunday and their
    pauses, so that the milestone rules can run on them. Ordered by user id.
    """
    sunday = week_start + timedelta(days=_DAYS_PER_WEEK - 1)
    params = (guild_id, week_start.isoformat(), sunday.isoformat())
    return await _histories(db, _CELEBRATED, _CELEBRATED_PAUSES, params)


# --------------------------------------------------------------------------- candidates

# The members among those above who can reach a milestone this week (bot/recap.milestones):
#   100 days: their 100th check-in day falls within the week (an index walk of 100 entries);
#   a year of weekly rhythm: a pause in the last 53 weeks changes which weeks count, so such
#   members are always kept; without one, the rhythm turns 52 this week only if this week and
#   the 51 before it each reach the member's target and the week before those does not: a few
#   of those weeks are probed (seven index entries each), which keeps every member who can
#   get there and drops nearly everyone who cannot.
# Each probe is a necessary condition, so the milestones computed from the candidates are
# exactly those computed from every opted-in member. Named parameters: :g guild, :mon and :sun
# the week, :mon52 the Monday 52 weeks before, and :wN_start / :wN_end for the probed weeks.
_PROBED_WEEKS = (0, 52, 51, 39, 26, 13)


def _week_count(weeks_back: int) -> str:
    return (
        "(SELECT count(*) FROM checkins AS k WHERE k.guild_id = :g AND k.user_id = m.user_id "
        f"AND k.local_date >= :w{weeks_back}_start AND k.local_date <= :w{weeks_back}_end)"
    )


_CANDIDATE = f"""
m.guild_id = :g AND m.celebrate_me = 1
AND EXISTS (
    SELECT 1 FROM checkins AS w
    WHERE w.guild_id = :g AND w.user_id = m.user_id AND w.local_date >= :mon
      AND w.local_date <= :sun
)
AND (
    (SELECT h.local_date FROM checkins AS h WHERE h.guild_id = :g AND h.user_id = m.user_id
     ORDER BY h.local_date LIMIT 1 OFFSET 99) BETWEEN :mon AND :sun
    OR EXISTS (
        SELECT 1 FROM pauses AS p
        WHERE p.guild_id = :g AND p.user_id = m.user_id AND p.start_date <= :sun
          AND (p.end_date IS NULL OR p.end_date > :mon52)
    )
    OR ({_week_count(52)} < m.weekly_target
        AND {" AND ".join(f"{_week_count(n)} >= m.weekly_target" for n in (0, 51, 39, 26, 13))})
)
"""

_CANDIDATES = f"""
SELECT m.user_id, m.weekly_target, (
    SELECT group_concat(c.local_date, ',') FROM checkins AS c
    WHERE c.guild_id = :g AND c.user_id = m.user_id AND c.local_date <= :sun
) AS days
FROM members AS m
WHERE {_CANDIDATE}
ORDER BY m.user_id
"""

# The candidates' pauses: a seek on pauses_member per candidate (:ids, a JSON array).
_CANDIDATE_PAUSES = """
SELECT p.user_id, p.start_date, p.end_date
FROM pauses AS p
WHERE p.guild_id = :g AND p.user_id IN (SELECT value FROM json_each(:ids))
  AND p.start_date <= :sun
ORDER BY p.user_id, p.start_date, p.id
"""


async def milestone_candidates(
    db: Database, guild_id: int, week_start: date
) -> list[MemberHistory]:
    """Like :func:`celebrated_members`, but only the members who may reach a milestone this
    week: ``milestones()`` over these gives exactly what it gives over all of them, while a
    recap in a group of tens of thousands reads hundreds of histories instead of thousands."""
    sunday = week_start + timedelta(days=_DAYS_PER_WEEK - 1)
    params: dict[str, object] = {
        "g": guild_id,
        "mon": week_start.isoformat(),
        "sun": sunday.isoformat(),
        "mon52": (week_start - timedelta(weeks=52)).isoformat(),
    }
    for weeks_back in _PROBED_WEEKS:
        monday = week_start - timedelta(weeks=weeks_back)
        params[f"w{weeks_back}_start"] = monday.isoformat()
        params[f"w{weeks_back}_end"] = (monday + timedelta(days=6)).isoformat()
    return await _histories(db, _CANDIDATES, _CANDIDATE_PAUSES, params)
