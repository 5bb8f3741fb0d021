"""/journey: a member's own numbers and a picture of their year, shown only to them."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.services import member_service
from bot.services.member_service import JourneyView
from cogs.ui.context import who
from cogs.ui.wording import days, weeks


def journey_text(view: JourneyView) -> str:
    s = view.stats
    lines = [
        "**Your journey** (only you can see this)",
        f"Days shown up: **{s.days_shown_up}** (this total never resets)",
        f"Current streak: {days(s.current_streak)} · longest: {days(s.longest_streak)}",
        f"Weekly rhythm: {weeks(s.weekly_rhythm)} in a row at your target of "
        f"{days(s.weekly_target)} a week ({s.days_this_week} so far this week)",
        f"Last 28 days: shown up on {s.consistency_days} of "
        f"{days(s.consistency_out_of)} you weren't paused",
        f"Rest days: {s.rest_days} · Reflections written: {s.reflections}",
    ]
    if view.paused is not None:
        until = f" until {view.paused.end_date.isoformat()}" if view.paused.end_date else ""
        lines.append(f"You're paused{until}: these days neither count nor break anything.")
    lines.append(f"Days are counted in {view.timezone} (`/settings timezone` to change).")
    return "\n".join(lines)


class Journey(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot

    @app_commands.command(name="journey", description="Your own numbers, only for you.")
    @app_commands.guild_only()
    async def journey(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        card = await member_service.journey_card(self.bot.db, who(interaction))
        picture = discord.File(
            io.BytesIO(card.picture.png),
            filename="journey.png",
            description=card.picture.alt_text,
        )
        # Ephemeral: the picture, like the numbers, is only ever shown to the member.
        await interaction.response.send_message(
            journey_text(card.view), file=picture, ephemeral=True
        )


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(Journey(bot))
