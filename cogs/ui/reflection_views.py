"""Reflecting on a setback: the DM with its Reflect button, the private fallback, the modal.

``reflection_followup`` follows every setback recorded today, from ``/setback`` and from a
check-in (``/checkin`` or the morning prompt's modal). ``cogs.reflection`` registers the
button.
"""

from __future__ import annotations

import discord

from bot.bot import KeepGoingBot
from bot.rules import texts
from bot.rules.inputs import REFLECTION_LIMIT
from bot.services import member_service
from bot.tree import reply_private
from cogs.ui.base import KeepGoingModal, buttons_view
from cogs.ui.context import who
from cogs.ui.dynamic import KeepGoingButton


class ReflectModal(KeepGoingModal, title="Reflect on a setback"):
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


class ReflectButton(KeepGoingButton, custom_id="keepgoing:reflect:{guild_id}:{user_id}"):
    """Opens the reflection. It names the group and the member, so it works in DMs and after a
    restart, and refuses anyone else."""

    not_yours = "This reflection belongs to someone else."

    def __init__(self, guild_id: int, user_id: int) -> None:
        super().__init__(
            {"guild_id": guild_id, "user_id": user_id},
            label="Reflect",
            emoji="📝",
            style=discord.ButtonStyle.primary,
        )
        self.guild_id = guild_id
        self.user_id = user_id
        self.owner_id = user_id

    async def pressed(self, interaction: discord.Interaction[KeepGoingBot]) -> None:  # type: ignore[override]
        await interaction.response.send_modal(ReflectModal(self.guild_id))


async def open_reflection(interaction: discord.Interaction[KeepGoingBot], *, guild_id: int) -> bool:
    """DM the member a reflection with one of their own reasons. Returns False when their DMs
    are closed: the caller then offers the reflection right here, privately."""
    bot = interaction.client
    member_who = who(interaction, guild_id)
    await member_service.reopen_dms(bot.db, interaction.user.id)  # this needs DMs: try once
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
    view = buttons_view(ReflectButton(guild_id, interaction.user.id))
    sent = await bot.dms.send(interaction.user.id, "\n".join(lines), view=view)
    if sent is None:  # the fallback below tells them: no separate notice
        await member_service.take_dm_notice(bot.db, guild_id, interaction.user.id)
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
    await reply_private(
        interaction,
        "I couldn't DM you (your DMs are closed to me), so let's reflect here instead: "
        "only you can see this.",
        view=buttons_view(ReflectButton(guild_id, interaction.user.id)),
    )
