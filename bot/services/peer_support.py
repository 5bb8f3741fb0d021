"""Members lifting each other up: encouragements and the weekly buddies, without Discord.

The ``/encourage`` and ``/buddies`` commands and the weekly pairing job (``cogs/encourage.py``)
ask here; the introductions go out as personal DMs (``dm_delivery``).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.rules.buddies import pair_members, repeat_couples
from bot.rules.days import week_start
from bot.rules.encouraging import RECENT_WEEKS, cooldown_minutes_left
from bot.rules.schedule import due_action
from bot.services.member_service import Who
from bot.services.posting import latest_due
from storage import encouragement
from storage.db import Database

log = logging.getLogger(__name__)


async def cooldown_left(db: Database, who: Who, target_id: int) -> int | None:
    """Minutes before ``who`` may encourage ``target_id`` again, or None when they may now."""
    last = await encouragement.last_encouragement(db, who.guild_id, who.user_id, target_id)
    return cooldown_minutes_left(last, who.now)


async def record_encouragement(
    db: Database, who: Who, target_id: int, *, public: bool, today: date
) -> None:
    """Store that ``who`` encouraged ``target_id`` (never the words)."""
    await encouragement.add_encouragement(
        db, who.guild_id, who.user_id, target_id, public=public, today=today, now=who.now
    )


async def join_buddies(db: Database, who: Who, first_day: date) -> bool:
    """Join the weekly buddies; False when already in."""
    return await encouragement.join_buddies(
        db, who.guild_id, who.user_id, first_day=first_day, now=who.now
    )


async def leave_buddies(db: Database, who: Who) -> bool:
    """Leave the weekly buddies; False when not in."""
    return await encouragement.leave_buddies(db, who.guild_id, who.user_id)


@dataclass(frozen=True)
class Pairing:
    """A week's buddy groups, saved with their introduction DMs planned."""

    guild_id: int
    week: date
    groups: tuple[tuple[int, ...], ...]
    repeats: int


async def pair_week(
    db: Database, guild_id: int, now: datetime, rng: random.Random
) -> Pairing | None:
    """Pair willing members once for the week of the latest weekly occurrence, if it is due
    (the same due and grace rules as a group post); None when there was nothing to do."""
    due = await latest_due(db, guild_id, "buddies", now)
    if due is None:
        return None
    week = week_start(due.occurrence.astimezone(due.timezone).date())
    paired = await encouragement.week_paired(db, guild_id, week)
    action = due_action("buddies", due.occurrence, now, logged_status="sent" if paired else None)
    if action == "none":
        return None
    if action == "skip":
        log.warning("buddies for guild %s week %s missed beyond grace", guild_id, week)
        return None
    today = now.astimezone(due.timezone).date()
    candidates = await encouragement.buddy_candidates(db, guild_id, today)
    recent = await encouragement.recent_groups(
        db, guild_id, week - timedelta(weeks=RECENT_WEEKS), week
    )
    groups = pair_members(candidates, recent, rng)
    if not await encouragement.save_pairing(db, guild_id, week, groups, due_at=now, now=now):
        return None
    pairing = Pairing(guild_id, week, tuple(groups), repeat_couples(groups, recent))
    log.info(
        "paired %d buddy groups for guild %s week %s (%d repeats)",
        len(groups),
        guild_id,
        week,
        pairing.repeats,
    )
    return pairing
