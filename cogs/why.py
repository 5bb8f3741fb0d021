"""/why add · list · remove: a member's own reasons for training, kept private."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.rules.inputs import REASON_LIMIT
from bot.services import member_service
from cogs.ui.context import who


@app_commands.guild_only()
class Why(commands.GroupCog, group_name="why", group_description="Why you train, in your words."):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="add", description="Write down a reason you train.")
    @app_commands.describe(reason="Why you train, in your own words")
    async def add(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        reason: app_commands.Range[str, 1, REASON_LIMIT],
    ) -> None:
        count = await member_service.add_reason(self.bot.db, who(interaction), reason)
        await interaction.response.send_message(
            f"Written down as reason {count}. I'll show it back to you when it matters, "
            "and only to you.",
            ephemeral=True,
        )

    @app_commands.command(name="list", description="Read your reasons (only you can see them).")
    async def list(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        reasons = await member_service.list_reasons(self.bot.db, who(interaction))
        if not reasons:
            await interaction.response.send_message(
                "You haven't written down why you train yet. Start with `/why add`.",
                ephemeral=True,
            )
            return
        embed = discord.Embed(
            title="Why you train",
            description="\n".join(f"{n}. {r.text}" for n, r in enumerate(reasons, start=1)),
            colour=discord.Colour.green(),
        )
        embed.set_footer(text="Only you can see this.")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="remove", description="Remove one of your reasons.")
    @app_commands.describe(number="The reason's number, as shown by /why list")
    async def remove(self, interaction: discord.Interaction[KeepGoingBot], number: int) -> None:
        removed = await member_service.remove_reason(self.bot.db, who(interaction), number)
        await interaction.response.send_message(
            f"Removed reason {number}:\n>>> {removed.text}", ephemeral=True
        )


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(Why(bot))
