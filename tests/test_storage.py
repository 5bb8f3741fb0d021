"""Storage against real SQLite files: migrations, transactions, constraints and repositories."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import aiosqlite
import pytest

import storage.db
from storage import Database, member_records, open_database
from storage.db import BUSY_TIMEOUT_MS, Migration, load_migrations
from storage.models import CheckinWrite, Pause

MIGRATIONS_DIR = Path(storage.db.__file__).resolve().parent / "migrations"
MIGRATION_FILES = sorted(MIGRATIONS_DIR.glob("*.sql"))

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)
FIRST_DAY = date(2026, 11, 1)
GUILD = 1001
OTHER_GUILD = 1002
ALICE = 2001
BOB = 2002


async def scalar(db: Database, sql: str, params: tuple[object, ...] = ()) -> object:
    row = await db.fetchone(sql, params)
    assert row is not None
    return row[0]


async def count(db: Database, table: str) -> int:
    # Table names come from the tests themselves, never from input.
    return int(await scalar(db, f"SELECT count(*) FROM {table}"))  # type: ignore[arg-type]


async def setup_member(db: Database, guild_id: int = GUILD, user_id: int = ALICE) -> None:
    await member_records.ensure_group(db, guild_id, "UTC", NOW)
    await member_records.ensure_member(db, guild_id, user_id, FIRST_DAY, NOW)


async def checkin(
    db: Database,
    *,
    day: date = TODAY,
    kind: str = "practice",
    note: str | None = None,
    guild_id: int = GUILD,
    user_id: int = ALICE,
    now: datetime = NOW,
) -> CheckinWrite:
    return await member_records.record_checkin(
        db,
        guild_id=guild_id,
        user_id=user_id,
        local_date=day,
        kind=kind,
        note=note,
        first_day=FIRST_DAY,
        now=now,
    )


# --------------------------------------------------------------------------- migrations


def test_migration_numbering_has_no_gaps() -> None:
    migrations = load_migrations()
    assert len(migrations) == len(MIGRATION_FILES) >= 1
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert [m.name for m in migrations] == [p.name for p in MIGRATION_FILES]
    assert all(m.sql.strip() for m in migrations)


def test_load_migrations_rejects_a_gap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE a (x);", "utf-8")
    (tmp_path / "0003_third.sql").write_text("CREATE TABLE c (x);", "utf-8")
    (tmp_path / "README.txt").write_text("not a migration", "utf-8")
    monkeypatch.setattr(storage.db, "resources", SimpleNamespace(files=lambda _pkg: tmp_path))
    with pytest.raises(RuntimeError, match="gap before 0003_third.sql"):
        load_migrations()


async def test_open_database_creates_folder_file_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "kg.sqlite3"
    assert not path.parent.exists()
    db = await open_database(path)
    try:
        assert path.is_file()
        assert db.path == path
        assert await db.schema_version() == len(MIGRATION_FILES)
        assert await scalar(db, "PRAGMA user_version") == len(MIGRATION_FILES)
        assert str(await scalar(db, "PRAGMA journal_mode")).lower() == "wal"
        assert await scalar(db, "PRAGMA foreign_keys") == 1
        assert await scalar(db, "PRAGMA busy_timeout") == BUSY_TIMEOUT_MS == 5000
        assert await db.integrity_check() == ["ok"]
        tables = set(await member_records.table_names(db))
        assert {
            "groups",
            "members",
            "checkins",
            "shared_checkins",
            "cheers",
            "reasons",
            "pauses",
            "reflections",
            "bot_state",
        } <= tables
    finally:
        await db.close()


async def test_reopening_is_a_no_op_and_keeps_data(db_path: Path) -> None:
    db = await open_database(db_path)
    try:
        await member_records.set_state(db, "tree_hash", "abc123")
        await setup_member(db)
        await checkin(db, note="first")
    finally:
        await db.close()

    again = await open_database(db_path)
    try:
        assert await again.schema_version() == len(MIGRATION_FILES)
        assert await again.migrate() == len(MIGRATION_FILES)
        assert await member_records.get_state(again, "tree_hash") == "abc123"
        assert await count(again, "checkins") == 1
        assert await scalar(again, "PRAGMA foreign_keys") == 1
    finally:
        await again.close()


async def test_open_without_migrate_leaves_an_empty_file(db_path: Path) -> None:
    db = await open_database(db_path, migrate=False)
    try:
        assert await db.schema_version() == 0
        assert await member_records.table_names(db) == []
    finally:
        await db.close()


async def test_newer_schema_than_the_code_is_refused(db_path: Path) -> None:
    future = len(MIGRATION_FILES) + 5
    with sqlite3.connect(db_path) as raw:
        raw.execute(f"PRAGMA user_version = {future}")
    raw.close()
    with pytest.raises(RuntimeError, match="newer than this code"):
        await open_database(db_path)
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == future
        assert raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    raw.close()


async def test_failed_migration_leaves_nothing_half_applied(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = load_migrations()
    broken = Migration(
        version=len(real) + 1,
        name=f"{len(real) + 1:04d}_broken.sql",
        sql="CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);",
    )
    monkeypatch.setattr(storage.db, "load_migrations", lambda: [*real, broken])
    with pytest.raises(sqlite3.OperationalError, match="nowhere"):
        await open_database(db_path)

    monkeypatch.undo()
    db = await open_database(db_path)
    try:
        assert await db.schema_version() == len(real)
        assert "half" not in await member_records.table_names(db)
        assert "groups" in await member_records.table_names(db)
        assert await db.integrity_check() == ["ok"]
    finally:
        await db.close()


async def test_failed_migration_on_existing_database_changes_nothing(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await member_records.set_state(db, "kept", "yes")
    version = await db.schema_version()
    broken = Migration(version + 1, "broken", "CREATE TABLE half (x); SELECT * FROM nowhere;")
    real = load_migrations()
    monkeypatch.setattr(storage.db, "load_migrations", lambda: [*real, broken])
    with pytest.raises(sqlite3.OperationalError):
        await db.migrate()
    assert not db.conn.in_transaction
    assert await db.schema_version() == version
    assert "half" not in await member_records.table_names(db)
    # The connection is still usable for writes afterwards.
    await member_records.set_state(db, "after", "fine")
    assert await member_records.get_state(db, "kept") == "yes"
    assert await member_records.get_state(db, "after") == "fine"


# --------------------------------------------------------------------------- transactions


async def test_transaction_rolls_back_everything_when_the_body_raises(db: Database) -> None:
    with pytest.raises(LookupError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('b', '2')")
            raise LookupError("boom")
    assert not db.conn.in_transaction
    assert await count(db, "bot_state") == 0


async def test_transaction_rolls_back_on_a_failing_statement(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('a', '2')")
    assert await count(db, "bot_state") == 0


async def test_transaction_commits_otherwise(db: Database, db_path: Path) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
        await conn.execute("INSERT INTO bot_state (key, value) VALUES ('b', '2')")
    assert not db.conn.in_transaction
    # Visible from a second, independent connection: really committed.
    async with aiosqlite.connect(db_path) as other:
        rows = await other.execute_fetchall("SELECT key, value FROM bot_state ORDER BY key")
    assert [tuple(r) for r in rows] == [("a", "1"), ("b", "2")]


async def test_concurrent_transactions_do_not_interleave(db: Database) -> None:
    async def write(key: str) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO bot_state (key, value) VALUES (?, 'x')", (key,))
            await asyncio.sleep(0.01)
            await conn.execute("UPDATE bot_state SET value = 'done' WHERE key = ?", (key,))

    await asyncio.gather(*(write(f"k{i}") for i in range(5)))
    rows = await db.fetchall("SELECT value FROM bot_state")
    assert [r["value"] for r in rows] == ["done"] * 5


async def test_run_transaction_is_one_job_and_rolls_back_on_error(db: Database) -> None:
    def write(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
        return threading.get_ident()

    assert await db.run_transaction(write) != threading.get_ident()  # the connection's thread

    def fail(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO bot_state (key, value) VALUES ('b', '2')")
        raise LookupError("boom")

    with pytest.raises(LookupError):
        await db.run_transaction(fail)
    assert not db.conn.in_transaction
    assert [r["key"] for r in await db.fetchall("SELECT key FROM bot_state")] == ["a"]


async def test_a_cancelled_waiter_leaves_no_transaction_open(db: Database) -> None:
    async def write() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
            await asyncio.sleep(10)

    task = asyncio.create_task(write())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not db.conn.in_transaction
    assert await count(db, "bot_state") == 0


async def test_close_ends_the_connection_thread(db_path: Path) -> None:
    def db_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "keepgoing-db"]

    before = set(db_threads())
    db = await open_database(db_path)
    [thread] = set(db_threads()) - before
    assert thread.daemon  # even a database nobody closed never keeps the process alive
    await db.close()
    assert not thread.is_alive()
    with pytest.raises(ValueError, match="closed"):
        await db.fetchone("SELECT 1")


# --------------------------------------------------------------------------- check-ins


async def test_record_checkin_one_row_per_member_per_day(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    first = await checkin(db, kind="practice", note="scales")
    assert first.created is True
    assert first.checkin.kind == "practice"
    assert first.checkin.note == "scales"
    assert first.checkin.local_date == TODAY
    assert first.checkin.created_at == NOW
    assert first.checkin.created_at.tzinfo is not None

    later = NOW + timedelta(hours=3)
    second = await checkin(db, kind="rest", note=None, now=later)
    assert second.created is False
    assert second.checkin.id == first.checkin.id
    assert second.checkin.kind == "rest"
    assert second.checkin.note == "scales"  # no new note: the old one stays
    assert second.checkin.created_at == NOW
    assert second.checkin.updated_at == later

    third = await checkin(db, kind="setback", note="new words")
    assert third.created is False
    assert third.checkin.note == "new words"
    assert third.checkin.kind == "setback"
    assert await count(db, "checkins") == 1
    stored = await member_records.get_checkin(db, first.checkin.id)
    assert stored == third.checkin


async def test_record_checkin_new_day_and_other_guild_are_new_rows(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    await member_records.ensure_group(db, OTHER_GUILD, "UTC", NOW)
    today = await checkin(db)
    tomorrow = await checkin(db, day=TODAY + timedelta(days=1))
    elsewhere = await checkin(db, guild_id=OTHER_GUILD)
    bob = await checkin(db, user_id=BOB)
    assert all(w.created for w in (today, tomorrow, elsewhere, bob))
    assert len({w.checkin.id for w in (today, tomorrow, elsewhere, bob)}) == 4
    assert await count(db, "checkins") == 4
    assert (await member_records.member_history(db, GUILD, ALICE)).days == {
        TODAY,
        TODAY + timedelta(days=1),
    }
    assert (await member_records.member_history(db, OTHER_GUILD, ALICE)).days == {TODAY}


async def test_record_checkin_creates_the_member(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    assert await member_records.get_member(db, GUILD, ALICE) is None
    await checkin(db)
    member = await member_records.get_member(db, GUILD, ALICE)
    assert member is not None
    assert member.first_day == FIRST_DAY
    assert member.weekly_target == 3


async def test_unique_constraint_rejects_a_raw_duplicate(db: Database) -> None:
    await setup_member(db)
    await checkin(db)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO checkins (guild_id, user_id, local_date, kind, created_at, "
                "updated_at) VALUES (?, ?, ?, 'rest', 'x', 'x')",
                (GUILD, ALICE, TODAY.isoformat()),
            )
    assert await count(db, "checkins") == 1
    assert aiosqlite.IntegrityError is sqlite3.IntegrityError


async def test_check_rejects_unknown_kind(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        await checkin(db, kind="sprint")
    assert await count(db, "checkins") == 0
    assert await count(db, "members") == 0  # the member insert was rolled back too


async def test_check_limits_note_length(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    ok = await checkin(db, note="x" * 500)
    assert ok.checkin.note == "x" * 500
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        await checkin(db, note="y" * 501)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        await checkin(db, note="")
    stored = await member_records.get_checkin(db, ok.checkin.id)
    assert stored is not None and stored.note == "x" * 500


@pytest.mark.parametrize("bad", ["2026-1-26", "26/11/2026", "2026-11-26T08:00", "tomorrow", ""])
async def test_check_rejects_malformed_local_date(db: Database, bad: str) -> None:
    await setup_member(db)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO checkins (guild_id, user_id, local_date, kind, created_at, "
                "updated_at) VALUES (?, ?, ?, 'practice', 'x', 'x')",
                (GUILD, ALICE, bad),
            )
    assert await count(db, "checkins") == 0


@pytest.mark.parametrize("target", [0, 8, -1])
async def test_check_rejects_weekly_target_out_of_range(db: Database, target: int) -> None:
    await setup_member(db)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        await member_records.update_member(
            db, GUILD, ALICE, first_day=FIRST_DAY, now=NOW, weekly_target=target
        )
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE members SET weekly_target = ? WHERE guild_id = ? AND user_id = ?",
                (target, GUILD, ALICE),
            )
    member = await member_records.get_member(db, GUILD, ALICE)
    assert member is not None and member.weekly_target == 3


@pytest.mark.parametrize("target", [1, 7])
async def test_weekly_target_bounds_are_accepted(db: Database, target: int) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    member = await member_records.update_member(
        db, GUILD, ALICE, first_day=FIRST_DAY, now=NOW, weekly_target=target
    )
    assert member.weekly_target == target


async def test_update_member_refuses_unknown_columns(db: Database) -> None:
    await setup_member(db)
    with pytest.raises(ValueError):
        await member_records.update_member(
            db, GUILD, ALICE, first_day=FIRST_DAY, now=NOW, dm_state="open"
        )
    with pytest.raises(ValueError):
        await member_records.update_member(db, GUILD, ALICE, first_day=FIRST_DAY, now=NOW)


async def test_check_limits_reason_length(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    assert (
        await member_records.add_reason(db, GUILD, ALICE, "r" * 300, first_day=FIRST_DAY, now=NOW)
        == 1
    )
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        await member_records.add_reason(db, GUILD, ALICE, "r" * 301, first_day=FIRST_DAY, now=NOW)
    assert [r.text for r in await member_records.list_reasons(db, GUILD, ALICE)] == ["r" * 300]


@pytest.mark.parametrize("days_after_start", [0, -1])
async def test_check_rejects_pause_ending_before_it_starts(
    db: Database, days_after_start: int
) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        await member_records.start_pause(
            db,
            GUILD,
            ALICE,
            start=TODAY,
            until=TODAY + timedelta(days=days_after_start),
            reason=None,
            first_day=FIRST_DAY,
            now=NOW,
        )
    assert await count(db, "pauses") == 0


async def test_foreign_key_needs_the_group(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await checkin(db, guild_id=999_999)
    assert await count(db, "members") == 0


# --------------------------------------------------------------------------- history


async def test_member_history(db: Database) -> None:
    await setup_member(db)
    await setup_member(db, user_id=BOB)
    days = [TODAY - timedelta(days=n) for n in range(5)]
    kinds = ["practice", "rest", "setback", "rest", "practice"]
    for day, kind in zip(days, kinds, strict=True):
        await checkin(db, day=day, kind=kind)
    await checkin(db, day=TODAY, kind="rest", user_id=BOB)  # someone else's rest day
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO reflections (guild_id, user_id, lesson, created_at) VALUES (?, ?, ?, ?)",
            (GUILD, ALICE, "slow down", NOW.isoformat()),
        )
    await member_records.start_pause(
        db,
        GUILD,
        ALICE,
        start=TODAY - timedelta(days=20),
        until=TODAY - timedelta(days=15),
        reason="trip",
        first_day=FIRST_DAY,
        now=NOW,
    )
    await member_records.start_pause(
        db,
        GUILD,
        ALICE,
        start=TODAY - timedelta(days=10),
        until=None,
        reason=None,
        first_day=FIRST_DAY,
        now=NOW,
    )

    history = await member_records.member_history(db, GUILD, ALICE)
    assert history.days == frozenset(days)
    assert history.rest_days == 2
    assert history.reflections == 1
    assert [(p.start_date, p.end_date, p.reason) for p in history.pauses] == [
        (TODAY - timedelta(days=20), TODAY - timedelta(days=15), "trip"),
        (TODAY - timedelta(days=10), None, None),
    ]

    # A rest day turned into practice no longer counts as rest.
    await checkin(db, day=days[1], kind="practice")
    assert (await member_records.member_history(db, GUILD, ALICE)).rest_days == 1


async def test_member_history_of_a_stranger_is_empty(db: Database) -> None:
    history = await member_records.member_history(db, GUILD, ALICE)
    assert history.days == frozenset()
    assert history.rest_days == 0
    assert history.reflections == 0
    assert history.pauses == ()


# --------------------------------------------------------------------------- reasons


async def test_reasons_up_to_the_limit_in_insertion_order(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    for n in range(1, member_records.MAX_REASONS + 1):
        got = await member_records.add_reason(
            db, GUILD, ALICE, f"reason {n}", first_day=FIRST_DAY, now=NOW
        )
        assert got == n
    assert (
        await member_records.add_reason(
            db, GUILD, ALICE, "one too many", first_day=FIRST_DAY, now=NOW
        )
        is None
    )
    reasons = await member_records.list_reasons(db, GUILD, ALICE)
    assert [r.text for r in reasons] == [
        f"reason {n}" for n in range(1, member_records.MAX_REASONS + 1)
    ]
    assert await count(db, "reasons") == member_records.MAX_REASONS
    assert all(r.created_at == NOW for r in reasons)
    # The limit is per member.
    assert (
        await member_records.add_reason(db, GUILD, BOB, "bob's", first_day=FIRST_DAY, now=NOW) == 1
    )


async def test_remove_reason_by_listed_number(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    for text in ("one", "two", "three"):
        await member_records.add_reason(db, GUILD, ALICE, text, first_day=FIRST_DAY, now=NOW)
    await member_records.add_reason(db, GUILD, BOB, "bob's", first_day=FIRST_DAY, now=NOW)

    removed = await member_records.remove_reason(db, GUILD, ALICE, 2)
    assert removed is not None and removed.text == "two"
    assert [r.text for r in await member_records.list_reasons(db, GUILD, ALICE)] == ["one", "three"]
    # Numbering shifted: 2 is now "three".
    removed = await member_records.remove_reason(db, GUILD, ALICE, 2)
    assert removed is not None and removed.text == "three"
    assert [r.text for r in await member_records.list_reasons(db, GUILD, ALICE)] == ["one"]
    assert [r.text for r in await member_records.list_reasons(db, GUILD, BOB)] == ["bob's"]


@pytest.mark.parametrize("number", [0, -1, 4, 100])
async def test_remove_reason_out_of_range(db: Database, number: int) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    for text in ("one", "two", "three"):
        await member_records.add_reason(db, GUILD, ALICE, text, first_day=FIRST_DAY, now=NOW)
    assert await member_records.remove_reason(db, GUILD, ALICE, number) is None
    assert [r.text for r in await member_records.list_reasons(db, GUILD, ALICE)] == [
        "one",
        "two",
        "three",
    ]


# --------------------------------------------------------------------------- pauses


async def pause(
    db: Database, start: date, until: date | None = None, reason: str | None = None
) -> Pause | None:
    return await member_records.start_pause(
        db, GUILD, ALICE, start=start, until=until, reason=reason, first_day=FIRST_DAY, now=NOW
    )


async def test_open_ended_pause(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    start = TODAY - timedelta(days=3)
    started = await pause(db, start, reason="flu")
    assert started is not None
    assert (started.start_date, started.end_date, started.reason) == (start, None, "flu")
    assert await member_records.active_pause(db, GUILD, ALICE, start - timedelta(days=1)) is None
    assert await member_records.active_pause(db, GUILD, ALICE, start) == started
    assert (
        await member_records.active_pause(db, GUILD, ALICE, TODAY + timedelta(days=365)) == started
    )
    assert await member_records.active_pause(db, GUILD, BOB, TODAY) is None
    # A second pause covering an already paused day is refused and writes nothing.
    assert await pause(db, TODAY) is None
    assert await pause(db, start) is None
    assert await count(db, "pauses") == 1


async def test_pause_with_an_end_date(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    start, until = TODAY, TODAY + timedelta(days=7)
    started = await pause(db, start, until)
    assert started is not None and started.end_date == until
    assert await member_records.active_pause(db, GUILD, ALICE, start) == started
    assert await member_records.active_pause(db, GUILD, ALICE, until - timedelta(days=1)) == started
    assert (
        await member_records.active_pause(db, GUILD, ALICE, until) is None
    )  # the end date counts again
    assert await member_records.active_pause(db, GUILD, ALICE, until + timedelta(days=1)) is None
    assert await pause(db, until - timedelta(days=1)) is None
    # A new pause may start on the day the previous one ended.
    again = await pause(db, until)
    assert again is not None and again.id != started.id
    assert await count(db, "pauses") == 2


async def test_end_pause_sets_end_date_to_today(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    started = await pause(db, TODAY - timedelta(days=4), until=TODAY + timedelta(days=10))
    assert started is not None
    ended = await member_records.end_pause(db, GUILD, ALICE, TODAY)
    assert ended is not None
    assert (ended.id, ended.start_date, ended.end_date) == (
        started.id,
        TODAY - timedelta(days=4),
        TODAY,
    )
    assert await member_records.list_pauses(db, GUILD, ALICE) == [ended]
    assert await member_records.active_pause(db, GUILD, ALICE, TODAY) is None
    assert await member_records.end_pause(db, GUILD, ALICE, TODAY) is None


async def test_end_pause_removes_a_pause_started_today(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "UTC", NOW)
    started = await pause(db, TODAY)
    assert started is not None
    ended = await member_records.end_pause(db, GUILD, ALICE, TODAY)
    assert ended is not None and ended.id == started.id
    assert await member_records.list_pauses(db, GUILD, ALICE) == []
    assert await count(db, "pauses") == 0


async def test_end_pause_without_a_pause(db: Database) -> None:
    await setup_member(db)
    assert await member_records.end_pause(db, GUILD, ALICE, TODAY) is None
    # A finished pause is not ended again.
    await pause(db, TODAY - timedelta(days=9), until=TODAY - timedelta(days=2))
    assert await member_records.end_pause(db, GUILD, ALICE, TODAY) is None
    [kept] = await member_records.list_pauses(db, GUILD, ALICE)
    assert kept.end_date == TODAY - timedelta(days=2)


# --------------------------------------------------------------------------- cheers


async def test_add_cheer_once_per_user_per_checkin(db: Database) -> None:
    await setup_member(db)
    mine = (await checkin(db)).checkin
    bobs = (await checkin(db, user_id=BOB)).checkin

    assert await member_records.add_cheer(db, mine.id, GUILD, BOB, NOW) == (True, 1)
    assert await member_records.add_cheer(db, mine.id, GUILD, BOB, NOW) == (False, 1)
    assert await member_records.add_cheer(db, mine.id, GUILD, 3003, NOW) == (True, 2)
    # Counts are per check-in.
    assert await member_records.add_cheer(db, bobs.id, GUILD, ALICE, NOW) == (True, 1)
    assert await member_records.add_cheer(db, mine.id, GUILD, 3003, NOW) == (False, 2)
    assert await count(db, "cheers") == 3


async def test_cheer_for_a_missing_checkin_is_rejected(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await member_records.add_cheer(db, 424242, GUILD, BOB, NOW)
    assert await count(db, "cheers") == 0


async def test_deleting_a_checkin_cascades(db: Database) -> None:
    await setup_member(db)
    mine = (await checkin(db)).checkin
    other = (await checkin(db, day=TODAY - timedelta(days=1))).checkin
    await member_records.set_shared_post(db, mine.id, channel_id=55, message_id=66)
    await member_records.set_shared_post(
        db, mine.id, channel_id=55, message_id=77
    )  # upsert, not a 2nd row
    await member_records.set_shared_post(db, other.id, channel_id=55, message_id=88)
    await member_records.add_cheer(db, mine.id, GUILD, BOB, NOW)
    await member_records.add_cheer(db, other.id, GUILD, BOB, NOW)
    row = await db.fetchone(
        "SELECT message_id FROM shared_checkins WHERE checkin_id = ?", (mine.id,)
    )
    assert row is not None and row["message_id"] == 77

    async with db.transaction() as conn:
        await conn.execute("DELETE FROM checkins WHERE id = ?", (mine.id,))

    assert await scalar(db, "SELECT count(*) FROM cheers WHERE checkin_id = ?", (mine.id,)) == 0
    assert (
        await scalar(db, "SELECT count(*) FROM shared_checkins WHERE checkin_id = ?", (mine.id,))
        == 0
    )
    assert await count(db, "cheers") == 1
    assert await count(db, "shared_checkins") == 1


# --------------------------------------------------------------------------- bot state, groups


async def test_bot_state_round_trip_and_overwrite(db: Database) -> None:
    assert await member_records.get_state(db, "tree_hash") is None
    await member_records.set_state(db, "tree_hash", "one")
    assert await member_records.get_state(db, "tree_hash") == "one"
    await member_records.set_state(db, "tree_hash", "two")
    assert await member_records.get_state(db, "tree_hash") == "two"
    await member_records.set_state(db, "other", "")
    assert await member_records.get_state(db, "other") == ""
    assert await count(db, "bot_state") == 2


async def test_ensure_group_creates_once_and_keeps_the_timezone(db: Database) -> None:
    group = await member_records.ensure_group(db, GUILD, "Europe/Berlin", NOW)
    assert (group.guild_id, group.timezone) == (GUILD, "Europe/Berlin")
    again = await member_records.ensure_group(db, GUILD, "UTC", NOW + timedelta(days=1))
    assert again.timezone == "Europe/Berlin"
    assert await count(db, "groups") == 1

    async with db.transaction() as conn:
        await conn.execute("UPDATE groups SET timezone = 'Asia/Tokyo' WHERE guild_id = ?", (GUILD,))
    assert (await member_records.ensure_group(db, GUILD, "UTC", NOW)).timezone == "Asia/Tokyo"
    assert (await member_records.ensure_group(db, OTHER_GUILD, "UTC", NOW)).timezone == "UTC"
    assert await count(db, "groups") == 2


async def test_naive_instants_are_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await member_records.ensure_group(db, GUILD, "UTC", datetime(2026, 11, 26, 8, 0))
    assert await count(db, "groups") == 0


# --------------------------------------------------------------------------- checkpoints


async def test_checkpoints_run_beside_the_writer_not_inside_its_commits(db: Database) -> None:
    """The writer's own automatic checkpoint only starts at a large log; the background
    checkpointer copies what was committed into the database file from its own connection."""
    assert await scalar(db, "PRAGMA wal_autocheckpoint") == storage.db.WRITER_AUTOCHECKPOINT_PAGES
    await setup_member(db)
    checkpointer = storage.db.WalCheckpointer(db.path)
    await checkpointer.start()
    try:
        assert checkpointer.task is not None and not checkpointer.task.done()
        for offset in range(20):
            await checkin(db, day=TODAY - timedelta(days=offset))
        busy, frames, copied = await checkpointer.checkpoint()
        assert busy == 0 and frames > 0 and copied == frames
        # Everything is in the database file itself now: a copy of the file alone, without
        # its log, has every check-in.
        copy = db.path.with_name("copy.sqlite3")
        copy.write_bytes(db.path.read_bytes())
        with sqlite3.connect(copy) as plain:
            assert plain.execute("SELECT count(*) FROM checkins").fetchone()[0] == 20
    finally:
        await checkpointer.stop()
    assert checkpointer.task is None and checkpointer.conn is None


async def test_a_setbacks_follow_up_is_planned_in_the_check_ins_own_transaction(
    db: Database,
) -> None:
    await setup_member(db)
    due = NOW + timedelta(days=1)
    # A follow-up that cannot be stored takes the check-in down with it: nothing half-written.
    with pytest.raises(sqlite3.IntegrityError):
        await member_records.record_checkin(
            db,
            guild_id=GUILD,
            user_id=ALICE,
            local_date=TODAY,
            kind="setback",
            note=None,
            first_day=FIRST_DAY,
            now=NOW,
            follow_up=("not_a_kind", TODAY.isoformat(), due),
        )
    assert await count(db, "checkins") == 0 and await count(db, "personal_dms") == 0

    for _ in range(2):  # the same day again: one follow-up for the period
        await member_records.record_checkin(
            db,
            guild_id=GUILD,
            user_id=ALICE,
            local_date=TODAY,
            kind="setback",
            note=None,
            first_day=FIRST_DAY,
            now=NOW,
            follow_up=("followup_setback", TODAY.isoformat(), due),
        )
    rows = await db.fetchall("SELECT kind, period, due_at, status FROM personal_dms")
    assert [tuple(r) for r in rows] == [
        ("followup_setback", "2026-11-26", member_records.utc_text(due), "pending")
    ]
    assert await count(db, "checkins") == 1
