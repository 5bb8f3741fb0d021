"""A member's own numbers: streaks, weekly rhythm and consistency.

Pure functions over plain values. Every day is a local calendar date in the member's timezone;
``today`` is always passed in. Nothing here compares one member with another.
"""

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta

from bot.days import week_start

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


def is_paused(pauses: Iterable[PausePeriod], day: date) -> bool:
    """Whether ``day`` falls inside any pause."""
    return any(p.start <= day and (p.end is None or day < p.end) for p in pauses)


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
    when it has a check-in anyway. Returns ``(days with a check-in, available days)``.
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
        elif day not in paused:
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
