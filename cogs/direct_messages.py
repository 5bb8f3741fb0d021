"""Personal DMs: one job a minute asks storage who is due and sends, paced.

Morning prompts at the member's own time, the one-day follow-up after a setback or a win,
the gentle DM after a quiet week, the welcome back when a pause ends, and the personal
weekly recap. Nothing goes to a paused member, or to one whose DMs are closed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.dms import is_transient
from bot.logs import ids
from bot.rules import dm_times, texts
from bot.services import member_service
from bot.services.member_service import Who
from cogs.checkins import DMCheckinButton
from cogs.ui.wording import days, weeks
from storage import encouragement, member_records, personal_dms
from storage.personal_dms import DueDM

log = logging.getLogger(__name__)

TICK_JOB = "personal-dms"


class PersonalDMs(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.scheduler.every_minute(TICK_JOB, self.tick)

    def _who(self, due: DueDM) -> Who:
        return Who(due.guild_id, due.user_id, self.bot.now(), self.bot.settings.default_timezone)

    async def tick(self) -> None:
        """Send every personal DM due by now, oldest first, once each."""
        for due in await personal_dms.due_dms(self.bot.db, self.bot.now()):
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
                await personal_dms.finish_dm(self.bot.db, due.id, "failed", self.bot.now(), "error")

    async def deliver(self, due: DueDM) -> None:
        db = self.bot.db
        if not await personal_dms.claim_dm(db, due.id, self.bot.now()):
            return
        status, detail = await self._send(due)
        await personal_dms.finish_dm(db, due.id, status, self.bot.now(), detail)
        if due.kind == "morning":
            await member_service.plan_morning_dm(db, self._who(due))
        elif due.kind == "recap":
            await member_service.plan_recap_dm(db, self._who(due))

    async def _send(self, due: DueDM) -> tuple[str, str | None]:
        who = self._who(due)
        ctx = await member_service.member_context(self.bot.db, who)
        member = ctx.member
        if member is None:
            return "skipped", "no longer a member"
        if dm_times.too_late(due.kind, due.due_at, who.now):
            log.warning(
                "skipped %s DM %s: beyond its grace window",
                due.kind,
                due.id,
                **ids(due.guild_id, due.user_id),
            )
            return "skipped", "beyond the grace window"
        if due.kind == "morning" and not member.morning_dm:
            return "skipped", "switched off"
        if due.kind == "recap" and not member.recap_dm:
            return "skipped", "switched off"
        if due.kind == "quiet" and not member.patience_dm:
            return "skipped", "switched off"
        paused = await member_records.active_pause(
            self.bot.db, due.guild_id, due.user_id, ctx.today
        )
        if paused is not None and due.kind != "welcome":
            return "skipped", "paused"
        composed = await self.compose(due, who)
        if composed is None:
            return "skipped", "nothing to say"
        content, view = composed
        kwargs: dict[str, object] = {"nonce": f"kgdm{due.id}"}
        if view is not None:
            kwargs["view"] = view
        sent = await self.bot.dms.send(due.user_id, content, **kwargs)
        if sent is None:
            return "skipped", "DMs closed"
        return "sent", None

    async def compose(self, due: DueDM, who: Who) -> tuple[str, discord.ui.View | None] | None:
        guild = self.bot.get_guild(due.guild_id)
        group = guild.name if guild else "your group"
        key = due.id
        if due.kind == "cheers":
            count = await encouragement.cheers_received(
                self.bot.db, due.guild_id, due.user_id, due.due_at - timedelta(days=1), due.due_at
            )
            if count == 0:
                return None
            plural = "cheer" if count == 1 else "cheers"
            return (
                f"👏 Your shared check-ins in {group} got {count} {plural} since yesterday. "
                "People notice you showing up.",
                None,
            )
        if due.kind == "buddies":
            buddy_ids = await encouragement.buddies_of(
                self.bot.db, due.guild_id, due.period, due.user_id
            )
            names = await self.names(guild, buddy_ids)
            if not names:
                return None
            suggestion = texts.pick(texts.BUDDY_SUGGESTIONS, due.id)
            return (
                f"🤝 Your encouragement buddy this week in {group}: {' and '.join(names)}.\n"
                f"An idea for the week: {suggestion}",
                None,
            )
        if due.kind == "morning":
            view = discord.ui.View(timeout=None)
            view.add_item(DMCheckinButton(due.guild_id))
            prompt = texts.pick(texts.MORNING_PROMPTS, due.user_id + who.now.toordinal())
            return f"☀️ **Good morning from {group}.** {prompt}", view
        if due.kind == "followup_setback":
            return f"{texts.pick(texts.FOLLOW_UP_SETBACK, key)}", None
        if due.kind == "followup_win":
            return f"{texts.pick(texts.FOLLOW_UP_WIN, key)}", None
        if due.kind == "welcome":
            return f"{texts.pick(texts.WELCOME_BACK, key)} ({group})", None
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
            return "\n".join(lines), None
        # The personal weekly recap: their own week only.
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
            None,
        )

    async def names(self, guild: discord.Guild | None, user_ids: list[int]) -> list[str]:
        if guild is None:
            return []
        out = []
        for user_id in user_ids:
            member = guild.get_member(user_id)
            if member is None:
                try:
                    member = await guild.fetch_member(user_id)
                except discord.HTTPException:
                    continue
            out.append(discord.utils.escape_markdown(member.display_name))
        return out

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction[KeepGoingBot], command: app_commands.Command
    ) -> None:
        """Tell a member once, privately, that a DM couldn't reach them."""
        if interaction.guild_id is None:
            return
        if await personal_dms.take_dm_notice(
            self.bot.db, interaction.guild_id, interaction.user.id
        ):
            await interaction.followup.send(
                "I tried to send you a DM but couldn't: your DMs are closed to me. I won't try "
                "again by myself. If you'd like them, allow DMs from this server's members, "
                "then use `/settings` and I'll try once more.",
                ephemeral=True,
            )


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(PersonalDMs(bot))
