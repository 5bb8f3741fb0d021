"""Personal DMs: one job a minute asks storage who is due and sends, paced.

Morning prompts at the member's own time, the one-day follow-up after a setback or a win,
the gentle DM after a quiet week, the welcome back when a pause ends, and the personal
weekly recap. Nothing goes to a paused member, or to one whose DMs are closed.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.dms import is_transient
from bot.logs import ids
from bot.rules import texts
from bot.services import dm_delivery, member_service
from bot.services.dm_delivery import DueDM
from bot.services.member_service import Who
from cogs.ui.base import buttons_view
from cogs.ui.checkin_views import DMCheckinButton
from cogs.ui.names import display_names
from cogs.ui.wording import days, weeks

log = logging.getLogger(__name__)

TICK_JOB = "personal-dms"


class PersonalDMs(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.scheduler.add_every_minute(TICK_JOB, self.tick)

    async def cog_unload(self) -> None:
        self.bot.scheduler.remove(TICK_JOB)

    def _who(self, due: DueDM) -> Who:
        return Who(due.guild_id, due.user_id, self.bot.now(), self.bot.settings.default_timezone)

    async def tick(self) -> None:
        """Send every personal DM due by now, oldest first, once each."""
        for due in await dm_delivery.due_dms(self.bot.db, self.bot.now()):
            try:
                await self.deliver(due)
            except Exception as error:
                if is_transient(error):
                    # Left claimed: the next tick tries again, until its grace runs out.
                    log.warning(
                        "personal DM %s (%s) hit a passing fault (%s); next minute again",
                        due.id,
                        due.kind,
                        type(error).__name__,
                        **ids(due.guild_id, due.user_id),
                    )
                    continue
                log.exception(
                    "personal DM %s (%s) for user %s failed",
                    due.id,
                    due.kind,
                    due.user_id,
                    **ids(due.guild_id, due.user_id),
                )
                await dm_delivery.finish(self.bot.db, due, "failed", self.bot.now(), "error")

    async def deliver(self, due: DueDM) -> None:
        db = self.bot.db
        if not await dm_delivery.claim(db, due, self.bot.now()):
            return
        status, detail = await self._send(due)
        await dm_delivery.finish(db, due, status, self.bot.now(), detail)
        await dm_delivery.plan_next(db, due, self._who(due))

    async def _send(self, due: DueDM) -> tuple[str, str | None]:
        who = self._who(due)
        reason = await dm_delivery.skip_reason(self.bot.db, due, who)
        if reason is not None:
            return "skipped", reason
        composed = await self.compose(due, who)
        if composed is None:
            return "skipped", "nothing to say"
        content, extras = composed
        sent = await self.bot.dms.send(due.user_id, content, nonce=f"kgdm{due.id}", **extras)
        if sent is None:
            return "skipped", "DMs closed"
        return "sent", None

    async def compose(self, due: DueDM, who: Who) -> tuple[str, dict[str, Any]] | None:
        """The DM's text and what goes with it (a view, a file), or None for nothing to say."""
        guild = self.bot.get_guild(due.guild_id)
        group = guild.name if guild else "your group"
        key = due.id
        if due.kind == "cheers":
            count = await dm_delivery.cheers_since_yesterday(self.bot.db, due)
            if count == 0:
                return None
            plural = "cheer" if count == 1 else "cheers"
            return (
                f"👏 Your shared check-ins in {group} got {count} {plural} since yesterday. "
                "People notice you showing up.",
                {},
            )
        if due.kind == "buddies":
            buddy_ids = await dm_delivery.buddies_of(self.bot.db, due)
            names = await display_names(guild, buddy_ids)
            if not names:
                return None
            suggestion = texts.pick(texts.BUDDY_SUGGESTIONS, due.id)
            return (
                f"🤝 Your encouragement buddy this week in {group}: {' and '.join(names)}.\n"
                f"An idea for the week: {suggestion}",
                {},
            )
        if due.kind == "morning":
            view = buttons_view(DMCheckinButton(due.guild_id))
            prompt = texts.pick(texts.MORNING_PROMPTS, due.user_id + who.now.toordinal())
            return f"☀️ **Good morning from {group}.** {prompt}", {"view": view}
        if due.kind == "followup_setback":
            return f"{texts.pick(texts.FOLLOW_UP_SETBACK, key)}", {}
        if due.kind == "followup_win":
            return f"{texts.pick(texts.FOLLOW_UP_WIN, key)}", {}
        if due.kind == "welcome":
            return f"{texts.pick(texts.WELCOME_BACK, key)} ({group})", {}
        journey = await member_service.journey(self.bot.db, who)
        stats = journey.stats
        if due.kind == "quiet":
            reason = await member_service.one_reason(self.bot.db, who, key)
            lines = [
                f"It's been a quiet week in {group}, and that's allowed.",
                texts.pick(texts.PATIENCE_REMINDERS, key),
                f"You've shown up {days(stats.days_shown_up)} so far; that doesn't go away.",
            ]
            if reason:
                lines.append(f"You once wrote why you train:\n>>> {reason}")
            return "\n".join(lines), {}
        # The personal weekly recap: their own week only, with the last 12 weeks drawn.
        picture = await member_service.weeks_picture(self.bot.db, who)
        drawn = discord.File(
            io.BytesIO(picture.png), filename="your-weeks.png", description=picture.alt_text
        )
        return (
            "\n".join(
                [
                    f"**Your week in {group}** (only you see this)",
                    f"Days shown up this week: {stats.days_this_week} "
                    f"(your target: {stats.weekly_target})",
                    f"Weekly rhythm: {weeks(stats.weekly_rhythm)} in a row · "
                    f"current streak: {days(stats.current_streak)}",
                    f"In all: {days(stats.days_shown_up)} shown up.",
                ]
            ),
            {"file": drawn},
        )

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction[KeepGoingBot], command: app_commands.Command
    ) -> None:
        """Tell a member once, privately, that a DM couldn't reach them."""
        if interaction.guild_id is None:
            return
        if await dm_delivery.take_dm_notice(self.bot.db, interaction.guild_id, interaction.user.id):
            await interaction.followup.send(
                "I tried to send you a DM but couldn't: your DMs are closed to me. I won't try "
                "again by myself. If you'd like them, allow DMs from this server's members, "
                "then use `/settings` and I'll try once more.",
                ephemeral=True,
            )


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(PersonalDMs(bot))
