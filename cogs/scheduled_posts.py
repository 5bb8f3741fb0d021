"""Scheduled group posts on Discord: the morning prompt, patience reminder and weekly recap.

The scheduler's jobs call :meth:`ScheduledPosts.run`; ``bot/services/posting.py`` decides and
claims, ``bot/services/weekly_recap.py`` gathers the recap, this cog builds the message and
sends it with the period's nonce.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random
from typing import Any

import discord
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.dms import is_transient
from bot.logs import ids
from bot.rules.kinds import CHANNEL_POST_KINDS
from bot.rules.post_policy import RetryAttempts
from bot.rules.recap import alphabetical, recap_text
from bot.rules.recap_chart import weekly_chart
from bot.rules.schedule import nonce_may_have_expired
from bot.services import posting
from bot.services.weekly_recap import weekly_recap
from cogs.ui.checkin_views import CheckinPromptView
from cogs.ui.names import display_names

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
# How many of a channel's latest messages a late resend looks through for an earlier attempt.
LOOK_BACK = 50


def morning_text(prompt: str) -> str:
    return (
        f"☀️ **Good morning.** {prompt}\n"
        "When today's bit is done (rest counts too), tap **Check in**."
    )


def patience_text(reminder: str) -> str:
    return f"🌿 **A word on patience.** {reminder}"


def failure_detail(error: discord.HTTPException) -> str:
    if isinstance(error, discord.Forbidden):
        return (
            "I'm missing a permission in the channel: I need View Channel, Send Messages, "
            "Embed Links and Attach Files there"
        )
    if isinstance(error, discord.NotFound):
        return "the channel no longer exists; choose another with /setup"
    return f"Discord answered {error.status}: {error.text[:200]}"


class ScheduledPosts(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot
        self.rng = random.Random()
        self._locks: dict[tuple[int, str], asyncio.Lock] = {}
        # Tries at each post still being retried after a passing fault (this period only).
        self.retries = RetryAttempts()

    async def cog_load(self) -> None:
        for kind in CHANNEL_POST_KINDS:
            self.bot.scheduler.register_post_runner(kind, self.run)

    async def cog_unload(self) -> None:
        for kind in CHANNEL_POST_KINDS:
            self.bot.scheduler.unregister_post_runner(kind)

    async def run(self, guild_id: int, kind: str) -> None:
        """Send the latest occurrence of ``kind`` for the group if it is due, exactly once."""
        lock = self._locks.setdefault((guild_id, kind), asyncio.Lock())
        async with lock:  # a job and the start-up catch-up never send the same post twice
            plan = await posting.plan_post(self.bot.db, guild_id, kind, self.bot.now(), self.rng)
            if plan is None:
                self.retries.clear(guild_id, kind)  # done, skipped or not due: no more tries
                return
            try:
                message = await self.send(plan)
            except Exception as error:
                if not is_transient(error):
                    self.retries.clear(guild_id, kind)
                    if not isinstance(error, discord.HTTPException):
                        raise
                    await posting.mark_failed(
                        self.bot.db, plan, failure_detail(error), self.bot.now()
                    )
                    return
                # Still claimed: the retry sends the same text with the same nonce, so a
                # send that reached Discord after all is not doubled. Past the grace window
                # the retry records it as skipped instead.
                delay = self.retries.next_delay(guild_id, kind, plan.period)
                self.bot.scheduler.retry_later(guild_id, kind, delay)
                log.warning(
                    "%s post for guild %s period %s hit a passing fault (%s); retrying in %ss",
                    kind,
                    guild_id,
                    plan.period,
                    type(error).__name__,
                    delay,
                    **ids(guild_id),
                )
                return
            self.retries.clear(guild_id, kind)
            await posting.mark_sent(self.bot.db, plan, message.id, self.bot.now())
            log.info(
                "sent %s post for guild %s period %s", kind, guild_id, plan.period, **ids(guild_id)
            )

    async def send(self, plan: posting.PostPlan) -> discord.Message:
        """Send the post with the period's nonce; a resend that Discord's nonce memory may no
        longer cover first looks for the post an earlier attempt may have made."""
        content, extras = await self.compose(plan)
        channel = self.bot.get_partial_messageable(plan.channel_id, guild_id=plan.guild_id)
        if plan.resend and nonce_may_have_expired(plan.first_attempt, self.bot.now()):
            earlier = await self.find_earlier_post(channel, content)
            if earlier is not None:
                log.info(
                    "%s post for guild %s period %s had reached the channel; not sending again",
                    plan.kind,
                    plan.guild_id,
                    plan.period,
                    **ids(plan.guild_id),
                )
                return earlier
        return await channel.send(content, nonce=plan.nonce, allowed_mentions=NO_MENTIONS, **extras)

    async def compose(self, plan: posting.PostPlan) -> tuple[str, dict[str, Any]]:
        """The post's text and what goes with it (the Check in button, the recap's picture)."""
        if plan.kind == "morning":
            return morning_text(plan.text), {"view": CheckinPromptView()}
        if plan.kind == "patience":
            return patience_text(plan.text), {}
        content, picture = await self.recap(plan)
        return content, {"file": discord.File(io.BytesIO(picture), filename="week.png")}

    async def find_earlier_post(
        self, channel: discord.PartialMessageable, content: str
    ) -> discord.Message | None:
        """The bot's own message with this post's first line among the channel's latest
        (the first line names the prompt or reminder the claim stored, or the recap's week).
        Without Read Message History the bot cannot tell, and sends (a missing post is
        worse than a doubled one)."""
        marker = content.split("\n", 1)[0]
        me = self.bot.user
        try:
            async for message in channel.history(limit=LOOK_BACK):
                mine = me is not None and message.author.id == me.id
                if mine and message.content.split("\n", 1)[0] == marker:
                    return message
        except discord.Forbidden:
            log.warning("can't read channel %s's history to check for an earlier post", channel.id)
        return None

    async def recap(self, plan: posting.PostPlan) -> tuple[str, bytes]:
        """The recap's text and picture for the local week the occurrence closes."""
        recap = await weekly_recap(self.bot.db, plan.guild_id, plan.occurrence, plan.timezone)
        names = await display_names(
            self.bot.get_guild(plan.guild_id), sorted(recap.milestone_user_ids)
        )
        content = recap_text(
            recap.counts,
            milestone_names=alphabetical(names),
            thought=plan.text,
            week_label=recap.week_label,
        )
        picture = await asyncio.to_thread(
            weekly_chart,
            recap.counts.per_day_this_week,
            recap.counts.per_day_last_week,
            week_label=recap.week_label,
        )
        return content, picture


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(ScheduledPosts(bot))
