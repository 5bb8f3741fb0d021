"""Database faults while members use the bot: another writer holding the lock, a read-only
database, a full disk. Each gets a clear private message, nothing half-written, and the bot
keeps serving once the fault clears."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Database, open_database


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    # A short busy timeout, so a held lock shows up in milliseconds rather than 5 seconds.
    database = await open_database(db_path, busy_timeout_ms=50)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def world(community):
    return community("alice")


def rows(db_path: Path, sql: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute(sql).fetchone()[0])


async def test_another_writer_holding_the_lock(world, simcord_env, db_path: Path, caplog) -> None:
    _, channel, alice = world
    await simcord_env.settle()  # the bot has handled the server and members joining
    other = sqlite3.connect(
        db_path, isolation_level=None, timeout=5
    )  # say, an admin's sqlite3 shell
    other.execute("BEGIN IMMEDIATE")
    try:
        busy = await alice.slash(channel, "checkin", kind="practice", note="held up")
        assert busy.ephemeral
        assert "busy for a moment" in busy.response.content
        assert "Nothing was saved" in busy.response.content
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert rows(db_path, "SELECT count(*) FROM checkins") == 0
    assert any("database refused a write" in r.getMessage() for r in caplog.records)

    ok = await alice.slash(channel, "checkin", kind="practice", note="through")
    assert "recorded" in ok.response.content
    assert rows(db_path, "SELECT count(*) FROM checkins") == 1


async def test_read_only_database(world, db: Database, db_path: Path) -> None:
    _, channel, alice = world
    await alice.slash(channel, "why add", reason="before")
    await db.conn.execute("PRAGMA query_only = ON")
    refused = await alice.slash(channel, "why add", reason="during")
    assert refused.ephemeral
    assert "can't write to my database" in refused.response.content
    await db.conn.execute("PRAGMA query_only = OFF")
    await alice.slash(channel, "why add", reason="after")
    with sqlite3.connect(db_path) as conn:
        texts = [r[0] for r in conn.execute("SELECT text FROM reasons ORDER BY id")]
    assert texts == ["before", "after"]


async def test_full_disk(world, simcord_env, db: Database, db_path: Path) -> None:
    guild, channel, _ = world
    row = await db.fetchone("PRAGMA page_count")
    await db.conn.execute(f"PRAGMA max_page_count = {int(row[0])}")
    outcomes = []
    for n in range(40):
        member = guild.add_member(simcord_env.create_user(f"runner{n}"))
        result = await member.slash(channel, "checkin", kind="practice", note="x" * 500)
        assert result.ephemeral
        outcomes.append((member.id, result.response.content))
    full = [uid for uid, text in outcomes if "storage is full" in text]
    assert full, "the page limit should have been reached"
    for uid, text in outcomes:
        assert ("recorded" in text) != (uid in full)
    # Nothing half-written: a refused member has no check-in and no member row either.
    with sqlite3.connect(db_path) as conn:
        for uid in full:
            assert (
                conn.execute("SELECT count(*) FROM checkins WHERE user_id = ?", (uid,)).fetchone()[
                    0
                ]
                == 0
            )

    await db.conn.execute("PRAGMA max_page_count = 1073741823")
    retry = await guild.add_member(simcord_env.create_user("late")).slash(
        channel, "checkin", kind="rest"
    )
    assert "recorded" in retry.response.content
