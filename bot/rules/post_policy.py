"""Trying a group post again after a passing fault: the delays, and the tries so far.

A post whose send hit a passing Discord fault stays claimed in the post log; the scheduler
tries it again after 1, then 5, then every 15 minutes, until it is sent or its grace window
is over (then it is recorded as skipped).
"""

from __future__ import annotations

RETRY_DELAYS = (60, 300, 900)
"""Seconds before each next try; the last one repeats."""


def retry_delay(attempt: int) -> int:
    """Seconds to wait before the try after ``attempt`` earlier ones (0 for the first retry)."""
    return RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]


class RetryAttempts:
    """Tries so far at each group post still being retried: one entry per (group, kind), for
    its current period only, and gone once the post is sent, given up or its period is over
    (:meth:`clear`). A new period starts from the first delay again."""

    def __init__(self) -> None:
        self._tries: dict[tuple[int, str], tuple[str, int]] = {}

    def next_delay(self, guild_id: int, kind: str, period: str) -> int:
        """Count one more try at ``period`` and return the seconds to wait before it."""
        last_period, attempt = self._tries.get((guild_id, kind), (period, 0))
        if last_period != period:
            attempt = 0
        self._tries[(guild_id, kind)] = (period, attempt + 1)
        return retry_delay(attempt)

    def clear(self, guild_id: int, kind: str) -> None:
        """Forget the tries at a post: it was sent, failed for good, or has nothing due."""
        self._tries.pop((guild_id, kind), None)

    def __len__(self) -> int:
        return len(self._tries)
