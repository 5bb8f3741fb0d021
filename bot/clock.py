"""Time comes from a clock callable, so tests (and rules) never read the wall clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock: an aware UTC instant."""
    return datetime.now(UTC)
