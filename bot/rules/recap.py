"""The weekly group recap: which week it covers, its milestones and its wording.

Pure functions over plain values: storage hands in the totals and the histories of members who
opted in to being celebrated; nothing here imports Discord or the database. The recap speaks of
"us": it holds group totals only, and names members solely to celebrate milestones they chose
to share, alphabetically and never with a number of their own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.rules.days import week_start as _week_start
from bot.rules.journey import Carry, PausePeriod, paused_days, weekly_rhythm_with

__all__ = [
    "MESSAGE_LIMIT",
    "RECAP_MILESTONE_DAYS",
    "RECAP_MILESTONE_WEEKS",
    "MemberHistoryLike",
    "Milestones",
    "RecapCountsLike",
    "alphabetical",
    "milestones",
    "recap_text",
    "recap_week",
    "week_bounds_utc",
]

RECAP_MILESTONE_DAYS = 100
RECAP_MILESTONE_WEEKS = 52

MESSAGE_LIMIT = 2000  # Discord's limit for a message's content
MAX_WEEK_LABEL = 100
MAX_THOUGHT = 600

_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)
_ELLIPSIS = "…"


# --------------------------------------------------------------------------- which week


def recap_week(occurrence_day: date) -> date:
    """The Monday of the local week a recap posted on ``occurrence_day`` covers.

    That is the week containing the day before: a Monday recap looks back on the week just
    ended, a Sunday evening recap on the week ending that day.
    """
    return _week_start(occurrence_day - _ONE_DAY)


def week_bounds_utc(week_start: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants of local Monday 00:00 and the following Monday 00:00 in ``tz``.

    Computed from the two local midnights, so a week with a DST change is 167 or 169 hours
    long. Where a midnight does not exist (a zone that springs forward at 00:00) the day
    starts at the moment of the change.
    """
    if week_start.weekday() != 0:
        raise ValueError(f"{week_start} is not a Monday")
    start = datetime.combine(week_start, time(0), tzinfo=tz)
    end = datetime.combine(week_start + _ONE_WEEK, time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


# --------------------------------------------------------------------------- milestones


class MemberHistoryLike(Protocol):
    """What the milestone rules read about one member (storage's ``MemberHistory`` fits).

    ``days`` are the check-in days on or after ``carry.checkpoint`` (a Monday at least a week
    before the recap's week); ``carry`` holds the member's numbers before it, counted with
    ``weekly_target``. ``Carry.empty`` at the Monday of the first check-in and every day is
    the whole history."""

    @property
    def user_id(self) -> int: ...

    @property
    def carry(self) -> Carry: ...

    @property
    def days(self) -> AbstractSet[date]: ...

    @property
    def pauses(self) -> Sequence[PausePeriod]: ...

    @property
    def weekly_target(self) -> int: ...


@dataclass(frozen=True)
class Milestones:
    """User ids, in ascending order, of members who reached a milestone during the week."""

    hundred_days: tuple[int, ...]
    year_of_rhythm: tuple[int, ...]


def _reached_hundred_days(member: MemberHistoryLike, monday: date, sunday: date) -> bool:
    before = member.carry.days + sum(1 for d in member.days if d < monday)
    if before >= RECAP_MILESTONE_DAYS:
        return False
    this_week = sum(1 for d in member.days if monday <= d <= sunday)
    return before + this_week >= RECAP_MILESTONE_DAYS


def _reached_year_of_rhythm(member: MemberHistoryLike, monday: date, sunday: date) -> bool:
    carry, days = member.carry, member.days
    first = carry.first_day or min((d for d in days if d <= sunday), default=None)
    if first is None:
        return False
    # The rhythm grows by at most one a week from the first check-in: skip short histories.
    weeks_since_first = (monday - _week_start(first)).days // 7 + 1
    if weeks_since_first < RECAP_MILESTONE_WEEKS:
        return False
    target = member.weekly_target
    now = weekly_rhythm_with(carry, days, sunday, target, paused_days(member.pauses, sunday))
    if now < RECAP_MILESTONE_WEEKS:
        return False
    previous_sunday = sunday - _ONE_WEEK
    before = weekly_rhythm_with(
        carry, days, previous_sunday, target, paused_days(member.pauses, previous_sunday)
    )
    return before < RECAP_MILESTONE_WEEKS


def milestones(members: Iterable[MemberHistoryLike], week_start: date) -> Milestones:
    """Who reached 100 days shown up, or 52 weeks of weekly rhythm, during the week.

    100 days: fewer than 100 check-in days before the Monday, at least 100 by the Sunday.
    A year of rhythm: the weekly rhythm evaluated at the week's Sunday is at least 52, and it
    was below 52 evaluated at the Sunday before. The caller passes only members who opted in.
    """
    monday = week_start
    sunday = monday + timedelta(days=6)
    hundred: list[int] = []
    year: list[int] = []
    for member in members:
        if _reached_hundred_days(member, monday, sunday):
            hundred.append(member.user_id)
        if _reached_year_of_rhythm(member, monday, sunday):
            year.append(member.user_id)
    return Milestones(hundred_days=tuple(sorted(hundred)), year_of_rhythm=tuple(sorted(year)))


def _letters(name: str) -> str:
    """The name without accents, case-folded: "Émile" sorts with the e's."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def alphabetical(names: Iterable[str]) -> list[str]:
    """Names in alphabetical order ignoring case and accents, then case-folded, then as
    written (a stable order for names that differ only in those)."""
    return sorted(names, key=lambda name: (_letters(name), name.casefold(), name))


# --------------------------------------------------------------------------- wording


class RecapCountsLike(Protocol):
    """The group's totals for the week (storage's ``RecapCounts`` fits)."""

    @property
    def members_showed_up(self) -> int: ...

    @property
    def checkins(self) -> int: ...

    @property
    def rest_days(self) -> int: ...

    @property
    def setbacks(self) -> int: ...

    @property
    def reflections(self) -> int: ...

    @property
    def encouragements(self) -> int: ...

    @property
    def came_back(self) -> int: ...

    @property
    def new_members(self) -> int: ...


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    word = singular if count == 1 else (plural or f"{singular}s")
    return f"{count} {word}"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + _ELLIPSIS


def _showed_up_line(counts: RecapCountsLike) -> str:
    line = (
        f"{counts.members_showed_up} of us showed up, with {_plural(counts.checkins, 'check-in')}"
    )
    if counts.rest_days:
        line += f", including {_plural(counts.rest_days, 'rest day')} (rest is training too)"
    return line + "."


def _setback_line(setbacks: int, reflections: int) -> str | None:
    if setbacks and reflections:
        return (
            f"{_plural(setbacks, 'setback')} came our way, and we wrote "
            f"{_plural(reflections, 'reflection')} to learn from what happened."
        )
    if setbacks:
        return f"{_plural(setbacks, 'setback')} came our way: information for the next step."
    if reflections:
        return (
            f"We wrote {_plural(reflections, 'reflection')}, turning setbacks into something "
            "to learn from."
        )
    return None


def _body_lines(counts: RecapCountsLike) -> list[str]:
    lines: list[str] = []
    if counts.checkins or counts.members_showed_up:
        lines.append(_showed_up_line(counts))
    else:
        lines.append(
            "A quiet week. The path is still here; whenever we are ready, one small step "
            "picks it up again."
        )
    setbacks = _setback_line(counts.setbacks, counts.reflections)
    if setbacks:
        lines.append(setbacks)
    if counts.encouragements:
        lines.append(
            f"We shared {_plural(counts.encouragements, 'encouragement')} with each other."
        )
    if counts.came_back:
        lines.append(f"{counts.came_back} of us came back after a break. Welcome back!")
    if counts.new_members:
        lines.append(
            f"{_plural(counts.new_members, 'new member')} started their journey with us. Welcome!"
        )
    return lines


_MILESTONE_OPENING = "Milestones to celebrate (100 days shown up, or a year of weekly rhythm): "
_MILESTONE_CLOSING = ". Well done, and back to the process together."


def _join_names(names: Sequence[str], more: int) -> str:
    """``A``, ``A and B``, ``A, B and C``; with ``more``, ``A, B and 3 more``."""
    parts = list(names)
    if more:
        parts.append(f"{more} more")
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _milestone_line(names: Sequence[str], budget: int) -> str | None:
    """The celebration line within ``budget`` characters, listing as many names as fit.

    Names keep the caller's order: the first ones are listed and the rest become "and N more".
    If not even one name fits, the line celebrates without names, or is left out.
    """
    full = _MILESTONE_OPENING + _join_names(names, 0) + _MILESTONE_CLOSING
    if len(full) <= budget:
        return full
    fixed = len(_MILESTONE_OPENING) + len(_MILESTONE_CLOSING)
    kept = 0
    listed = 0  # length of "A, B, C" for the first ``kept`` names
    while kept + 1 < len(names):
        width = listed + len(names[kept]) + (2 if kept else 0)
        if fixed + width + len(f" and {len(names) - kept - 1} more") > budget:
            break
        kept, listed = kept + 1, width
    best: str | None = None
    if kept:
        best = _MILESTONE_OPENING + _join_names(names[:kept], len(names) - kept)
        best += _MILESTONE_CLOSING
    if best is None:
        nameless = (
            f"{len(names)} of us reached a milestone this week (100 days shown up, or a year "
            "of weekly rhythm). Well done!"
        )
        best = nameless if len(nameless) <= budget else None
    return best


def recap_text(
    counts: RecapCountsLike,
    *,
    milestone_names: Sequence[str],
    thought: str,
    week_label: str,
) -> str:
    """The group recap post, in the group's voice, at most 2000 characters.

    ``milestone_names`` are display names the caller has already escaped and put in order
    (see :func:`alphabetical`), each member once; when they do not all fit, as many as fit
    are listed, followed by "and N more". Lines whose number is zero are left out, except
    that an empty week gets a gentle line of its own.
    """
    title = f"**Our week together: {_clip(week_label, MAX_WEEK_LABEL)}**"
    ending = f"Thought for the week: {_clip(thought, MAX_THOUGHT)}"
    lines = [title, *_body_lines(counts)]

    def assemble(milestone: str | None) -> str:
        middle = [*lines, milestone] if milestone else lines
        return "\n".join(middle) + "\n\n" + ending

    text = assemble(None)
    if milestone_names:
        budget = MESSAGE_LIMIT - len(text) - 1  # the line plus its newline
        milestone = _milestone_line(milestone_names, budget)
        if milestone:
            text = assemble(milestone)
    if len(text) > MESSAGE_LIMIT:  # only absurdly large numbers get here
        text = text[: MESSAGE_LIMIT - 1] + _ELLIPSIS
    return text


def week_label(week_start: date) -> str:
    """The week as people say it: "23 to 29 November", "30 November to 6 December"."""
    sunday = week_start + timedelta(days=6)
    if week_start.month == sunday.month:
        return f"{week_start.day} to {sunday.day} {sunday:%B}"
    return f"{week_start.day} {week_start:%B} to {sunday.day} {sunday:%B}"
