"""When group posts happen: occurrences in a group's local time, periods, grace windows.

Plain functions: the scheduler asks them what is due, and ``/setup`` asks them when the
next post goes out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

GROUP_POST_GRACE = {
    "morning": timedelta(hours=2),
    "patience": timedelta(hours=2),
    "recap": timedelta(hours=12),
    "buddies": timedelta(hours=24),
}
"""How late a group post (or the weekly buddy pairing) may still happen; personal DMs have a
table of their own (``dm_times``)."""


def post_is_active(kind: str, enabled: bool, channel_id: int | None) -> bool:
    """Whether a group post happens at all: switched on, and with a channel to post in
    (buddies are paired and introduced by DM: they need no channel)."""
    return enabled and (channel_id is not None or kind == "buddies")


@dataclass(frozen=True)
class PostSchedule:
    """One kind of group post: daily (``weekday`` None) or weekly, at a local time."""

    kind: str
    enabled: bool
    channel_id: int | None
    at: time
    weekday: int | None

    @property
    def active(self) -> bool:
        return post_is_active(self.kind, self.enabled, self.channel_id)


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of ``at`` on local ``day``.

    A time the clocks skip (spring forward) happens as soon as the clock allows, on the same
    day: 02:30 on a night that jumps from 02:00 to 03:00 becomes 03:00. A time that happens
    twice (fall back) happens the first time.
    """
    naive = datetime.combine(day, at)
    candidate = naive.replace(tzinfo=tz, fold=0)
    instant = candidate.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != naive:
        # Skipped by the clocks: use the first valid local time after the gap.
        after = instant.astimezone(tz)
        gap_end = after.replace(minute=0, second=0, microsecond=0)
        instant = gap_end.astimezone(UTC)
    return instant


def _matches(schedule: PostSchedule, day: date) -> bool:
    return schedule.weekday is None or day.weekday() == schedule.weekday


def latest_occurrence(schedule: PostSchedule, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The most recent scheduled instant at or before ``now`` (looking back up to 8 days)."""
    today = now.astimezone(tz).date()
    for back in range(0, 9):
        day = today - timedelta(days=back)
        if _matches(schedule, day):
            instant = local_instant(day, schedule.at, tz)
            if instant <= now:
                return instant
    return None


def next_occurrence(schedule: PostSchedule, now: datetime, tz: ZoneInfo) -> datetime:
    """The first scheduled instant strictly after ``now``."""
    today = now.astimezone(tz).date()
    for ahead in range(0, 9):
        day = today + timedelta(days=ahead)
        if _matches(schedule, day):
            instant = local_instant(day, schedule.at, tz)
            if instant > now:
                return instant
    raise AssertionError("a daily or weekly schedule always has a next occurrence")


def period_of(occurrence: datetime, tz: ZoneInfo) -> str:
    """The period a post belongs to: its local date (weekly posts happen once that week)."""
    return occurrence.astimezone(tz).date().isoformat()


# Discord deduplicates a message nonce (with ``enforce_nonce``) only "within the past few
# minutes" (developers/resources/message.mdx, Create Message). A resend later than this after
# the first attempt cannot count on the nonce: look for the first message before sending again.
NONCE_MEMORY = timedelta(minutes=2)


def nonce_may_have_expired(
    first_attempt: datetime, now: datetime, memory: timedelta = NONCE_MEMORY
) -> bool:
    """Whether Discord may have forgotten the nonce of an attempt made at ``first_attempt``."""
    return now - first_attempt >= memory


def post_nonce(guild_id: int, kind: str, period: str) -> str:
    """A nonce of Discord's maximum length (25), the same for the same (group, kind, period)."""
    digest = hashlib.sha256(f"{guild_id}:{kind}:{period}".encode()).hexdigest()
    return digest[:25]


def due_occurrence(
    schedule: PostSchedule, now: datetime, tz: ZoneInfo, *, since: datetime | None
) -> datetime | None:
    """The latest occurrence a post owes: None when it is off, has none yet, or was set up
    (``since``) after it, so it was never due."""
    if not schedule.active:
        return None
    occurrence = latest_occurrence(schedule, now, tz)
    if occurrence is None or (since is not None and occurrence < since):
        return None
    return occurrence


def due_action(kind: str, occurrence: datetime, now: datetime, *, logged_status: str | None) -> str:
    """What to do now about an occurrence: "post" it (on time or late within the grace
    window), "skip" it (missed beyond the grace), or "none" (done already).

    ``logged_status`` is how that period ended, if it has a record. A record still
    ``claimed`` was never confirmed: it is posted again (with the same nonce) within grace.
    """
    if logged_status in ("sent", "skipped", "failed"):
        return "none"
    if now - occurrence <= GROUP_POST_GRACE[kind]:
        return "post"
    return "skip"
