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

import discord
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.dms import is_transient
from bot.logs import ids
from bot.rules.kinds import CHANNEL_POST_KINDS
from bot.rules.post_policy import RetryAttempts
from bot.rules.recap import alphabetical, recap_text
from bot.rules.recap_chart import weekly_chart
from bot.services import posting
from bot.services.weekly_recap import weekly_recap
from cogs.ui.checkin_views import CheckinPromptView
from cogs.ui.names import display_names

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()


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
        channel = self.bot.get_partial_messageable(plan.channel_id, guild_id=plan.guild_id)
        if plan.kind == "morning":
            return await channel.send(
                morning_text(plan.text),
                view=CheckinPromptView(),
                nonce=plan.nonce,
                allowed_mentions=NO_MENTIONS,
            )
        if plan.kind == "patience":
            return await channel.send(
                patience_text(plan.text), nonce=plan.nonce, allowed_mentions=NO_MENTIONS
            )
        content, picture = await self.recap(plan)
        return await channel.send(
            content,
            file=discord.File(io.BytesIO(picture), filename="week.png"),
            nonce=plan.nonce,
            allowed_mentions=NO_MENTIONS,
        )

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
