"""Rules for members encouraging each other: how often, and how far back buddy pairs count."""

from __future__ import annotations

from datetime import datetime, timedelta

COOLDOWN = timedelta(hours=1)
"""Between two encouragements from the same member to the same member."""
RECENT_WEEKS = 4
"""Weeks of earlier buddy pairs that pairing tries not to repeat."""


def cooldown_minutes_left(last: datetime | None, now: datetime) -> int | None:
    """Whole minutes (at least 1) before ``last``'s sender may encourage the same member
    again, or None when they may now."""
    if last is None or now - last >= COOLDOWN:
        return None
    return max(1, int((COOLDOWN - (now - last)).total_seconds() // 60))
