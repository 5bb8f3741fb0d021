"""/encourage and /buddies: members lifting each other up, never counted against anyone."""

from __future__ import annotations

import random
from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.rules.errors import UserFacingError
from bot.rules.inputs import NOTE_LIMIT, required_text
from bot.services import member_service, peer_support
from bot.tree import reply_private
from cogs.ui.context import who


def encouragement_post(sender: str, target_mention: str, message: str) -> str:
    return f"💬 {target_mention}, {discord.utils.escape_markdown(sender)} says:\n>>> {message}"


class Encourage(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot
        self.rng = random.Random()

    async def cog_load(self) -> None:
        self.bot.scheduler.register_post_runner("buddies", self.pair_week)

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister_post_runner("buddies")

    @app_commands.command(name="encourage", description="Send another member encouragement.")
    @app_commands.guild_only()
    @app_commands.describe(
        member="Who to encourage",
        message="Your words",
        private="Send it by DM instead of in this channel (default: in the channel)",
    )
    async def encourage(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        member: discord.Member,
        message: app_commands.Range[str, 1, NOTE_LIMIT],
        private: bool = False,
    ) -> None:
        text = required_text(message, what="message", limit=NOTE_LIMIT)
        if member.id == interaction.user.id:
            raise UserFacingError(
                "Encouraging yourself is a fine habit, but I'll leave that one to you. "
                "Try `/why add` to write down what keeps you going."
            )
        if member.bot:
            raise UserFacingError("Bots keep going without encouragement. Pick a person!")
        me = who(interaction)
        ctx = await member_service.member_context(
            self.bot.db, me
        )  # the group's row exists from here
        minutes = await peer_support.cooldown_left(self.bot.db, me, member.id)
        if minutes is not None:
            await reply_private(
                interaction,
                f"You encouraged {member.display_name} a little while ago. Give it "
                f"{minutes} more minute{'s' if minutes != 1 else ''} before the next one.",
            )
            return
        if private:
            await self._send_private(interaction, member, text, ctx.today)
        else:
            await interaction.response.send_message(
                encouragement_post(interaction.user.display_name, member.mention, text),
                allowed_mentions=discord.AllowedMentions(
                    users=[discord.Object(id=member.id)],
                    everyone=False,
                    roles=False,
                    replied_user=False,
                ),
            )
            await peer_support.record_encouragement(
                self.bot.db, me, member.id, public=True, today=ctx.today
            )
            await interaction.followup.send(
                f"Sent to {member.display_name}. Thank you for lifting someone up.",
                ephemeral=True,
            )

    async def _send_private(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        member: discord.Member,
        text: str,
        today: date,
    ) -> None:
        me = who(interaction)
        guild_name = interaction.guild.name if interaction.guild else "your group"
        sender = discord.utils.escape_markdown(interaction.user.display_name)
        # Answer first: DMs are paced (about one a second), and Discord gives an interaction
        # 3 seconds for its first response. The outcome replaces this line.
        await interaction.response.send_message(
            f"Sending it privately to {member.display_name}…", ephemeral=True
        )
        sent = await self.bot.dms.send(
            member.id, f"💌 **{sender}** from {guild_name} sent you encouragement:\n>>> {text}"
        )
        if sent is None:
            await interaction.edit_original_response(
                content=f"I couldn't deliver it: {member.display_name} doesn't accept DMs from "
                "me. You could encourage them here in the channel instead."
            )
            return
        await peer_support.record_encouragement(
            self.bot.db, me, member.id, public=False, today=today
        )
        await interaction.edit_original_response(
            content=f"Sent privately to {member.display_name}. 💌"
        )

    # guild_only= on a Group sets only discord.py's own flag; the decorator also declares the
    # guild context to Discord (``contexts: [0]``), as every other command does.
    buddies = app_commands.guild_only(
        app_commands.Group(name="buddies", description="Weekly encouragement buddies.")
    )

    @buddies.command(name="join", description="Be paired with another member each week.")
    async def buddies_join(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        me = who(interaction)
        ctx = await member_service.member_context(self.bot.db, me)
        joined = await peer_support.join_buddies(self.bot.db, me, ctx.first_day)
        await member_service.reopen_dms(self.bot.db, me.user_id)
        if joined:  # a group seen for the first time gets its weekly pairing job now
            await self.bot.scheduler.rebuild(me.guild_id)
        text = (
            "You're in. Once a week I'll introduce you to a buddy by DM, someone to encourage "
            "and be encouraged by. Leave any time with `/buddies leave`."
            if joined
            else "You're already in: a new buddy comes each week."
        )
        await reply_private(interaction, text)

    @buddies.command(name="leave", description="Stop being paired each week.")
    async def buddies_leave(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        me = who(interaction)
        left = await peer_support.leave_buddies(self.bot.db, me)
        await reply_private(
            interaction,
            "Done: no more weekly buddies. You're welcome back any time."
            if left
            else "You weren't in the buddies, so there's nothing to leave.",
        )

    async def pair_week(self, guild_id: int, kind: str) -> None:
        """The weekly job: pair willing members once per week and plan their introductions."""
        await peer_support.pair_week(self.bot.db, guild_id, self.bot.now(), self.rng)


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(Encourage(bot))
