"""When personal DMs are due: plain rules over a member's local time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.rules.schedule import PostSchedule, local_instant, next_occurrence

DEFAULT_DM_TIME = time(9, 0)
RECAP_DM_DAY = 6  # Sunday
RECAP_DM_TIME = time(18, 0)
QUIET_DAYS = 7

PERSONAL_DM_GRACE = {
    "morning": timedelta(hours=2),
    "recap": timedelta(hours=12),
    "followup_setback": timedelta(hours=12),
    "followup_win": timedelta(hours=12),
    "quiet": timedelta(hours=24),
    "welcome": timedelta(hours=24),
    "cheers": timedelta(hours=12),
    "buddies": timedelta(hours=24),
}


def dm_time(morning_dm_time: str | None) -> time:
    """A member's time for personal DMs: their morning DM time, else 09:00."""
    if not morning_dm_time:
        return DEFAULT_DM_TIME
    hour, minute = (int(part) for part in morning_dm_time.split(":"))
    return time(hour, minute)


def next_morning(now: datetime, tz: ZoneInfo, at: time) -> datetime:
    schedule = PostSchedule("morning", True, 0, at, None)
    return next_occurrence(schedule, now, tz)


def next_recap(now: datetime, tz: ZoneInfo) -> datetime:
    schedule = PostSchedule("recap", True, 0, RECAP_DM_TIME, RECAP_DM_DAY)
    return next_occurrence(schedule, now, tz)


def next_day_at(day: date, tz: ZoneInfo, at: time) -> datetime:
    """The one-day rule: the day after ``day``, at the member's time."""
    return local_instant(day + timedelta(days=1), at, tz)


def quiet_due(last_checkin: date, tz: ZoneInfo, at: time) -> datetime:
    """After 7 whole local days without a check-in, on the 8th at the member's time."""
    return local_instant(last_checkin + timedelta(days=QUIET_DAYS + 1), at, tz)


def too_late(kind: str, due_at: datetime, now: datetime) -> bool:
    return now - due_at > PERSONAL_DM_GRACE[kind]
