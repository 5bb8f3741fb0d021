"""/setback and /win: private reflection in DMs, celebration, and the buttons they use."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.rules.inputs import NOTE_LIMIT
from bot.services import member_service
from bot.tree import reply_private
from cogs.ui.base import buttons_view
from cogs.ui.context import who
from cogs.ui.dynamic import KeepGoingButton
from cogs.ui.reflection_views import ReflectButton, reflection_followup


class ShareWinButton(KeepGoingButton, custom_id="keepgoing:win:{win_id}"):
    """Shares a win with the group; only the member who had it may press it."""

    not_yours = "Only the person who had this win can share it."

    def __init__(self, win_id: int) -> None:
        super().__init__(
            {"win_id": win_id},
            label="Share with the group",
            emoji="🎉",
            style=discord.ButtonStyle.success,
        )
        self.win_id = win_id
        self.win: member_service.Win | None = None

    async def may_press(self, interaction: discord.Interaction[KeepGoingBot]) -> bool:  # type: ignore[override]
        self.win = await member_service.find_win(interaction.client.db, self.win_id)
        return self.win is not None and self.win.user_id == interaction.user.id

    async def pressed(self, interaction: discord.Interaction[KeepGoingBot]) -> None:  # type: ignore[override]
        win = self.win
        assert win is not None  # may_press found it
        if not await member_service.share_win(interaction.client.db, self.win_id):
            await reply_private(interaction, "You've shared this one already. 🎉")
            return
        name = discord.utils.escape_markdown(interaction.user.display_name)
        text = f"🎉 **{name}** has a win to celebrate!"
        if win.what:
            text += "\n>>> " + win.what
        await interaction.response.send_message(
            text, allowed_mentions=discord.AllowedMentions.none()
        )


class Reflection(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot

    @app_commands.command(name="setback", description="Log a setback privately and reflect on it.")
    @app_commands.guild_only()
    @app_commands.describe(what="What happened, in a few words (optional, private)")
    async def setback(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        what: app_commands.Range[str, None, NOTE_LIMIT] | None = None,
    ) -> None:
        outcome = await member_service.check_in(
            self.bot.db, who(interaction), kind="setback", note=what, day="today"
        )
        await interaction.response.send_message(
            "Logged, privately: today counts as showing up. A setback is information, and "
            "tomorrow I'll nudge you back to the process.",
            ephemeral=True,
        )
        await reflection_followup(interaction, outcome.checkin.guild_id)

    @app_commands.command(name="win", description="Celebrate a win (the one-day rule applies).")
    @app_commands.guild_only()
    @app_commands.describe(what="The win, in your own words (optional)")
    async def win(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        what: app_commands.Range[str, None, NOTE_LIMIT] | None = None,
    ) -> None:
        win_id = await member_service.record_win(self.bot.db, who(interaction), what)
        view = buttons_view(ShareWinButton(win_id))
        await interaction.response.send_message(
            "🎉 That's worth celebrating. Enjoy it today; tomorrow, back to the process. "
            "Want the group to celebrate with you?",
            view=view,
            ephemeral=True,
        )


async def setup(bot: KeepGoingBot) -> None:
    # Persistent: Reflect buttons in DMs and Share buttons keep working after a restart.
    bot.add_dynamic_items(ReflectButton, ShareWinButton)
    await bot.add_cog(Reflection(bot))
