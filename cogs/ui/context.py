"""Small helpers every member-facing cog uses."""

from __future__ import annotations

import discord

from bot.bot import KeepGoingBot
from bot.services.member_service import Who


def who(interaction: discord.Interaction[KeepGoingBot], guild_id: int | None = None) -> Who:
    """The member behind an interaction, at the bot's current instant. ``guild_id`` names the
    group for interactions in DMs (a DM button carries it)."""
    bot = interaction.client
    guild_id = guild_id if guild_id is not None else interaction.guild_id
    if guild_id is None:
        raise RuntimeError("member actions belong to a group")
    return Who(
        guild_id=guild_id,
        user_id=interaction.user.id,
        now=bot.now(),
        default_timezone=bot.settings.default_timezone,
    )
