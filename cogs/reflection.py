"""/setback and /win: private reflection in DMs, celebration, and the buttons they use."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.rules import texts
from bot.rules.inputs import NOTE_LIMIT, REFLECTION_LIMIT
from bot.services import member_service
from bot.tree import reply_private, report_error, reports_errors
from cogs.ui.context import who
from storage import personal_dms

log = logging.getLogger(__name__)


class ReflectModal(discord.ui.Modal, title="Reflect on a setback"):
    """Three questions about learning and the process; every answer optional."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(timeout=None)
        self.guild_id = guild_id
        self.answers: list[discord.ui.TextInput[ReflectModal]] = []
        for n, (label, placeholder) in enumerate(texts.REFLECTION_QUESTIONS):
            field: discord.ui.TextInput[ReflectModal] = discord.ui.TextInput(
                label=label,
                placeholder=placeholder,
                style=discord.TextStyle.paragraph,
                required=False,
                max_length=REFLECTION_LIMIT,
                custom_id=f"keepgoing:reflect:answer:{n}",
            )
            self.answers.append(field)
            self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction[KeepGoingBot]) -> None:  # type: ignore[override]
        count = await member_service.reflect(
            interaction.client.db,
            who(interaction, self.guild_id),
            what_happened=self.answers[0].value,
            lesson=self.answers[1].value,
            next_step=self.answers[2].value,
        )
        await reply_private(
            interaction,
            "Written down, privately. That's what turns a setback into information. "
            f"Reflections written: {count}. Tomorrow, one small step.",
        )

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[KeepGoingBot], error: Exception
    ) -> None:
        await report_error(interaction, error)


class ReflectButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"keepgoing:reflect:(?P<guild>\d+):(?P<user>\d+)",
):
    """Opens the reflection. It names the group and the member, so it works in DMs and after a
    restart, and refuses anyone else."""

    def __init__(self, guild_id: int, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Reflect",
                emoji="📝",
                style=discord.ButtonStyle.primary,
                custom_id=f"keepgoing:reflect:{guild_id}:{user_id}",
            )
        )
        self.guild_id = guild_id
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> ReflectButton:
        return cls(int(match["guild"]), int(match["user"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        if interaction.user.id != self.user_id:
            await reply_private(interaction, "This reflection belongs to someone else.")
            return
        await interaction.response.send_modal(ReflectModal(self.guild_id))


class ShareWinButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"keepgoing:win:(?P<id>\d+)"
):
    def __init__(self, win_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Share with the group",
                emoji="🎉",
                style=discord.ButtonStyle.success,
                custom_id=f"keepgoing:win:{win_id}",
            )
        )
        self.win_id = win_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> ShareWinButton:
        return cls(int(match["id"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        db = interaction.client.db
        win = await personal_dms.get_win(db, self.win_id)
        if win is None or win["user_id"] != interaction.user.id:
            await reply_private(interaction, "Only the person who had this win can share it.")
            return
        if not await personal_dms.mark_win_shared(db, self.win_id):
            await reply_private(interaction, "You've shared this one already. 🎉")
            return
        name = discord.utils.escape_markdown(interaction.user.display_name)
        text = f"🎉 **{name}** has a win to celebrate!"
        if win["what"]:
            text += "\n>>> " + win["what"]
        await interaction.response.send_message(
            text, allowed_mentions=discord.AllowedMentions.none()
        )


async def open_reflection(interaction: discord.Interaction[KeepGoingBot], *, guild_id: int) -> bool:
    """DM the member a reflection with one of their own reasons. Returns False when their DMs
    are closed: the caller then offers the reflection right here, privately."""
    bot = interaction.client
    member_who = who(interaction, guild_id)
    await personal_dms.reopen_dms(bot.db, interaction.user.id)  # this command needs DMs: try once
    reason = await member_service.one_reason(bot.db, member_who, interaction.id)
    guild = bot.get_guild(guild_id)
    lines = [
        f"A setback in {guild.name if guild else 'your group'}. It happens to everyone who "
        "keeps training, and it is information, not a verdict.",
        "When you're ready, three short questions: what happened, what it taught you, and "
        "one small next step. Only you will ever see the answers.",
    ]
    if reason:
        lines.append(f"You wrote down why you train:\n>>> {reason}")
    view = discord.ui.View(timeout=None)
    view.add_item(ReflectButton(guild_id, interaction.user.id))
    sent = await bot.dms.send(interaction.user.id, "\n".join(lines), view=view)
    if sent is None:
        await personal_dms.take_dm_notice(bot.db, guild_id, interaction.user.id)
    return sent is not None


async def reflection_followup(
    interaction: discord.Interaction[KeepGoingBot], guild_id: int
) -> None:
    """After a setback is recorded: the DM, or the fallback button here when DMs are closed."""
    if await open_reflection(interaction, guild_id=guild_id):
        if interaction.guild_id is not None:
            await reply_private(
                interaction, "I've sent you a DM to reflect, whenever you're ready."
            )
        return
    view = discord.ui.View(timeout=None)
    view.add_item(ReflectButton(guild_id, interaction.user.id))
    await reply_private(
        interaction,
        "I couldn't DM you (your DMs are closed to me), so let's reflect here instead: "
        "only you can see this.",
        view=view,
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
        view = discord.ui.View(timeout=None)
        view.add_item(ShareWinButton(win_id))
        await interaction.response.send_message(
            "🎉 That's worth celebrating. Enjoy it today; tomorrow, back to the process. "
            "Want the group to celebrate with you?",
            view=view,
            ephemeral=True,
        )


async def setup(bot: KeepGoingBot) -> None:
    bot.add_dynamic_items(ReflectButton, ShareWinButton)
    await bot.add_cog(Reflection(bot))
