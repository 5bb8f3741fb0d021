"""/checkin, the shared check-in post and its cheer button."""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.rules import texts
from bot.rules.inputs import NOTE_LIMIT
from bot.services import member_service
from bot.tree import reply_private, report_error, reports_errors
from cogs.reflection import reflection_followup
from cogs.ui.context import who
from cogs.ui.wording import KIND_EMOJI, KIND_LABELS, consistency_line, short_date
from storage import member_records
from storage.models import Checkin

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

    @reports_errors
    async def callback(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        bot = interaction.client
        checkin = await member_records.get_checkin(bot.db, self.checkin_id)
        if checkin is None or checkin.guild_id != interaction.guild_id:
            await reply_private(interaction, "That check-in isn't here any more.")
            return
        if checkin.user_id == interaction.user.id:
            await reply_private(
                interaction, "That's your own check-in: the cheers are for you to enjoy."
            )
            return
        added, count = await member_records.add_cheer(
            bot.db, checkin.id, checkin.guild_id, interaction.user.id, bot.now()
        )
        if added:  # the author hears about cheers in one quiet DM a day at most
            author = member_service.Who(
                checkin.guild_id, checkin.user_id, bot.now(), bot.settings.default_timezone
            )
            await member_service.plan_cheer_summary(bot.db, author)
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


def checkin_reply(outcome: member_service.CheckinOutcome, day: str) -> str:
    """The private acknowledgement: what was recorded and the member's own consistency."""
    checkin = outcome.checkin
    when = "today" if day == "today" else "yesterday"
    emoji, label = KIND_EMOJI[checkin.kind], KIND_LABELS[checkin.kind]
    if outcome.created:
        head = f"{emoji} {label} recorded for {when}"
    else:
        head = f"{emoji} Updated {when}'s check-in (it still counts once)"
    lines = [f"{head} ({short_date(checkin.local_date)}).", consistency_line(outcome.stats)]
    if outcome.came_back:
        lines.append(texts.pick(texts.STREAK_PATIENCE, checkin.id))
    if checkin.kind == "setback":
        lines.append(
            "A setback is information, not a verdict. Note what it taught you; "
            "tomorrow, one small step."
        )
    return "\n".join(lines)


async def record_and_reply(
    interaction: discord.Interaction[KeepGoingBot],
    *,
    kind: str,
    note: str | None,
    share: bool,
    day: str = "today",
    guild_id: int | None = None,
) -> None:
    """Record a check-in, acknowledge it privately once committed, then share it if asked.

    Used by /checkin and by the Check in modal under morning prompts (in the channel, or in a
    DM, where ``guild_id`` names the group).
    """
    outcome = await member_service.check_in(
        interaction.client.db, who(interaction, guild_id), kind=kind, note=note, day=day
    )
    await interaction.response.send_message(checkin_reply(outcome, day), ephemeral=True)
    if share:
        await share_checkin(interaction, outcome.checkin)
    if outcome.checkin.kind == "setback" and day == "today":
        await reflection_followup(interaction, outcome.checkin.guild_id)


async def share_checkin(interaction: discord.Interaction[KeepGoingBot], checkin: Checkin) -> None:
    """Post the check-in publicly where the interaction happened, with a cheer button.

    Sent as an interaction followup, so it needs no channel permission of the bot's.
    """
    view = discord.ui.View(timeout=None)
    view.add_item(CheerButton(checkin.id))
    try:
        message = await interaction.followup.send(
            shared_post(interaction.user.display_name, checkin.kind, checkin.note),
            view=view,
            allowed_mentions=discord.AllowedMentions.none(),
            wait=True,
        )
    except discord.HTTPException:
        log.warning("could not share check-in %s", checkin.id, exc_info=True)
        await reply_private(
            interaction, "Your check-in is saved, but I couldn't post it in this channel."
        )
        return
    await member_records.set_shared_post(
        interaction.client.db, checkin.id, message.channel.id, message.id
    )


class CheckinModal(discord.ui.Modal, title="Check in"):
    """The morning prompt's check-in: the same as /checkin for today. From a DM prompt
    (``guild_id`` given) there is no channel to share in, so no share box."""

    kind: discord.ui.Label[CheckinModal] = discord.ui.Label(
        text="What was today?",
        component=discord.ui.Select(
            custom_id="keepgoing:checkin:kind",
            options=[
                discord.SelectOption(label="Practice", value="practice", emoji="🏃"),
                discord.SelectOption(label="Rest day (rest counts)", value="rest", emoji="🌙"),
                discord.SelectOption(label="Setback", value="setback", emoji="🌱"),
            ],
        ),
    )
    note: discord.ui.Label[CheckinModal] = discord.ui.Label(
        text="How did it go? (optional)",
        component=discord.ui.TextInput(
            custom_id="keepgoing:checkin:note",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=NOTE_LIMIT,
        ),
    )
    share: discord.ui.Label[CheckinModal] = discord.ui.Label(
        text="Share it in the channel",
        component=discord.ui.Checkbox(custom_id="keepgoing:checkin:share"),
    )

    def __init__(self, guild_id: int | None = None) -> None:
        super().__init__()
        self.guild_id = guild_id
        if guild_id is not None:
            self.remove_item(self.share)

    async def on_submit(self, interaction: discord.Interaction[KeepGoingBot]) -> None:  # type: ignore[override]
        select = self.kind.component
        text_input = self.note.component
        checkbox = self.share.component
        assert isinstance(select, discord.ui.Select)
        assert isinstance(text_input, discord.ui.TextInput)
        assert isinstance(checkbox, discord.ui.Checkbox)
        await record_and_reply(
            interaction,
            kind=select.values[0] if select.values else "",
            note=text_input.value,
            share=self.guild_id is None and checkbox.value,
            guild_id=self.guild_id,
        )

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[KeepGoingBot], error: Exception
    ) -> None:
        await report_error(interaction, error)


class CheckinPromptView(discord.ui.View):
    """The button under every morning prompt. Persistent: no timeout and a fixed custom_id,
    registered at start-up, so it works on prompts posted before a restart."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(
        label="Check in", style=discord.ButtonStyle.success, custom_id="keepgoing:checkin:open"
    )
    async def open(
        self, interaction: discord.Interaction[KeepGoingBot], button: discord.ui.Button[Any]
    ) -> None:
        if interaction.guild_id is None:
            await reply_private(interaction, "Check-ins happen in your group's server.")
            return
        await interaction.response.send_modal(CheckinModal())

    async def on_error(  # type: ignore[override]
        self,
        interaction: discord.Interaction[KeepGoingBot],
        error: Exception,
        item: discord.ui.Item[Any],
    ) -> None:
        await report_error(interaction, error)


class DMCheckinButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"keepgoing:checkin:dm:(?P<guild>\d+)"
):
    """The Check in button under a morning prompt sent by DM; it carries the group."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Check in",
                style=discord.ButtonStyle.success,
                custom_id=f"keepgoing:checkin:dm:{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> DMCheckinButton:
        return cls(int(match["guild"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        await interaction.response.send_modal(CheckinModal(self.guild_id))


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
        await record_and_reply(interaction, kind=kind, note=note, share=share, day=day)


async def setup(bot: KeepGoingBot) -> None:
    bot.add_dynamic_items(CheerButton, DMCheckinButton)
    bot.add_view(CheckinPromptView())
    await bot.add_cog(Checkins(bot))
