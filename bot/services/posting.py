"""Scheduled group posts without Discord: what is due, claiming it in the post log with the
rotating text, and recording how it went. The Discord side lives in ``cogs/scheduled_posts.py``."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.logs import ids
from bot.rules import texts
from bot.rules.schedule import (
    PostSchedule,
    due_action,
    due_occurrence,
    period_of,
    post_is_active,
    post_nonce,
)
from storage import group_posts
from storage.db import Database
from storage.models import GroupText, PostConfig

log = logging.getLogger(__name__)

BUILTIN = {
    "morning": texts.MORNING_PROMPTS,
    "patience": texts.PATIENCE_REMINDERS,
    "thought": texts.WEEKLY_THOUGHTS,
}
ROTATION_FOR = {"morning": "morning", "patience": "patience", "recap": "thought"}


def schedule_of(post: PostConfig) -> PostSchedule:
    hour, minute = (int(part) for part in post.time.split(":"))
    return PostSchedule(
        kind=post.kind,
        enabled=post.enabled,
        channel_id=post.channel_id,
        at=time(hour, minute),
        weekday=post.day,
    )


def is_active(post: PostConfig) -> bool:
    """Whether this group post happens at all (the rule: ``schedule.post_is_active``)."""
    return post_is_active(post.kind, post.enabled, post.channel_id)


@dataclass(frozen=True)
class DueOccurrence:
    """The latest occurrence a group post (or the buddy pairing) owes, in the group's zone."""

    post: PostConfig
    timezone: ZoneInfo
    occurrence: datetime


async def latest_due(db: Database, guild_id: int, kind: str, now: datetime) -> DueOccurrence | None:
    """The occurrence of ``kind`` to decide about now; None when the group has none (no
    config, switched off, nothing yet, or set up after it)."""
    config = await group_posts.group_config(db, guild_id)
    if config is None:
        return None
    post = config.post(kind)
    tz = ZoneInfo(config.timezone)
    occurrence = due_occurrence(schedule_of(post), now, tz, since=post.since)
    if occurrence is None:
        return None
    return DueOccurrence(post, tz, occurrence)


def library_items(rotation: str, group_texts: list[GroupText]) -> list[str]:
    """The rotation's items: every built-in text, then the group's own ('group:<id>')."""
    items = [f"builtin:{i}" for i in range(len(BUILTIN[rotation]))]
    items += [f"group:{t.id}" for t in group_texts]
    return items


def text_of(item: str | None, rotation: str, group_texts: list[GroupText]) -> str:
    """The text behind an item; a group text removed since it was picked falls back."""
    builtin = BUILTIN[rotation]
    if item:
        source, _, key = item.partition(":")
        if source == "builtin" and key.isdigit() and int(key) < len(builtin):
            return builtin[int(key)]
        if source == "group":
            for text in group_texts:
                if str(text.id) == key:
                    return text.text
    return builtin[0]


@dataclass(frozen=True)
class PostPlan:
    """A claimed post, ready to send (or to send again with the same nonce)."""

    guild_id: int
    kind: str
    period: str
    occurrence: datetime
    timezone: ZoneInfo
    channel_id: int
    nonce: str
    text: str
    first_attempt: datetime  # when the period was claimed (the first send followed at once)
    resend: bool = False  # claimed before, never confirmed: an earlier attempt may have landed


async def plan_post(
    db: Database, guild_id: int, kind: str, now: datetime, rng: random.Random
) -> PostPlan | None:
    """Claim the latest occurrence of ``kind`` if it is due; None when there is nothing to
    send (already done, not due, switched off, or missed beyond its grace: logged as
    skipped)."""
    due = await latest_due(db, guild_id, kind, now)
    if due is None:
        return None
    post, tz, occurrence = due.post, due.timezone, due.occurrence
    if post.channel_id is None:
        return None  # the buddy pairing: nothing to post in a channel
    period = period_of(occurrence, tz)
    entry = await group_posts.post_log_entry(db, guild_id, kind, period)
    action = due_action(kind, occurrence, now, logged_status=entry.status if entry else None)
    nonce = post_nonce(guild_id, kind, period)
    if action == "none":
        return None
    if action == "skip":
        late = now - occurrence
        await group_posts.record_skipped(
            db,
            guild_id=guild_id,
            kind=kind,
            period=period,
            scheduled_for=occurrence,
            nonce=nonce,
            detail=f"missed by {int(late.total_seconds() // 60)} minutes, beyond the grace window",
            now=now,
        )
        log.warning(
            "skipped %s post for guild %s period %s: missed beyond the grace window",
            kind,
            guild_id,
            period,
            **ids(guild_id),
        )
        return None
    rotation = ROTATION_FOR[kind]
    group_texts = (
        await group_posts.list_group_texts(db, guild_id, rotation) if rotation != "thought" else []
    )
    items = library_items(rotation, group_texts)

    def choose(used: set[str]) -> tuple[str, bool]:
        used_indexes = {items.index(u) for u in used if u in items}
        index, new_cycle = texts.next_in_rotation(len(items), used_indexes, rng)
        return items[index], new_cycle

    claimed = await group_posts.claim_post(
        db,
        guild_id=guild_id,
        kind=kind,
        period=period,
        scheduled_for=occurrence,
        nonce=nonce,
        channel_id=post.channel_id,
        rotation=rotation,
        choose=choose,
        now=now,
    )
    if claimed.status != "claimed":
        return None
    if entry is not None:
        log.info("sending %s post for guild %s period %s again", kind, guild_id, period)
    return PostPlan(
        guild_id=guild_id,
        kind=kind,
        period=period,
        occurrence=occurrence,
        timezone=tz,
        channel_id=claimed.channel_id or post.channel_id,
        nonce=claimed.nonce,
        text=text_of(claimed.item, rotation, group_texts),
        first_attempt=claimed.updated_at,
        resend=entry is not None,
    )


async def mark_sent(db: Database, plan: PostPlan, message_id: int, now: datetime) -> None:
    await group_posts.finish_post(
        db, plan.guild_id, plan.kind, plan.period, status="sent", message_id=message_id, now=now
    )


async def mark_failed(db: Database, plan: PostPlan, detail: str, now: datetime) -> None:
    await group_posts.finish_post(
        db, plan.guild_id, plan.kind, plan.period, status="failed", detail=detail, now=now
    )
    log.error(
        "%s post for guild %s period %s failed: %s",
        plan.kind,
        plan.guild_id,
        plan.period,
        detail,
        **ids(plan.guild_id),
    )
