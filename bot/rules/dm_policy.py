"""Whether a personal DM that came due still goes out, or why it is skipped."""

from __future__ import annotations

from datetime import datetime

from bot.rules.dm_times import too_late

BEYOND_GRACE = "beyond the grace window"


def personal_dm_skip(
    kind: str,
    due_at: datetime,
    now: datetime,
    *,
    is_member: bool,
    morning_dm: bool,
    recap_dm: bool,
    patience_dm: bool,
    paused: bool,
) -> str | None:
    """Why a due personal DM is skipped, or None when it goes out.

    In this order: the member left (no longer a member), it is too late (beyond its grace
    window), the member switched that DM off, or they are paused (only the welcome back,
    sent when a pause ends, still goes to a paused member).
    """
    if not is_member:
        return "no longer a member"
    if too_late(kind, due_at, now):
        return BEYOND_GRACE
    switched_on = {"morning": morning_dm, "recap": recap_dm, "quiet": patience_dm}
    if not switched_on.get(kind, True):
        return "switched off"
    if paused and kind != "welcome":
        return "paused"
    return None
