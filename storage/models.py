"""Plain dataclasses the repositories return: ids and values, never discord objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Group:
    guild_id: int
    timezone: str


@dataclass(frozen=True)
class Member:
    guild_id: int
    user_id: int
    timezone: str | None
    weekly_target: int
    celebrate_me: bool
    morning_dm: bool
    morning_dm_time: str | None
    recap_dm: bool
    dm_state: str
    first_day: date
    patience_dm: bool = True
    left: bool = False  # left the server (stamped on leave, cleared on return)


@dataclass(frozen=True)
class Checkin:
    id: int
    guild_id: int
    user_id: int
    local_date: date
    kind: str
    note: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CheckinWrite:
    """What :func:`record_checkin` did: the stored row, and whether the day was new."""

    checkin: Checkin
    created: bool


@dataclass(frozen=True)
class Reason:
    id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Pause:
    id: int
    start_date: date
    end_date: date | None
    reason: str | None


@dataclass(frozen=True)
class History:
    """Everything /journey needs about one member, read in one go."""

    days: frozenset[date]
    rest_days: int
    reflections: int
    pauses: tuple[Pause, ...]


@dataclass(frozen=True)
class PostConfig:
    """One scheduled group post as an admin set it up."""

    kind: str
    enabled: bool
    channel_id: int | None
    time: str
    day: int | None
    since: datetime | None = None
    """When it was last set up: earlier occurrences were never due."""


@dataclass(frozen=True)
class GroupConfig:
    guild_id: int
    timezone: str
    morning: PostConfig
    patience: PostConfig
    recap: PostConfig
    buddies: PostConfig

    def post(self, kind: str) -> PostConfig:
        return getattr(self, kind)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class GroupText:
    id: int
    kind: str
    text: str


@dataclass(frozen=True)
class PostLogEntry:
    guild_id: int
    kind: str
    period: str
    scheduled_for: datetime
    status: str
    nonce: str
    item: str | None
    channel_id: int | None
    message_id: int | None
    detail: str | None
    updated_at: datetime
