"""One base for the bot's ``DynamicItem`` buttons: buttons that keep working after a restart
because what they act on lives in their custom_id.

A subclass names its custom_id with ONE format string, such as
``custom_id="keepgoing:reflect:{guild_id}:{user_id}"``; the base makes both the custom_id
(``str.format``) and discord.py's ``template`` regex (each ``{field}`` a run of digits, the rest
literal) from it, and rebuilds the button from a pressed custom_id by calling the subclass
with those fields as keyword arguments. A button with an owner refuses anyone else in
``interaction_check``, before its callback; anything it raises is reported like a command's
error.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any, ClassVar, Self

import discord

from bot.tree import reply_private, report_error

NEVER = r"(?!)"
"""The base's own template: it matches nothing, so only subclasses are ever dispatched."""


def template_for(custom_id: str) -> str:
    """The regex that reads back a custom_id made from the format string ``custom_id``."""
    parts = []
    for literal, field, spec, conversion in string.Formatter().parse(custom_id):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(f"custom_id fields are plain names, not {field!r} in {custom_id!r}")
        parts.append(rf"(?P<{field}>\d+)")
    return "".join(parts)


class KeepGoingButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=NEVER):
    """A persistent button whose custom_id carries integer ids.

    Subclasses pass ``custom_id=`` (the format string) in the class statement, take the
    format's fields as keyword arguments of ``__init__``, and implement :meth:`pressed`. One
    with an owner sets ``owner_id`` (or overrides :meth:`may_press`) and ``not_yours``.
    """

    custom_id_format: ClassVar[str] = ""
    not_yours: ClassVar[str] = "This button belongs to someone else."
    owner_id: int | None = None
    """The only member who may press it; None lets anyone."""

    def __init_subclass__(cls, *, custom_id: str, **kwargs: Any) -> None:
        cls.custom_id_format = custom_id
        super().__init_subclass__(template=template_for(custom_id), **kwargs)

    def __init__(self, fields: Mapping[str, int], **button: Any) -> None:
        """``fields`` fill the custom_id's format; ``button`` are ``discord.ui.Button``'s
        other arguments (label, emoji, style)."""
        self._allowed: discord.Interaction[Any] | None = None
        super().__init__(
            discord.ui.Button(custom_id=self.custom_id_format.format(**fields), **button)
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(**{name: int(value) for name, value in match.groupdict().items()})

    async def may_press(self, interaction: discord.Interaction[Any]) -> bool:
        """Whether this member may press it: the owner only, when it has one."""
        return self.owner_id is None or interaction.user.id == self.owner_id

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:  # type: ignore[override]
        """Refuse anyone but the owner, privately, before the callback runs."""
        try:
            if await self.may_press(interaction):
                self._allowed = interaction
                return True
            await reply_private(interaction, self.not_yours)
        except Exception as error:
            await report_error(interaction, error)
        return False

    async def callback(self, interaction: discord.Interaction[Any]) -> None:  # type: ignore[override]
        # discord.py runs interaction_check first; a direct call gets the same check.
        if self._allowed is not interaction and not await self.interaction_check(interaction):
            return
        try:
            await self.pressed(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def pressed(self, interaction: discord.Interaction[Any]) -> None:
        """What the button does, for a member allowed to press it."""
        raise NotImplementedError
