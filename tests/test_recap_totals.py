"""The recap's kept totals (migration 0009: ``group_days`` and ``member_weeks``, maintained by
triggers on ``checkins``) always equal what the check-ins themselves say, whatever the order of
check-ins, "yesterday" check-ins, kind changes and deletions; and the migration's backfill of an
existing database gives the same rows."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rules.days import week_start
from bot.rules.recap import week_bounds_utc
from storage import member_data, member_records, open_database
from storage.db import Database, load_migrations
from storage.recap_totals import recap_counts

GUILDS = (1, 2)
USERS = (11, 12, 13, 14)
START = date(2026, 1, 1)  # a Thursday: weeks straddle the start
NOW = datetime(2026, 3, 1, tzinfo=UTC)
KINDS = ("practice", "rest", "setback")

checkin_op = st.tuples(
    st.just("checkin"),
    st.sampled_from(GUILDS),
    st.sampled_from(USERS),
    st.integers(0, 40),  # day offset from START
    st.sampled_from(KINDS),
)
delete_op = st.tuples(
    st.just("delete"), st.sampled_from(GUILDS), st.sampled_from(USERS), st.integers(0, 40)
)
forget_op = st.tuples(st.just("forget"), st.sampled_from(GUILDS), st.sampled_from(USERS))
operations = st.lists(
    st.one_of(checkin_op, checkin_op, checkin_op, delete_op, forget_op), max_size=60
)

Days = dict[tuple[int, int, str], str]  # (guild, user, local date) -> kind


def expected_group_days(days: Days) -> dict[tuple[int, str], tuple[int, int, int]]:
    totals: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (guild, _, day), kind in days.items():
        totals[(guild, day)][KINDS.index(kind)] += 1
    return {key: (p, r, s) for key, (p, r, s) in totals.items()}


def expected_member_weeks(days: Days) -> dict[tuple[int, int, str], tuple[str, str | None]]:
    dates: dict[tuple[int, int], list[date]] = defaultdict(list)
    for guild, user, day in days:
        dates[(guild, user)].append(date.fromisoformat(day))
    rows: dict[tuple[int, int, str], tuple[str, str | None]] = {}
    for (guild, user), member_days in dates.items():
        for monday in {week_start(d) for d in member_days}:
            first = min(d for d in member_days if week_start(d) == monday)
            before = [d for d in member_days if d < monday]
            last = max(before).isoformat() if before else None
            rows[(guild, user, monday.isoformat())] = (first.isoformat(), last)
    return rows


async def kept_rows(db: Database) -> tuple[dict, dict]:
    group_days = {
        (r["guild_id"], r["local_date"]): (r["practice"], r["rest"], r["setbacks"])
        for r in await db.fetchall("SELECT * FROM group_days")
        # A day whose check-ins were all deleted may keep a row of zeros.
        if r["practice"] or r["rest"] or r["setbacks"]
    }
    member_weeks = {
        (r["guild_id"], r["user_id"], r["week"]): (r["first_date"], r["last_before"])
        for r in await db.fetchall("SELECT * FROM member_weeks")
    }
    return group_days, member_weeks


async def stored_days(db: Database) -> Days:
    rows = await db.fetchall("SELECT guild_id, user_id, local_date, kind FROM checkins")
    return {(r["guild_id"], r["user_id"], r["local_date"]): r["kind"] for r in rows}


async def apply(db: Database, ops: list[tuple]) -> None:
    for op in ops:
        if op[0] == "checkin":
            _, guild, user, offset, kind = op
            await member_records.record_checkin(
                db,
                guild_id=guild,
                user_id=user,
                local_date=START + timedelta(days=offset),
                kind=kind,
                note=None,
                first_day=START,
                now=NOW,
            )
        elif op[0] == "delete":
            _, guild, user, offset = op
            async with db.transaction() as conn:
                await conn.execute(
                    "DELETE FROM checkins WHERE guild_id = ? AND user_id = ? AND local_date = ?",
                    (guild, user, (START + timedelta(days=offset)).isoformat()),
                )
        else:
            _, guild, user = op
            await member_data.delete_member(db, guild, user)


def week_counts(days: Days, guild: int, monday: date) -> tuple[int, int, int]:
    """Showed up, new and came back in the week, from the check-ins."""
    dates: dict[int, list[date]] = defaultdict(list)
    for g, user, day in days:
        if g == guild:
            dates[user].append(date.fromisoformat(day))
    showed = new = back = 0
    for member_days in dates.values():
        this_week = [d for d in member_days if monday <= d < monday + timedelta(days=7)]
        if not this_week:
            continue
        showed += 1
        before = [d for d in member_days if d < monday]
        if not before:
            new += 1
        elif max(before) < min(this_week) - timedelta(days=7):
            back += 1
    return showed, new, back


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations, week=st.integers(0, 6))
def test_kept_totals_equal_the_checkins(tmp_path: Path, ops: list[tuple], week: int) -> None:
    async def run() -> None:
        with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
            db = await open_database(Path(folder) / "kg.sqlite3")
            try:
                for guild in GUILDS:
                    await member_records.ensure_group(db, guild, "UTC", NOW)
                await apply(db, ops)
                days = await stored_days(db)
                group_days, member_weeks = await kept_rows(db)
                assert group_days == expected_group_days(days)
                assert member_weeks == expected_member_weeks(days)

                monday = week_start(START) + timedelta(weeks=week)
                start, end = week_bounds_utc(monday, UTC)
                counts = await recap_counts(db, GUILDS[0], monday, start, end)
                showed, new, back = week_counts(days, GUILDS[0], monday)
                assert (counts.members_showed_up, counts.new_members, counts.came_back) == (
                    showed,
                    new,
                    back,
                )
                in_week = [
                    kind
                    for (g, _, day), kind in days.items()
                    if g == GUILDS[0]
                    and monday <= date.fromisoformat(day) < monday + timedelta(days=7)
                ]
                assert counts.checkins == len(in_week)
                assert counts.rest_days == in_week.count("rest")
                assert counts.setbacks == in_week.count("setback")
            finally:
                await db.close()

    asyncio.run(run())


def test_a_yesterday_checkin_moves_the_weeks_first_day_and_what_came_before(
    tmp_path: Path,
) -> None:
    """Monday morning: today's check-in first, then Sunday's as "yesterday"; and a Tuesday
    after a Wednesday in the same week."""

    async def run() -> None:
        db = await open_database(tmp_path / "kg.sqlite3")
        try:
            await member_records.ensure_group(db, 1, "UTC", NOW)
            monday = date(2026, 1, 12)
            ops = [
                ("checkin", 1, 11, (monday - timedelta(days=20) - START).days, "practice"),
                ("checkin", 1, 11, (monday - START).days, "practice"),
            ]
            await apply(db, ops)
            _, weeks = await kept_rows(db)
            # Back after 20 days: the week counts them as having come back.
            assert weeks[(1, 11, "2026-01-12")] == ("2026-01-12", "2025-12-23")
            await apply(db, [("checkin", 1, 11, (monday - timedelta(days=1) - START).days, "rest")])
            _, weeks = await kept_rows(db)
            assert weeks[(1, 11, "2026-01-12")] == ("2026-01-12", "2026-01-11")
            assert weeks[(1, 11, "2026-01-05")] == ("2026-01-11", "2025-12-23")
            await apply(
                db,
                [
                    ("checkin", 1, 11, (monday + timedelta(days=9) - START).days, "practice"),
                    ("checkin", 1, 11, (monday + timedelta(days=8) - START).days, "practice"),
                ],
            )
            _, weeks = await kept_rows(db)
            assert weeks[(1, 11, "2026-01-19")] == ("2026-01-20", "2026-01-12")
        finally:
            await db.close()

    asyncio.run(run())


def test_migration_backfills_the_same_rows_the_triggers_keep(tmp_path: Path) -> None:
    """A database with history from before migration 0009 gets exactly the rows the triggers
    would have kept."""
    migrations = load_migrations()
    totals = next(m for m in migrations if m.name.startswith("0009"))
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    for migration in migrations[: totals.version - 1]:
        conn.executescript(migration.sql)
    conn.execute("INSERT INTO groups (guild_id, timezone, created_at) VALUES (1, 'UTC', 'x')")
    days: Days = {}
    for user in USERS:
        conn.execute(
            "INSERT INTO members (guild_id, user_id, first_day, created_at) "
            "VALUES (1, ?, '2026-01-01', 'x')",
            (user,),
        )
        for offset in range(0, 60, user % 5 + 1):
            day = (START + timedelta(days=offset)).isoformat()
            kind = KINDS[(offset + user) % 3]
            days[(1, user, day)] = kind
            conn.execute(
                "INSERT INTO checkins (guild_id, user_id, local_date, kind, created_at, "
                "updated_at) VALUES (1, ?, ?, ?, 'x', 'x')",
                (user, day, kind),
            )
    conn.executescript(f"BEGIN;\n{totals.sql}\nPRAGMA user_version = {totals.version};\nCOMMIT;")
    conn.close()

    async def run() -> None:
        db = await open_database(path)
        try:
            group_days, member_weeks = await kept_rows(db)
            assert group_days == expected_group_days(days)
            assert member_weeks == expected_member_weeks(days)
        finally:
            await db.close()

    asyncio.run(run())
