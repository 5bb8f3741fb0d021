"""APScheduler wiring: one job per group post, rebuilt from the database, and the bot's other
timed jobs. The only module that touches APScheduler.

Each group post job carries only ids. When it fires it calls the runner registered for its
kind (the scheduled-posts cog, the buddies cog), which re-reads the database, claims the period
in the post log and sends. Other jobs (the per-minute personal DMs, the daily purge) are
added and removed by name.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.rules.kinds import GROUP_POST_KINDS
from bot.rules.schedule import GROUP_POST_GRACE
from bot.services.posting import is_active, schedule_of
from storage import group_posts
from storage.db import Database
from storage.models import GroupConfig

log = logging.getLogger(__name__)

Runner = Callable[[int, str], Awaitable[None]]
Job = Callable[[], Awaitable[None]]
_CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def job_id(kind: str, guild_id: int) -> str:
    return f"{kind}:{guild_id}"


def fire_second(guild_id: int) -> int:
    """The second of the scheduled minute at which a group's posts fire."""
    return guild_id % 60


def trigger_for(config: GroupConfig, kind: str) -> CronTrigger:
    """A cron trigger in the group's own timezone (never the host's).

    Groups that share a minute fire at their own second within it (from the guild id): a
    thousand jobs due at the same instant would make APScheduler work through all of them in
    one go on the event loop, and Discord's global limit (50 requests a second) would queue
    the posts anyway. The post still belongs to the HH:MM occurrence (``bot/posts``)."""
    schedule = schedule_of(config.post(kind))
    return CronTrigger(
        day_of_week=_CRON_DAYS[schedule.weekday] if schedule.weekday is not None else "*",
        hour=schedule.at.hour,
        minute=schedule.at.minute,
        second=fire_second(config.guild_id),
        timezone=config.timezone,
    )


class PostScheduler:
    """Owns the bot's one ``AsyncIOScheduler(timezone=UTC)``."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        # Who sends each kind: the cogs register themselves (kind -> coroutine function).
        self._runners: dict[str, Runner] = {}

    def start(self, *, paused: bool = False) -> None:
        """Start; ``paused`` keeps jobs and triggers but never fires them on the wall clock
        (tests fire them by the test's own clock)."""
        self.scheduler.start(paused=paused)

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def register_post_runner(self, kind: str, runner: Runner) -> None:
        """``runner(guild_id, kind)`` sends ``kind``'s group posts (or pairs the buddies) when
        their jobs fire. Undo with :meth:`unregister_post_runner`."""
        if kind not in GROUP_POST_KINDS:
            raise ValueError(f"no group post job is called {kind!r}")
        self._runners[kind] = runner

    def unregister_post_runner(self, kind: str) -> None:
        """Stop sending ``kind``: its jobs keep their triggers but find no runner."""
        self._runners.pop(kind, None)

    def add_daily(
        self,
        ident: str,
        func: Job,
        hour: int,
        minute: int,
        *,
        grace: timedelta = timedelta(hours=6),
    ) -> None:
        """A job once a day at ``hour:minute`` UTC, run late within ``grace`` (after a
        restart, say). Undo with :meth:`remove`."""
        self.scheduler.add_job(
            func,
            CronTrigger(hour=hour, minute=minute, timezone="UTC"),
            id=ident,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(grace.total_seconds()),
        )

    def add_every_minute(self, ident: str, func: Job) -> None:
        """One job a minute (personal DMs ask storage who is due, rather than one job per
        member). Undo with :meth:`remove`."""
        self.scheduler.add_job(
            func,
            IntervalTrigger(minutes=1, timezone=UTC),
            id=ident,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=60,
        )

    def remove(self, ident: str) -> None:
        """Remove a job added by name; nothing happens if there is none."""
        with contextlib.suppress(JobLookupError):
            self.scheduler.remove_job(ident)

    async def _fire(self, guild_id: int, kind: str) -> None:
        runner = self._runners.get(kind)
        if runner is None:
            log.warning("no runner for %s job of guild %s", kind, guild_id)
            return
        await runner(guild_id, kind)

    async def rebuild(self, guild_id: int | None = None) -> None:
        """Make the jobs match the database: every group's, or one group's after a change."""
        if guild_id is None:
            configs = await group_posts.groups_with_posts(self.db)
            wanted = {
                job_id(k, c.guild_id)
                for c in configs
                for k in GROUP_POST_KINDS
                if is_active(c.post(k))
            }
            for job in self.scheduler.get_jobs():
                if job.id.split(":")[0] in GROUP_POST_KINDS and job.id not in wanted:
                    job.remove()
        else:
            config = await group_posts.group_config(self.db, guild_id)
            configs = [config] if config else []
            if config is None:
                for kind in GROUP_POST_KINDS:
                    self.remove(job_id(kind, guild_id))
        for config in configs:
            for kind in GROUP_POST_KINDS:
                ident = job_id(kind, config.guild_id)
                if not is_active(config.post(kind)):
                    self.remove(ident)
                    continue
                self.scheduler.add_job(
                    self._fire,
                    trigger_for(config, kind),
                    args=(config.guild_id, kind),
                    id=ident,
                    name=f"{kind} post for guild {config.guild_id}",
                    replace_existing=True,
                    coalesce=True,
                    max_instances=1,
                    misfire_grace_time=int(GROUP_POST_GRACE[kind].total_seconds()),
                )
        log.info("scheduled %d group post jobs", len(self.scheduler.get_jobs()))

    def retry_later(self, guild_id: int, kind: str, delay_seconds: float) -> None:
        """One more try at a group post after a passing fault (``retry:<kind>:<guild>``)."""
        self.scheduler.add_job(
            self._fire,
            DateTrigger(run_date=self.clock() + timedelta(seconds=delay_seconds), timezone=UTC),
            args=(guild_id, kind),
            id=f"retry:{kind}:{guild_id}",
            replace_existing=True,
            misfire_grace_time=int(GROUP_POST_GRACE[kind].total_seconds()),
        )

    async def catch_up(self) -> None:
        """At start-up: send what was missed while the bot was down (within grace), record
        what is too late as skipped, and resend claimed-but-unconfirmed posts."""
        for config in await group_posts.groups_with_posts(self.db):
            for kind in GROUP_POST_KINDS:
                if not is_active(config.post(kind)):
                    continue
                try:
                    await self._fire(config.guild_id, kind)
                except Exception:
                    log.exception("catch-up of %s post for guild %s failed", kind, config.guild_id)
