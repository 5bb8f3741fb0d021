"""What an admin may set for the group's scheduled posts, validated without Discord."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.rules import inputs
from bot.rules.days import parse_hhmm, parse_timezone
from bot.rules.errors import UserFacingError
from bot.rules.kinds import GROUP_POST_KINDS, GroupPostKind, GroupTextKind
from bot.rules.schedule import WEEKDAYS, next_occurrence
from bot.services.posting import is_active, schedule_of
from storage import group_posts, member_records
from storage.db import Database
from storage.models import GroupConfig, GroupText

TEXT_LIMIT = 500
POST_NAMES: dict[GroupPostKind, str] = {
    "morning": "Morning prompt",
    "patience": "Patience reminder",
    "recap": "Weekly recap",
    "buddies": "Buddy pairing (by DM)",
}


async def group(db: Database, guild_id: int, now: datetime, default_timezone: str) -> GroupConfig:
    await member_records.ensure_group(db, guild_id, default_timezone, now)
    config = await group_posts.group_config(db, guild_id)
    assert config is not None
    return config


def next_post(config: GroupConfig, kind: GroupPostKind, now: datetime) -> datetime | None:
    """When ``kind`` next goes out (aware, in the group's timezone), or None when off."""
    post = config.post(kind)
    if not is_active(post):
        return None
    tz = ZoneInfo(config.timezone)
    return next_occurrence(schedule_of(post), now, tz).astimezone(tz)


async def set_timezone(db: Database, guild_id: int, zone: str) -> str:
    name = parse_timezone(zone).key
    await group_posts.set_group_timezone(db, guild_id, name)
    return name


async def configure_post(
    db: Database,
    config: GroupConfig,
    kind: GroupPostKind,
    *,
    channel_id: int | None,
    time: str | None,
    day: str | None,
    enabled: bool,
    now: datetime,
) -> GroupConfig:
    """Validate and store one post's settings; unset options keep their current value."""
    current = config.post(kind)
    at = parse_hhmm(time).strftime("%H:%M") if time is not None else current.time
    weekday = None
    if day is not None:
        if kind == "morning":
            raise UserFacingError("The morning prompt goes out every day: it takes no `day`.")
        if day not in WEEKDAYS:
            raise UserFacingError("Pick a day from monday to sunday.")
        weekday = WEEKDAYS.index(day)
    channel = channel_id if channel_id is not None else current.channel_id
    if channel is None and kind != "buddies":
        raise UserFacingError("Choose a `channel` for it to go out in.")
    return await group_posts.set_post_config(
        db,
        config.guild_id,
        kind,
        enabled=enabled,
        channel_id=channel,
        time=at,
        day=weekday,
        now=now,
    )


async def add_text(
    db: Database, guild_id: int, kind: GroupTextKind, text: str, now: datetime
) -> int:
    clean = inputs.required_text(text, what="text", limit=TEXT_LIMIT)
    count = await group_posts.add_group_text(db, guild_id, kind, clean, now)
    if count is None:
        raise UserFacingError(
            f"The group already has {group_posts.MAX_GROUP_TEXTS} of its own {kind} texts. "
            "Remove one first."
        )
    return count


async def list_texts(db: Database, guild_id: int, kind: GroupTextKind) -> list[GroupText]:
    """The group's own texts of one kind, in the order ``/setup prompts list`` numbers them."""
    return await group_posts.list_group_texts(db, guild_id, kind)


async def remove_text(db: Database, guild_id: int, kind: GroupTextKind, number: int) -> GroupText:
    removed = await group_posts.remove_group_text(db, guild_id, kind, number)
    if removed is None:
        count = len(await group_posts.list_group_texts(db, guild_id, kind))
        if count == 0:
            raise UserFacingError(f"The group has no {kind} texts of its own yet.")
        raise UserFacingError(
            f"There is no {kind} text number {number}: pick one from 1 to {count} "
            "as shown by `/setup prompts list`."
        )
    return removed


@dataclass(frozen=True)
class PostStatus:
    kind: GroupPostKind
    enabled: bool
    channel_id: int | None
    time: str
    day: int | None
    next_at: datetime | None
    last_problem: str | None


async def post_statuses(db: Database, config: GroupConfig, now: datetime) -> list[PostStatus]:
    out = []
    for kind in GROUP_POST_KINDS:
        post = config.post(kind)
        failure = await group_posts.last_failure(db, config.guild_id, kind)
        sent = await group_posts.last_sent(db, config.guild_id, kind)
        problem = None
        if failure and (sent is None or failure.scheduled_for > sent.scheduled_for):
            when = failure.scheduled_for.astimezone(ZoneInfo(config.timezone))
            problem = f"{failure.status} on {when:%a %d %b %H:%M}: {failure.detail}"
        out.append(
            PostStatus(
                kind=kind,
                enabled=post.enabled,
                channel_id=post.channel_id,
                time=post.time,
                day=post.day,
                next_at=next_post(config, kind, now),
                last_problem=problem,
            )
        )
    return out
