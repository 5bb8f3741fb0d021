"""Repositories: every query the bot runs, with bound parameters only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

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
) -> CheckinWrite:
    """Insert the day's check-in or update it: one row per member per local day.

    Without a new note, a same-day update keeps the note already written.
    """
    stamp = utc_text(now)
    async with db.transaction() as conn:
        await insert_member(conn, guild_id, user_id, first_day, now)
        async with conn.execute(
            "SELECT 1 FROM checkins WHERE guild_id = ? AND user_id = ? AND local_date = ?",
            (guild_id, user_id, local_date.isoformat()),
        ) as cursor:
            existed = await cursor.fetchone() is not None
        async with conn.execute(
            "INSERT INTO checkins (guild_id, user_id, local_date, kind, note, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id, local_date) DO UPDATE SET "
            "kind = excluded.kind, note = COALESCE(excluded.note, checkins.note), "
            "updated_at = excluded.updated_at "
            "RETURNING *",
            (guild_id, user_id, local_date.isoformat(), kind, note, stamp, stamp),
        ) as cursor:
            row = await cursor.fetchone()
    assert row is not None
    return CheckinWrite(checkin=_checkin(row), created=not existed)


async def get_checkin(db: Database, checkin_id: int) -> Checkin | None:
    row = await db.fetchone("SELECT * FROM checkins WHERE id = ?", (checkin_id,))
    return _checkin(row) if row else None


async def member_history(db: Database, guild_id: int, user_id: int) -> History:
    rows = await db.fetchall(
        "SELECT local_date, kind FROM checkins WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    reflections = await db.fetchone(
        "SELECT count(*) FROM reflections WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    pauses = await list_pauses(db, guild_id, user_id)
    return History(
        days=frozenset(date.fromisoformat(r["local_date"]) for r in rows),
        rest_days=sum(1 for r in rows if r["kind"] == "rest"),
        reflections=int(reflections[0]) if reflections else 0,
        pauses=tuple(pauses),
    )


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


async def list_pauses(db: Database, guild_id: int, user_id: int) -> list[Pause]:
    rows = await db.fetchall(
        "SELECT id, start_date, end_date, reason FROM pauses "
        "WHERE guild_id = ? AND user_id = ? ORDER BY start_date, id",
        (guild_id, user_id),
    )
    return [_pause(r) for r in rows]


async def active_pause(db: Database, guild_id: int, user_id: int, today: date) -> Pause | None:
    """The pause covering ``today`` (started on or before it and not yet ended)."""
    row = await db.fetchone(
        "SELECT id, start_date, end_date, reason FROM pauses "
        "WHERE guild_id = ? AND user_id = ? AND start_date <= ? "
        "AND (end_date IS NULL OR end_date > ?) ORDER BY start_date DESC LIMIT 1",
        (guild_id, user_id, today.isoformat(), today.isoformat()),
    )
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
        async with conn.execute(
            "SELECT 1 FROM pauses WHERE guild_id = ? AND user_id = ? AND start_date <= ? "
            "AND (end_date IS NULL OR end_date > ?)",
            (guild_id, user_id, start.isoformat(), start.isoformat()),
        ) as cursor:
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
        async with conn.execute(
            "SELECT id, start_date, end_date, reason FROM pauses "
            "WHERE guild_id = ? AND user_id = ? AND start_date <= ? "
            "AND (end_date IS NULL OR end_date > ?) ORDER BY start_date DESC LIMIT 1",
            (guild_id, user_id, today.isoformat(), today.isoformat()),
        ) as cursor:
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
