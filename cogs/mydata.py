"""/mydata export and /mydata delete; members leaving and the daily retention purge."""

from __future__ import annotations

import contextlib
import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.services import data_rights
from bot.tree import reply_private
from cogs.ui.base import KeepGoingView
from cogs.ui.context import who

CONFIRM_SECONDS = 300
PURGE_JOB = "retention-purge"
PURGE_HOUR, PURGE_MINUTE = 4, 17  # UTC
PRIVACY_NOTE = "What each part means, and how long anything is kept: see PRIVACY.md."


class ConfirmDelete(KeepGoingView):
    """Delete or keep: only the member who asked can press, for five minutes."""

    def __init__(self, bot: KeepGoingBot, guild_id: int, user_id: int) -> None:
        super().__init__(timeout=CONFIRM_SECONDS)
        self.bot = bot
        self.guild_id = guild_id
        self.user_id = user_id
        self.message: discord.InteractionMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:  # type: ignore[override]
        if interaction.user.id != self.user_id:
            await reply_private(interaction, "Only the member who asked can confirm this.")
            return False
        return True

    @discord.ui.button(label="Delete everything", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[KeepGoingBot], button: discord.ui.Button[Any]
    ) -> None:
        await data_rights.erase_member(self.bot.db, self.guild_id, self.user_id)
        self.stop()
        await interaction.response.edit_message(
            content="Done: everything Keep Going stored about you in this server is gone. "
            "If you check in again, you start fresh.",
            view=None,
        )

    @discord.ui.button(label="Keep my data", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[KeepGoingBot], button: discord.ui.Button[Any]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)

    async def on_timeout(self) -> None:
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(
                    content="That confirmation expired: nothing was deleted. "
                    "Use `/mydata delete` again if you still want to.",
                    view=None,
                )


@app_commands.guild_only()
class MyData(
    commands.GroupCog, group_name="mydata", group_description="Your data: take it or erase it."
):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.scheduler.add_daily(PURGE_JOB, self.purge, PURGE_HOUR, PURGE_MINUTE)

    async def cog_unload(self) -> None:
        self.bot.scheduler.remove(PURGE_JOB)

    @app_commands.command(name="export", description="A JSON file of everything stored about you.")
    async def export(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        me = who(interaction)
        # A long history can take a moment: answer within Discord's 3 seconds, then deliver.
        await interaction.response.defer(ephemeral=True, thinking=True)
        blob = await data_rights.export_json(self.bot.db, me.guild_id, me.user_id, me.now)
        await interaction.followup.send(
            "Here is everything Keep Going stores about you in this server. " + PRIVACY_NOTE,
            file=discord.File(io.BytesIO(blob), filename="keepgoing-member_data.json"),
            ephemeral=True,
        )

    @app_commands.command(name="delete", description="Erase everything stored about you here.")
    async def delete(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        me = who(interaction)
        view = ConfirmDelete(self.bot, me.guild_id, me.user_id)
        await interaction.response.send_message(
            "This erases everything Keep Going stores about you in this server: check-ins and "
            "notes, reasons, reflections, pauses, wins, settings, encouragements you sent and "
            "received, and cheers. It can't be undone. Export first with `/mydata export` if "
            "you want a copy. " + PRIVACY_NOTE,
            view=view,
            ephemeral=True,
        )
        view.message = await interaction.original_response()

    async def purge(self) -> None:
        """Daily: forget members who left, and servers that removed the bot, past retention."""
        await data_rights.purge_departed(
            self.bot.db, self.bot.now(), self.bot.settings.retention_days
        )

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await data_rights.member_left(
            self.bot.db, payload.guild_id, payload.user.id, self.bot.now()
        )

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        await data_rights.member_back(self.bot.db, member.guild.id, member.id)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await data_rights.group_left(self.bot.db, guild.id, self.bot.now())

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await data_rights.group_back(self.bot.db, guild.id)


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(MyData(bot))
