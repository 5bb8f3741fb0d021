"""Wording shared by more than one cog: how a member's own numbers read."""

from __future__ import annotations

from datetime import date

from bot.rules.journey import JourneyStats

KIND_LABELS = {"practice": "Practice", "rest": "Rest day", "setback": "Setback"}
KIND_EMOJI = {"practice": "🏃", "rest": "🌙", "setback": "🌱"}


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def consistency_line(stats: JourneyStats) -> str:
    return (
        f"Consistency: {stats.consistency_days}/{days(stats.consistency_out_of)} "
        f"(last 28) · streak: {days(stats.current_streak)} · "
        f"shown up: {days(stats.days_shown_up)} in all"
    )
