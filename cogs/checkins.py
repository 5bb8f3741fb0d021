"""/checkin, and the check-in buttons' registration (the views live in ``cogs.ui``)."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.rules.inputs import NOTE_LIMIT
from bot.rules.kinds import CheckinKind
from cogs.ui.checkin_views import (
    CheckinPromptView,
    CheerButton,
    DMCheckinButton,
    record_and_reply,
)


class Checkins(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot

    @app_commands.command(name="checkin", description="Record today's practice, rest or setback.")
    @app_commands.guild_only()
    @app_commands.describe(
        kind="What today was: practice, rest (rest counts) or a setback",
        note="How it went, in your own words (optional)",
        share="Also post it in this channel (off by default)",
        day="Today, or yesterday if you forgot (until noon your time)",
    )
    async def checkin(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        kind: CheckinKind,
        note: app_commands.Range[str, None, NOTE_LIMIT] | None = None,
        share: bool = False,
        day: Literal["today", "yesterday"] = "today",
    ) -> None:
        await record_and_reply(interaction, kind=kind, note=note, share=share, day=day)


async def setup(bot: KeepGoingBot) -> None:
    # Persistent: buttons already posted (shared check-ins, morning prompts in channels and
    # DMs) keep working after a restart.
    bot.add_dynamic_items(CheerButton, DMCheckinButton)
    bot.add_view(CheckinPromptView())
    await bot.add_cog(Checkins(bot))
