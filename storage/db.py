"""The connection: pragmas, numbered migrations and one-transaction-at-a-time writes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseUnavailable(RuntimeError):
    """The database file can't be used: it can't be opened, or its schema is newer."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The migration files shipped in ``storage/migrations``, in version order."""
    found: list[Migration] = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration numbering has a gap before {migration.name}")
    return found


T = TypeVar("T")


def _in_transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def _bind(params: Iterable[Any] | Mapping[str, Any]) -> Any:
    """Named parameters stay a mapping; positional ones become a tuple."""
    return params if isinstance(params, Mapping) else tuple(params)


class Database:
    """One aiosqlite connection in autocommit mode.

    Reads run directly. Every write goes through :meth:`transaction`, which holds a lock so
    that two coroutines never interleave statements inside one SQLite transaction.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; any exception (in the body or at the commit)
        rolls everything back, so nothing is ever half-written."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                await self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                raise

    async def run_transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(conn)`` inside ``BEGIN IMMEDIATE`` … ``COMMIT``, run as one job on the
        connection's own thread: a multi-statement write costs one trip to that thread
        instead of one per statement. ``work`` runs synchronously there and must only use
        ``conn``; any exception rolls everything back."""
        async with self._write_lock:
            return await self.conn._execute(_in_transaction, self.conn._conn, work)

    async def fetchone(
        self, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()
    ) -> aiosqlite.Row | None:
        """The first row (for statements that return at most one: a key, LIMIT 1, an
        aggregate). One trip to the connection's thread, where a cursor takes three."""
        rows = await self.conn.execute_fetchall(sql, _bind(params))
        return next(iter(rows), None)

    async def fetchall(
        self, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()
    ) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, _bind(params)))

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        assert row is not None
        return int(row[0])

    async def migrate(self) -> int:
        """Apply every migration newer than ``PRAGMA user_version``, each in one transaction."""
        current = await self.schema_version()
        migrations = load_migrations()
        if current > len(migrations):
            raise DatabaseUnavailable(
                f"the database is at schema version {current}, newer than this code "
                f"({len(migrations)}); upgrade Keep Going before using it"
            )
        for migration in migrations[current:]:
            script = (
                f"BEGIN IMMEDIATE;\n{migration.sql}\n"
                f"PRAGMA user_version = {migration.version};\nCOMMIT;"
            )
            async with self._write_lock:
                try:
                    await self.conn.executescript(script)
                except BaseException:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    raise
            log.info("applied migration %s", migration.name)
        return await self.schema_version()

    async def integrity_check(self) -> list[str]:
        rows = await self.fetchall("PRAGMA integrity_check")
        return [str(row[0]) for row in rows]

    async def close(self) -> None:
        await self.conn.close()


# Checkpoints (copying the write-ahead log back into the database file, with an fsync of it)
# are kept off the write path: a WalCheckpointer does them every few seconds on a connection
# of its own, and the writer's automatic checkpoint, which SQLite runs inside whichever commit
# crosses the limit, is only a safety net for a log that grew this large anyway.
WRITER_AUTOCHECKPOINT_PAGES = 10_000
CHECKPOINT_SECONDS = 2.0


class WalCheckpointer:
    """Copies the write-ahead log into the database in the background (``PRAGMA
    wal_checkpoint(PASSIVE)``: it never waits for, nor blocks, readers and the writer).

    A plain sqlite3 connection used through ``asyncio.to_thread``: no thread of its own, so a
    checkpointer nobody stopped cannot keep the process from exiting."""

    def __init__(self, path: Path, interval: float = CHECKPOINT_SECONDS) -> None:
        self.path = Path(path)
        self.interval = interval
        self.conn: sqlite3.Connection | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.conn = await asyncio.to_thread(
            sqlite3.connect, self.path, isolation_level=None, check_same_thread=False
        )
        self.task = asyncio.create_task(self._run(), name="keepgoing-wal-checkpoint")

    async def checkpoint(self) -> tuple[int, int, int]:
        """One checkpoint now: (busy, frames in the log, frames checkpointed)."""
        conn = self.conn
        assert conn is not None, "start() first"
        row = await asyncio.to_thread(
            lambda: conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        )
        busy, frames, copied = row
        return int(busy), int(frames), int(copied)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.checkpoint()
            except sqlite3.Error as error:
                log.warning("background WAL checkpoint failed (the writer's takes over): %s", error)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        if self.conn is not None:
            await asyncio.to_thread(self.conn.close)
            self.conn = None


def _probe(path: Path) -> None:
    sqlite3.connect(path).close()


async def open_database(
    path: Path, *, migrate: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Database:
    """Open (creating the folder and file if needed), set the pragmas, and migrate."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Probe with plain sqlite3 first: a failed aiosqlite connect leaves its worker thread
        # behind, which then complains noisily when the event loop closes.
        await asyncio.to_thread(_probe, path)
        conn = await aiosqlite.connect(path, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise DatabaseUnavailable(f"cannot open {path}: {error}") from error
    conn.row_factory = aiosqlite.Row
    try:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute(f"PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT_PAGES}")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        db = Database(conn, path)
        if migrate:
            await db.migrate()
    except BaseException:
        await conn.close()
        raise
    return db
