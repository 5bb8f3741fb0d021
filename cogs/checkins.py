"""/checkin, the shared check-in post and its cheer button."""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import service, texts
from bot.bot import KeepGoingBot
from bot.inputs import NOTE_LIMIT
from bot.tree import reply_private, report_error
from cogs.common import who
from cogs.replies import KIND_EMOJI, KIND_LABELS, consistency_line, short_date
from storage import queries

log = logging.getLogger(__name__)


class CheerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"keepgoing:cheer:(?P<id>\d+)"
):
    """The cheer button under a shared check-in; the check-in id lives in its custom_id, so
    it keeps working after a restart."""

    def __init__(self, checkin_id: int, count: int = 0) -> None:
        label = "Cheer" if count == 0 else f"Cheer · {count}"
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji="👏",
                style=discord.ButtonStyle.secondary,
                custom_id=f"keepgoing:cheer:{checkin_id}",
            )
        )
        self.checkin_id = checkin_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> CheerButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        try:
            await self._cheer(interaction)
        except Exception as error:  # dynamic items have no error handler of their own
            await report_error(interaction, error)

    async def _cheer(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        bot = interaction.client
        checkin = await queries.get_checkin(bot.db, self.checkin_id)
        if checkin is None or checkin.guild_id != interaction.guild_id:
            await reply_private(interaction, "That check-in isn't here any more.")
            return
        if checkin.user_id == interaction.user.id:
            await reply_private(
                interaction, "That's your own check-in: the cheers are for you to enjoy."
            )
            return
        added, count = await queries.add_cheer(
            bot.db, checkin.id, checkin.guild_id, interaction.user.id, bot.now()
        )
        view = discord.ui.View(timeout=None)
        view.add_item(CheerButton(checkin.id, count))
        if added:
            await interaction.response.edit_message(view=view)
        else:
            await reply_private(interaction, "You've already cheered this one. 👏")


def shared_post(author_name: str, kind: str, note: str | None) -> str:
    name = discord.utils.escape_markdown(author_name)
    line = f"{KIND_EMOJI[kind]} **{name}** checked in: {KIND_LABELS[kind].lower()}"
    if note:
        line += "\n>>> " + note
    return line


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
        kind: Literal["practice", "rest", "setback"],
        note: app_commands.Range[str, None, NOTE_LIMIT] | None = None,
        share: bool = False,
        day: Literal["today", "yesterday"] = "today",
    ) -> None:
        outcome = await service.check_in(
            self.bot.db, who(interaction), kind=kind, note=note, day=day
        )
        checkin = outcome.checkin
        when = "today" if day == "today" else "yesterday"
        if outcome.created:
            head = f"{KIND_EMOJI[checkin.kind]} {KIND_LABELS[checkin.kind]} recorded for {when}"
        else:
            head = f"{KIND_EMOJI[checkin.kind]} Updated {when}'s check-in (it still counts once)"
        lines = [f"{head} ({short_date(checkin.local_date)}).", consistency_line(outcome.stats)]
        if outcome.came_back:
            lines.append(texts.pick(texts.STREAK_PATIENCE, checkin.id))
        if checkin.kind == "setback":
            lines.append(
                "A setback is information, not a verdict. Note what it taught you; "
                "tomorrow, one small step."
            )
        await interaction.response.send_message("\n".join(lines), ephemeral=True)
        if share:
            await self.share(interaction, checkin.id, checkin.kind, checkin.note)

    async def share(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        checkin_id: int,
        kind: str,
        note: str | None,
    ) -> None:
        """Post the check-in publicly where the member used the command, with a cheer button.

        Sent as an interaction followup, so it needs no channel permission of the bot's.
        """
        view = discord.ui.View(timeout=None)
        view.add_item(CheerButton(checkin_id))
        try:
            message = await interaction.followup.send(
                shared_post(interaction.user.display_name, kind, note),
                view=view,
                allowed_mentions=discord.AllowedMentions.none(),
                wait=True,
            )
        except discord.HTTPException:
            log.warning("could not share check-in %s", checkin_id, exc_info=True)
            await reply_private(
                interaction,
                "Your check-in is saved, but I couldn't post it in this channel.",
            )
            return
        await queries.set_shared_post(self.bot.db, checkin_id, message.channel.id, message.id)


async def setup(bot: KeepGoingBot) -> None:
    bot.add_dynamic_items(CheerButton)
    await bot.add_cog(Checkins(bot))
