"""The kinds of things the bot keeps, as types and as tuples of their values.

Each ``Literal`` is spelled once and its tuple is read from it, so the two cannot drift apart.
Slash-command options annotated with one of these get exactly these choices.
"""

from __future__ import annotations

from typing import Literal, get_args

CheckinKind = Literal["practice", "rest", "setback"]
"""What a day was: a check-in's ``kind``."""

ChannelPostKind = Literal["morning", "patience", "recap"]
"""The group posts that go out in a channel."""

GroupPostKind = Literal["morning", "patience", "recap", "buddies"]
"""Everything ``/setup`` schedules for a group: the channel posts and buddy pairing (by DM)."""

GroupTextKind = Literal["morning", "patience"]
"""The group posts a group may write its own texts for (``/setup prompts``)."""

DMKind = Literal[
    "morning",
    "recap",
    "followup_setback",
    "followup_win",
    "quiet",
    "welcome",
    "cheers",
    "buddies",
]
"""A personal DM's ``kind`` (storage's ``personal_dms`` rows, ``dm_times``' grace windows)."""

CHECKIN_KINDS: tuple[CheckinKind, ...] = get_args(CheckinKind)
CHANNEL_POST_KINDS: tuple[ChannelPostKind, ...] = get_args(ChannelPostKind)
GROUP_POST_KINDS: tuple[GroupPostKind, ...] = get_args(GroupPostKind)
GROUP_TEXT_KINDS: tuple[GroupTextKind, ...] = get_args(GroupTextKind)
DM_KINDS: tuple[DMKind, ...] = get_args(DMKind)
