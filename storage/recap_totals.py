"""The weekly recap's queries: group-level totals, and the histories of members who opted in.

The totals come from what SQLite keeps in the same transaction as every check-in (migration
0009's triggers): ``group_days`` (check-ins per group and local date, by kind) and
``member_weeks`` (each member's first check-in of a week and their latest one before it). A
recap reads 14 day rows and one index range of the week's members, never the week's
check-ins or anyone's whole history. Nothing here counts or orders anything per member for
publication.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.rules.days import week_start as monday_of
from bot.rules.journey import Carry, PausePeriod
from bot.rules.recap import RECAP_MILESTONE_DAYS, RECAP_MILESTONE_WEEKS
from storage.db import Database
from storage.member_records import CARRY_COLUMNS, carry_from_row, pause_covers, utc_text

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
    carry: Carry  # their numbers before its checkpoint (Carry.empty: none, whole history)
    days: frozenset[date]  # local dates with a check-in from the checkpoint to the Sunday
    pauses: tuple[PausePeriod, ...]
    weekly_target: int


# Check-ins per local date over the two weeks the chart shows (last week, then this week),
# by kind: the group_days rows the check-in triggers keep (migration 0009), at most 14.
_PER_DAY = """
SELECT local_date, practice, rest, setbacks
FROM group_days
WHERE guild_id = ? AND local_date >= ? AND local_date < ?
"""

# Who showed up this week, who was new and who came back: one range of member_weeks_by_week
# (kept by the same triggers), one index entry per member who showed up.
# new:       no check-in before this week.
# came back: the latest earlier check-in is more than seven days before the first one of this
#            week, i.e. the seven days before it were quiet (a break of at least a week).
# Parameters: ?1 guild, ?2 this Monday.
_WEEK_MEMBERS = """
SELECT count(*) AS members,
       coalesce(sum(last_before IS NULL), 0) AS new_members,
       coalesce(sum(last_before < date(first_date, '-7 days')), 0) AS came_back
FROM member_weeks
WHERE guild_id = ?1 AND week = ?2
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

    per_day: dict[str, tuple[int, int, int]] = {}  # check-ins, rest days, setbacks
    for row in await db.fetchall(
        _PER_DAY, (guild_id, last_monday.isoformat(), next_monday.isoformat())
    ):
        practice, rest, setbacks = int(row["practice"]), int(row["rest"]), int(row["setbacks"])
        per_day[row["local_date"]] = (practice + rest + setbacks, rest, setbacks)

    def week(monday: date) -> list[tuple[int, int, int]]:
        days = (per_day.get((monday + timedelta(days=i)).isoformat()) for i in range(7))
        return [d or (0, 0, 0) for d in days]

    this_week = week(week_start)
    last_week = week(last_monday)

    members = await db.fetchone(_WEEK_MEMBERS, (guild_id, week_start.isoformat()))
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
# Parameters: :g guild, :mon Monday, :sun Sunday.
_CHOSEN = """
m.guild_id = :g AND m.celebrate_me = 1
AND EXISTS (
    SELECT 1 FROM checkins AS w
    WHERE w.guild_id = :g AND w.user_id = m.user_id AND w.local_date >= :mon
      AND w.local_date <= :sun
)
"""

# Every chosen member with their whole history: their dates come as one comma-separated
# string read by a range seek on UNIQUE (guild_id, user_id, local_date). The reference the
# kept numbers are checked against (tests, benchmarks); the recap itself reads less.
_CELEBRATED = f"""
SELECT m.user_id, m.weekly_target, NULL AS carry_checkpoint, (
    SELECT group_concat(c.local_date, ',') FROM checkins AS c
    WHERE c.guild_id = :g AND c.user_id = m.user_id AND c.local_date <= :sun
) AS days
FROM members AS m
WHERE {_CHOSEN}
ORDER BY m.user_id
"""

# The chosen members who may reach a milestone this week, from their stored carry
# (member_stats: their numbers before a checkpoint at least 8 weeks back, kept by every
# check-in) and their check-ins since its checkpoint:
#   100 days: fewer than 100 days before the Monday and at least 100 by the Sunday (the count
#     since the checkpoint is only taken when the carry leaves it possible);
#   a year of weekly rhythm: the rhythm running into the checkpoint is below 52 and reaches
#     exactly 52 this week if every week since is met (without a pause since the checkpoint,
#     a week not met breaks the rhythm or, this week, keeps it where it was last week), or at
#     least 52 when a pause since the checkpoint may have skipped weeks. A rhythm of 52 or
#     more running into the checkpoint cannot turn 52 this week: either it still runs (it was
#     already 52 last week) or it broke since (and is at most the few weeks since the break).
# A member without a usable carry (none yet, counted with another weekly target, or a
# checkpoint later than the week before this one) is kept and read with their whole history.
# Each condition is necessary, so milestones() over these members gives exactly what it gives
# over every chosen member's whole history (tests/test_recap.py, and every benchmark run).
# Named parameters: :g guild, :mon and :sun the week, :last_mon the Monday before.
_CANDIDATES = f"""
SELECT m.user_id, m.weekly_target, {CARRY_COLUMNS}, (
    SELECT group_concat(c.local_date, ',') FROM checkins AS c
    WHERE c.guild_id = :g AND c.user_id = m.user_id
      AND c.local_date >= coalesce(s.checkpoint, '0000-00-00') AND c.local_date <= :sun
) AS days
FROM members AS m
LEFT JOIN member_stats AS s
  ON s.guild_id = m.guild_id AND s.user_id = m.user_id
 AND s.checkpoint <= :last_mon AND s.rhythm_target = m.weekly_target
WHERE {_CHOSEN}
AND (
    s.checkpoint IS NULL
    OR (s.rhythm_in < {RECAP_MILESTONE_WEEKS}
        AND (s.rhythm_in + (julianday(:mon) - julianday(s.checkpoint)) / 7 + 1
             = {RECAP_MILESTONE_WEEKS}
             OR (s.rhythm_in + (julianday(:mon) - julianday(s.checkpoint)) / 7 + 1
                 > {RECAP_MILESTONE_WEEKS}
                 AND EXISTS (
                     SELECT 1 FROM pauses AS p
                     WHERE p.guild_id = :g AND p.user_id = m.user_id
                       AND {pause_covers("s.checkpoint", ":sun", alias="p")}))))
    OR (s.days < {RECAP_MILESTONE_DAYS}
        AND s.days + julianday(:sun) - julianday(s.checkpoint) + 1 >= {RECAP_MILESTONE_DAYS}
        AND s.days + (
            SELECT count(*) FROM checkins AS k
            WHERE k.guild_id = :g AND k.user_id = m.user_id
              AND k.local_date >= s.checkpoint AND k.local_date < :mon
        ) BETWEEN {RECAP_MILESTONE_DAYS - 7} AND {RECAP_MILESTONE_DAYS - 1})
)
ORDER BY m.user_id
"""

# The members' pauses: a seek on pauses_member per member (:ids, a JSON array).
_PAUSES = """
SELECT p.user_id, p.start_date, p.end_date
FROM pauses AS p
WHERE p.guild_id = :g AND p.user_id IN (SELECT value FROM json_each(:ids))
  AND p.start_date <= :sun
ORDER BY p.user_id, p.start_date, p.id
"""


class _Dates(dict[str, date]):
    """ISO date text to ``date``, each distinct text parsed once (a recap reads a few thousand
    members' histories: hundreds of thousands of dates, but only a few hundred distinct)."""

    def __missing__(self, text: str) -> date:
        parsed = self[text] = date.fromisoformat(text)
        return parsed


def _carry(row: Any, days: frozenset[date], dates: _Dates) -> Carry:
    carry = carry_from_row(row, dates.__getitem__)
    if carry is None:
        # No usable carry: ``days`` is the whole history, from the Monday of its first day.
        return Carry.empty(monday_of(min(days)), int(row["weekly_target"]))
    return carry


async def _histories(
    db: Database, members_sql: str, guild_id: int, week_start: date
) -> list[MemberHistory]:
    """The members ``members_sql`` chooses (user_id, weekly_target, days as text, and the
    carry's columns: a NULL checkpoint means the days are the whole history), with their
    pauses."""
    sunday = week_start + timedelta(days=_DAYS_PER_WEEK - 1)
    params: dict[str, object] = {
        "g": guild_id,
        "mon": week_start.isoformat(),
        "sun": sunday.isoformat(),
        "last_mon": (week_start - timedelta(days=_DAYS_PER_WEEK)).isoformat(),
    }
    chosen = await db.fetchall(members_sql, params)
    if not chosen:
        return []
    params["ids"] = json.dumps([row["user_id"] for row in chosen])
    dates = _Dates()
    pauses: dict[int, list[PausePeriod]] = {}
    for row in await db.fetchall(_PAUSES, params):
        end = dates[row["end_date"]] if row["end_date"] else None
        pauses.setdefault(row["user_id"], []).append(PausePeriod(dates[row["start_date"]], end))
    members = []
    for row in chosen:
        days = frozenset(map(dates.__getitem__, row["days"].split(",")))
        members.append(
            MemberHistory(
                user_id=row["user_id"],
                carry=_carry(row, days, dates),
                days=days,
                pauses=tuple(pauses.get(row["user_id"], ())),
                weekly_target=int(row["weekly_target"]),
            )
        )
    return members


async def celebrated_members(db: Database, guild_id: int, week_start: date) -> list[MemberHistory]:
    """Every member with ``celebrate_me`` on who checked in during the week, with their whole
    history up to the week's Sunday and their pauses. Ordered by user id.

    The reference :func:`milestone_candidates` is checked against (tests, benchmarks); the
    recap itself never reads whole histories."""
    return await _histories(db, _CELEBRATED, guild_id, week_start)


async def milestone_candidates(
    db: Database, guild_id: int, week_start: date
) -> list[MemberHistory]:
    """The members of :func:`celebrated_members` who may reach a milestone this week, each
    with their stored carry and the days since its checkpoint (the whole history when they
    have no usable carry). ``milestones()`` over these gives exactly what it gives over
    :func:`celebrated_members`, while reading a few weeks of a few members instead of a year
    of thousands. Ordered by user id."""
    return await _histories(db, _CANDIDATES, guild_id, week_start)
