"""What the cogs call: each function applies the domain rules to what storage holds.

No discord here either: functions take ids, text and the current instant, and return
dataclasses the cogs turn into replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import inputs
from bot.days import checkin_date, local_date, parse_resume_date, parse_timezone
from bot.errors import UserFacingError
from bot.journey import JourneyStats, PausePeriod, journey_stats, paused_days, streak_ended
from storage import queries
from storage.db import Database
from storage.models import Checkin, Group, History, Member, Pause, Reason


@dataclass(frozen=True)
class Who:
    """Who is asking, where, and when: the ids and instant every member action starts from."""

    guild_id: int
    user_id: int
    now: datetime
    default_timezone: str


@dataclass(frozen=True)
class MemberContext:
    """Where a member stands right now: their group, settings, timezone and local day."""

    group: Group
    member: Member | None
    timezone: ZoneInfo
    today: date

    @property
    def first_day(self) -> date:
        return self.member.first_day if self.member else self.today

    @property
    def weekly_target(self) -> int:
        return self.member.weekly_target if self.member else 3


@dataclass(frozen=True)
class CheckinOutcome:
    checkin: Checkin
    created: bool
    stats: JourneyStats
    came_back: bool
    """True when this check-in starts again after a broken streak (not after a pause)."""


async def member_context(db: Database, who: Who) -> MemberContext:
    group = await queries.ensure_group(db, who.guild_id, who.default_timezone, who.now)
    member = await queries.get_member(db, who.guild_id, who.user_id)
    zone_name = member.timezone if member and member.timezone else group.timezone
    timezone = ZoneInfo(zone_name)
    return MemberContext(group, member, timezone, local_date(who.now, timezone))


def pause_periods(pauses: tuple[Pause, ...] | list[Pause]) -> list[PausePeriod]:
    return [PausePeriod(p.start_date, p.end_date) for p in pauses]


def stats_from_history(history: History, ctx: MemberContext) -> JourneyStats:
    return journey_stats(
        days=history.days,
        rest_days=history.rest_days,
        reflections=history.reflections,
        pauses=pause_periods(history.pauses),
        today=ctx.today,
        weekly_target=ctx.weekly_target,
        start=min(ctx.first_day, min(history.days, default=ctx.first_day)),
    )


async def check_in(
    db: Database, who: Who, *, kind: str, note: str | None, day: str
) -> CheckinOutcome:
    """Validate, find the member's local day, upsert one row per day, and compute their
    numbers from what was committed."""
    kind = inputs.checkin_kind(kind)
    note = inputs.clean_text(note, what="note", limit=inputs.NOTE_LIMIT)
    ctx = await member_context(db, who)
    target_day = checkin_date(day, who.now, ctx.timezone)
    before = await queries.member_history(db, who.guild_id, who.user_id)
    paused = paused_days(pause_periods(before.pauses), ctx.today)
    came_back = (
        day == "today"
        and target_day not in before.days
        and streak_ended(before.days, ctx.today, paused)
    )
    write = await queries.record_checkin(
        db,
        guild_id=who.guild_id,
        user_id=who.user_id,
        local_date=target_day,
        kind=kind,
        note=note,
        first_day=ctx.first_day,
        now=who.now,
    )
    after = await queries.member_history(db, who.guild_id, who.user_id)
    return CheckinOutcome(
        checkin=write.checkin,
        created=write.created,
        stats=stats_from_history(after, ctx),
        came_back=came_back,
    )


@dataclass(frozen=True)
class JourneyView:
    stats: JourneyStats
    paused: Pause | None
    timezone: str


async def journey(db: Database, who: Who) -> JourneyView:
    ctx = await member_context(db, who)
    history = await queries.member_history(db, who.guild_id, who.user_id)
    active = await queries.active_pause(db, who.guild_id, who.user_id, ctx.today)
    return JourneyView(stats_from_history(history, ctx), active, ctx.timezone.key)


# --------------------------------------------------------------------------- /why


async def add_reason(db: Database, who: Who, text: str) -> int:
    reason = inputs.required_text(text, what="reason", limit=inputs.REASON_LIMIT)
    ctx = await member_context(db, who)
    count = await queries.add_reason(
        db, who.guild_id, who.user_id, reason, first_day=ctx.first_day, now=who.now
    )
    if count is None:
        raise UserFacingError(
            f"You already have {queries.MAX_REASONS} reasons written down. "
            "Remove one with `/why remove` to make room."
        )
    return count


async def list_reasons(db: Database, who: Who) -> list[Reason]:
    return await queries.list_reasons(db, who.guild_id, who.user_id)


async def remove_reason(db: Database, who: Who, number: int) -> Reason:
    removed = await queries.remove_reason(db, who.guild_id, who.user_id, number)
    if removed is None:
        count = len(await queries.list_reasons(db, who.guild_id, who.user_id))
        if count == 0:
            raise UserFacingError("You have no reasons written down yet. Add one with `/why add`.")
        raise UserFacingError(
            f"There is no reason number {number}. Pick a number from 1 to {count} "
            "as shown by `/why list`."
        )
    return removed


# --------------------------------------------------------------------------- /settings


async def _update(db: Database, who: Who, **changes: object) -> Member:
    ctx = await member_context(db, who)
    return await queries.update_member(
        db, who.guild_id, who.user_id, first_day=ctx.first_day, now=who.now, **changes
    )


async def set_timezone(db: Database, who: Who, zone: str) -> Member:
    return await _update(db, who, timezone=parse_timezone(zone).key)


async def set_weekly_target(db: Database, who: Who, days: int) -> Member:
    return await _update(db, who, weekly_target=inputs.weekly_target(days))


async def set_celebrate_me(db: Database, who: Who, enabled: bool) -> Member:
    return await _update(db, who, celebrate_me=int(enabled))


# --------------------------------------------------------------------------- /pause


async def pause(db: Database, who: Who, *, until: str | None, reason: str | None) -> Pause:
    ctx = await member_context(db, who)
    resume_on = parse_resume_date(until.strip(), ctx.today) if until and until.strip() else None
    note = inputs.clean_text(reason, what="reason", limit=inputs.PAUSE_REASON_LIMIT)
    started = await queries.start_pause(
        db,
        who.guild_id,
        who.user_id,
        start=ctx.today,
        until=resume_on,
        reason=note,
        first_day=ctx.first_day,
        now=who.now,
    )
    if started is None:
        current = await queries.active_pause(db, who.guild_id, who.user_id, ctx.today)
        when = f" until {current.end_date.isoformat()}" if current and current.end_date else ""
        raise UserFacingError(
            f"You're already paused{when}. Use `/resume` when you're back, "
            "then pause again if you need a different date."
        )
    return started


async def resume(db: Database, who: Who) -> Pause:
    ctx = await member_context(db, who)
    ended = await queries.end_pause(db, who.guild_id, who.user_id, ctx.today)
    if ended is None:
        raise UserFacingError("You aren't paused, so there's nothing to resume. Keep going!")
    return ended
