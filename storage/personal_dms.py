"""Queries for private things: DM state, wins, reflections and the personal DMs due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.db import Database
from storage.member_records import PLAN_DM, insert_member, parse_utc_text, utc_text


@dataclass(frozen=True)
class DueDM:
    id: int
    guild_id: int
    user_id: int
    kind: str
    period: str
    due_at: datetime
    status: str


def _due(row: Any) -> DueDM:
    return DueDM(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        kind=row["kind"],
        period=row["period"],
        due_at=parse_utc_text(row["due_at"]),
        status=row["status"],
    )


async def schedule_dm(
    db: Database,
    guild_id: int,
    user_id: int,
    kind: str,
    period: str,
    due_at: datetime,
    now: datetime,
    *,
    replace_pending: bool = False,
) -> None:
    """Plan one personal DM. ``replace_pending`` first drops that kind's pending rows (a new
    time, a new last check-in); a period already planned is kept as it is."""
    async with db.transaction() as conn:
        if replace_pending:
            await conn.execute(
                "DELETE FROM personal_dms WHERE guild_id = ? AND user_id = ? AND kind = ? "
                "AND status = 'pending'",
                (guild_id, user_id, kind),
            )
        await conn.execute(
            PLAN_DM, (guild_id, user_id, kind, period, utc_text(due_at), utc_text(now))
        )


async def cancel_pending(db: Database, guild_id: int, user_id: int, kind: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "DELETE FROM personal_dms WHERE guild_id = ? AND user_id = ? AND kind = ? "
            "AND status = 'pending'",
            (guild_id, user_id, kind),
        )


async def due_dms(db: Database, now: datetime, limit: int = 500) -> list[DueDM]:
    """Personal DMs due by ``now``, oldest first (pending, or claimed and never confirmed)."""
    rows = await db.fetchall(
        "SELECT * FROM personal_dms WHERE status IN ('pending', 'claimed') AND due_at <= ? "
        "ORDER BY due_at LIMIT ?",
        (utc_text(now), limit),
    )
    return [_due(r) for r in rows]


async def pending_dms(db: Database, guild_id: int, user_id: int) -> list[DueDM]:
    rows = await db.fetchall(
        "SELECT * FROM personal_dms WHERE guild_id = ? AND user_id = ? AND status = 'pending' "
        "ORDER BY due_at",
        (guild_id, user_id),
    )
    return [_due(r) for r in rows]


async def claim_dm(db: Database, dm_id: int, now: datetime) -> bool:
    """Mark a due DM as being sent; False if it was finished meanwhile."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE personal_dms SET status = 'claimed', updated_at = ? "
            "WHERE id = ? AND status IN ('pending', 'claimed')",
            (utc_text(now), dm_id),
        )
        claimed = cursor.rowcount == 1
        await cursor.close()
    return claimed


async def finish_dm(
    db: Database, dm_id: int, status: str, now: datetime, detail: str | None = None
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE personal_dms SET status = ?, detail = ?, updated_at = ? WHERE id = ?",
            (status, detail, utc_text(now), dm_id),
        )


# --------------------------------------------------------------------------- DM state


async def dm_channel(db: Database, user_id: int) -> int | None:
    row = await db.fetchone(
        "SELECT dm_channel_id FROM members WHERE user_id = ? AND dm_channel_id IS NOT NULL LIMIT 1",
        (user_id,),
    )
    return int(row[0]) if row else None


async def set_dm_channel(db: Database, user_id: int, channel_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE members SET dm_channel_id = ? WHERE user_id = ?", (channel_id, user_id)
        )


async def forget_dm_channel(db: Database, user_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE members SET dm_channel_id = NULL WHERE user_id = ?", (user_id,))


async def dms_closed(db: Database, user_id: int) -> bool:
    row = await db.fetchone(
        "SELECT 1 FROM members WHERE user_id = ? AND dm_state = 'closed' LIMIT 1", (user_id,)
    )
    return row is not None


async def set_dm_state(db: Database, user_id: int, state: str) -> None:
    """DMs are one per person, not per group: the state applies to all their groups.
    Closing also leaves a notice to show them once, privately, in the server."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE members SET dm_state = ?, dm_notice_pending = (? = 'closed') WHERE user_id = ?",
            (state, state, user_id),
        )


async def take_dm_notice(db: Database, guild_id: int, user_id: int) -> bool:
    """True once after the bot found the member's DMs closed (the flag is cleared)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE members SET dm_notice_pending = 0 WHERE user_id = ? AND dm_notice_pending = 1",
            (user_id,),
        )
        taken = cursor.rowcount > 0
        await cursor.close()
    return taken


async def reopen_dms(db: Database, user_id: int) -> None:
    """The member asked for DMs again (/settings or a command that needs them): try once."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE members SET dm_state = 'unknown', dm_notice_pending = 0 "
            "WHERE user_id = ? AND dm_state = 'closed'",
            (user_id,),
        )


# --------------------------------------------------------------------------- wins, reflections


async def add_win(
    db: Database,
    guild_id: int,
    user_id: int,
    *,
    local_date: date,
    what: str | None,
    first_day: date,
    now: datetime,
) -> int:
    async with db.transaction() as conn:
        await insert_member(conn, guild_id, user_id, first_day, now)
        async with conn.execute(
            "INSERT INTO wins (guild_id, user_id, local_date, what, created_at) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            (guild_id, user_id, local_date.isoformat(), what, utc_text(now)),
        ) as cursor:
            row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def get_win(db: Database, win_id: int) -> Any:
    return await db.fetchone("SELECT * FROM wins WHERE id = ?", (win_id,))


async def mark_win_shared(db: Database, win_id: int) -> bool:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE wins SET shared = 1 WHERE id = ? AND shared = 0", (win_id,)
        )
        changed = cursor.rowcount == 1
        await cursor.close()
    return changed


async def add_reflection(
    db: Database,
    guild_id: int,
    user_id: int,
    *,
    what_happened: str | None,
    lesson: str | None,
    next_step: str | None,
    first_day: date,
    now: datetime,
) -> int:
    async with db.transaction() as conn:
        await insert_member(conn, guild_id, user_id, first_day, now)
        async with conn.execute(
            "INSERT INTO reflections (guild_id, user_id, what_happened, lesson, next_step, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (guild_id, user_id, what_happened, lesson, next_step, utc_text(now)),
        ) as cursor:
            row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def last_checkin_day(db: Database, guild_id: int, user_id: int) -> date | None:
    row = await db.fetchone(
        "SELECT max(local_date) FROM checkins WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return date.fromisoformat(row[0]) if row and row[0] else None
