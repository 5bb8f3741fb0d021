"""Scheduled group posts on Discord: the morning prompt, patience reminder and weekly recap.

The scheduler's jobs call :meth:`ScheduledPosts.run`; ``bot/posting.py`` decides and claims,
this cog builds the message and sends it with the period's nonce.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random

import discord
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.dms import RETRY_DELAYS, is_transient
from bot.logs import ids
from bot.rules.recap import (
    alphabetical,
    milestones,
    recap_text,
    recap_week,
    week_bounds_utc,
    week_label,
)
from bot.rules.recap_chart import weekly_chart
from bot.rules.schedule import POST_KINDS
from bot.services import posting
from cogs.checkins import CheckinPromptView
from storage import recap_totals

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
        self._attempts: dict[tuple[int, str, str], int] = {}

    async def cog_load(self) -> None:
        for kind in POST_KINDS:
            self.bot.scheduler.runners[kind] = self.run

    async def cog_unload(self) -> None:
        for kind in POST_KINDS:
            self.bot.scheduler.runners.pop(kind, None)

    async def run(self, guild_id: int, kind: str) -> None:
        """Send the latest occurrence of ``kind`` for the group if it is due, exactly once."""
        lock = self._locks.setdefault((guild_id, kind), asyncio.Lock())
        async with lock:  # a job and the start-up catch-up never send the same post twice
            plan = await posting.plan_post(self.bot.db, guild_id, kind, self.bot.now(), self.rng)
            if plan is None:
                return
            try:
                message = await self.send(plan)
            except Exception as error:
                if not is_transient(error):
                    if not isinstance(error, discord.HTTPException):
                        raise
                    await posting.mark_failed(
                        self.bot.db, plan, failure_detail(error), self.bot.now()
                    )
                    return
                # Still claimed: the retry sends the same text with the same nonce, so a
                # send that reached Discord after all is not doubled. Past the grace window
                # the retry records it as skipped instead.
                attempt = self._attempts.get((guild_id, kind, plan.period), 0)
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                self._attempts[(guild_id, kind, plan.period)] = attempt + 1
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
        local_day = plan.occurrence.astimezone(plan.timezone).date()
        week_start = recap_week(local_day)
        utc_start, utc_end = week_bounds_utc(week_start, plan.timezone)
        counts = await recap_totals.recap_counts(
            self.bot.db, plan.guild_id, week_start, utc_start, utc_end
        )
        celebrated = await recap_totals.milestone_candidates(self.bot.db, plan.guild_id, week_start)
        reached = milestones(celebrated, week_start)
        names = await self.display_names(
            plan.guild_id, {*reached.hundred_days, *reached.year_of_rhythm}
        )
        label = week_label(week_start)
        content = recap_text(
            counts, milestone_names=alphabetical(names), thought=plan.text, week_label=label
        )
        picture = await asyncio.to_thread(
            weekly_chart, counts.per_day_this_week, counts.per_day_last_week, week_label=label
        )
        return content, picture

    async def display_names(self, guild_id: int, user_ids: set[int]) -> list[str]:
        """Display names of members still in the group, markdown escaped."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return []
        names = []
        for user_id in sorted(user_ids):
            member = guild.get_member(user_id)
            if member is None:
                try:
                    member = await guild.fetch_member(user_id)
                except discord.HTTPException:
                    continue  # left the group: not celebrated by name
            names.append(discord.utils.escape_markdown(member.display_name))
        return names


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(ScheduledPosts(bot))
