"""Personal DMs without Discord: which are due, whether each still goes out, and recording
how it went. ``cogs/direct_messages.py`` words and sends them, paced (``bot/dms.py``)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.logs import ids
from bot.rules.dm_policy import BEYOND_GRACE, personal_dm_skip
from bot.services import member_service
from bot.services.member_service import Who
from storage import encouragement, member_records, personal_dms
from storage.db import Database
from storage.personal_dms import DueDM

__all__ = [
    "DueDM",
    "buddies_of",
    "cheers_since_yesterday",
    "claim",
    "due_dms",
    "finish",
    "plan_next",
    "skip_reason",
    "take_dm_notice",
]

log = logging.getLogger(__name__)


async def due_dms(db: Database, now: datetime) -> list[DueDM]:
    """Every personal DM due by ``now``, oldest first (pending, or claimed and unconfirmed)."""
    return await personal_dms.due_dms(db, now)


async def claim(db: Database, due: DueDM, now: datetime) -> bool:
    """Mark a due DM as being sent; False if it was finished meanwhile."""
    return await personal_dms.claim_dm(db, due.id, now)


async def finish(
    db: Database, due: DueDM, status: str, now: datetime, detail: str | None = None
) -> None:
    """Record how a DM ended: ``sent``, ``skipped`` or ``failed`` (with why)."""
    await personal_dms.finish_dm(db, due.id, status, now, detail)


async def skip_reason(db: Database, due: DueDM, who: Who) -> str | None:
    """Why ``due`` is not sent (the rule: ``dm_policy.personal_dm_skip``), or None to send."""
    ctx = await member_service.member_context(db, who)
    member = ctx.member
    paused = (
        member is not None
        and await member_records.active_pause(db, due.guild_id, due.user_id, ctx.today) is not None
    )
    reason = personal_dm_skip(
        due.kind,
        due.due_at,
        who.now,
        is_member=member is not None and not member.left,
        morning_dm=member is not None and member.morning_dm,
        recap_dm=member is not None and member.recap_dm,
        patience_dm=member is not None and member.patience_dm,
        paused=paused,
    )
    if reason == BEYOND_GRACE:
        log.warning(
            "skipped %s DM %s: beyond its grace window",
            due.kind,
            due.id,
            **ids(due.guild_id, due.user_id),
        )
    return reason


async def plan_next(db: Database, due: DueDM, who: Who) -> None:
    """After a morning or recap DM: plan the member's next one."""
    if due.kind == "morning":
        await member_service.plan_morning_dm(db, who)
    elif due.kind == "recap":
        await member_service.plan_recap_dm(db, who)


async def cheers_since_yesterday(db: Database, due: DueDM) -> int:
    """Cheers the member's check-ins got in the day before the cheers DM came due."""
    return await encouragement.cheers_received(
        db, due.guild_id, due.user_id, due.due_at - timedelta(days=1), due.due_at
    )


async def buddies_of(db: Database, due: DueDM) -> list[int]:
    """The member's buddies in the week a buddies DM introduces."""
    return await encouragement.buddies_of(db, due.guild_id, due.period, due.user_id)


async def take_dm_notice(db: Database, guild_id: int, user_id: int) -> bool:
    """True once after the bot found the member's DMs closed (the notice is then gone)."""
    return await personal_dms.take_dm_notice(db, guild_id, user_id)
