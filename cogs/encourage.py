"""/encourage and /buddies: members lifting each other up, never counted against anyone."""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.rules.buddies import pair_members, repeat_couples
from bot.rules.days import week_start
from bot.rules.errors import UserFacingError
from bot.rules.inputs import NOTE_LIMIT, required_text
from bot.rules.schedule import GRACE, latest_occurrence
from bot.services import member_service
from bot.services.posting import schedule_of
from bot.tree import reply_private
from cogs.ui.context import who
from storage import encouragement, group_posts

log = logging.getLogger(__name__)

COOLDOWN = timedelta(hours=1)
RECENT_WEEKS = 4


def encouragement_post(sender: str, target_mention: str, message: str) -> str:
    return f"💬 {target_mention}, {discord.utils.escape_markdown(sender)} says:\n>>> {message}"


class Encourage(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot
        self.rng = random.Random()

    async def cog_load(self) -> None:
        self.bot.scheduler.runners["buddies"] = self.pair_week

    async def cog_unload(self) -> None:
        self.bot.scheduler.runners.pop("buddies", None)

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
        last = await encouragement.last_encouragement(
            self.bot.db, me.guild_id, me.user_id, member.id
        )
        if last is not None and me.now - last < COOLDOWN:
            minutes = max(1, int((COOLDOWN - (me.now - last)).total_seconds() // 60))
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
            await encouragement.add_encouragement(
                self.bot.db,
                me.guild_id,
                me.user_id,
                member.id,
                public=True,
                today=ctx.today,
                now=me.now,
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
        sent = await self.bot.dms.send(
            member.id, f"💌 **{sender}** from {guild_name} sent you encouragement:\n>>> {text}"
        )
        if sent is None:
            await reply_private(
                interaction,
                f"I couldn't deliver it: {member.display_name} doesn't accept DMs from me. "
                "You could encourage them here in the channel instead.",
            )
            return
        await encouragement.add_encouragement(
            self.bot.db,
            me.guild_id,
            me.user_id,
            member.id,
            public=False,
            today=today,
            now=me.now,
        )
        await reply_private(interaction, f"Sent privately to {member.display_name}. 💌")

    buddies = app_commands.Group(
        name="buddies", description="Weekly encouragement buddies.", guild_only=True
    )

    @buddies.command(name="join", description="Be paired with another member each week.")
    async def buddies_join(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        me = who(interaction)
        ctx = await member_service.member_context(self.bot.db, me)
        joined = await encouragement.join_buddies(
            self.bot.db, me.guild_id, me.user_id, first_day=ctx.first_day, now=me.now
        )
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
        left = await encouragement.leave_buddies(self.bot.db, me.guild_id, me.user_id)
        await reply_private(
            interaction,
            "Done: no more weekly buddies. You're welcome back any time."
            if left
            else "You weren't in the buddies, so there's nothing to leave.",
        )

    async def pair_week(self, guild_id: int, kind: str) -> None:
        """The weekly job: pair willing members once per week and plan their introductions."""
        config = await group_posts.group_config(self.bot.db, guild_id)
        if config is None or not config.buddies.enabled:
            return
        now = self.bot.now()
        tz = ZoneInfo(config.timezone)
        occurrence = latest_occurrence(schedule_of(config.buddies), now, tz)
        if occurrence is None:
            return
        if config.buddies.since is not None and occurrence < config.buddies.since:
            return  # set up after that occurrence: it was never due
        week = week_start(occurrence.astimezone(tz).date())
        if await encouragement.week_paired(self.bot.db, guild_id, week):
            return
        if now - occurrence > GRACE["buddies"]:
            log.warning("buddies for guild %s week %s missed beyond grace", guild_id, week)
            return
        today = now.astimezone(tz).date()
        candidates = await encouragement.buddy_candidates(self.bot.db, guild_id, today)
        recent = await encouragement.recent_groups(
            self.bot.db, guild_id, week - timedelta(weeks=RECENT_WEEKS), week
        )
        groups = pair_members(candidates, recent, self.rng)
        saved = await encouragement.save_pairing(
            self.bot.db, guild_id, week, groups, due_at=now, now=now
        )
        if saved:
            log.info(
                "paired %d buddy groups for guild %s week %s (%d repeats)",
                len(groups),
                guild_id,
                week,
                repeat_couples(groups, recent),
            )


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(Encourage(bot))
