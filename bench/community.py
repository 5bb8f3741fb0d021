"""A synthetic community, written through the project's own storage layer.

Two databases, each generated once per set of parameters (fixed seed) and cached under the
cache folder (``/tmp/keepgoing-bench`` unless ``KEEPGOING_BENCH_DIR`` says otherwise):

``history``
    One big group (Europe/Berlin) of ``members`` members with ``days`` days of history up to
    the day before :data:`TODAY`: about 60 % of member-days carry a check-in (the full scale
    gives about 11 million). Members are either regulars (60 %: most days, in streaks) or
    occasional (40 %: now and then, some drifting away); some join during the year; rest days
    (~18 %), setbacks (~3 %) with reflections, notes on a quarter of the check-ins, pauses
    (8 % of members, 1 % paused right now), encouragements, a tenth opted in to be celebrated,
    timezones spread over the world. Three more members have one, two and three years of
    history for ``/journey``. The group's scheduled posts and the post log are as a running
    bot leaves them.

``fleet``
    ``fleet_groups`` groups in timezones around the world whose morning prompt is due at the
    same instant (:data:`BURST_AT`), each with ``fleet_members`` members who all have morning
    DMs on: ``fleet_due`` of those DMs are due at that instant, the rest spread over the day,
    with two weeks of DMs already sent behind them.

Rows go in with ``executemany`` on the project's :class:`storage.db.Database` inside its
``transaction()``, so the real schema, constraints and indexes apply (the migrations create
them). Only the load-time pragmas differ: no journal and no fsync while generating, WAL again
at the end. Rows are inserted day by day, as a running bot writes them, so a member's
check-ins are spread over the table as they are in production.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import time as clock
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.rules.days import week_start
from bot.rules.dm_times import DEFAULT_DM_TIME, quiet_due
from bot.rules.journey import Carry, PausePeriod, carry_from_history
from bot.rules.schedule import local_instant, post_nonce
from storage import member_records, open_database
from storage.db import Database, load_migrations

log = logging.getLogger(__name__)

GENERATOR_VERSION = 2

# The benchmark's "now": a Thursday. History ends the day before.
TODAY = date(2026, 11, 26)
NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
# The fleet's morning minute: every fleet group's prompt and fleet_due personal DMs.
BURST_AT = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)

GROUP_ID = 900_000_000_000_000_001
GROUP_TIMEZONE = "Europe/Berlin"
MEMBER_BASE = 800_000_000_000_000_000
JOURNEY_BASE = 700_000_000_000_000_000
JOURNEY_YEARS = (1, 2, 3)
FLEET_GROUP_BASE = 910_000_000_000_000_000
FLEET_MEMBER_BASE = 600_000_000_000_000_000
CHANNEL_OFFSET = 1_000  # a group's post channel id is its guild id plus this

# The recap the benchmark builds: the group's weekly recap on Sunday 22 November, 18:00
# local, covering Monday 16 to Sunday 22 November.
RECAP_OCCURRENCE = datetime(2026, 11, 22, 18, 0, tzinfo=ZoneInfo(GROUP_TIMEZONE))

# Where members live: weights roughly follow where a running community's members would be.
ZONES: tuple[tuple[str, int], ...] = (
    ("America/Los_Angeles", 8),
    ("America/Denver", 3),
    ("America/Chicago", 6),
    ("America/New_York", 10),
    ("America/Sao_Paulo", 5),
    ("America/Mexico_City", 3),
    ("America/Anchorage", 1),
    ("Pacific/Honolulu", 1),
    ("Europe/London", 8),
    ("Europe/Berlin", 10),
    ("Europe/Paris", 5),
    ("Europe/Madrid", 4),
    ("Africa/Lagos", 3),
    ("Africa/Nairobi", 2),
    ("Africa/Johannesburg", 2),
    ("Asia/Dubai", 2),
    ("Asia/Kolkata", 6),
    ("Asia/Kathmandu", 1),
    ("Asia/Jakarta", 3),
    ("Asia/Shanghai", 4),
    ("Asia/Singapore", 2),
    ("Asia/Tokyo", 4),
    ("Australia/Sydney", 4),
    ("Pacific/Auckland", 2),
    ("Pacific/Kiritimati", 1),
)

NOTES = (
    "Easy 5k, legs felt fresh",
    "Intervals on the track: 6 x 400",
    "Long slow run, kept it conversational",
    "Mobility and a short walk",
    "Hills. Hard but good.",
    "Tempo run, held the pace for 20 minutes",
    "Tired today, did the minimum and that's fine",
    "Stretching and foam roller",
    "Rain run, loved it",
    "Practised scales for 30 minutes",
    "Sketching session, focused on hands",
    "Recovery jog with a friend",
    "Strides after an easy run",
    "Slept badly, took it gently",
    "New route along the river",
    "Core work and a short spin",
    "Drills, then 8k steady",
    "Felt heavy at first, better after 2k",
    "Calf a bit tight, kept it short",
    "Early start before work",
)
REFLECTIONS = (
    ("Skipped the warm-up and paid for it", "Warm-ups are not optional", "10 minutes easy first"),
    ("Went out too fast", "Pace is a choice I make at the start", "Start slower tomorrow"),
    ("Missed a few days with work", "Small is better than nothing", "A 10-minute session"),
    (None, "Rest is part of training", "Sleep earlier tonight"),
)


# --------------------------------------------------------------------------- the cache


def cache_dir() -> Path:
    return Path(os.environ.get("KEEPGOING_BENCH_DIR", "/tmp/keepgoing-bench"))


def _cache_name(kind: str, key: tuple[object, ...]) -> str:
    blob = json.dumps([GENERATOR_VERSION, *key])
    return f"{kind}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}.sqlite3"


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _migrate_cached(path: Path) -> None:
    """A cached database made before a new migration landed gets it (an index, say) once."""
    db = await open_database(path)
    await db.close()


async def cached(kind: str, key: tuple[object, ...], folder: Path, build) -> tuple[Path, float]:
    """The cached database for ``key``, generated by ``build(db, rng)`` when missing.
    Returns its path and how long generating took (0 when it came from the cache)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / _cache_name(kind, key)
    if path.exists():
        await _migrate_cached(path)
        return path, 0.0
    partial = path.with_suffix(".partial")
    _remove(partial)
    started = clock.perf_counter()
    db = await open_database(partial)
    try:
        await _bulk_mode(db, True)
        await build(db, random.Random(repr(key)))
        await _bulk_mode(db, False)
    finally:
        await db.close()
    os.replace(partial, path)
    return path, clock.perf_counter() - started


async def _bulk_mode(db: Database, on: bool) -> None:
    if on:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000"):
            await db.conn.execute(f"PRAGMA {pragma}")
    else:
        await db.conn.execute("PRAGMA journal_mode = WAL")
        await db.conn.execute("PRAGMA synchronous = FULL")


def working_copy(source: Path, target: Path) -> Path:
    """A fresh copy the benchmarks may write to; the cached original stays as generated."""
    _remove(target)
    shutil.copyfile(source, target)
    return target


async def insert_rows(db: Database, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
    if rows:
        async with db.transaction() as conn:
            await conn.executemany(sql, rows)


# --------------------------------------------------------------------------- the SQL

GROUP_SQL = (
    "INSERT INTO groups (guild_id, timezone, created_at, morning_enabled, morning_channel_id, "
    "morning_time, patience_enabled, patience_channel_id, patience_time, patience_day, "
    "recap_enabled, recap_channel_id, recap_time, recap_day, buddies_enabled) "
    "VALUES (?, ?, ?, 1, ?, ?, ?, ?, '12:00', 2, ?, ?, '18:00', 6, 1)"
)
MEMBER_SQL = (
    "INSERT INTO members (guild_id, user_id, timezone, weekly_target, celebrate_me, morning_dm, "
    "morning_dm_time, recap_dm, dm_state, dm_channel_id, first_day, created_at, patience_dm) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
CHECKIN_SQL = (
    "INSERT INTO checkins (guild_id, user_id, local_date, kind, note, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
PAUSE_SQL = (
    "INSERT INTO pauses (guild_id, user_id, start_date, end_date, reason, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
REFLECTION_SQL = (
    "INSERT INTO reflections (guild_id, user_id, what_happened, lesson, next_step, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
ENCOURAGEMENT_SQL = (
    "INSERT INTO encouragements (guild_id, sender_id, target_id, public, created_at) "
    "VALUES (?, ?, ?, ?, ?)"
)
DM_SQL = (
    "INSERT INTO personal_dms (guild_id, user_id, kind, period, due_at, status, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
POST_LOG_SQL = (
    "INSERT INTO post_log (guild_id, kind, period, scheduled_for, status, nonce, item, "
    "channel_id, message_id, updated_at) VALUES (?, ?, ?, ?, 'sent', ?, 'builtin:0', ?, ?, ?)"
)
BUDDY_WEEK_SQL = "INSERT INTO buddy_weeks (guild_id, week, created_at) VALUES (?, ?, ?)"


def utc(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def _zone_picker(rng: random.Random):
    names = [name for name, _ in ZONES]
    weights = [weight for _, weight in ZONES]
    return lambda: rng.choices(names, weights)[0]


# --------------------------------------------------------------------------- one member's days


@dataclass
class Habit:
    """A member's habit as a two-state chain: how likely a check-in is after a day with one
    (``stay``) and after a day without (``start``). Long-run rate: start / (1 - stay + start)."""

    stay: float
    start: float

    @classmethod
    def with_rate(cls, rate: float, stickiness: float = 0.5) -> Habit:
        stay = min(0.985, rate + (1 - rate) * stickiness)
        start = rate * (1 - stay) / (1 - rate) if rate < 1 else 1.0
        return cls(stay, min(1.0, start))


def _kind(rng: random.Random) -> str:
    roll = rng.random()
    return "setback" if roll < 0.03 else "rest" if roll < 0.21 else "practice"


def _note(rng: random.Random) -> str | None:
    return rng.choice(NOTES) if rng.random() < 0.25 else None


def member_days(
    rng: random.Random,
    first: date,
    last: date,
    habit: Habit,
    paused: Iterable[tuple[date, date | None]] = (),
) -> list[date]:
    """The days a member with ``habit`` checks in between ``first`` and ``last``."""
    off = set()
    for start, end in paused:
        day = start
        while day <= last and (end is None or day < end):
            off.add(day)
            day += timedelta(days=1)
    days, on, day = [], False, first
    while day <= last:
        if day in off:
            on = False
        else:
            on = rng.random() < (habit.stay if on else habit.start)
            if on:
                days.append(day)
        day += timedelta(days=1)
    return days


async def write_member(
    db: Database,
    rng: random.Random,
    *,
    guild_id: int,
    user_id: int,
    days: Sequence[date],
    pauses: Sequence[tuple[date, date | None]] = (),
    timezone: str | None = None,
    weekly_target: int = 3,
    first_day: date | None = None,
) -> None:
    """One member and their whole history (check-ins, pauses, reflections), as a running bot
    would have written it. Used for the ``/journey`` members and the simcord members."""
    first = first_day or (min(days) if days else TODAY)
    await insert_rows(
        db,
        MEMBER_SQL,
        [
            (guild_id, user_id, timezone, weekly_target, 0, 0, None, 0, "unknown", None)
            + (first.isoformat(), f"{first.isoformat()}T08:00:00+00:00", 1)
        ],
    )
    rows, reflections = [], []
    for day in days:
        kind = _kind(rng)
        stamp = f"{day.isoformat()}T07:{rng.randrange(60):02d}:00+00:00"
        rows.append((guild_id, user_id, day.isoformat(), kind, _note(rng), stamp, stamp))
        if kind == "setback" and rng.random() < 0.5:
            reflections.append((guild_id, user_id, *rng.choice(REFLECTIONS), stamp))
    await insert_rows(db, CHECKIN_SQL, rows)
    await insert_rows(db, REFLECTION_SQL, reflections)
    await insert_rows(
        db,
        PAUSE_SQL,
        [
            (
                guild_id,
                user_id,
                start.isoformat(),
                end.isoformat() if end else None,
                "travel",
                f"{start.isoformat()}T08:00:00+00:00",
            )
            for start, end in pauses
        ],
    )


def journey_user(years: int) -> int:
    return JOURNEY_BASE + years


def journey_history(rng: random.Random, years: int) -> tuple[list[date], list[tuple[date, date]]]:
    """A dedicated member: about nine days in ten for ``years`` years, a ten-day pause each
    year; their weekly rhythm runs back through the whole history."""
    first = TODAY - timedelta(days=365 * years)
    pauses = [
        (first + timedelta(days=365 * y + 150), first + timedelta(days=365 * y + 160))
        for y in range(years)
    ]
    days = member_days(rng, first, TODAY - timedelta(days=1), Habit.with_rate(0.9), pauses)
    return days, pauses


# --------------------------------------------------------------------------- the big group


@dataclass
class Profile:
    user_id: int
    timezone: str | None
    habit: Habit
    lapsed: Habit | None
    join: int  # day index of the first day they could check in
    lapse: int | None  # day index from which the lapsed habit applies
    paused: dict[int, bool]  # day index -> paused
    weekly_target: int
    celebrate_me: int
    morning_dm: int
    first_day: str
    stamp: str  # "THH:MM:00+00:00", when they tend to check in


def _profiles(rng: random.Random, members: int, days: int, first: date) -> list[Profile]:
    zone = _zone_picker(rng)
    profiles = []
    for n in range(members):
        regular = rng.random() < 0.6
        if regular:
            habit = Habit.with_rate(rng.uniform(0.86, 0.99), stickiness=0.6)
            join = 0 if rng.random() < 0.9 else rng.randrange(days)
            lapse = None
        else:
            habit = Habit.with_rate(rng.uniform(0.1, 0.6), stickiness=0.4)
            join = 0 if rng.random() < 0.5 else rng.randrange(days)
            lapse = rng.randrange(join, days) if rng.random() < 0.4 else None
        paused: dict[int, bool] = {}
        if rng.random() < 0.08:
            for _ in range(rng.choice((1, 1, 2))):
                start = rng.randrange(join, days)
                for i in range(start, min(days, start + rng.randint(4, 30))):
                    paused[i] = True
        if join == 0:
            first_day = first - timedelta(days=rng.randrange(0, 400))
        else:
            first_day = first + timedelta(days=join)
        profiles.append(
            Profile(
                user_id=MEMBER_BASE + n,
                timezone=zone() if rng.random() < 0.7 else None,
                habit=habit,
                lapsed=Habit.with_rate(0.02, 0.2) if lapse is not None else None,
                join=join,
                lapse=lapse,
                paused=paused,
                weekly_target=3 if rng.random() < 0.7 else rng.randint(1, 7),
                celebrate_me=int(rng.random() < 0.1),
                morning_dm=int(rng.random() < 0.15),
                first_day=first_day.isoformat(),
                stamp=f"T{rng.randint(5, 21):02d}:{rng.randrange(60):02d}:00+00:00",
            )
        )
    return profiles


def _pause_spans(paused: dict[int, bool]) -> list[tuple[int, int]]:
    """Consecutive paused day indexes as (first, end exclusive), merged."""
    spans: list[tuple[int, int]] = []
    for index in sorted(paused):
        if spans and spans[-1][1] == index:
            spans[-1] = (spans[-1][0], index + 1)
        else:
            spans.append((index, index + 1))
    return spans


async def build_history(db: Database, rng: random.Random, members: int, days: int) -> None:
    first = TODAY - timedelta(days=days)
    iso = [(first + timedelta(days=i)).isoformat() for i in range(days)]
    profiles = _profiles(rng, members, days, first)
    channel = GROUP_ID + CHANNEL_OFFSET
    await insert_rows(
        db,
        GROUP_SQL,
        [
            (GROUP_ID, GROUP_TIMEZONE, f"{iso[0]}T00:00:00+00:00", channel, "07:00", 1)
            + (channel, 1, channel)
        ],
    )
    await insert_rows(
        db,
        MEMBER_SQL,
        [
            (GROUP_ID, p.user_id, p.timezone, p.weekly_target, p.celebrate_me, p.morning_dm)
            + ("07:00" if p.morning_dm else None, 0, "unknown", None, p.first_day)
            + (f"{p.first_day}T08:00:00+00:00", 1)
            for p in profiles
        ],
    )

    # Pauses: closed ones as written, and 1 % of members paused right now (open).
    pause_rows = []
    for p in profiles:
        for start, end in _pause_spans(p.paused):
            pause_rows.append((GROUP_ID, p.user_id, iso[start], _iso_or_today(iso, end)))
    for p in rng.sample(profiles, max(1, members // 100)):
        if not p.paused:
            start = days - rng.randint(1, 20)
            p.paused.update(dict.fromkeys(range(start, days), True))
            pause_rows.append((GROUP_ID, p.user_id, iso[start], None))
    await insert_rows(
        db,
        PAUSE_SQL,
        [
            (*row, "injury" if i % 3 else None, f"{row[2]}T08:00:00+00:00")
            for i, row in enumerate(pause_rows)
        ],
    )

    # Check-ins day by day, as the bot writes them; reflections after some setbacks.
    state = [False] * members
    last_day: dict[int, int] = {}
    batch: list[tuple[object, ...]] = []
    reflections: list[tuple[object, ...]] = []
    encouragements: list[tuple[object, ...]] = []
    random_ = rng.random
    for d in range(days):
        day = iso[d]
        for i, p in enumerate(profiles):
            if d < p.join:
                continue
            if p.paused and d in p.paused:
                state[i] = False
                continue
            habit = p.lapsed if p.lapse is not None and d >= p.lapse else p.habit
            on = random_() < (habit.stay if state[i] else habit.start)
            state[i] = on
            if not on:
                continue
            roll = random_()
            kind = "setback" if roll < 0.03 else "rest" if roll < 0.21 else "practice"
            note = NOTES[int(random_() * len(NOTES))] if random_() < 0.25 else None
            stamp = day + p.stamp
            batch.append((GROUP_ID, p.user_id, day, kind, note, stamp, stamp))
            last_day[p.user_id] = d
            if kind == "setback" and random_() < 0.5:
                reflections.append((GROUP_ID, p.user_id, *rng.choice(REFLECTIONS), stamp))
        for _ in range(max(1, members // 170)):
            sender, target = rng.sample(range(members), 2)
            encouragements.append(
                (GROUP_ID, MEMBER_BASE + sender, MEMBER_BASE + target, int(random_() < 0.7))
                + (f"{day}T{rng.randint(6, 21):02d}:{rng.randrange(60):02d}:00+00:00",)
            )
        if len(batch) >= 400_000 or d == days - 1:
            await insert_rows(db, CHECKIN_SQL, batch)
            batch = []
            log.info("history: %s written", day)
    await insert_rows(db, REFLECTION_SQL, reflections)
    await insert_rows(db, ENCOURAGEMENT_SQL, encouragements)

    # The gentle DM after a quiet week, planned after each member's last check-in.
    dms = []
    for p in profiles:
        if p.user_id not in last_day:
            continue
        last = first + timedelta(days=last_day[p.user_id])
        due = quiet_due(last, ZoneInfo(p.timezone or GROUP_TIMEZONE), DEFAULT_DM_TIME)
        status = "pending" if due > NOON else "sent"
        dms.append((GROUP_ID, p.user_id, "quiet", f"after:{last.isoformat()}", utc(due), status))
    await insert_rows(db, DM_SQL, [(*row, utc(NOON)) for row in dms])

    # The group's post log as a running bot leaves it: every morning prompt, patience
    # reminder and recap sent, today's morning prompt included.
    tz = ZoneInfo(GROUP_TIMEZONE)
    posts = []
    for d in range(days + 1):
        day = first + timedelta(days=d)
        kinds = [("morning", time(7, 0))]
        if day.weekday() == 2:
            kinds.append(("patience", time(12, 0)))
        if day.weekday() == 6:
            kinds.append(("recap", time(18, 0)))
        for kind, at in kinds:
            occurrence = local_instant(day, at, tz)
            if occurrence > NOON:
                continue
            period = day.isoformat()
            posts.append(
                (GROUP_ID, kind, period, utc(occurrence), post_nonce(GROUP_ID, kind, period))
                + (channel, GROUP_ID + d, utc(occurrence))
            )
    await insert_rows(db, POST_LOG_SQL, posts)
    await insert_rows(db, BUDDY_WEEK_SQL, [(GROUP_ID, week_start(TODAY).isoformat(), utc(NOON))])

    # The /journey members: one, two and three years of history.
    for years in JOURNEY_YEARS:
        days_, pauses = journey_history(rng, years)
        await write_member(
            db,
            rng,
            guild_id=GROUP_ID,
            user_id=journey_user(years),
            days=days_,
            pauses=pauses,
            timezone=GROUP_TIMEZONE,
        )


def _iso_or_today(iso: list[str], end: int) -> str:
    return iso[end] if end < len(iso) else TODAY.isoformat()


# --------------------------------------------------------------------------- the fleet


def fleet_group(n: int) -> int:
    return FLEET_GROUP_BASE + n


def _next_at(after: datetime, at: time, tz: ZoneInfo) -> datetime:
    day = after.astimezone(tz).date()
    while True:
        instant = local_instant(day, at, tz)
        if instant > after:
            return instant
        day += timedelta(days=1)


async def build_fleet(db: Database, rng: random.Random, groups: int, per_group: int, due: int):
    zone = _zone_picker(rng)
    group_rows, member_rows, dm_rows, post_rows, week_rows = [], [], [], [], []
    members = [g for g in range(groups) for _ in range(per_group)]
    due_now = set(rng.sample(range(len(members)), min(due, len(members))))
    for g in range(groups):
        guild = fleet_group(g)
        tz_name = zone()
        tz = ZoneInfo(tz_name)
        local = BURST_AT.astimezone(tz)
        channel = guild + CHANNEL_OFFSET
        group_rows.append(
            (guild, tz_name, "2025-06-01T00:00:00+00:00", channel, local.strftime("%H:%M"))
            + (0, None, 0, None)
        )
        week_rows.append((guild, week_start(local.date()).isoformat(), utc(BURST_AT)))
        # Two weeks of morning prompts already sent (yesterday's included).
        for back in range(1, 15):
            day = local.date() - timedelta(days=back)
            occurrence = local_instant(day, local.time().replace(second=0), tz)
            period = day.isoformat()
            post_rows.append(
                (guild, "morning", period, utc(occurrence), post_nonce(guild, "morning", period))
                + (channel, guild + back, utc(occurrence))
            )
    for index, g in enumerate(members):
        guild = fleet_group(g)
        user = FLEET_MEMBER_BASE + index
        group_tz = ZoneInfo(group_rows[g][1])
        own = zone() if rng.random() < 0.3 else None
        tz = ZoneInfo(own) if own else group_tz
        if index in due_now:
            at = BURST_AT.astimezone(tz).time().replace(second=0)
            next_due = BURST_AT
        else:
            at = time(rng.randint(5, 10), rng.choice((0, 15, 30, 45)))
            next_due = _next_at(BURST_AT + timedelta(minutes=1), at, tz)
        dm_state = "closed" if rng.random() < 0.02 else "open"
        member_rows.append(
            (guild, user, own, 3, 0, 1, at.strftime("%H:%M"), int(rng.random() < 0.3), dm_state)
            + (user + 1 if rng.random() < 0.8 else None, "2025-06-01", "2025-06-01T00:00:00+00:00")
            + (1,)
        )
        local_due = next_due.astimezone(tz)
        dm_rows.append(
            (guild, user, "morning", local_due.date().isoformat(), utc(next_due), "pending")
        )
        for back in range(1, 15):
            sent = local_instant(local_due.date() - timedelta(days=back), at, tz)
            period = (local_due.date() - timedelta(days=back)).isoformat()
            dm_rows.append((guild, user, "morning", period, utc(sent), "sent"))
        if rng.random() < 0.3:
            quiet = BURST_AT + timedelta(hours=rng.randint(2, 160))
            dm_rows.append((guild, user, "quiet", f"after:{quiet.date()}", utc(quiet), "pending"))
    await insert_rows(db, GROUP_SQL, group_rows)
    await insert_rows(db, MEMBER_SQL, member_rows)
    await insert_rows(db, DM_SQL, [(*row, utc(BURST_AT)) for row in dm_rows])
    await insert_rows(db, POST_LOG_SQL, post_rows)
    await insert_rows(db, BUDDY_WEEK_SQL, week_rows)


# --------------------------------------------------------------------------- entry points


async def history_db(scale, folder: Path) -> tuple[Path, float]:
    async def build(db: Database, rng: random.Random) -> None:
        await build_history(db, rng, scale.members, scale.days)

    path, took = await cached("history", scale.history_key, folder, build)
    db = await open_database(path)
    try:
        started = clock.perf_counter()
        stored = await store_carries(db, GROUP_ID)
        if stored:
            log.info("stored %d members' carries in %.1f s", stored, clock.perf_counter() - started)
    finally:
        await db.close()
    return path, took


CARRY_AGE = timedelta(weeks=5)


async def store_carries(db: Database, guild_id: int) -> int:
    """The stored numbers (``member_stats``) every member's check-ins would have left, once
    (a cached database made before they existed gets them here). Each carry is as old as a
    carry gets before a check-in moves it on: made five weeks before the member's last
    check-in, so its checkpoint lies 13 weeks before it and the recap reads the most days
    since a checkpoint it can. Returns how many were stored (0 when they were there)."""
    row = await db.fetchone("SELECT count(*) FROM member_stats WHERE guild_id = ?", (guild_id,))
    if row is not None and row[0]:
        return 0
    targets = {
        r["user_id"]: int(r["weekly_target"])
        for r in await db.fetchall(
            "SELECT user_id, weekly_target FROM members WHERE guild_id = ?", (guild_id,)
        )
    }
    pauses: dict[int, list[PausePeriod]] = {}
    for r in await db.fetchall(
        "SELECT user_id, start_date, end_date FROM pauses WHERE guild_id = ?", (guild_id,)
    ):
        end = date.fromisoformat(r["end_date"]) if r["end_date"] else None
        pauses.setdefault(r["user_id"], []).append(
            PausePeriod(date.fromisoformat(r["start_date"]), end)
        )
    carries: list[tuple[int, Carry]] = []
    dates: dict[str, date] = {}
    for user_id in sorted(targets):
        rows = await db.fetchall(
            "SELECT local_date, kind FROM checkins WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if not rows:
            continue
        days = {dates.get(r[0]) or dates.setdefault(r[0], date.fromisoformat(r[0])) for r in rows}
        rest = {dates[r[0]] for r in rows if r[1] == "rest"}
        moved = max(days) - CARRY_AGE
        carry = carry_from_history(days, rest, pauses.get(user_id, ()), moved, targets[user_id])
        carries.append((user_id, carry))
    async with db.transaction() as conn:
        for user_id, carry in carries:
            await member_records.save_carry(conn, guild_id, user_id, carry)
    return len(carries)


async def fleet_db(scale, folder: Path) -> tuple[Path, float]:
    async def build(db: Database, rng: random.Random) -> None:
        await build_fleet(db, rng, scale.fleet_groups, scale.fleet_members, scale.fleet_due)

    return await cached("fleet", scale.fleet_key, folder, build)


async def table_counts(db: Database, tables: Iterable[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        row = await db.fetchone(f"SELECT count(*) FROM {table}")  # names from our own list
        counts[table] = int(row[0]) if row else 0
    return counts


def migration_count() -> int:
    return len(load_migrations())
