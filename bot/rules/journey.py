"""A member's own numbers: streaks, weekly rhythm and consistency.

Pure functions over plain values. Every day is a local calendar date in the member's timezone;
``today`` is always passed in. Nothing here compares one member with another.
"""

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta

from bot.rules.days import week_start

_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class PausePeriod:
    """A pause: ``start`` is the first paused day, ``end`` the first day not paused."""

    start: date
    end: date | None  # exclusive; None while the pause is still open


@dataclass(frozen=True)
class JourneyStats:
    days_shown_up: int
    current_streak: int
    longest_streak: int
    weekly_rhythm: int
    weekly_target: int
    days_this_week: int
    consistency_days: int
    consistency_out_of: int
    rest_days: int
    reflections: int


def paused_days(pauses: Iterable[PausePeriod], until: date) -> frozenset[date]:
    """Every paused day up to and including ``until``; open pauses run through ``until``."""
    result: set[date] = set()
    for pause in pauses:
        last = until if pause.end is None else min(until, pause.end - _ONE_DAY)
        day = pause.start
        while day <= last:
            result.add(day)
            day += _ONE_DAY
    return frozenset(result)


def pause_covers(pause: PausePeriod, day: date) -> bool:
    """Whether ``day`` is paused: on or after the pause's first day and before its end (the
    end date itself counts again; an open pause runs on). Storage's ``pause_covers`` is the
    same rule in SQL."""
    return pause.start <= day and (pause.end is None or day < pause.end)


def is_paused(pauses: Iterable[PausePeriod], day: date) -> bool:
    """Whether ``day`` falls inside any pause."""
    return any(pause_covers(p, day) for p in pauses)


def current_streak(days: AbstractSet[date], today: date, paused: AbstractSet[date]) -> int:
    """Consecutive check-in days ending today or yesterday; paused days are skipped over.

    Today without a check-in yet does not break the streak. Paused days without a check-in
    neither count nor break it.
    """
    streak = 0
    day = today
    if day not in days:
        if day == date.min:
            return 0
        day -= _ONE_DAY
    while True:
        if day in days:
            streak += 1
        elif day not in paused:
            break
        if day == date.min:
            break
        day -= _ONE_DAY
    return streak


def _gap_is_paused(earlier: date, later: date, paused: AbstractSet[date]) -> bool:
    """Whether every day strictly between ``earlier`` and ``later`` is paused."""
    gap = (later - earlier).days - 1
    if gap == 0:
        return True  # consecutive days
    if gap > len(paused):
        return False
    return all(earlier + timedelta(days=i) in paused for i in range(1, gap + 1))


def longest_streak(days: AbstractSet[date], paused: AbstractSet[date]) -> int:
    """The longest run of check-in days ever, where gaps of only paused days don't break a run."""
    longest = 0
    run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and _gap_is_paused(previous, day, paused) else 1
        longest = max(longest, run)
        previous = day
    return longest


def weekly_rhythm(
    days: AbstractSet[date], today: date, target: int, paused: AbstractSet[date]
) -> int:
    """Consecutive ISO weeks in which the member met their target, ending this or last week.

    A week's requirement is ``min(target, days of that week that are not paused)``. A week with
    all seven days paused and no check-in is skipped. This week not being met yet does not
    break the rhythm. Weeks entirely before the first check-in are never looked at.
    """
    if target < 1:
        raise ValueError("weekly target must be at least 1")
    past = [d for d in days if d <= today]
    if not past:
        return 0
    first_week = week_start(min(past))
    this_week = week_start(today)
    rhythm = 0
    week = this_week
    while week >= first_week:
        week_days = [week + timedelta(days=i) for i in range(7)]
        shown_up = sum(1 for d in week_days if d in days and d <= today)
        open_days = sum(1 for d in week_days if d not in paused)
        if open_days == 0 and shown_up == 0:
            pass  # a fully paused week neither counts nor breaks
        elif shown_up >= min(target, open_days):
            rhythm += 1
        elif week != this_week:
            break
        if week - _ONE_WEEK < first_week:
            break
        week -= _ONE_WEEK
    return rhythm


def consistency(
    days: AbstractSet[date],
    today: date,
    paused: AbstractSet[date],
    start: date,
    window: int = 28,
) -> tuple[int, int]:
    """Check-in days out of available days in the last ``window`` days (today included).

    The window starts no earlier than ``start``. A day is available when it is not paused or
    when it has a check-in anyway; today only once it has a check-in (a day that is not over
    is never counted against the member). Returns ``(days with a check-in, available days)``.
    """
    if window < 1:
        raise ValueError("window must be at least 1 day")
    first = max(today - timedelta(days=window - 1), start)
    shown_up = 0
    available = 0
    day = first
    while day <= today:
        if day in days:
            shown_up += 1
            available += 1
        elif day not in paused and day < today:
            available += 1
        day += _ONE_DAY
    return shown_up, available


def streak_ended(days: AbstractSet[date], today: date, paused: AbstractSet[date]) -> bool:
    """Whether the member had checked in before and their streak had lapsed before today."""
    prior = {d for d in days if d < today}
    return bool(prior) and current_streak(prior, today, paused) == 0


def days_this_week(days: AbstractSet[date], today: date) -> int:
    """Check-in days from this ISO week's Monday up to and including today."""
    monday = week_start(today)
    return sum(1 for d in days if monday <= d <= today)


def journey_stats(
    *,
    days: AbstractSet[date],
    rest_days: int,
    reflections: int,
    pauses: Iterable[PausePeriod],
    today: date,
    weekly_target: int,
    start: date,
) -> JourneyStats:
    """All of a member's own numbers for ``today``."""
    paused = paused_days(pauses, today)
    consistency_days, consistency_out_of = consistency(days, today, paused, start)
    return JourneyStats(
        days_shown_up=len(days),
        current_streak=current_streak(days, today, paused),
        longest_streak=longest_streak(days, paused),
        weekly_rhythm=weekly_rhythm(days, today, weekly_target, paused),
        weekly_target=weekly_target,
        days_this_week=days_this_week(days, today),
        consistency_days=consistency_days,
        consistency_out_of=consistency_out_of,
        rest_days=rest_days,
        reflections=reflections,
    )


# --------------------------------------------------------------------------- stored carry
#
# /journey and the check-in reply must not walk a member's whole history on every call. A
# ``Carry`` holds what the rules need to know about every day before a checkpoint (a Monday
# 8 to 13 weeks back): counts, the longest streak, the streak and the weekly rhythm running
# into the checkpoint. The numbers for today are then computed from the carry and the few
# weeks of check-ins since the checkpoint, and are exactly those of ``journey_stats`` over
# the whole history (tests/test_member_stats.py checks both against each other).
#
# Days before the checkpoint never change: a check-in is only ever recorded for today or
# yesterday, and a pause starts today at the earliest.

CHECKPOINT_WEEKS = 8  # a new checkpoint is the Monday this many weeks before this week
CHECKPOINT_MAX_WEEKS = 13  # and it moves on once it is older than this


@dataclass(frozen=True)
class Carry:
    """A member's numbers over every day before ``checkpoint`` (a Monday)."""

    checkpoint: date
    days: int  # check-in days before the checkpoint
    rest_days: int
    first_day: date | None  # the first check-in day ever, if before the checkpoint
    longest: int  # the longest streak among those days
    run_in: int  # the streak running into the checkpoint (ending the day before it)
    rhythm_in: int  # the weekly rhythm running into it (ending the week before it)
    rhythm_target: int  # the weekly target rhythm_in was counted with

    @classmethod
    def empty(cls, checkpoint: date, target: int) -> "Carry":
        return cls(checkpoint, 0, 0, None, 0, 0, 0, target)


def checkpoint_for(today: date) -> date:
    return week_start(today) - timedelta(weeks=CHECKPOINT_WEEKS)


def carry_is_current(carry: Carry | None, today: date, target: int) -> bool:
    """Whether ``carry`` can serve ``today``: same target, and not too old."""
    return (
        carry is not None
        and carry.rhythm_target == target
        and carry.checkpoint <= today - timedelta(days=28)
        and (today - carry.checkpoint).days <= CHECKPOINT_MAX_WEEKS * 7
    )


def _walk_back(
    days: AbstractSet[date], start: date, lower: date, paused: AbstractSet[date]
) -> tuple[int, bool]:
    """Check-in days from ``start`` back to ``lower`` with only paused days between them;
    and whether the walk got past ``lower`` without a break."""
    count, day = 0, start
    while day >= lower:
        if day in days:
            count += 1
        elif day not in paused:
            return count, False
        day -= _ONE_DAY
    return count, True


def _longest_after(
    days: AbstractSet[date], lower: date, paused: AbstractSet[date], run_in: int
) -> int:
    """The longest run among ``days`` (all on or after ``lower``), the first one continuing
    the run of ``run_in`` days that ends just before ``lower`` if only paused days lie
    between."""
    longest, run, previous = 0, 0, None
    for day in sorted(days):
        if previous is None:
            joined = run_in > 0 and _gap_is_paused(lower - _ONE_DAY, day, paused)
            run = run_in + 1 if joined else 1
        else:
            run = run + 1 if _gap_is_paused(previous, day, paused) else 1
        longest = max(longest, run)
        previous = day
    return longest


_WEEK_OFFSETS = tuple(timedelta(days=i) for i in range(7))


def _week_state(
    days: AbstractSet[date], week: date, today: date, target: int, paused: AbstractSet[date]
) -> str:
    # The weekly recap runs this for a thousand members at once: no new timedeltas, and the
    # paused days only looked at when there are any.
    week_days = [week + offset for offset in _WEEK_OFFSETS]
    if week_days[6] <= today:
        shown_up = sum(1 for d in week_days if d in days)
    else:
        shown_up = sum(1 for d in week_days if d in days and d <= today)
    open_days = sum(1 for d in week_days if d not in paused) if paused else 7
    if open_days == 0 and shown_up == 0:
        return "skipped"
    return "met" if shown_up >= min(target, open_days) else "missed"


def _rhythm(
    days: AbstractSet[date],
    start_week: date,
    first_week: date,
    today: date,
    target: int,
    paused: AbstractSet[date],
    carry: Carry,
    this_week: date | None,
) -> int:
    """Weeks in a row from ``start_week`` back, continuing with ``carry.rhythm_in`` when the
    walk reaches the checkpoint; ``this_week`` may be missed without breaking."""
    rhythm, week = 0, start_week
    while week >= first_week:
        if week < carry.checkpoint:
            return rhythm + carry.rhythm_in
        state = _week_state(days, week, today, target, paused)
        if state == "met":
            rhythm += 1
        elif state == "missed" and week != this_week:
            break
        if week - _ONE_WEEK < first_week:
            break
        week -= _ONE_WEEK
    return rhythm


def advance_carry(
    carry: Carry,
    days: AbstractSet[date],
    rest_days: AbstractSet[date],
    paused: AbstractSet[date],
    checkpoint: date,
    target: int,
    today: date,
) -> Carry:
    """The carry at a later ``checkpoint``, from ``carry`` and the check-in ``days`` (and
    which of them were ``rest_days``) on or after ``carry.checkpoint``. ``paused`` holds the
    paused days up to ``today``. A carry with another target starts over: pass
    ``Carry.empty`` and every day."""
    if carry.rhythm_target != target and carry.days:
        raise ValueError("the carry was counted with another weekly target")
    between = {d for d in days if carry.checkpoint <= d < checkpoint}
    first = carry.first_day or min(between, default=None)
    count, reached = _walk_back(between, checkpoint - _ONE_DAY, carry.checkpoint, paused)
    rhythm_in = 0
    if first is not None:
        rhythm_in = _rhythm(
            between,
            checkpoint - _ONE_WEEK,
            week_start(first),
            today,
            target,
            paused,
            carry,
            this_week=None,
        )
    return Carry(
        checkpoint=checkpoint,
        days=carry.days + len(between),
        rest_days=carry.rest_days + sum(1 for d in between if d in rest_days),
        first_day=first,
        longest=max(carry.longest, _longest_after(between, carry.checkpoint, paused, carry.run_in)),
        run_in=count + (carry.run_in if reached else 0),
        rhythm_in=rhythm_in,
        rhythm_target=target,
    )


def carry_from_history(
    days: AbstractSet[date],
    rest_days: AbstractSet[date],
    pauses: Iterable[PausePeriod],
    today: date,
    target: int,
) -> Carry:
    """The carry at today's checkpoint, from a member's whole history (once, or after their
    weekly target changed)."""
    checkpoint = checkpoint_for(today)
    start = week_start(min(days, default=checkpoint))
    start = min(start, checkpoint)
    return advance_carry(
        Carry.empty(start, target),
        days,
        rest_days,
        paused_days(pauses, today),
        checkpoint,
        target,
        today,
    )


def current_streak_with(
    days: AbstractSet[date], today: date, paused: AbstractSet[date], carry: Carry
) -> int:
    """``current_streak`` over the carry and the ``days`` since its checkpoint."""
    start = today if today in days else today - _ONE_DAY
    count, reached = _walk_back(days, start, carry.checkpoint, paused)
    return count + (carry.run_in if reached else 0)


def streak_ended_with(
    days: AbstractSet[date], today: date, paused: AbstractSet[date], carry: Carry
) -> bool:
    """``streak_ended`` over the carry and the ``days`` since its checkpoint."""
    prior = {d for d in days if d < today}
    if not prior and not carry.days:
        return False
    return current_streak_with(prior, today, paused, carry) == 0


def weekly_rhythm_with(
    carry: Carry, days: AbstractSet[date], today: date, target: int, paused: AbstractSet[date]
) -> int:
    """``weekly_rhythm`` over the carry and the check-in ``days`` since its checkpoint (the
    carry counted with ``target``, its checkpoint no later than the Monday of ``today``'s
    week)."""
    first = carry.first_day or min((d for d in days if d <= today), default=None)
    if first is None:
        return 0
    this_week = week_start(today)
    return _rhythm(days, this_week, week_start(first), today, target, paused, carry, this_week)


def journey_stats_with(
    carry: Carry,
    *,
    days: AbstractSet[date],
    rest_days: int,
    reflections: int,
    pauses: Iterable[PausePeriod],
    today: date,
    weekly_target: int,
    start: date,
) -> JourneyStats:
    """``journey_stats`` from the carry and the check-in ``days`` (with ``rest_days`` of
    them) since its checkpoint."""
    paused = paused_days(pauses, today)
    consistency_days, consistency_out_of = consistency(days, today, paused, start)
    return JourneyStats(
        days_shown_up=carry.days + len(days),
        current_streak=current_streak_with(days, today, paused, carry),
        longest_streak=max(
            carry.longest, _longest_after(days, carry.checkpoint, paused, carry.run_in)
        ),
        weekly_rhythm=weekly_rhythm_with(carry, days, today, weekly_target, paused),
        weekly_target=weekly_target,
        days_this_week=days_this_week(days, today),
        consistency_days=consistency_days,
        consistency_out_of=consistency_out_of,
        rest_days=carry.rest_days + rest_days,
        reflections=reflections,
    )
