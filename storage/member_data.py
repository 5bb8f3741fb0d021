"""A member's own data: everything about them in one group, to export or to delete; and the
retention purge for members who left and groups that removed the bot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.db import Database
from storage.member_records import utc_text

EXPORT_FORMAT = "keepgoing.mydata"
EXPORT_VERSION = 1

# Every table, and how a member's rows are found in it. The privacy test checks this covers
# the whole schema: a new table must be added here (and to delete_member) on purpose.
MEMBER_TABLES: dict[str, str] = {
    "members": "guild_id = :g AND user_id = :u",
    "member_stats": "guild_id = :g AND user_id = :u",
    "member_weeks": "guild_id = :g AND user_id = :u",
    "checkins": "guild_id = :g AND user_id = :u",
    "shared_checkins": "checkin_id IN "
    "(SELECT id FROM checkins WHERE guild_id = :g AND user_id = :u)",
    "cheers": "guild_id = :g AND (user_id = :u OR checkin_id IN "
    "(SELECT id FROM checkins WHERE guild_id = :g AND user_id = :u))",
    "reasons": "guild_id = :g AND user_id = :u",
    "pauses": "guild_id = :g AND user_id = :u",
    "reflections": "guild_id = :g AND user_id = :u",
    "wins": "guild_id = :g AND user_id = :u",
    "personal_dms": "guild_id = :g AND user_id = :u",
    "encouragements": "guild_id = :g AND (sender_id = :u OR target_id = :u)",
    "buddy_members": "guild_id = :g AND user_id = :u",
    "buddy_pairs": "guild_id = :g AND user_id = :u",
}
# Tables that hold nothing about a member (group settings and the bot's own bookkeeping).
GROUP_TABLES = (
    "groups",
    "group_days",  # check-ins per day, group totals (kept by triggers on checkins)
    "group_texts",
    "rotation_used",
    "post_log",
    "buddy_weeks",
    "bot_state",
)


def _rows(rows: list[Any], drop: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [{k: row[k] for k in row.keys() if k not in drop} for row in rows]  # noqa: SIM118


async def export_member(db: Database, guild_id: int, user_id: int, now: datetime) -> dict[str, Any]:
    """Everything stored about the member in this group, as plain JSON-ready values."""
    p = {"g": guild_id, "u": user_id}
    member = await db.fetchone("SELECT * FROM members WHERE guild_id = :g AND user_id = :u", p)
    settings = dict(member) if member else None
    if settings:
        for key in ("guild_id", "user_id", "dm_channel_id", "dm_notice_pending"):
            settings.pop(key, None)
    checkins = await db.fetchall(
        "SELECT c.id, c.local_date, c.kind, c.note, c.created_at, c.updated_at, "
        "s.channel_id AS shared_in_channel, "
        "(SELECT count(*) FROM cheers WHERE checkin_id = c.id) AS cheers "
        "FROM checkins c LEFT JOIN shared_checkins s ON s.checkin_id = c.id "
        "WHERE c.guild_id = :g AND c.user_id = :u ORDER BY c.local_date",
        p,
    )
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utc_text(now),
        "guild_id": guild_id,
        "user_id": user_id,
        "settings": settings,
        "checkins": _rows(checkins),
        "reasons": _rows(
            await db.fetchall(
                "SELECT text, created_at FROM reasons WHERE guild_id = :g AND user_id = :u "
                "ORDER BY id",
                p,
            )
        ),
        "reflections": _rows(
            await db.fetchall(
                "SELECT what_happened, lesson, next_step, created_at FROM reflections "
                "WHERE guild_id = :g AND user_id = :u ORDER BY id",
                p,
            )
        ),
        "pauses": _rows(
            await db.fetchall(
                "SELECT start_date, end_date, reason, created_at FROM pauses "
                "WHERE guild_id = :g AND user_id = :u ORDER BY start_date",
                p,
            )
        ),
        "wins": _rows(
            await db.fetchall(
                "SELECT local_date, what, shared, created_at FROM wins "
                "WHERE guild_id = :g AND user_id = :u ORDER BY id",
                p,
            )
        ),
        "encouragements_sent": _rows(
            await db.fetchall(
                "SELECT target_id, public, created_at FROM encouragements "
                "WHERE guild_id = :g AND sender_id = :u ORDER BY id",
                p,
            )
        ),
        "encouragements_received": _rows(
            await db.fetchall(
                "SELECT sender_id, public, created_at FROM encouragements "
                "WHERE guild_id = :g AND target_id = :u ORDER BY id",
                p,
            )
        ),
        "cheers_given": _rows(
            await db.fetchall(
                "SELECT checkin_id, created_at FROM cheers WHERE guild_id = :g AND user_id = :u "
                "ORDER BY created_at",
                p,
            )
        ),
        "buddies": {
            "joined": await db.fetchone(
                "SELECT joined_at FROM buddy_members WHERE guild_id = :g AND user_id = :u", p
            )
            is not None,
            "weeks": _rows(
                await db.fetchall(
                    "SELECT me.week, other.user_id AS buddy_id FROM buddy_pairs me "
                    "JOIN buddy_pairs other ON other.guild_id = me.guild_id "
                    "AND other.week = me.week AND other.pair_no = me.pair_no "
                    "AND other.user_id != me.user_id "
                    "WHERE me.guild_id = :g AND me.user_id = :u ORDER BY me.week",
                    p,
                )
            ),
        },
        "scheduled_dms": _rows(
            await db.fetchall(
                "SELECT kind, period, due_at, status FROM personal_dms "
                "WHERE guild_id = :g AND user_id = :u ORDER BY due_at",
                p,
            )
        ),
    }


async def delete_member(db: Database, guild_id: int, user_id: int) -> dict[str, int]:
    """Delete every row about the member in this group, in one transaction; returns counts."""
    counts: dict[str, int] = {}
    p = {"g": guild_id, "u": user_id}
    # Children before parents, so every count is the table's own.
    order = (
        "cheers",
        "shared_checkins",
        "encouragements",
        "buddy_pairs",
        "buddy_members",
        "personal_dms",
        "reflections",
        "wins",
        "pauses",
        "reasons",
        "checkins",
        "member_weeks",
        "member_stats",
        "members",
    )
    async with db.transaction() as conn:
        for table in order:
            # Table names and conditions are this module's constants; ids are bound.
            cursor = await conn.execute(f"DELETE FROM {table} WHERE {MEMBER_TABLES[table]}", p)
            counts[table] = cursor.rowcount
            await cursor.close()
    return counts


# --------------------------------------------------------------------------- retention


async def mark_member_left(db: Database, guild_id: int, user_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE members SET left_at = ? WHERE guild_id = ? AND user_id = ?",
            (utc_text(now), guild_id, user_id),
        )


async def mark_member_back(db: Database, guild_id: int, user_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE members SET left_at = NULL WHERE guild_id = ? AND user_id = ? "
            "AND left_at IS NOT NULL",
            (guild_id, user_id),
        )


async def mark_group_left(db: Database, guild_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE groups SET left_at = ? WHERE guild_id = ?", (utc_text(now), guild_id)
        )


async def mark_group_back(db: Database, guild_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE groups SET left_at = NULL WHERE guild_id = ? AND left_at IS NOT NULL",
            (guild_id,),
        )


async def purge_departed(db: Database, cutoff: datetime) -> tuple[int, int]:
    """Delete members who left, and groups the bot left, before ``cutoff``.
    Returns (members purged, groups purged)."""
    members = await db.fetchall(
        "SELECT guild_id, user_id FROM members WHERE left_at IS NOT NULL AND left_at < ?",
        (utc_text(cutoff),),
    )
    for row in members:
        await delete_member(db, row["guild_id"], row["user_id"])
    groups = await db.fetchall(
        "SELECT guild_id FROM groups WHERE left_at IS NOT NULL AND left_at < ?",
        (utc_text(cutoff),),
    )
    for row in groups:
        async with db.transaction() as conn:
            # Everything else hangs off the group (ON DELETE CASCADE).
            await conn.execute("DELETE FROM groups WHERE guild_id = ?", (row["guild_id"],))
    return len(members), len(groups)
