"""Firing the scheduler's jobs by the test's clock.

The bot's scheduler runs paused in tests (``run_scheduler=False``): its jobs and triggers are
APScheduler's own, built exactly as in production, but instead of waiting on the wall clock
the test walks each job's trigger, moves the clock to every fire time in order, and runs the
job there, as APScheduler would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import simcord

from bot.bot import KeepGoingBot
from tests.conftest import FakeClock


@dataclass(frozen=True)
class Fired:
    job_id: str
    at: datetime


GROUP_POSTS = ("morning", "patience", "recap")


async def run_until(
    env: simcord.Env,
    bot: KeepGoingBot,
    clock: FakeClock,
    until: datetime,
    *,
    kinds: tuple[str, ...] = GROUP_POSTS,
) -> list[Fired]:
    """Fire the jobs whose id starts with one of ``kinds`` (``personal-dms`` for the
    per-minute job) at each of their trigger times until ``until``."""
    fired: list[Fired] = []
    # Keyed by id and trigger: a job replaced under the same id (a new retry) starts afresh.
    last: dict[tuple[str, str], datetime] = {}
    while True:
        now = clock()
        upcoming = []
        for job in bot.scheduler.scheduler.get_jobs():
            if job.id.split(":")[0] not in kinds:
                continue
            key = (job.id, repr(job.trigger))
            at = job.trigger.get_next_fire_time(last.get(key), now)
            if at is not None and at <= until:
                upcoming.append((at, key, job))
        if not upcoming:
            break
        at, key, job = min(upcoming, key=lambda entry: (entry[0], entry[1]))
        clock.set(at)
        await job.func(*job.args)
        await env.settle()
        last[key] = at
        fired.append(Fired(key[0], at))
    clock.set(until)
    return fired
