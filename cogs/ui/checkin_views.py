"""Checking in from a button: the morning prompt's view and modal, the DM prompt's button, and
the shared check-in post with its cheer button. ``cogs.checkins`` registers the persistent
ones; ``cogs.scheduled_posts`` and ``cogs.direct_messages`` send them."""

from __future__ import annotations

import logging
from typing import Any, cast

import discord

from bot.bot import KeepGoingBot
from bot.rules import texts
from bot.rules.inputs import NOTE_LIMIT
from bot.rules.kinds import CheckinKind
from bot.services import member_service
from bot.tree import reply_private
from cogs.ui.base import KeepGoingModal, KeepGoingView, buttons_view
from cogs.ui.context import who
from cogs.ui.dynamic import KeepGoingButton
from cogs.ui.reflection_views import reflection_followup
from cogs.ui.wording import KIND_EMOJI, KIND_LABELS, consistency_line, short_date
from storage.models import Checkin

log = logging.getLogger(__name__)


class CheerButton(KeepGoingButton, custom_id="keepgoing:cheer:{checkin_id}"):
    """The cheer button under a shared check-in; the check-in id lives in its custom_id, so
    it keeps working after a restart."""

    def __init__(self, checkin_id: int, count: int = 0) -> None:
        label = "Cheer" if count == 0 else f"Cheer · {count}"
        super().__init__(
            {"checkin_id": checkin_id},
            label=label,
            emoji="👏",
            style=discord.ButtonStyle.secondary,
        )
        self.checkin_id = checkin_id

    async def pressed(self, interaction: discord.Interaction[KeepGoingBot]) -> None:  # type: ignore[override]
        bot = interaction.client
        checkin = await member_service.find_checkin(bot.db, self.checkin_id)
        if checkin is None or checkin.guild_id != interaction.guild_id:
            await reply_private(interaction, "That check-in isn't here any more.")
            return
        if checkin.user_id == interaction.user.id:
            await reply_private(
                interaction, "That's your own check-in: the cheers are for you to enjoy."
            )
            return
        # A new cheer also plans the author's cheers DM: one quiet DM a day at most.
        added, count = await member_service.cheer(
            bot.db, checkin, interaction.user.id, bot.now(), bot.settings.default_timezone
        )
        view = buttons_view(CheerButton(checkin.id, count))
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
    kind: CheckinKind,
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
    try:
        message = await interaction.followup.send(
            shared_post(interaction.user.display_name, checkin.kind, checkin.note),
            view=buttons_view(CheerButton(checkin.id)),
            allowed_mentions=discord.AllowedMentions.none(),
            wait=True,
        )
    except discord.HTTPException:
        log.warning("could not share check-in %s", checkin.id, exc_info=True)
        await reply_private(
            interaction, "Your check-in is saved, but I couldn't post it in this channel."
        )
        return
    await member_service.remember_shared_post(
        interaction.client.db, checkin.id, message.channel.id, message.id
    )


class CheckinModal(KeepGoingModal, title="Check in"):
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
            # Whatever the client sent: member_service.check_in refuses anything else.
            kind=cast(CheckinKind, select.values[0] if select.values else ""),
            note=text_input.value,
            share=self.guild_id is None and checkbox.value,
            guild_id=self.guild_id,
        )


class CheckinPromptView(KeepGoingView):
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


class DMCheckinButton(KeepGoingButton, custom_id="keepgoing:checkin:dm:{guild_id}"):
    """The Check in button under a morning prompt sent by DM; it carries the group."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            {"guild_id": guild_id}, label="Check in", style=discord.ButtonStyle.success
        )
        self.guild_id = guild_id

    async def pressed(self, interaction: discord.Interaction[KeepGoingBot]) -> None:  # type: ignore[override]
        await interaction.response.send_modal(CheckinModal(self.guild_id))
