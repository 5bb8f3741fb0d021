"""Members, their check-ins, reasons and pauses, their stored numbers, and the bot's own state."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.rules.journey import Carry
from storage.db import Database
from storage.models import (
    Checkin,
    CheckinWrite,
    Group,
    History,
    Member,
    Pause,
    Reason,
)

MAX_REASONS = 10


def utc_text(instant: datetime) -> str:
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def parse_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _member(row: Any) -> Member:
    return Member(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        timezone=row["timezone"],
        weekly_target=row["weekly_target"],
        celebrate_me=bool(row["celebrate_me"]),
        morning_dm=bool(row["morning_dm"]),
        morning_dm_time=row["morning_dm_time"],
        recap_dm=bool(row["recap_dm"]),
        dm_state=row["dm_state"],
        first_day=date.fromisoformat(row["first_day"]),
        patience_dm=bool(row["patience_dm"]),
        left=row["left_at"] is not None,
    )


def _checkin(row: Any) -> Checkin:
    return Checkin(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        local_date=date.fromisoformat(row["local_date"]),
        kind=row["kind"],
        note=row["note"],
        created_at=parse_utc_text(row["created_at"]),
        updated_at=parse_utc_text(row["updated_at"]),
    )


def _pause(row: Any) -> Pause:
    return Pause(
        id=row["id"],
        start_date=date.fromisoformat(row["start_date"]),
        end_date=date.fromisoformat(row["end_date"]) if row["end_date"] else None,
        reason=row["reason"],
    )


# --------------------------------------------------------------------------- groups


async def ensure_group(db: Database, guild_id: int, default_timezone: str, now: datetime) -> Group:
    """The group's row, created with the default timezone the first time it is seen."""
    row = await db.fetchone("SELECT guild_id, timezone FROM groups WHERE guild_id = ?", (guild_id,))
    if row is None:
        async with db.transaction() as conn:
            await conn.execute(
                # Buddies are on by default, from now: earlier weeks were never due.
                "INSERT OR IGNORE INTO groups (guild_id, timezone, created_at, buddies_since) "
                "VALUES (?, ?, ?, ?)",
                (guild_id, default_timezone, utc_text(now), utc_text(now)),
            )
        row = await db.fetchone(
            "SELECT guild_id, timezone FROM groups WHERE guild_id = ?", (guild_id,)
        )
    assert row is not None
    return Group(guild_id=row["guild_id"], timezone=row["timezone"])


# --------------------------------------------------------------------------- members


async def get_member(db: Database, guild_id: int, user_id: int) -> Member | None:
    row = await db.fetchone(
        "SELECT * FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return _member(row) if row else None


async def insert_member(
    conn: Any, guild_id: int, user_id: int, first_day: date, now: datetime
) -> None:
    await conn.execute(
        "INSERT OR IGNORE INTO members (guild_id, user_id, first_day, created_at) "
        "VALUES (?, ?, ?, ?)",
        (guild_id, user_id, first_day.isoformat(), utc_text(now)),
    )


async def ensure_member(
    db: Database, guild_id: int, user_id: int, first_day: date, now: datetime
) -> Member:
    member = await get_member(db, guild_id, user_id)
    if member is None:
        async with db.transaction() as conn:
            await insert_member(conn, guild_id, user_id, first_day, now)
        member = await get_member(db, guild_id, user_id)
    assert member is not None
    return member


_MEMBER_SETTINGS = frozenset(
    {
        "timezone",
        "weekly_target",
        "celebrate_me",
        "morning_dm",
        "morning_dm_time",
        "recap_dm",
        "patience_dm",
    }
)


async def update_member(
    db: Database,
    guild_id: int,
    user_id: int,
    *,
    first_day: date,
    now: datetime,
    **changes: Any,
) -> Member:
    """Change member settings (creating the member if needed) in one transaction."""
    unknown = set(changes) - _MEMBER_SETTINGS
    if unknown or not changes:
        raise ValueError(f"not a member setting: {sorted(unknown)}")
    # Column names come from the fixed allow-list above; values are always bound.
    assignments = ", ".join(f"{column} = ?" for column in changes)
    async with db.transaction() as conn:
        await insert_member(conn, guild_id, user_id, first_day, now)
        await conn.execute(
            f"UPDATE members SET {assignments} WHERE guild_id = ? AND user_id = ?",
            (*changes.values(), guild_id, user_id),
        )
    member = await get_member(db, guild_id, user_id)
    assert member is not None
    return member


# --------------------------------------------------------------------------- check-ins


# Plan one personal DM (guild, user, kind, period, due, updated): a row already planned for
# that kind and period is let be. ON CONFLICT rather than OR IGNORE, which would also swallow
# a failed CHECK (an unknown kind).
PLAN_DM = (
    "INSERT INTO personal_dms (guild_id, user_id, kind, period, due_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, kind, period) DO NOTHING"
)


async def record_checkin(
    db: Database,
    *,
    guild_id: int,
    user_id: int,
    local_date: date,
    kind: str,
    note: str | None,
    first_day: date,
    now: datetime,
    carry: Carry | None = None,
    quiet: tuple[str, datetime] | None = None,
    follow_up: tuple[str, str, datetime] | None = None,
    member_exists: bool = False,
) -> CheckinWrite:
    """Insert the day's check-in or update it: one row per member per local day.

    Without a new note, a same-day update keeps the note already written. In the same
    transaction: store ``carry`` (the member's numbers before its checkpoint) when given, and
    plan the gentle DM after a quiet week when ``quiet`` (its period and instant) is given,
    and the personal DM ``follow_up`` (kind, period, instant) unless that period has one.
    """
    stamp = utc_text(now)
    day = local_date.isoformat()

    def write(conn: sqlite3.Connection) -> tuple[Any, bool]:
        if not member_exists:
            conn.execute(
                "INSERT OR IGNORE INTO members (guild_id, user_id, first_day, created_at) "
                "VALUES (?, ?, ?, ?)",
                (guild_id, user_id, first_day.isoformat(), stamp),
            )
        row = conn.execute(
            "INSERT INTO checkins (guild_id, user_id, local_date, kind, note, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id, local_date) DO NOTHING RETURNING *",
            (guild_id, user_id, day, kind, note, stamp, stamp),
        ).fetchone()
        created = row is not None
        if row is None:
            row = conn.execute(
                "UPDATE checkins SET kind = ?, note = COALESCE(?, note), updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND local_date = ? RETURNING *",
                (kind, note, stamp, guild_id, user_id, day),
            ).fetchone()
        if carry is not None:
            conn.execute(_SAVE_CARRY, _carry_params(guild_id, user_id, carry))
        if quiet is not None:
            # The member's one pending quiet-week DM moves to the new date (one statement in
            # the usual case); the first one is inserted.
            period, due = quiet
            moved = conn.execute(
                "UPDATE OR IGNORE personal_dms SET period = ?, due_at = ?, updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND kind = 'quiet' AND status = 'pending' "
                "RETURNING id",
                (period, utc_text(due), stamp, guild_id, user_id),
            ).fetchall()
            if not moved:
                conn.execute(PLAN_DM, (guild_id, user_id, "quiet", period, utc_text(due), stamp))
        if follow_up is not None:
            dm_kind, dm_period, dm_due = follow_up
            conn.execute(PLAN_DM, (guild_id, user_id, dm_kind, dm_period, utc_text(dm_due), stamp))
        return row, created

    row, created = await db.run_transaction(write)
    assert row is not None
    return CheckinWrite(checkin=_checkin(row), created=created)


# --------------------------------------------------------------------------- stored carry
# A Carry is a member_stats row. The one mapping, both ways: queries that read a carry select
# CARRY_COLUMNS (``s`` being member_stats, each column named ``carry_<field>``) and build it
# with carry_from_row; every write binds _carry_params into _SAVE_CARRY.

_CARRY_FIELDS = (
    "checkpoint",
    "days",
    "rest_days",
    "first_day",
    "longest",
    "run_in",
    "rhythm_in",
    "rhythm_target",
)
CARRY_COLUMNS = ", ".join(f"s.{field} AS carry_{field}" for field in _CARRY_FIELDS)


def carry_from_row(
    row: Any, parse_date: Callable[[str], date] = date.fromisoformat
) -> Carry | None:
    """The carry in a row holding CARRY_COLUMNS; None where it has no checkpoint (no stored
    carry, or none the query could use). ``parse_date`` turns ISO text into a date."""
    if row["carry_checkpoint"] is None:
        return None
    return Carry(
        checkpoint=parse_date(row["carry_checkpoint"]),
        days=int(row["carry_days"]),
        rest_days=int(row["carry_rest_days"]),
        first_day=parse_date(row["carry_first_day"]) if row["carry_first_day"] else None,
        longest=int(row["carry_longest"]),
        run_in=int(row["carry_run_in"]),
        rhythm_in=int(row["carry_rhythm_in"]),
        rhythm_target=int(row["carry_rhythm_target"]),
    )


_SAVE_CARRY = (
    f"INSERT INTO member_stats (guild_id, user_id, {', '.join(_CARRY_FIELDS)}) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
    + ", ".join(f"{field} = excluded.{field}" for field in _CARRY_FIELDS)
)


def _carry_params(guild_id: int, user_id: int, carry: Carry) -> tuple[object, ...]:
    """_SAVE_CARRY's parameters: the member, then the carry's fields in _CARRY_FIELDS order."""
    return (
        guild_id,
        user_id,
        carry.checkpoint.isoformat(),
        carry.days,
        carry.rest_days,
        carry.first_day.isoformat() if carry.first_day else None,
        carry.longest,
        carry.run_in,
        carry.rhythm_in,
        carry.rhythm_target,
    )


async def save_carry(conn: Any, guild_id: int, user_id: int, carry: Carry) -> None:
    await conn.execute(_SAVE_CARRY, _carry_params(guild_id, user_id, carry))


async def store_carry(db: Database, guild_id: int, user_id: int, carry: Carry) -> None:
    async with db.transaction() as conn:
        await save_carry(conn, guild_id, user_id, carry)


@dataclass(frozen=True)
class MemberState:
    """Everything /checkin and /journey read about a member, in one statement."""

    group: Group | None
    member: Member | None
    carry: Carry | None
    reflections: int
    pauses: list[Pause]
    days: dict[date, str]  # local date -> kind, on or after carry.checkpoint (all without)


_MEMBER_STATE = f"""
SELECT g.guild_id AS g_guild_id, g.timezone AS g_timezone, m.*, {CARRY_COLUMNS},
       (SELECT count(*) FROM reflections AS r WHERE r.guild_id = ?1 AND r.user_id = ?2)
           AS reflections,
       (SELECT json_group_array(json_array(p.id, p.start_date, p.end_date, p.reason))
        FROM pauses AS p WHERE p.guild_id = ?1 AND p.user_id = ?2) AS pauses_json,
       (SELECT json_group_array(json_array(c.local_date, c.kind)) FROM checkins AS c
        WHERE c.guild_id = ?1 AND c.user_id = ?2
          AND c.local_date >= coalesce(s.checkpoint, '')) AS days_json
FROM (SELECT 1)
LEFT JOIN groups AS g ON g.guild_id = ?1
LEFT JOIN members AS m ON m.guild_id = ?1 AND m.user_id = ?2
LEFT JOIN member_stats AS s ON s.guild_id = ?1 AND s.user_id = ?2
"""


async def member_state(db: Database, guild_id: int, user_id: int) -> MemberState:
    row = await db.fetchone(_MEMBER_STATE, (guild_id, user_id))
    assert row is not None
    group = Group(row["g_guild_id"], row["g_timezone"]) if row["g_guild_id"] else None
    member = _member(row) if row["user_id"] is not None else None
    carry = carry_from_row(row)
    pauses = sorted(
        (
            Pause(pid, date.fromisoformat(start), date.fromisoformat(end) if end else None, why)
            for pid, start, end, why in json.loads(row["pauses_json"])
        ),
        key=lambda p: (p.start_date, p.id),
    )
    days = {date.fromisoformat(d): kind for d, kind in json.loads(row["days_json"])}
    return MemberState(group, member, carry, int(row["reflections"]), pauses, days)


async def member_days(
    db: Database, guild_id: int, user_id: int, since: date | None = None
) -> list[tuple[date, str]]:
    """The member's check-in days and kinds, all of them or from ``since`` on."""
    rows = await db.fetchall(
        "SELECT local_date, kind FROM checkins WHERE guild_id = ? AND user_id = ? "
        "AND local_date >= ?",
        (guild_id, user_id, since.isoformat() if since else ""),
    )
    return [(date.fromisoformat(r["local_date"]), r["kind"]) for r in rows]


async def get_checkin(db: Database, checkin_id: int) -> Checkin | None:
    row = await db.fetchone("SELECT * FROM checkins WHERE id = ?", (checkin_id,))
    return _checkin(row) if row else None


async def member_history(db: Database, guild_id: int, user_id: int) -> History:
    """The member's whole history: every check-in day, rest days, reflections and pauses.

    The reference the kept numbers (the stored carry and the few weeks since it, which the
    bot reads) are checked against, in the tests and benchmarks. It reads every check-in the
    member ever made: the bot's own paths should not need it (only for a count, use
    :func:`reflection_count`)."""
    rows = await db.fetchall(
        "SELECT local_date, kind FROM checkins WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    reflections = await reflection_count(db, guild_id, user_id)
    pauses = await list_pauses(db, guild_id, user_id)
    return History(
        days=frozenset(date.fromisoformat(r["local_date"]) for r in rows),
        rest_days=sum(1 for r in rows if r["kind"] == "rest"),
        reflections=reflections,
        pauses=tuple(pauses),
    )


async def reflection_count(db: Database, guild_id: int, user_id: int) -> int:
    """How many reflections the member wrote: one index range, no check-ins read."""
    row = await db.fetchone(
        "SELECT count(*) FROM reflections WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return int(row[0]) if row else 0


async def set_shared_post(db: Database, checkin_id: int, channel_id: int, message_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO shared_checkins (checkin_id, channel_id, message_id) VALUES (?, ?, ?) "
            "ON CONFLICT (checkin_id) DO UPDATE SET channel_id = excluded.channel_id, "
            "message_id = excluded.message_id",
            (checkin_id, channel_id, message_id),
        )


async def add_cheer(
    db: Database, checkin_id: int, guild_id: int, user_id: int, now: datetime
) -> tuple[bool, int]:
    """Record one member's cheer; returns (whether it was new, the check-in's cheer count).
    The cheerer gets a member row (first seen on the check-in's day) so their cheers are found
    by /mydata and the retention purge."""
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT local_date FROM checkins WHERE id = ?", (checkin_id,)
        ) as day_cursor:
            day_row = await day_cursor.fetchone()
        if day_row is not None:
            first_day = date.fromisoformat(day_row[0])
            await insert_member(conn, guild_id, user_id, first_day, now)
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO cheers (checkin_id, guild_id, user_id, created_at) "
            "VALUES (?, ?, ?, ?)",
            (checkin_id, guild_id, user_id, utc_text(now)),
        )
        added = cursor.rowcount == 1
        await cursor.close()
        async with conn.execute(
            "SELECT count(*) FROM cheers WHERE checkin_id = ?", (checkin_id,)
        ) as count_cursor:
            row = await count_cursor.fetchone()
    return added, int(row[0]) if row else 0


# --------------------------------------------------------------------------- reasons


async def list_reasons(db: Database, guild_id: int, user_id: int) -> list[Reason]:
    rows = await db.fetchall(
        "SELECT id, text, created_at FROM reasons WHERE guild_id = ? AND user_id = ? ORDER BY id",
        (guild_id, user_id),
    )
    return [Reason(r["id"], r["text"], parse_utc_text(r["created_at"])) for r in rows]


async def add_reason(
    db: Database, guild_id: int, user_id: int, text: str, *, first_day: date, now: datetime
) -> int | None:
    """Store a reason; returns how many the member now has, or None at the limit."""
    async with db.transaction() as conn:
        await insert_member(conn, guild_id, user_id, first_day, now)
        async with conn.execute(
            "SELECT count(*) FROM reasons WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        ) as cursor:
            row = await cursor.fetchone()
        count = int(row[0]) if row else 0
        if count >= MAX_REASONS:
            return None
        await conn.execute(
            "INSERT INTO reasons (guild_id, user_id, text, created_at) VALUES (?, ?, ?, ?)",
            (guild_id, user_id, text, utc_text(now)),
        )
    return count + 1


async def remove_reason(db: Database, guild_id: int, user_id: int, number: int) -> Reason | None:
    """Remove the member's ``number``-th reason as listed (1-based); None if there is none."""
    if number < 1:
        return None
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT id, text, created_at FROM reasons WHERE guild_id = ? AND user_id = ? "
            "ORDER BY id LIMIT 1 OFFSET ?",
            (guild_id, user_id, number - 1),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        await conn.execute("DELETE FROM reasons WHERE id = ?", (row["id"],))
    return Reason(row["id"], row["text"], parse_utc_text(row["created_at"]))


# --------------------------------------------------------------------------- pauses


def pause_covers(first: str, last: str | None = None, *, alias: str = "") -> str:
    """The one rule for which days a pause covers, as an SQL condition on a ``pauses`` row
    (``alias``, if the query names the table): the row covers a day from ``first`` through
    ``last`` (SQL expressions, a parameter or a column; by default the one day ``first``).
    A pause covers the days from its start date up to, not including, its end date: the end
    date counts again, and an open pause (no end date) covers every day from its start."""
    p = f"{alias}." if alias else ""
    return f"{p}start_date <= {last or first} AND ({p}end_date IS NULL OR {p}end_date > {first})"


# The pause covering day ?3 of member (?1, ?2), the latest started if there were several.
_ACTIVE_PAUSE = (
    "SELECT id, start_date, end_date, reason FROM pauses "
    f"WHERE guild_id = ?1 AND user_id = ?2 AND {pause_covers('?3')} "
    "ORDER BY start_date DESC LIMIT 1"
)


async def list_pauses(db: Database, guild_id: int, user_id: int) -> list[Pause]:
    """Every pause of the member, in order (for :func:`member_history` and the tests; the bot
    reads pauses with :func:`member_state`)."""
    rows = await db.fetchall(
        "SELECT id, start_date, end_date, reason FROM pauses "
        "WHERE guild_id = ? AND user_id = ? ORDER BY start_date, id",
        (guild_id, user_id),
    )
    return [_pause(r) for r in rows]


async def active_pause(db: Database, guild_id: int, user_id: int, today: date) -> Pause | None:
    """The pause covering ``today`` (started on or before it and not yet ended)."""
    row = await db.fetchone(_ACTIVE_PAUSE, (guild_id, user_id, today.isoformat()))
    return _pause(row) if row else None


async def start_pause(
    db: Database,
    guild_id: int,
    user_id: int,
    *,
    start: date,
    until: date | None,
    reason: str | None,
    first_day: date,
    now: datetime,
) -> Pause | None:
    """Open a pause from ``start``; None (and nothing written) if one already covers it."""
    async with db.transaction() as conn:
        await insert_member(conn, guild_id, user_id, first_day, now)
        async with conn.execute(_ACTIVE_PAUSE, (guild_id, user_id, start.isoformat())) as cursor:
            if await cursor.fetchone() is not None:
                return None
        async with conn.execute(
            "INSERT INTO pauses (guild_id, user_id, start_date, end_date, reason, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id, start_date, end_date, reason",
            (
                guild_id,
                user_id,
                start.isoformat(),
                until.isoformat() if until else None,
                reason,
                utc_text(now),
            ),
        ) as cursor:
            row = await cursor.fetchone()
    return _pause(row)


async def end_pause(db: Database, guild_id: int, user_id: int, today: date) -> Pause | None:
    """End the pause covering ``today`` so that today counts again.

    A pause that started today is removed entirely (it never covered a whole day).
    """
    async with db.transaction() as conn:
        async with conn.execute(_ACTIVE_PAUSE, (guild_id, user_id, today.isoformat())) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        pause = _pause(row)
        if pause.start_date >= today:
            await conn.execute("DELETE FROM pauses WHERE id = ?", (pause.id,))
        else:
            await conn.execute(
                "UPDATE pauses SET end_date = ? WHERE id = ?", (today.isoformat(), pause.id)
            )
    return Pause(pause.id, pause.start_date, today, pause.reason)


# --------------------------------------------------------------------------- bot state


async def get_state(db: Database, key: str) -> str | None:
    row = await db.fetchone("SELECT value FROM bot_state WHERE key = ?", (key,))
    return str(row["value"]) if row else None


async def set_state(db: Database, key: str, value: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


async def table_names(db: Database) -> Sequence[str]:
    rows = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [r["name"] for r in rows]
