"""Limits on what members type. Checked here as well as declared to Discord, because a
modified client or a direct API call skips Discord's own option checks."""

from __future__ import annotations

from bot.rules.errors import UserFacingError
from bot.rules.kinds import CHECKIN_KINDS

NOTE_LIMIT = 500
REASON_LIMIT = 300
PAUSE_REASON_LIMIT = 200
REFLECTION_LIMIT = 1000


def clean_text(value: str | None, *, what: str, limit: int) -> str | None:
    """The member's text as they wrote it (outer whitespace trimmed), or None when empty.

    Longer than ``limit`` characters is refused, not cut: a silently shortened note would
    not be what they wrote.
    """
    if value is None:
        return None
    text = value.replace("\x00", "").strip()
    if not text:
        return None
    if len(text) > limit:
        raise UserFacingError(
            f"Your {what} is {len(text):,} characters long; the limit is {limit}. "
            "Nothing was saved: shorten it and try again."
        )
    return text


def required_text(value: str | None, *, what: str, limit: int) -> str:
    text = clean_text(value, what=what, limit=limit)
    if text is None:
        raise UserFacingError(f"Your {what} is empty. Write a few words and try again.")
    return text


def checkin_kind(value: str) -> str:
    if value not in CHECKIN_KINDS:
        raise UserFacingError("A check-in is one of: practice, rest or setback.")
    return value


def weekly_target(days: int) -> int:
    if not 1 <= days <= 7:
        raise UserFacingError("Your weekly target is a number of days from 1 to 7.")
    return days
