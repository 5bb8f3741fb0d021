"""A member's data: the export, erasure on request, and forgetting who left after the
retention period. ``cogs/mydata.py`` is the Discord side."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.logs import ids
from storage import member_data
from storage.db import Database

log = logging.getLogger(__name__)


async def export_json(db: Database, guild_id: int, user_id: int, now: datetime) -> bytes:
    """Everything stored about a member in a group, as a JSON document (UTF-8)."""
    data = await member_data.export_member(db, guild_id, user_id, now)
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


async def erase_member(db: Database, guild_id: int, user_id: int) -> int:
    """Delete everything stored about a member in a group; the number of rows deleted."""
    counts = await member_data.delete_member(db, guild_id, user_id)
    deleted = sum(counts.values())
    log.info(
        "deleted member data on request (guild=%s user=%s rows=%d)",
        guild_id,
        user_id,
        deleted,
        **ids(guild_id, user_id),
    )
    return deleted


@dataclass(frozen=True)
class Purged:
    members: int
    groups: int


async def purge_departed(db: Database, now: datetime, retention_days: int) -> Purged:
    """Forget members who left, and groups that removed the bot, over ``retention_days`` ago."""
    cutoff = now - timedelta(days=retention_days)
    members, groups = await member_data.purge_departed(db, cutoff)
    log.info("retention purge: %d members and %d groups deleted", members, groups)
    return Purged(members, groups)


async def member_left(db: Database, guild_id: int, user_id: int, now: datetime) -> None:
    await member_data.mark_member_left(db, guild_id, user_id, now)


async def member_back(db: Database, guild_id: int, user_id: int) -> None:
    await member_data.mark_member_back(db, guild_id, user_id)


async def group_left(db: Database, guild_id: int, now: datetime) -> None:
    await member_data.mark_group_left(db, guild_id, now)


async def group_back(db: Database, guild_id: int) -> None:
    await member_data.mark_group_back(db, guild_id)
