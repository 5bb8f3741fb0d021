"""Queries for scheduled group posts: configuration, the group's texts, rotation, post log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.db import Database
from storage.member_records import parse_utc_text, utc_text
from storage.models import GroupConfig, GroupText, PostConfig, PostLogEntry

_SCHEDULE_COLUMNS = {
    "morning": ("morning_enabled", "morning_channel_id", "morning_time", None),
    "patience": ("patience_enabled", "patience_channel_id", "patience_time", "patience_day"),
    "recap": ("recap_enabled", "recap_channel_id", "recap_time", "recap_day"),
    "buddies": ("buddies_enabled", None, "buddies_time", "buddies_day"),
}

MAX_GROUP_TEXTS = 200


def _config(row: Any) -> GroupConfig:
    posts = {}
    for kind, (enabled, channel, at, day) in _SCHEDULE_COLUMNS.items():
        since = row[f"{kind}_since"]
        posts[kind] = PostConfig(
            kind=kind,
            enabled=bool(row[enabled]),
            channel_id=row[channel] if channel else None,
            time=row[at],
            day=row[day] if day else None,
            since=parse_utc_text(since) if since else None,
        )
    return GroupConfig(guild_id=row["guild_id"], timezone=row["timezone"], **posts)


async def group_config(db: Database, guild_id: int) -> GroupConfig | None:
    row = await db.fetchone("SELECT * FROM groups WHERE guild_id = ?", (guild_id,))
    return _config(row) if row else None


async def groups_with_posts(db: Database) -> list[GroupConfig]:
    """Every group with at least one scheduled post switched on."""
    rows = await db.fetchall(
        "SELECT * FROM groups WHERE morning_enabled = 1 OR patience_enabled = 1 "
        "OR recap_enabled = 1 OR buddies_enabled = 1 ORDER BY guild_id"
    )
    return [_config(r) for r in rows]


async def set_group_timezone(db: Database, guild_id: int, timezone: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE groups SET timezone = ? WHERE guild_id = ?", (timezone, guild_id)
        )


async def set_post_config(
    db: Database,
    guild_id: int,
    kind: str,
    *,
    enabled: bool,
    channel_id: int | None,
    time: str,
    day: int | None,
    now: datetime,
) -> GroupConfig:
    enabled_col, channel_col, time_col, day_col = _SCHEDULE_COLUMNS[kind]
    # Column names come from the fixed table above; values are always bound.
    assignments = [f"{enabled_col} = ?", f"{time_col} = ?", f"{kind}_since = ?"]
    values: list[Any] = [int(enabled), time, utc_text(now)]
    if channel_col is not None:
        assignments.append(f"{channel_col} = ?")
        values.append(channel_id)
    if day_col is not None and day is not None:
        assignments.append(f"{day_col} = ?")
        values.append(day)
    async with db.transaction() as conn:
        await conn.execute(
            f"UPDATE groups SET {', '.join(assignments)} WHERE guild_id = ?",
            (*values, guild_id),
        )
        # An admin changing the post is the fix for whatever made it fail: a failed period
        # is final only until then, so the next occurrence in that period can go out (and
        # /setup show stops reporting the old problem).
        await conn.execute(
            "DELETE FROM post_log WHERE guild_id = ? AND kind = ? AND status = 'failed'",
            (guild_id, kind),
        )
    config = await group_config(db, guild_id)
    assert config is not None
    return config


# --------------------------------------------------------------------------- group texts


async def list_group_texts(db: Database, guild_id: int, kind: str) -> list[GroupText]:
    rows = await db.fetchall(
        "SELECT id, kind, text FROM group_texts WHERE guild_id = ? AND kind = ? ORDER BY id",
        (guild_id, kind),
    )
    return [GroupText(r["id"], r["kind"], r["text"]) for r in rows]


async def add_group_text(
    db: Database, guild_id: int, kind: str, text: str, now: datetime
) -> int | None:
    """Add a text; returns how many of that kind the group has, or None at the limit."""
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT count(*) FROM group_texts WHERE guild_id = ? AND kind = ?", (guild_id, kind)
        ) as cursor:
            row = await cursor.fetchone()
        count = int(row[0]) if row else 0
        if count >= MAX_GROUP_TEXTS:
            return None
        await conn.execute(
            "INSERT INTO group_texts (guild_id, kind, text, created_at) VALUES (?, ?, ?, ?)",
            (guild_id, kind, text, utc_text(now)),
        )
    return count + 1


async def remove_group_text(
    db: Database, guild_id: int, kind: str, number: int
) -> GroupText | None:
    if number < 1:
        return None
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT id, kind, text FROM group_texts WHERE guild_id = ? AND kind = ? "
            "ORDER BY id LIMIT 1 OFFSET ?",
            (guild_id, kind, number - 1),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        await conn.execute("DELETE FROM group_texts WHERE id = ?", (row["id"],))
        await conn.execute(
            "DELETE FROM rotation_used WHERE guild_id = ? AND kind = ? AND item = ?",
            (guild_id, kind, f"group:{row['id']}"),
        )
    return GroupText(row["id"], row["kind"], row["text"])


# --------------------------------------------------------------------------- post log


def _entry(row: Any) -> PostLogEntry:
    return PostLogEntry(
        guild_id=row["guild_id"],
        kind=row["kind"],
        period=row["period"],
        scheduled_for=parse_utc_text(row["scheduled_for"]),
        status=row["status"],
        nonce=row["nonce"],
        item=row["item"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        detail=row["detail"],
        updated_at=parse_utc_text(row["updated_at"]),
    )


async def post_log_entry(
    db: Database, guild_id: int, kind: str, period: str
) -> PostLogEntry | None:
    row = await db.fetchone(
        "SELECT * FROM post_log WHERE guild_id = ? AND kind = ? AND period = ?",
        (guild_id, kind, period),
    )
    return _entry(row) if row else None


async def claim_post(
    db: Database,
    *,
    guild_id: int,
    kind: str,
    period: str,
    scheduled_for: datetime,
    nonce: str,
    channel_id: int,
    rotation: str | None,
    choose: Any,
    now: datetime,
) -> PostLogEntry:
    """Claim (guild, kind, period) before sending, in one transaction with the rotation.

    ``choose(used)`` picks the text from the set of items used in the rotation cycle and
    returns ``(item, new_cycle)``; the pick is stored on the claim so a resend after a crash
    posts the same text. An existing claim is returned unchanged.
    """
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT * FROM post_log WHERE guild_id = ? AND kind = ? AND period = ?",
            (guild_id, kind, period),
        ) as cursor:
            existing = await cursor.fetchone()
        if existing is not None:
            return _entry(existing)
        item = None
        if rotation is not None:
            async with conn.execute(
                "SELECT item FROM rotation_used WHERE guild_id = ? AND kind = ?",
                (guild_id, rotation),
            ) as cursor:
                used = {r[0] for r in await cursor.fetchall()}
            item, new_cycle = choose(used)
            if new_cycle:
                await conn.execute(
                    "DELETE FROM rotation_used WHERE guild_id = ? AND kind = ?",
                    (guild_id, rotation),
                )
            await conn.execute(
                "INSERT OR IGNORE INTO rotation_used (guild_id, kind, item) VALUES (?, ?, ?)",
                (guild_id, rotation, item),
            )
        async with conn.execute(
            "INSERT INTO post_log (guild_id, kind, period, scheduled_for, status, nonce, item, "
            "channel_id, updated_at) VALUES (?, ?, ?, ?, 'claimed', ?, ?, ?, ?) RETURNING *",
            (
                guild_id,
                kind,
                period,
                utc_text(scheduled_for),
                nonce,
                item,
                channel_id,
                utc_text(now),
            ),
        ) as cursor:
            row = await cursor.fetchone()
    return _entry(row)


async def finish_post(
    db: Database,
    guild_id: int,
    kind: str,
    period: str,
    *,
    status: str,
    now: datetime,
    message_id: int | None = None,
    detail: str | None = None,
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE post_log SET status = ?, message_id = COALESCE(?, message_id), detail = ?, "
            "updated_at = ? WHERE guild_id = ? AND kind = ? AND period = ?",
            (status, message_id, detail, utc_text(now), guild_id, kind, period),
        )


async def record_skipped(
    db: Database,
    *,
    guild_id: int,
    kind: str,
    period: str,
    scheduled_for: datetime,
    nonce: str,
    detail: str,
    now: datetime,
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO post_log (guild_id, kind, period, scheduled_for, status, nonce, detail, "
            "updated_at) VALUES (?, ?, ?, ?, 'skipped', ?, ?, ?) "
            "ON CONFLICT (guild_id, kind, period) DO UPDATE SET status = 'skipped', "
            "detail = excluded.detail, updated_at = excluded.updated_at "
            "WHERE post_log.status = 'claimed'",
            (guild_id, kind, period, utc_text(scheduled_for), nonce, detail, utc_text(now)),
        )


async def last_failure(db: Database, guild_id: int, kind: str) -> PostLogEntry | None:
    row = await db.fetchone(
        "SELECT * FROM post_log WHERE guild_id = ? AND kind = ? AND status IN ('failed', "
        "'skipped') ORDER BY scheduled_for DESC LIMIT 1",
        (guild_id, kind),
    )
    return _entry(row) if row else None


async def last_sent(db: Database, guild_id: int, kind: str) -> PostLogEntry | None:
    row = await db.fetchone(
        "SELECT * FROM post_log WHERE guild_id = ? AND kind = ? AND status = 'sent' "
        "ORDER BY scheduled_for DESC LIMIT 1",
        (guild_id, kind),
    )
    return _entry(row) if row else None
