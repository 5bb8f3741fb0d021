"""What the cogs call: each function applies the domain rules to what storage holds.

No discord here either: functions take ids, text and the current instant, and return
dataclasses the cogs turn into replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from bot.rules import dm_times, inputs
from bot.rules.days import (
    checkin_date,
    local_date,
    parse_hhmm,
    parse_resume_date,
    parse_timezone,
    stored_zone,
)
from bot.rules.errors import UserFacingError
from bot.rules.journey import (
    Carry,
    JourneyStats,
    PausePeriod,
    advance_carry,
    carry_from_history,
    carry_is_current,
    checkpoint_for,
    journey_stats_with,
    pause_covers,
    paused_days,
    streak_ended_with,
)
from bot.rules.journey_card import (
    JourneyPicture,
    draw_weeks,
    draw_year,
    weeks_grid_start,
    year_grid_start,
)
from bot.rules.kinds import CheckinKind, DMKind
from bot.rules.schedule import local_instant
from storage import member_records, personal_dms
from storage.db import Database
from storage.models import Checkin, Group, Member, Pause, Reason

FollowUpKind = Literal["setback", "win"]
"""What the one-day rule follows up: a setback or a win."""


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
    group = await member_records.ensure_group(db, who.guild_id, who.default_timezone, who.now)
    member = await member_records.get_member(db, who.guild_id, who.user_id)
    zone_name = member.timezone if member and member.timezone else group.timezone
    timezone = stored_zone(zone_name)
    return MemberContext(group, member, timezone, local_date(who.now, timezone))


def pause_periods(pauses: tuple[Pause, ...] | list[Pause]) -> list[PausePeriod]:
    return [PausePeriod(p.start_date, p.end_date) for p in pauses]


@dataclass(frozen=True)
class Recent:
    """What the numbers need besides the carry: the check-ins since its checkpoint, the
    member's pauses and reflections, and a carry to store when it had to be made or moved."""

    carry: Carry
    days: dict[date, str]  # local date -> kind, on or after carry.checkpoint
    pauses: list[Pause]
    reflections: int
    store: bool  # the carry is new: save it


async def member_now(db: Database, who: Who) -> tuple[MemberContext, member_records.MemberState]:
    """The member's context and stored state, in one read (the group is created the first
    time it is seen)."""
    state = await member_records.member_state(db, who.guild_id, who.user_id)
    group = state.group or await member_records.ensure_group(
        db, who.guild_id, who.default_timezone, who.now
    )
    member = state.member
    timezone = stored_zone(member.timezone if member and member.timezone else group.timezone)
    return MemberContext(group, member, timezone, local_date(who.now, timezone)), state


async def recent(
    db: Database, who: Who, ctx: MemberContext, state: member_records.MemberState
) -> Recent:
    """The member's carry and the check-ins since its checkpoint: a few weeks of rows. The
    carry is made from the whole history once per member (or after their weekly target
    changed), and moved on every few weeks from the rows already read."""
    carry, target = state.carry, ctx.weekly_target
    if carry_is_current(carry, ctx.today, target):
        assert carry is not None
        return Recent(carry, dict(state.days), state.pauses, state.reflections, store=False)
    periods = pause_periods(state.pauses)
    if carry is not None and carry.rhythm_target == target:
        rows = dict(state.days)  # every day since the old checkpoint
        rest = {d for d, k in rows.items() if k == "rest"}
        paused = paused_days(periods, ctx.today)
        fresh = advance_carry(
            carry, set(rows), rest, paused, checkpoint_for(ctx.today), target, ctx.today
        )
    else:
        rows = (
            dict(state.days)
            if carry is None
            else dict(await member_records.member_days(db, who.guild_id, who.user_id))
        )
        rest = {d for d, k in rows.items() if k == "rest"}
        fresh = carry_from_history(set(rows), rest, periods, ctx.today, target)
    window = {d: k for d, k in rows.items() if d >= fresh.checkpoint}
    return Recent(fresh, window, state.pauses, state.reflections, store=True)


def stats_from_recent(state: Recent, ctx: MemberContext) -> JourneyStats:
    days = set(state.days)
    # Consistency starts at the member's first check-in: days before it (a member row made
    # when someone encouraged them, say) are never counted against them.
    first = state.carry.first_day or min(days, default=ctx.today)
    return journey_stats_with(
        state.carry,
        days=days,
        rest_days=sum(1 for kind in state.days.values() if kind == "rest"),
        reflections=state.reflections,
        pauses=pause_periods(state.pauses),
        today=ctx.today,
        weekly_target=ctx.weekly_target,
        start=first,
    )


async def check_in(
    db: Database, who: Who, *, kind: CheckinKind, note: str | None, day: str
) -> CheckinOutcome:
    """Validate, find the member's local day, and in one transaction upsert one row per day,
    keep their stored numbers and plan the quiet-week DM (and after a setback, tomorrow's
    follow-up); the reply's numbers come from the carry and the few weeks since it, with this
    check-in. ``kind`` is checked again here: a modal's select or a modified client can send
    any string."""
    kind = inputs.checkin_kind(kind)
    note = inputs.clean_text(note, what="note", limit=inputs.NOTE_LIMIT)
    ctx, stored = await member_now(db, who)
    target_day = checkin_date(day, who.now, ctx.timezone)
    state = await recent(db, who, ctx, stored)
    paused = paused_days(pause_periods(state.pauses), ctx.today)
    before = set(state.days) - {target_day}
    # Coming back after a broken streak: judged on the days before this new one.
    came_back = (
        day == "today"
        and target_day not in state.days
        and streak_ended_with(before, ctx.today, paused, state.carry)
    )
    at = dm_times.dm_time(ctx.member.morning_dm_time if ctx.member else None)
    quiet = None
    if ctx.member is None or ctx.member.patience_dm:
        last = max(max(state.days, default=target_day), target_day)
        quiet = (f"after:{last.isoformat()}", dm_times.quiet_due(last, ctx.timezone, at))
    follow_up = _follow_up("setback", ctx) if kind == "setback" else None
    write = await member_records.record_checkin(
        db,
        guild_id=who.guild_id,
        user_id=who.user_id,
        local_date=target_day,
        kind=kind,
        note=note,
        first_day=ctx.first_day,
        now=who.now,
        carry=state.carry if state.store else None,
        quiet=quiet,
        follow_up=follow_up,
        member_exists=ctx.member is not None,
    )
    state.days[target_day] = write.checkin.kind
    return CheckinOutcome(
        checkin=write.checkin,
        created=write.created,
        stats=stats_from_recent(state, ctx),
        came_back=came_back,
    )


@dataclass(frozen=True)
class JourneyView:
    stats: JourneyStats
    paused: Pause | None
    timezone: str


def active_pause(pauses: list[Pause], today: date) -> Pause | None:
    """The pause covering ``today`` (as ``member_records.active_pause`` finds it)."""
    covering = [p for p in pauses if pause_covers(PausePeriod(p.start_date, p.end_date), today)]
    return max(covering, key=lambda p: p.start_date, default=None)


async def _journey(db: Database, who: Who) -> tuple[JourneyView, MemberContext, Recent]:
    ctx, stored = await member_now(db, who)
    state = await recent(db, who, ctx, stored)
    if state.store and ctx.member is not None:
        await member_records.store_carry(db, who.guild_id, who.user_id, state.carry)
    active = active_pause(state.pauses, ctx.today)
    return JourneyView(stats_from_recent(state, ctx), active, ctx.timezone.key), ctx, state


async def journey(db: Database, who: Who) -> JourneyView:
    """The member's own numbers (``/journey``'s text)."""
    view, _ctx, _state = await _journey(db, who)
    return view


@dataclass(frozen=True)
class JourneyCard:
    """``/journey`` whole: the numbers and the picture of the member's last year."""

    view: JourneyView
    picture: JourneyPicture


async def _calendar(
    db: Database, who: Who, ctx: MemberContext, state: Recent, since: date
) -> tuple[dict[date, str], frozenset[date], date]:
    """The member's check-in days and paused days from ``since`` to today (one indexed range
    read of their check-ins), and their first day."""
    days: dict[date, str] = {}
    if ctx.member is not None:
        days = dict(await member_records.member_days(db, who.guild_id, who.user_id, since))
    overlapping = [p for p in pause_periods(state.pauses) if p.end is None or p.end > since]
    paused = frozenset(d for d in paused_days(overlapping, ctx.today) if d >= since)
    first = state.carry.first_day or min(days, default=ctx.today)
    return days, paused, first


async def journey_card(db: Database, who: Who) -> JourneyCard:
    """``/journey``: the numbers and a calendar of the last year, for the member only."""
    view, ctx, state = await _journey(db, who)
    days, paused, first = await _calendar(db, who, ctx, state, year_grid_start(ctx.today))
    picture = draw_year(days, paused, ctx.today, view.stats, first_day=first)
    return JourneyCard(view, picture)


async def weeks_picture(db: Database, who: Who, weeks: int = 12) -> JourneyPicture:
    """The member's last ``weeks`` weeks as a picture (the personal weekly recap DM)."""
    _view, ctx, state = await _journey(db, who)
    days, paused, first = await _calendar(db, who, ctx, state, weeks_grid_start(ctx.today, weeks))
    return draw_weeks(days, paused, ctx.today, weeks, first_day=first)


# --------------------------------------------------------------------------- /why


async def add_reason(db: Database, who: Who, text: str) -> int:
    reason = inputs.required_text(text, what="reason", limit=inputs.REASON_LIMIT)
    ctx = await member_context(db, who)
    count = await member_records.add_reason(
        db, who.guild_id, who.user_id, reason, first_day=ctx.first_day, now=who.now
    )
    if count is None:
        raise UserFacingError(
            f"You already have {member_records.MAX_REASONS} reasons written down. "
            "Remove one with `/why remove` to make room."
        )
    return count


async def list_reasons(db: Database, who: Who) -> list[Reason]:
    return await member_records.list_reasons(db, who.guild_id, who.user_id)


async def remove_reason(db: Database, who: Who, number: int) -> Reason:
    removed = await member_records.remove_reason(db, who.guild_id, who.user_id, number)
    if removed is None:
        count = len(await member_records.list_reasons(db, who.guild_id, who.user_id))
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
    return await member_records.update_member(
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
    started = await member_records.start_pause(
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
        current = await member_records.active_pause(db, who.guild_id, who.user_id, ctx.today)
        when = f" until {current.end_date.isoformat()}" if current and current.end_date else ""
        raise UserFacingError(
            f"You're already paused{when}. Use `/resume` when you're back, "
            "then pause again if you need a different date."
        )
    if resume_on is not None:
        at = dm_times.dm_time(ctx.member.morning_dm_time if ctx.member else None)
        due = local_instant(resume_on, at, ctx.timezone)
        await personal_dms.schedule_dm(
            db, who.guild_id, who.user_id, "welcome", resume_on.isoformat(), due, who.now
        )
    return started


async def resume(db: Database, who: Who) -> Pause:
    ctx = await member_context(db, who)
    ended = await member_records.end_pause(db, who.guild_id, who.user_id, ctx.today)
    if ended is None:
        raise UserFacingError("You aren't paused, so there's nothing to resume. Keep going!")
    await personal_dms.cancel_pending(db, who.guild_id, who.user_id, "welcome")
    return ended


# --------------------------------------------------------------------------- personal DMs


async def plan_quiet_dm(db: Database, who: Who) -> None:
    """The gentle DM after 7 quiet days, planned 7 days from the member's last check-in."""
    ctx = await member_context(db, who)
    if ctx.member is None or not ctx.member.patience_dm:
        return
    last = await personal_dms.last_checkin_day(db, who.guild_id, who.user_id)
    if last is not None:
        at = dm_times.dm_time(ctx.member.morning_dm_time)
        await _plan_quiet(db, who, last, ctx.timezone, at)


async def _plan_quiet(db: Database, who: Who, last: date, tz: ZoneInfo, at: time) -> None:
    due = dm_times.quiet_due(last, tz, at)
    await personal_dms.schedule_dm(
        db,
        who.guild_id,
        who.user_id,
        "quiet",
        f"after:{last.isoformat()}",
        due,
        who.now,
        replace_pending=True,
    )


def _follow_up(kind: FollowUpKind, ctx: MemberContext) -> tuple[DMKind, str, datetime]:
    """The one-day rule: tomorrow at the member's time, back to the process. Returns the
    personal DM's kind, period and due instant."""
    at = dm_times.dm_time(ctx.member.morning_dm_time if ctx.member else None)
    due = dm_times.next_day_at(ctx.today, ctx.timezone, at)
    dm_kind: DMKind = "followup_setback" if kind == "setback" else "followup_win"
    return dm_kind, ctx.today.isoformat(), due


async def plan_follow_up(db: Database, who: Who, kind: FollowUpKind) -> None:
    """Plan the follow-up after a win (a setback's is planned with its check-in)."""
    ctx = await member_context(db, who)
    dm_kind, period, due = _follow_up(kind, ctx)
    await personal_dms.schedule_dm(db, who.guild_id, who.user_id, dm_kind, period, due, who.now)


async def plan_morning_dm(db: Database, who: Who) -> None:
    ctx = await member_context(db, who)
    if ctx.member is None or not ctx.member.morning_dm:
        await personal_dms.cancel_pending(db, who.guild_id, who.user_id, "morning")
        return
    at = dm_times.dm_time(ctx.member.morning_dm_time)
    due = dm_times.next_morning(who.now, ctx.timezone, at)
    period = due.astimezone(ctx.timezone).date().isoformat()
    await personal_dms.schedule_dm(
        db, who.guild_id, who.user_id, "morning", period, due, who.now, replace_pending=True
    )


async def plan_recap_dm(db: Database, who: Who) -> None:
    ctx = await member_context(db, who)
    if ctx.member is None or not ctx.member.recap_dm:
        await personal_dms.cancel_pending(db, who.guild_id, who.user_id, "recap")
        return
    due = dm_times.next_recap(who.now, ctx.timezone)
    period = due.astimezone(ctx.timezone).date().isoformat()
    await personal_dms.schedule_dm(
        db, who.guild_id, who.user_id, "recap", period, due, who.now, replace_pending=True
    )


async def set_morning_dm(db: Database, who: Who, enabled: bool, time: str | None) -> Member:
    changes: dict[str, object] = {"morning_dm": int(enabled)}
    if time is not None:
        changes["morning_dm_time"] = parse_hhmm(time).strftime("%H:%M")
    member = await _update(db, who, **changes)
    await personal_dms.reopen_dms(db, who.user_id)
    await plan_morning_dm(db, who)
    return member


async def set_recap_dm(db: Database, who: Who, enabled: bool) -> Member:
    member = await _update(db, who, recap_dm=int(enabled))
    await personal_dms.reopen_dms(db, who.user_id)
    await plan_recap_dm(db, who)
    return member


async def set_patience_dm(db: Database, who: Who, enabled: bool) -> Member:
    member = await _update(db, who, patience_dm=int(enabled))
    if enabled:
        await plan_quiet_dm(db, who)
    else:
        await personal_dms.cancel_pending(db, who.guild_id, who.user_id, "quiet")
    return member


# --------------------------------------------------------------------------- setbacks, wins


async def reflect(
    db: Database, who: Who, *, what_happened: str | None, lesson: str | None, next_step: str | None
) -> int:
    """Store a reflection (at least one answer); returns how many the member has written."""
    answers = [
        inputs.clean_text(what_happened, what="answer", limit=inputs.REFLECTION_LIMIT),
        inputs.clean_text(lesson, what="answer", limit=inputs.REFLECTION_LIMIT),
        inputs.clean_text(next_step, what="answer", limit=inputs.REFLECTION_LIMIT),
    ]
    if not any(answers):
        raise UserFacingError("Write at least one answer: even a few words count.")
    ctx = await member_context(db, who)
    await personal_dms.add_reflection(
        db,
        who.guild_id,
        who.user_id,
        what_happened=answers[0],
        lesson=answers[1],
        next_step=answers[2],
        first_day=ctx.first_day,
        now=who.now,
    )
    return await member_records.reflection_count(db, who.guild_id, who.user_id)


async def record_win(db: Database, who: Who, what: str | None) -> int:
    text = inputs.clean_text(what, what="win", limit=inputs.NOTE_LIMIT)
    ctx = await member_context(db, who)
    win_id = await personal_dms.add_win(
        db,
        who.guild_id,
        who.user_id,
        local_date=ctx.today,
        what=text,
        first_day=ctx.first_day,
        now=who.now,
    )
    await plan_follow_up(db, who, "win")
    return win_id


async def one_reason(db: Database, who: Who, key: int) -> str | None:
    """One of the member's own reasons for training, to show back to them privately."""
    reasons = await member_records.list_reasons(db, who.guild_id, who.user_id)
    return reasons[key % len(reasons)].text if reasons else None


async def reopen_dms(db: Database, user_id: int) -> None:
    await personal_dms.reopen_dms(db, user_id)


async def plan_cheer_summary(db: Database, who: Who) -> None:
    """At most one cheers DM a day: the next one at the member's DM time, once."""
    ctx = await member_context(db, who)
    at = dm_times.dm_time(ctx.member.morning_dm_time if ctx.member else None)
    due = dm_times.next_morning(who.now, ctx.timezone, at)
    period = due.astimezone(ctx.timezone).date().isoformat()
    await personal_dms.schedule_dm(db, who.guild_id, who.user_id, "cheers", period, due, who.now)


async def take_dm_notice(db: Database, guild_id: int, user_id: int) -> bool:
    """True once after the bot found the member's DMs closed; taking it means the member has
    been told here, so no separate notice follows."""
    return await personal_dms.take_dm_notice(db, guild_id, user_id)


@dataclass(frozen=True)
class Win:
    id: int
    user_id: int
    what: str | None


async def find_win(db: Database, win_id: int) -> Win | None:
    row = await personal_dms.get_win(db, win_id)
    return Win(row["id"], row["user_id"], row["what"]) if row is not None else None


async def share_win(db: Database, win_id: int) -> bool:
    """Mark the win shared with the group; False when it was shared already."""
    return await personal_dms.mark_win_shared(db, win_id)


# --------------------------------------------------------------------------- shared check-ins


async def find_checkin(db: Database, checkin_id: int) -> Checkin | None:
    return await member_records.get_checkin(db, checkin_id)


async def cheer(
    db: Database, checkin: Checkin, cheerer_id: int, now: datetime, default_timezone: str
) -> tuple[bool, int]:
    """One member cheers a shared check-in; returns (whether the cheer is new, the check-in's
    cheer count). A new cheer plans the author's cheers DM (one a day at most)."""
    added, count = await member_records.add_cheer(db, checkin.id, checkin.guild_id, cheerer_id, now)
    if added:
        author = Who(checkin.guild_id, checkin.user_id, now, default_timezone)
        await plan_cheer_summary(db, author)
    return added, count


async def remember_shared_post(
    db: Database, checkin_id: int, channel_id: int, message_id: int
) -> None:
    """Where a check-in was shared, so its post can be found again."""
    await member_records.set_shared_post(db, checkin_id, channel_id, message_id)
