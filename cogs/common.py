"""Small helpers every member-facing cog uses."""

from __future__ import annotations

import discord

from bot.bot import KeepGoingBot
from bot.service import Who


def who(interaction: discord.Interaction[KeepGoingBot]) -> Who:
    """The member behind an interaction in a server, at the bot's current instant."""
    bot = interaction.client
    if interaction.guild_id is None:
        raise RuntimeError("member commands are guild-only")
    return Who(
        guild_id=interaction.guild_id,
        user_id=interaction.user.id,
        now=bot.now(),
        default_timezone=bot.settings.default_timezone,
    )
