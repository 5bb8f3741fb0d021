"""Queries for peer encouragement: encouragements, cheers summaries and weekly buddies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from storage.db import Database
from storage.member_records import PLAN_DM, insert_member, parse_utc_text, pause_covers, utc_text


async def last_encouragement(
    db: Database, guild_id: int, sender_id: int, target_id: int
) -> datetime | None:
    row = await db.fetchone(
        "SELECT max(created_at) FROM encouragements "
        "WHERE guild_id = ? AND sender_id = ? AND target_id = ?",
        (guild_id, sender_id, target_id),
    )
    return parse_utc_text(row[0]) if row and row[0] else None


async def add_encouragement(
    db: Database,
    guild_id: int,
    sender_id: int,
    target_id: int,
    *,
    public: bool,
    today: date,
    now: datetime,
) -> None:
    """Store that it happened (never the words). Both people get a member row, so the
    retention purge and /mydata find the row even for a target who never used the bot."""
    async with db.transaction() as conn:
        await insert_member(conn, guild_id, sender_id, today, now)
        await insert_member(conn, guild_id, target_id, today, now)
        await conn.execute(
            "INSERT INTO encouragements (guild_id, sender_id, target_id, public, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (guild_id, sender_id, target_id, int(public), utc_text(now)),
        )


async def cheers_received(
    db: Database, guild_id: int, user_id: int, start: datetime, end: datetime
) -> int:
    """Cheers on the member's check-ins given in (start, end]: a total, never who gave them."""
    row = await db.fetchone(
        "SELECT count(*) FROM cheers JOIN checkins ON checkins.id = cheers.checkin_id "
        "WHERE checkins.guild_id = ? AND checkins.user_id = ? "
        "AND cheers.created_at > ? AND cheers.created_at <= ?",
        (guild_id, user_id, utc_text(start), utc_text(end)),
    )
    return int(row[0]) if row else 0


# --------------------------------------------------------------------------- buddies


async def join_buddies(
    db: Database, guild_id: int, user_id: int, *, first_day: date, now: datetime
) -> bool:
    """True if the member joined now, False if they had already."""
    async with db.transaction() as conn:
        await insert_member(conn, guild_id, user_id, first_day, now)
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO buddy_members (guild_id, user_id, joined_at) VALUES (?, ?, ?)",
            (guild_id, user_id, utc_text(now)),
        )
        joined = cursor.rowcount == 1
        await cursor.close()
    return joined


async def leave_buddies(db: Database, guild_id: int, user_id: int) -> bool:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "DELETE FROM buddy_members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        left = cursor.rowcount == 1
        await cursor.close()
    return left


async def buddy_candidates(db: Database, guild_id: int, today: date) -> list[int]:
    """Members who joined buddies, are not paused today and whose DMs are not closed."""
    rows = await db.fetchall(
        "SELECT b.user_id FROM buddy_members b JOIN members m "
        "ON m.guild_id = b.guild_id AND m.user_id = b.user_id "
        "WHERE b.guild_id = ?1 AND m.dm_state != 'closed' AND NOT EXISTS ("
        "  SELECT 1 FROM pauses p WHERE p.guild_id = b.guild_id AND p.user_id = b.user_id "
        f"  AND {pause_covers('?2', alias='p')}) "
        "ORDER BY b.user_id",
        (guild_id, today.isoformat()),
    )
    return [int(r[0]) for r in rows]


async def week_paired(db: Database, guild_id: int, week: date) -> bool:
    row = await db.fetchone(
        "SELECT 1 FROM buddy_weeks WHERE guild_id = ? AND week = ?", (guild_id, week.isoformat())
    )
    return row is not None


async def recent_groups(
    db: Database, guild_id: int, since: date, before: date
) -> list[frozenset[int]]:
    rows = await db.fetchall(
        "SELECT week, pair_no, user_id FROM buddy_pairs WHERE guild_id = ? "
        "AND week >= ? AND week < ? ORDER BY week, pair_no",
        (guild_id, since.isoformat(), before.isoformat()),
    )
    groups: dict[tuple[str, int], set[int]] = {}
    for row in rows:
        groups.setdefault((row["week"], row["pair_no"]), set()).add(int(row["user_id"]))
    return [frozenset(g) for g in groups.values()]


async def save_pairing(
    db: Database,
    guild_id: int,
    week: date,
    groups: Sequence[tuple[int, ...]],
    *,
    due_at: datetime,
    now: datetime,
) -> bool:
    """Record the week's pairing and plan each member's introduction DM, in one transaction.
    False (and nothing written) if the week was paired already."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO buddy_weeks (guild_id, week, created_at) VALUES (?, ?, ?)",
            (guild_id, week.isoformat(), utc_text(now)),
        )
        fresh = cursor.rowcount == 1
        await cursor.close()
        if not fresh:
            return False
        for pair_no, group in enumerate(groups):
            for user_id in group:
                await conn.execute(
                    "INSERT INTO buddy_pairs (guild_id, week, pair_no, user_id) "
                    "VALUES (?, ?, ?, ?)",
                    (guild_id, week.isoformat(), pair_no, user_id),
                )
                await conn.execute(
                    PLAN_DM,
                    (
                        guild_id,
                        user_id,
                        "buddies",
                        week.isoformat(),
                        utc_text(due_at),
                        utc_text(now),
                    ),
                )
    return True


async def buddies_of(db: Database, guild_id: int, week: str, user_id: int) -> list[int]:
    rows = await db.fetchall(
        "SELECT other.user_id FROM buddy_pairs me JOIN buddy_pairs other "
        "ON other.guild_id = me.guild_id AND other.week = me.week "
        "AND other.pair_no = me.pair_no AND other.user_id != me.user_id "
        "WHERE me.guild_id = ? AND me.week = ? AND me.user_id = ? ORDER BY other.user_id",
        (guild_id, week, user_id),
    )
    return [int(r[0]) for r in rows]
