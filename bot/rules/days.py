"""Calendar rules: timezones, local dates, times of day and which day a check-in is for.

Pure functions. The current instant is always passed in; nothing here reads the clock.
"""

import functools
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.rules.errors import UserFacingError

MAX_TIMEZONE_LENGTH = 64
YESTERDAY_CUTOFF = time(12, 0)
MAX_RESUME_DAYS_AHEAD = 366

# Files in the zoneinfo folders that load but are not IANA zone names: "localtime" is whatever
# the server happens to be set to, and "posixrules" is an internal file of the database.
_NOT_ZONE_NAMES = frozenset({"localtime", "posixrules"})

_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def _echo(text: str, limit: int) -> str:
    """Make member input safe to repeat back inside an inline code span."""
    cleaned = _CONTROL_CHARS.sub("", text.replace("`", ""))
    return cleaned[:limit]


def parse_timezone(name: str) -> ZoneInfo:
    """Return the zone for an IANA name such as ``Europe/Berlin`` (or ``UTC``).

    Names are case-sensitive, as zoneinfo is. Anything else raises UserFacingError.
    """
    candidate = name.strip()
    error = UserFacingError(
        f"I don't know the timezone `{_echo(candidate, MAX_TIMEZONE_LENGTH)}`. "
        "Use an IANA name such as `Europe/Berlin` or `America/New_York`."
    )
    if (
        not candidate
        or len(candidate) > MAX_TIMEZONE_LENGTH
        or ".." in candidate
        or candidate.startswith("/")
        or "\\" in candidate
        or "\x00" in candidate
        or candidate in _NOT_ZONE_NAMES
    ):
        raise error
    try:
        return ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise error from exc


@functools.cache
def stored_zone(name: str) -> ZoneInfo:
    """The zone for a name already stored (checked when it was set), kept for the process.

    ``ZoneInfo`` itself keeps only the last few zones it made strongly: with members all over
    the world, every check-in would otherwise read and parse a zone file again."""
    return ZoneInfo(name)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """The calendar date in ``tz`` at ``instant``. ``instant`` must be timezone-aware."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("local_date needs a timezone-aware datetime")
    return instant.astimezone(tz).date()


def parse_hhmm(text: str) -> time:
    """Parse ``HH:MM`` in 24-hour time (``7:05`` and ``07:05`` both work)."""
    match = _HHMM.fullmatch(text.strip())
    if match is not None:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    raise UserFacingError(
        f"`{_echo(text.strip(), 20)}` isn't a time I can use. "
        "Write it as HH:MM in 24-hour time, like `07:30`."
    )


def parse_resume_date(text: str, today: date) -> date:
    """Parse a ``YYYY-MM-DD`` date after ``today`` and at most a year ahead."""
    candidate = text.strip()
    parsed: date | None = None
    if _ISO_DATE.fullmatch(candidate):
        try:
            parsed = date.fromisoformat(candidate)
        except ValueError:
            parsed = None
    if parsed is None:
        raise UserFacingError(
            f"`{_echo(candidate, 20)}` isn't a date I can use. "
            "Write it as YYYY-MM-DD, like `2026-05-04`."
        )
    if parsed <= today:
        raise UserFacingError(
            "The date to resume on must be after today. Pick a day from tomorrow onwards."
        )
    if parsed > today + timedelta(days=MAX_RESUME_DAYS_AHEAD):
        raise UserFacingError(
            "The date to resume on can be at most a year ahead. Pick an earlier day; "
            "you can always extend the pause later."
        )
    return parsed


def checkin_date(choice: str, now: datetime, tz: ZoneInfo) -> date:
    """The local day a check-in counts for: ``"today"`` or ``"yesterday"`` (until noon).

    ``choice`` is matched ignoring case and surrounding spaces. ``now`` must be aware.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("checkin_date needs a timezone-aware datetime")
    normalized = choice.strip().lower()
    local_now = now.astimezone(tz)
    if normalized == "today":
        return local_now.date()
    if normalized == "yesterday":
        if local_now.time() < YESTERDAY_CUTOFF:
            return local_now.date() - timedelta(days=1)
        raise UserFacingError(
            "Yesterday can be recorded until noon your time, and it's past that now, so today "
            "is what counts: check in for today instead. One unrecorded day doesn't undo your work."
        )
    raise UserFacingError("You can check in for `today` or, until noon, for `yesterday`.")


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())
