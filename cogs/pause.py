"""/pause and /resume: injury, illness or travel without breaking anything."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.rules import texts
from bot.rules.inputs import PAUSE_REASON_LIMIT
from bot.services import member_service
from cogs.ui.context import who


class Pause(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="pause", description="Pause for injury, illness or travel: nothing breaks meanwhile."
    )
    @app_commands.guild_only()
    @app_commands.describe(
        until="The day you expect to be back, as YYYY-MM-DD (optional)",
        reason="Only for you; no details needed (optional)",
    )
    async def pause(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        until: app_commands.Range[str, None, 10] | None = None,
        reason: app_commands.Range[str, None, PAUSE_REASON_LIMIT] | None = None,
    ) -> None:
        started = await member_service.pause(
            self.bot.db, who(interaction), until=until, reason=reason
        )
        back = (
            f" until {started.end_date.isoformat()}"
            if started.end_date
            else " until you use `/resume`"
        )
        await interaction.response.send_message(
            f"You're paused from today{back}. Paused days neither count nor break your streak "
            "or weekly rhythm, and I won't send you anything scheduled meanwhile. "
            "Look after yourself.",
            ephemeral=True,
        )

    @app_commands.command(name="resume", description="End your pause: today counts again.")
    @app_commands.guild_only()
    async def resume(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        ended = await member_service.resume(self.bot.db, who(interaction))
        welcome = texts.pick(texts.WELCOME_BACK, ended.id)
        await interaction.response.send_message(
            f"{welcome}\nToday counts again: check in whenever you're ready.", ephemeral=True
        )


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(Pause(bot))
