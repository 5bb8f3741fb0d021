"""The weekly group recap without Discord: the week's totals and who reached a milestone.

``cogs/scheduled_posts.py`` turns a :class:`WeeklyRecap` into the post: the members' names
(from Discord), the text (``rules.recap.recap_text``) and the picture (``rules.recap_chart``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.rules.recap import milestones, recap_week, week_bounds_utc, week_label
from storage import recap_totals
from storage.db import Database
from storage.recap_totals import RecapCounts

__all__ = ["RecapCounts", "WeeklyRecap", "weekly_recap"]


@dataclass(frozen=True)
class WeeklyRecap:
    """One local week of a group, as its recap shows it."""

    guild_id: int
    week_start: date
    week_label: str
    counts: RecapCounts
    milestone_user_ids: frozenset[int]
    """Members who reached 100 days or a year of weekly rhythm this week (celebrated by
    name if they are still in the group)."""


async def weekly_recap(
    db: Database, guild_id: int, occurrence: datetime, tz: ZoneInfo
) -> WeeklyRecap:
    """The recap for the local week the recap post at ``occurrence`` closes."""
    week_start = recap_week(occurrence.astimezone(tz).date())
    utc_start, utc_end = week_bounds_utc(week_start, tz)
    counts = await recap_totals.recap_counts(db, guild_id, week_start, utc_start, utc_end)
    celebrated = await recap_totals.milestone_candidates(db, guild_id, week_start)
    reached = milestones(celebrated, week_start)
    return WeeklyRecap(
        guild_id=guild_id,
        week_start=week_start,
        week_label=week_label(week_start),
        counts=counts,
        milestone_user_ids=frozenset({*reached.hundred_days, *reached.year_of_rhythm}),
    )
