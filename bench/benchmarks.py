"""The seven benchmarks. Each takes a :class:`Context` and returns a :class:`Section`.

Every one drives the bot's own code: the service functions the cogs call, the scheduled-posts
cog, the per-minute DM job, the bot's ``setup_hook``, and ``/checkin`` through simcord.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bench import community as c
from bench.fakes import started_bot
from bench.measure import (
    LagProbe,
    Row,
    Section,
    max_in_window,
    median,
    ms,
    percentile,
)
from bench.scale import Scale
from bot.bot import KeepGoingBot
from bot.dms import DM_PERIOD, DM_RATE
from bot.rules.recap import (
    alphabetical,
    milestones,
    recap_text,
    recap_week,
    week_bounds_utc,
    week_label,
)
from bot.rules.recap_chart import weekly_chart
from bot.services import member_service
from bot.services.member_service import Who
from bot.services.posting import PostPlan
from bot.settings import Settings
from storage import member_records, open_database, personal_dms, recap_totals
from storage.db import (
    CHECKPOINT_SECONDS,
    WRITER_AUTOCHECKPOINT_PAGES,
    Database,
    WalCheckpointer,
)

log = logging.getLogger(__name__)


@dataclass
class Context:
    scale: Scale
    history: Path  # a working copy of the big group's database
    fleet: Path  # a working copy of the fleet's database
    work: Path  # a folder for scratch files


def settings_for(path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token="bench-token-not-real",
        database_path=path,
        default_timezone="UTC",
    )


async def timed(call: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    await call(*args, **kwargs)
    return time.perf_counter() - started


class MovingClock:
    """The bot's clock for the burst: ``at`` (a synthetic instant) when the wall clock reaches
    ``anchor`` (a ``perf_counter`` value), running at the wall clock's pace."""

    def __init__(self, at: datetime, anchor: float) -> None:
        self.at = at
        self.anchor = anchor

    def __call__(self) -> datetime:
        return self.at + timedelta(seconds=time.perf_counter() - self.anchor)


# --------------------------------------------------------------------------- 1. check-in

FLOOR_UPSERT = (
    "INSERT INTO checkins (guild_id, user_id, local_date, kind, note, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (guild_id, user_id, local_date) DO UPDATE SET "
    "kind = excluded.kind, note = COALESCE(excluded.note, checkins.note), "
    "updated_at = excluded.updated_at"
)


async def bare_upsert(conn: aiosqlite.Connection, params: tuple[object, ...]) -> None:
    await conn.execute(FLOOR_UPSERT, params)
    await conn.commit()


async def checkin(ctx: Context) -> Section:
    """``bot.services.member_service.check_in`` (what ``/checkin`` and the Check in button call)
    against the floor: one bare aiosqlite upsert and commit on the same file, interleaved in
    blocks."""
    section = Section("1. check-in write path")
    n = ctx.scale.checkins
    rng = random.Random(ctx.scale.seed)
    users = rng.sample(range(c.MEMBER_BASE, c.MEMBER_BASE + ctx.scale.members), 2 * n)
    warm = max(5, n // 20)
    service_users, floor_users = users[:n], users[n:]
    db = await open_database(ctx.history)
    floor = await aiosqlite.connect(ctx.history)  # aiosqlite's own defaults: BEGIN … commit()
    await floor.execute("PRAGMA foreign_keys = ON")
    await floor.execute("PRAGMA busy_timeout = 5000")
    # The bot's own pragma: neither connection checkpoints inside its commits; the background
    # checkpointer the bot runs does (on its own connection and thread), for both.
    await floor.execute(f"PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT_PAGES}")
    checkpointer = WalCheckpointer(ctx.history)
    await checkpointer.start()
    today = c.TODAY.isoformat()
    checkin_times: list[float] = []
    floor_times: list[float] = []
    try:
        # Each member has opened /journey before (as members do): whatever the service keeps
        # per member is in place, as it would be on a running bot.
        for user in service_users:
            await member_service.journey(db, Who(c.GROUP_ID, user, c.NOON, "UTC"))
        for i, user in enumerate(service_users):
            kind = rng.choice(("practice", "practice", "practice", "rest", "setback"))
            note = rng.choice(c.NOTES) if rng.random() < 0.25 else None
            who = Who(c.GROUP_ID, user, c.NOON + timedelta(milliseconds=i), "UTC")
            checkin_times.append(
                await timed(member_service.check_in, db, who, kind=kind, note=note, day="today")
            )
            stamp = c.utc(c.NOON + timedelta(milliseconds=i))
            params = (c.GROUP_ID, floor_users[i], today, kind, note, stamp, stamp)
            floor_times.append(await timed(bare_upsert, floor, params))
    finally:
        await checkpointer.stop()
        await floor.close()
        await db.close()
    checkin_times, floor_times = checkin_times[warm:], floor_times[warm:]
    rate, floor_rate = len(checkin_times) / sum(checkin_times), len(floor_times) / sum(floor_times)
    p99 = ms(percentile(checkin_times, 99))
    section.rows += [
        Row(
            "check-in throughput (one at a time)",
            rate,
            "/s",
            "≥ 0.5 × floor",
            floor_rate,
            rate / floor_rate,
            rate / floor_rate >= 0.5,
        ),
        Row(
            "check-in latency p50",
            ms(median(checkin_times)),
            "ms",
            "—",
            ms(median(floor_times)),
            median(checkin_times) / median(floor_times),
        ),
        Row(
            "check-in latency p99",
            p99,
            "ms",
            "< 2 ms",
            ms(percentile(floor_times, 99)),
            percentile(checkin_times, 99) / percentile(floor_times, 99),
            p99 < 2.0,
        ),
    ]
    section.details.append(
        f"check-in: {len(checkin_times)} first check-ins of the day by different members of the "
        f"{ctx.scale.members:,}-member group (after {warm} warm-up; each had opened /journey "
        "before), interleaved one for one with "
        "the floor (INSERT … ON CONFLICT DO UPDATE then commit() on a second aiosqlite "
        "connection to the same file, same pragmas, synchronous=FULL), with the bot's "
        f"background WAL checkpointer running (every {CHECKPOINT_SECONDS:g} s)."
    )
    return section


# --------------------------------------------------------------------------- 2. /journey


class CountingDatabase:
    """Counts the rows a piece of code fetches through a :class:`Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.rows = 0

    def __enter__(self) -> CountingDatabase:
        db, counter = self.db, self
        fetchall, fetchone = db.fetchall, db.fetchone

        async def counting_fetchall(*args: Any, **kwargs: Any) -> Any:
            rows = await fetchall(*args, **kwargs)
            counter.rows += len(rows)
            return rows

        async def counting_fetchone(*args: Any, **kwargs: Any) -> Any:
            row = await fetchone(*args, **kwargs)
            counter.rows += row is not None
            return row

        db.fetchall, db.fetchone = counting_fetchall, counting_fetchone  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        del self.db.fetchall, self.db.fetchone


FLAT = 1.25  # "flat as history grows": 3 years at most this many times 1 year
PICTURE_BUDGET_MS = 30.0  # /journey with its picture of the year, p99


async def journey(ctx: Context) -> Section:
    section = Section("2. /journey")
    db = await open_database(ctx.history)
    times: dict[int, list[float]] = {years: [] for years in c.JOURNEY_YEARS}
    cards: dict[int, list[float]] = {years: [] for years in c.JOURNEY_YEARS}
    fetched: dict[int, int] = {}
    try:
        whos = {y: Who(c.GROUP_ID, c.journey_user(y), c.NOON, "UTC") for y in c.JOURNEY_YEARS}
        for years, who in whos.items():
            for _ in range(20):
                await member_service.journey(db, who)
            with CountingDatabase(db) as counter:
                await member_service.journey(db, who)
            fetched[years] = counter.rows
        for _ in range(ctx.scale.journey_calls):
            for years, who in whos.items():
                times[years].append(await timed(member_service.journey, db, who))
        # The whole /journey: the numbers, the year's check-ins read and the picture drawn.
        card_calls = max(20, ctx.scale.journey_calls // 20)
        for who in whos.values():  # fonts and the cell mask are built on the first draw
            await member_service.journey_card(db, who)
        for _ in range(card_calls):
            for years, who in whos.items():
                cards[years].append(await timed(member_service.journey_card, db, who))
        days = {}
        for years in c.JOURNEY_YEARS:
            history = await member_records.member_history(db, c.GROUP_ID, c.journey_user(years))
            days[years] = len(history.days)
    finally:
        await db.close()
    for years in c.JOURNEY_YEARS:
        p99 = ms(percentile(times[years], 99))
        label = "year" if years == 1 else "years"
        section.rows.append(
            Row(f"/journey p99, {years} {label} of history", p99, "ms", "< 2 ms", None, p99 / 2)
        )
        section.rows[-1].met = p99 < 2.0
    for years in c.JOURNEY_YEARS:
        p99 = ms(percentile(cards[years], 99))
        label = "year" if years == 1 else "years"
        section.rows.append(
            Row(
                f"/journey with its picture p99, {years} {label}",
                p99,
                "ms",
                f"< {PICTURE_BUDGET_MS:g} ms",
                ms(percentile(times[years], 99)),
                p99 / PICTURE_BUDGET_MS,
                p99 < PICTURE_BUDGET_MS,
            )
        )
    first, last = c.JOURNEY_YEARS[0], c.JOURNEY_YEARS[-1]
    growth = median(times[last]) / median(times[first])
    section.rows.append(
        Row(
            f"/journey p50, {last} years vs {first} (flat)",
            ms(median(times[last])),
            "ms",
            f"ratio ≤ {FLAT}",
            ms(median(times[first])),
            growth,
            growth <= FLAT,
        )
    )
    rows_growth = fetched[last] / max(1, fetched[first])
    section.rows.append(
        Row(
            f"rows /journey reads, {last} years vs {first}",
            fetched[last],
            "rows",
            f"ratio ≤ {FLAT}",
            fetched[first],
            rows_growth,
            rows_growth <= FLAT,
        )
    )
    section.details.append(
        "/journey: bot.services.member_service.journey for members with "
        + ", ".join(f"{days[y]} days ({y} y)" for y in c.JOURNEY_YEARS)
        + f" of check-ins, {ctx.scale.journey_calls} calls each, round robin; p50 "
        + ", ".join(f"{ms(median(times[y])):.2f} ms" for y in c.JOURNEY_YEARS)
        + ". 'rows read' counts rows fetched through the Database: it grows with history when "
        "the streaks are recomputed from every check-in. 'with its picture' is "
        "member_service.journey_card (the numbers, one range read of the last 53 weeks' "
        "check-ins, the calendar drawn and encoded as PNG), "
        f"{max(20, ctx.scale.journey_calls // 20)} calls each; its baseline column is the "
        "text path's p99."
    )
    return section


# --------------------------------------------------------------------------- 3. weekly recap

RECAP_BUDGET_MS = 300.0


def recap_plan(occurrence: datetime = c.RECAP_OCCURRENCE) -> PostPlan:
    tz = ZoneInfo(c.GROUP_TIMEZONE)
    return PostPlan(
        guild_id=c.GROUP_ID,
        kind="recap",
        period=occurrence.date().isoformat(),
        occurrence=occurrence.astimezone(UTC),
        timezone=tz,
        channel_id=c.GROUP_ID + c.CHANNEL_OFFSET,
        nonce="bench",
        text="Small steps, taken again tomorrow.",
        first_attempt=occurrence.astimezone(UTC),
    )


async def recap_stages(db: Database, plan: PostPlan) -> tuple[dict[str, float], str, bool]:
    """The recap's stages timed one by one, in the cog's order (for the details)."""
    stages: dict[str, float] = {}
    week_start = recap_week(plan.occurrence.astimezone(plan.timezone).date())
    utc_start, utc_end = week_bounds_utc(week_start, plan.timezone)
    started = time.perf_counter()
    counts = await recap_totals.recap_counts(db, plan.guild_id, week_start, utc_start, utc_end)
    stages["recap_counts"] = time.perf_counter() - started
    started = time.perf_counter()
    candidates = await recap_totals.milestone_candidates(db, plan.guild_id, week_start)
    stages["milestone_candidates"] = time.perf_counter() - started
    started = time.perf_counter()
    reached = milestones(candidates, week_start)
    stages["milestones"] = time.perf_counter() - started
    names = [f"member {n}" for n in (*reached.hundred_days, *reached.year_of_rhythm)]
    label = week_label(week_start)
    started = time.perf_counter()
    recap_text(counts, milestone_names=alphabetical(names), thought=plan.text, week_label=label)
    stages["recap_text"] = time.perf_counter() - started
    started = time.perf_counter()
    weekly_chart(counts.per_day_this_week, counts.per_day_last_week, week_label=label)
    stages["weekly_chart"] = time.perf_counter() - started
    # The reference: every opted-in member who showed up, with their whole history.
    started = time.perf_counter()
    everyone = await recap_totals.celebrated_members(db, plan.guild_id, week_start)
    reference = milestones(everyone, week_start)
    stages["(whole histories, reference)"] = time.perf_counter() - started
    with_carry = sum(1 for m in candidates if m.carry.days or m.carry.first_day)
    summary = (
        f"{counts.members_showed_up:,} members showed up, {counts.checkins:,} check-ins; "
        f"{len(everyone):,} opted-in members showed up, of whom {len(candidates):,} could "
        f"reach a milestone ({with_carry:,} read from their stored carry); milestones: "
        f"{len(reached.hundred_days)} × 100 days, {len(reached.year_of_rhythm)} × a year of "
        f"rhythm; the same as from every whole history: "
        f"{'yes' if reached == reference else 'NO'}"
    )
    return stages, summary, reached == reference


async def recap(ctx: Context) -> Section:
    """The weekly recap as the scheduled-posts cog builds it (``ScheduledPosts.recap``:
    recap_counts, milestone_candidates, milestones, recap_text and the chart), for the last
    full week (the group's first anniversary: every founding member whose weekly rhythm never
    broke reaches a year of it) and for an ordinary week four weeks before."""
    from cogs.scheduled_posts import ScheduledPosts

    section = Section("3. weekly recap")
    db = await open_database(ctx.history)
    weeks = {
        "anniversary week": c.RECAP_OCCURRENCE,
        "ordinary week": c.RECAP_OCCURRENCE - timedelta(weeks=4),
    }
    try:
        bot = KeepGoingBot(settings=settings_for(ctx.history), db=db, clock=lambda: c.NOON)
        cog = ScheduledPosts(bot)
        for label, occurrence in weeks.items():
            plan = recap_plan(occurrence)
            cold = await timed(cog.recap, plan)
            times = [await timed(cog.recap, plan) for _ in range(ctx.scale.recap_runs)]
            stages, summary, same = await recap_stages(db, plan)
            value = ms(median(times))
            section.rows.append(
                Row(
                    f"weekly recap, {ctx.scale.members:,} members, {label} (median)",
                    value,
                    "ms",
                    f"< {RECAP_BUDGET_MS:.0f} ms",
                    None,
                    value / RECAP_BUDGET_MS,
                    value < RECAP_BUDGET_MS and same,  # and the milestones are right
                )
            )
            section.details.append(
                f"recap, {label} ({recap_week(occurrence.date())}): ScheduledPosts.recap, "
                f"{len(times)} runs after one cold run ({ms(cold):.0f} ms), slowest "
                f"{ms(max(times)):.0f} ms; {summary}. One run by stage: "
                + ", ".join(f"{name} {ms(seconds):.1f} ms" for name, seconds in stages.items())
                + "."
            )
    finally:
        await db.close()
    return section


# --------------------------------------------------------------------------- 4. due DMs

DUE_BUDGET_MS = 20.0


async def due(ctx: Context) -> Section:
    section = Section("4. personal DMs due")
    db = await open_database(ctx.fleet)
    try:
        got = await personal_dms.due_dms(db, c.BURST_AT)
        times = [
            await timed(personal_dms.due_dms, db, c.BURST_AT) for _ in range(ctx.scale.due_runs)
        ]
        counts = await db.fetchone(
            "SELECT count(*) AS rows_, sum(status = 'pending') AS pending, "
            "sum(status = 'pending' AND due_at <= ?) AS due FROM personal_dms",
            (c.utc(c.BURST_AT),),
        )
        members = await db.fetchone("SELECT count(*) FROM members WHERE morning_dm = 1")
    finally:
        await db.close()
    p99 = ms(percentile(times, 99))
    section.rows += [
        Row(
            f"due_dms, {members[0]:,} members with DMs on (p99)",
            p99,
            "ms",
            f"< {DUE_BUDGET_MS:.0f} ms",
            None,
            p99 / DUE_BUDGET_MS,
            p99 < DUE_BUDGET_MS,
        ),
        Row("due_dms p50", ms(median(times)), "ms", "—", None, None),
    ]
    section.details.append(
        f"due_dms: storage.personal_dms.due_dms at the morning minute, {len(times)} runs; "
        f"personal_dms holds {counts['rows_']:,} rows ({counts['pending']:,} pending, "
        f"{counts['due']:,} due now); one call returns {len(got)} (its limit)."
    )
    return section


# --------------------------------------------------------------------------- 5. the burst

LAG_BUDGET_MS = 100.0
LEAD = 1.5  # seconds between arming the jobs and the burst


async def burst(ctx: Context) -> Section:
    """The morning minute: every fleet group's prompt (its real ``morning:<guild>`` job, fired
    by APScheduler) and the per-minute DM job (``PersonalDMs.tick``) with ``fleet_due`` DMs due,
    against :class:`bench.fakes.FakeREST`; a probe task measures how late the loop wakes it."""
    from cogs.direct_messages import TICK_JOB

    section = Section("5. morning burst")
    db = await open_database(ctx.fleet)
    clock = MovingClock(c.BURST_AT, time.perf_counter() + 3600)  # an hour before, until armed
    bot = KeepGoingBot(
        settings=settings_for(ctx.fleet), db=db, clock=clock, auto_sync=False, run_scheduler=True
    )
    probe = LagProbe()
    try:
        async with started_bot(bot) as rest:
            assert bot.catch_up_task is not None
            await bot.catch_up_task
            jobs = [
                job
                for job in bot.scheduler.scheduler.get_jobs()
                if job.id.startswith("morning:") or job.id == TICK_JOB
            ]
            fire_at = datetime.now(UTC) + timedelta(seconds=LEAD)
            clock.anchor = time.perf_counter() + LEAD
            burst_started = clock.anchor
            for job in jobs:
                # Each job fires when its own trigger says, counted from the morning minute
                # (the spread over the minute kept, squeezed by burst_spread in small runs).
                offset = timedelta(0)
                if job.id != TICK_JOB:
                    due = job.trigger.get_next_fire_time(None, c.BURST_AT - timedelta(seconds=1))
                    offset = (due - c.BURST_AT) * ctx.scale.burst_spread
                job.modify(next_run_time=fire_at + offset)
            probe.start()
            await asyncio.sleep(LEAD + ctx.scale.burst_window)
            await probe.stop()
            channels = {c.fleet_group(g) + c.CHANNEL_OFFSET for g in range(ctx.scale.fleet_groups)}
            posts = [t for t, channel in rest.channel_messages if channel in channels]
            # When each DM reached "Discord": what its rate limits count.
            dm_times = [t for t, channel in rest.channel_messages if channel not in channels]
    finally:
        await db.close()
    groups = ctx.scale.fleet_groups
    lag = ms(probe.max_lag)
    dms_in_window = [t for t in dm_times if t >= burst_started]
    most = max_in_window(dms_in_window, DM_PERIOD)
    section.rows += [
        Row(
            f"max event-loop lag, {groups:,} prompts + {ctx.scale.fleet_due:,} DMs due",
            lag,
            "ms",
            f"≤ {LAG_BUDGET_MS:.0f} ms",
            None,
            lag / LAG_BUDGET_MS,
            lag <= LAG_BUDGET_MS,
        ),
        Row(
            f"most DMs in any {DM_PERIOD:.0f} s",
            most,
            "DMs",
            f"≤ {DM_RATE}",
            None,
            most / DM_RATE,
            most <= DM_RATE,
        ),
        Row(
            f"morning prompts sent (of {groups:,})",
            len(posts),
            "posts",
            f"= {groups:,}",
            None,
            len(posts) / groups,
            len(posts) == groups,
        ),
    ]
    last_post = max(posts) - burst_started if posts else float("nan")
    lags = sorted(probe.lags)
    section.details.append(
        f"burst: {len(jobs) - 1:,} morning jobs (each at its trigger's time in that minute) and "
        f"the per-minute DM job armed to fire at the morning minute (the groups' spread over "
        f"the minute × {ctx.scale.burst_spread:g}); window "
        f"{ctx.scale.burst_window:.0f} s at the production DM rate "
        f"({DM_RATE} per {DM_PERIOD:.0f} s, limiter unscaled): {len(dms_in_window)} DMs sent "
        "(counted when each request reached the fake REST API); "
        f"last prompt sent {last_post:.2f} s after the burst began; probe p99 lag "
        f"{ms(percentile(lags, 99)):.1f} ms over {len(lags):,} wake-ups."
    )
    return section


# --------------------------------------------------------------------------- 6. interactions

INTERACTION_RATIO = 3.0


async def interaction(ctx: Context) -> Section:
    """``/checkin`` end to end through simcord beside a do-nothing slash command on the same
    bot, same run, alternating; each /checkin is a member's first of the day on a year of
    history, in the big group's database."""
    import discord
    import simcord
    from discord import app_commands

    section = Section("6. interaction overhead")
    rounds, warm = ctx.scale.interactions, 3
    db = await open_database(ctx.history)
    bot = KeepGoingBot(
        settings=settings_for(ctx.history), db=db, clock=lambda: c.NOON, run_scheduler=False
    )

    @app_commands.command(name="bench-noop", description="Does nothing (benchmark).")
    async def noop(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)

    bot.tree.add_command(noop)
    env = simcord.Env(bot)
    noop_times: list[float] = []
    checkin_times: list[float] = []
    rng = random.Random(ctx.scale.seed)
    try:
        await env.start()
        guild = env.create_guild("Bench runners")
        channel = guild.create_text_channel("training")
        members = [guild.add_member(env.create_user(f"runner{i}")) for i in range(rounds + warm)]
        await member_records.ensure_group(db, guild.id, c.GROUP_TIMEZONE, c.NOON)
        first = c.TODAY - timedelta(days=365)
        for member in members:
            days = c.member_days(rng, first, c.TODAY - timedelta(days=1), c.Habit.with_rate(0.85))
            await c.write_member(db, rng, guild_id=guild.id, user_id=member.id, days=days)
            await member_service.journey(db, Who(guild.id, member.id, c.NOON, "UTC"))
        for i, member in enumerate(members):
            noop_time = await timed(member.slash, channel, "bench-noop")
            checkin_time = await timed(member.slash, channel, "checkin", kind="practice")
            if i >= warm:
                noop_times.append(noop_time)
                checkin_times.append(checkin_time)
    finally:
        await env.shutdown()
        await db.close()
    ratio = median(checkin_times) / median(noop_times)
    section.rows += [
        Row(
            "/checkin through simcord (p50)",
            ms(median(checkin_times)),
            "ms",
            f"ratio ≤ {INTERACTION_RATIO:.0f}",
            ms(median(noop_times)),
            ratio,
            ratio <= INTERACTION_RATIO,
        ),
        Row(
            "/checkin through simcord (p99)",
            ms(percentile(checkin_times, 99)),
            "ms",
            "—",
            ms(percentile(noop_times, 99)),
            percentile(checkin_times, 99) / percentile(noop_times, 99),
        ),
    ]
    section.details.append(
        f"interaction: {len(checkin_times)} rounds of (do-nothing /bench-noop, /checkin) by "
        "members with a year of history each; floor = the do-nothing command."
    )
    return section


# --------------------------------------------------------------------------- 7. start-up

STARTUP_RATIO = 1.5
# Tables whose size follows the configuration, not the members or their history: reading
# them whole at start-up is how the jobs are rebuilt from the database.
CONFIG_TABLES = frozenset({"groups", "bot_state"})


async def start_once(path: Path) -> float:
    """open_database (with migrations) → KeepGoingBot → setup_hook → the catch-up done."""
    started = time.perf_counter()
    db = await open_database(path)
    try:
        bot = KeepGoingBot(
            settings=settings_for(path), db=db, clock=lambda: c.NOON, auto_sync=False
        )
        async with started_bot(bot):
            assert bot.catch_up_task is not None
            await bot.catch_up_task
            elapsed = time.perf_counter() - started
    finally:
        await db.close()
    return elapsed


async def start_audit(path: Path) -> tuple[int, list[str], list[str]]:
    """Every statement one start-up runs, and the full scans in their query plans."""
    statements: list[str] = []
    db = await open_database(path, migrate=False)
    try:
        await db.conn.set_trace_callback(statements.append)
        await db.migrate()
        bot = KeepGoingBot(
            settings=settings_for(path), db=db, clock=lambda: c.NOON, auto_sync=False
        )
        async with started_bot(bot):
            assert bot.catch_up_task is not None
            await bot.catch_up_task
        await db.conn.set_trace_callback(None)
        distinct = list(dict.fromkeys(s.strip() for s in statements))
        scans: list[str] = []
        for sql in distinct:
            if sql.split(None, 1)[0].upper() not in ("SELECT", "UPDATE", "DELETE", "WITH"):
                continue
            for row in await db.fetchall(f"EXPLAIN QUERY PLAN {sql}"):
                detail = str(row["detail"])
                if detail.startswith("SCAN "):
                    table = detail.split()[1]
                    scans.append(f"{table}: {' '.join(sql.split())[:90]}")
    finally:
        await db.close()
    return len(statements), distinct, scans


async def startup(ctx: Context) -> Section:
    section = Section("7. start-up")
    empty_times: list[float] = []
    big_times: list[float] = []
    for r in range(ctx.scale.startup_rounds):
        empty = ctx.work / f"empty-{r}.sqlite3"
        c._remove(empty)
        empty_times.append(await start_once(empty))
        c._remove(empty)
        big_times.append(await start_once(ctx.history))
    count, distinct, scans = await start_audit(ctx.history)
    big_scans = [s for s in scans if s.split(":")[0] not in CONFIG_TABLES]
    ratio = median(big_times) / median(empty_times)
    section.rows += [
        Row(
            "start-up, history database vs empty",
            ms(median(big_times)),
            "ms",
            f"ratio ≤ {STARTUP_RATIO}",
            ms(median(empty_times)),
            ratio,
            ratio <= STARTUP_RATIO,
        ),
        Row(
            "full scans of member/history tables at start",
            len(big_scans),
            "scans",
            "= 0",
            None,
            None,
            not big_scans,
        ),
    ]
    section.details.append(
        f"start-up: median of {len(big_times)} starts each (open_database with migrations, "
        f"KeepGoingBot, setup_hook, catch-up finished); one start ran {count} statements "
        f"({len(distinct)} distinct); full scans: "
        + ("; ".join(scans) if scans else "none")
        + f" (configuration tables {', '.join(sorted(CONFIG_TABLES))} are read whole by design)."
    )
    return section


BENCHMARKS: dict[int, Callable[[Context], Awaitable[Section]]] = {
    1: checkin,
    2: journey,
    3: recap,
    4: due,
    5: burst,
    6: interaction,
    7: startup,
}
