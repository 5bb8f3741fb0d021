"""/settings: a member's own preferences (timezone, weekly target, celebrations)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.services import member_service
from cogs.ui.autocomplete import zone_autocomplete
from cogs.ui.context import who
from storage.models import Member


def settings_text(member: Member | None, group_zone: str) -> str:
    if member is None or member.timezone is None:
        zone = f"{group_zone} (the group's; set your own with `/settings timezone`)"
    else:
        zone = member.timezone
    target = member.weekly_target if member else 3
    celebrate = member.celebrate_me if member else False
    morning = "off"
    if member is not None and member.morning_dm:
        morning = f"on, at {member.morning_dm_time or '09:00'}"
    lines = [
        "**Your settings** (only you can see this)",
        f"Timezone: {zone}",
        f"Weekly target: {target} day{'s' if target != 1 else ''} a week",
        "Milestones celebrated by name in the group: " + ("on" if celebrate else "off"),
        f"Morning prompt by DM: {morning}",
        "Personal weekly recap by DM: " + ("on" if member and member.recap_dm else "off"),
        "Personal patience reminders: " + ("off" if member and not member.patience_dm else "on"),
    ]
    if member is not None and member.dm_state == "closed":
        lines.append("⚠️ Your DMs were closed to me the last time I tried.")
    return "\n".join(lines)


@app_commands.guild_only()
class MemberSettings(
    commands.GroupCog, group_name="settings", group_description="Your own Keep Going settings."
):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", description="See your settings.")
    async def show(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        ctx = await member_service.member_context(self.bot.db, who(interaction))
        await interaction.response.send_message(
            settings_text(ctx.member, ctx.group.timezone), ephemeral=True
        )

    @app_commands.command(name="timezone", description="Set the timezone your days follow.")
    @app_commands.describe(zone="An IANA timezone name, such as Europe/Berlin")
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def timezone(
        self, interaction: discord.Interaction[KeepGoingBot], zone: app_commands.Range[str, 1, 64]
    ) -> None:
        member = await member_service.set_timezone(self.bot.db, who(interaction), zone)
        await interaction.response.send_message(
            f"Your days now follow {member.timezone}.", ephemeral=True
        )

    @app_commands.command(name="weekly-target", description="How many days a week you aim for.")
    @app_commands.describe(days="Days a week, from 1 to 7")
    async def weekly_target(
        self, interaction: discord.Interaction[KeepGoingBot], days: app_commands.Range[int, 1, 7]
    ) -> None:
        member = await member_service.set_weekly_target(self.bot.db, who(interaction), days)
        await interaction.response.send_message(
            f"Your weekly target is now {member.weekly_target} "
            f"day{'s' if member.weekly_target != 1 else ''} a week. "
            "Your weekly rhythm counts the weeks in a row you reach it.",
            ephemeral=True,
        )

    @app_commands.command(
        name="celebrate-me", description="Let the group celebrate your milestones by name."
    )
    @app_commands.describe(enabled="On: your name may appear in the weekly recap's milestones")
    async def celebrate_me(
        self, interaction: discord.Interaction[KeepGoingBot], enabled: bool
    ) -> None:
        await member_service.set_celebrate_me(self.bot.db, who(interaction), enabled)
        text = (
            "Your milestones may now be celebrated by name in the weekly recap."
            if enabled
            else "Your milestones stay private: the recap won't name you."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="morning-dm", description="A morning prompt by DM at your time.")
    @app_commands.describe(
        enabled="On or off", time="Your local time as HH:MM, 24-hour (default 09:00)"
    )
    async def morning_dm(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        enabled: bool,
        time: app_commands.Range[str, 1, 5] | None = None,
    ) -> None:
        member = await member_service.set_morning_dm(self.bot.db, who(interaction), enabled, time)
        text = (
            f"Morning prompts by DM are on, at {member.morning_dm_time or '09:00'} your time."
            if enabled
            else "Morning prompts by DM are off."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="recap-dm", description="Your own weekly recap by DM.")
    @app_commands.describe(enabled="On or off")
    async def recap_dm(self, interaction: discord.Interaction[KeepGoingBot], enabled: bool) -> None:
        await member_service.set_recap_dm(self.bot.db, who(interaction), enabled)
        text = (
            "Your personal weekly recap will come by DM on Sunday evenings, your time."
            if enabled
            else "Your personal weekly recap is off."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="patience-dm", description="A gentle DM after a quiet week (on by default)."
    )
    @app_commands.describe(enabled="On or off")
    async def patience_dm(
        self, interaction: discord.Interaction[KeepGoingBot], enabled: bool
    ) -> None:
        await member_service.set_patience_dm(self.bot.db, who(interaction), enabled)
        text = (
            "Personal patience reminders are on: after a quiet week, one gentle DM."
            if enabled
            else "Personal patience reminders are off."
        )
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(MemberSettings(bot))
