"""The connection: pragmas, numbered migrations and one-transaction-at-a-time writes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from queue import SimpleQueue
from typing import Any, TypeVar

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
Params = Iterable[Any] | Mapping[str, Any]


def _bind(params: Params) -> Any:
    """Named parameters stay a mapping; positional ones become a tuple."""
    return params if isinstance(params, Mapping) else tuple(params)


# --------------------------------------------------------------------------- the connection


def _resolve(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():  # the waiter may have been cancelled meanwhile
        future.set_result(result)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


def _reply(future: asyncio.Future[Any], answer: Callable[..., None], value: object) -> None:
    with contextlib.suppress(RuntimeError):  # the waiter's loop is closed: nobody is waiting
        future.get_loop().call_soon_threadsafe(answer, future, value)


_Job = tuple[asyncio.Future[Any], Callable[[], Any]]


def _serve(jobs: SimpleQueue[_Job | None]) -> None:
    """The connection's thread: runs the jobs in the order they were queued, to the end,
    each exactly once (a waiter that was cancelled only stops waiting)."""
    while (job := jobs.get()) is not None:
        future, work = job
        try:
            result = work()
        except BaseException as error:  # handed to the waiter, whatever it is
            _reply(future, _fail, error)
        else:
            _reply(future, _resolve, result)


class Cursor:
    """A sqlite3 cursor used from the event loop; fetching is a job on the connection's
    thread. Also an async context manager that closes it."""

    def __init__(self, conn: Connection, raw: sqlite3.Cursor) -> None:
        self._conn = conn
        self._raw = raw

    @property
    def rowcount(self) -> int:
        return self._raw.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._raw.lastrowid

    async def fetchone(self) -> sqlite3.Row | None:
        return await self._conn.run(self._raw.fetchone)

    async def fetchall(self) -> list[sqlite3.Row]:
        return await self._conn.run(self._raw.fetchall)

    async def close(self) -> None:
        await self._conn.run(self._raw.close)

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class _Statement:
    """``conn.execute(...)``: await it for the cursor, or ``async with`` it (which closes the
    cursor at the end); either way the statement runs once, as one job."""

    def __init__(self, conn: Connection, work: Callable[[], sqlite3.Cursor]) -> None:
        self._conn = conn
        self._work = work
        self._cursor: Cursor | None = None

    async def _run(self) -> Cursor:
        if self._cursor is None:
            self._cursor = Cursor(self._conn, await self._conn.run(self._work))
        return self._cursor

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._run().__await__()

    async def __aenter__(self) -> Cursor:
        return await self._run()

    async def __aexit__(self, *exc: object) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class Connection:
    """A plain sqlite3 connection owned by one thread of its own; the event loop hands it
    work as jobs (:meth:`run`), which that thread runs one at a time, in order.

    The thread is a daemon and ends with :meth:`close`: a connection nobody closed never
    keeps the process from exiting."""

    def __init__(self) -> None:
        self._jobs: SimpleQueue[_Job | None] = SimpleQueue()
        self._thread = threading.Thread(
            target=_serve, args=(self._jobs,), name="keepgoing-db", daemon=True
        )
        self._raw: sqlite3.Connection | None = None
        self._running = False

    async def open(self, path: Path) -> None:
        """Start the thread and connect there (autocommit: transactions are explicit)."""
        self._thread.start()
        self._running = True
        try:
            self._raw = await self._submit(
                partial(sqlite3.connect, path, isolation_level=None, check_same_thread=False)
            )
        except BaseException:
            self._stop()
            raise
        self._raw.row_factory = sqlite3.Row

    @property
    def raw(self) -> sqlite3.Connection:
        if self._raw is None:
            raise ValueError("the connection is closed")
        return self._raw

    def _submit(self, work: Callable[[], T]) -> asyncio.Future[T]:
        if not self._running:
            raise ValueError("the connection is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put((future, work))
        return future

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` as one job on the connection's thread."""
        return await self._submit(partial(work, *args) if args else work)

    def execute(self, sql: str, params: Params = ()) -> _Statement:
        return _Statement(self, partial(self.raw.execute, sql, _bind(params)))

    def executemany(self, sql: str, rows: Iterable[Params]) -> _Statement:
        return _Statement(self, partial(self.raw.executemany, sql, rows))

    def executescript(self, script: str) -> _Statement:
        return _Statement(self, partial(self.raw.executescript, script))

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        """Called on the connection's thread with every statement SQLite runs."""
        await self.run(self.raw.set_trace_callback, callback)

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def _stop(self) -> None:
        self._running = False
        self._jobs.put(None)

    async def close(self) -> None:
        """Finish the jobs already queued, close the connection, end the thread."""
        if not self._running:
            return
        raw, self._raw = self._raw, None
        try:
            if raw is not None:
                await self._submit(raw.close)
        finally:
            self._stop()
            self._thread.join(timeout=1.0)  # it is past its last job: at once


# --------------------------------------------------------------------------- transactions
# Each runs on the connection's thread, so what it sees of the transaction is exact.


def _begin(raw: sqlite3.Connection) -> None:
    raw.execute("BEGIN IMMEDIATE")


def _commit(raw: sqlite3.Connection) -> None:
    raw.execute("COMMIT")


def _rollback(raw: sqlite3.Connection) -> None:
    """Roll back whatever is open (nothing, if the failure was at ``BEGIN`` or after the
    ``COMMIT``, or if SQLite already rolled back on its own)."""
    if raw.in_transaction:
        raw.execute("ROLLBACK")


def _in_transaction(raw: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    _begin(raw)
    try:
        result = work(raw)
        _commit(raw)
    except BaseException:
        _rollback(raw)
        raise
    return result


def _script_in_transaction(raw: sqlite3.Connection, script: str) -> None:
    """A script that holds its own ``BEGIN`` … ``COMMIT`` (a migration)."""
    try:
        raw.executescript(script)
    except BaseException:
        _rollback(raw)
        raise


class Database:
    """The bot's one connection, in autocommit mode, on a thread of its own.

    Reads run directly, one job each. Every write is one ``BEGIN IMMEDIATE`` … ``COMMIT``
    under a lock, so that two coroutines never interleave statements inside one SQLite
    transaction: :meth:`run_transaction` runs the whole transaction as a single job on the
    connection's thread (the hot path: a check-in); :meth:`transaction` is the same
    transaction with its statements awaited one by one, for writes that are not hot.
    Either way any exception rolls everything back, so nothing is ever half-written.
    """

    def __init__(self, conn: Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` around the body's statements (each a job)."""
        async with self._write_lock:
            try:
                await self.conn.run(_begin, self.conn.raw)
                yield self.conn
                await self.conn.run(_commit, self.conn.raw)
            except BaseException:
                await self.conn.run(_rollback, self.conn.raw)
                raise

    async def run_transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(conn)`` inside ``BEGIN IMMEDIATE`` … ``COMMIT``, run as one job on the
        connection's own thread: a multi-statement write costs one trip to that thread
        instead of one per statement. ``work`` runs synchronously there and must only use
        ``conn``; any exception rolls everything back."""
        async with self._write_lock:
            return await self.conn.run(_in_transaction, self.conn.raw, work)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row (for statements that return at most one: a key, LIMIT 1, an
        aggregate). One trip to the connection's thread, where a cursor takes three."""
        rows = await self.fetchall(sql, params)
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return await self.conn.run(_fetchall, self.conn.raw, sql, _bind(params))

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
                await self.conn.run(_script_in_transaction, self.conn.raw, script)
            log.info("applied migration %s", migration.name)
        return await self.schema_version()

    async def integrity_check(self) -> list[str]:
        rows = await self.fetchall("PRAGMA integrity_check")
        return [str(row[0]) for row in rows]

    async def close(self) -> None:
        await self.conn.close()


def _fetchall(raw: sqlite3.Connection, sql: str, params: Any) -> list[sqlite3.Row]:
    return raw.execute(sql, params).fetchall()


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


def _configure(raw: sqlite3.Connection, busy_timeout_ms: int) -> None:
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute(f"PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT_PAGES}")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")


async def open_database(
    path: Path, *, migrate: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Database:
    """Open (creating the folder and file if needed), set the pragmas, and migrate.

    A new database file is readable by its owner only (it holds members' notes); SQLite gives
    its -wal and -shm files the database file's permissions."""
    path = Path(path)
    conn = Connection()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        await conn.open(path)
    except (OSError, sqlite3.Error) as error:
        raise DatabaseUnavailable(f"cannot open {path}: {error}") from error
    try:
        await conn.run(_configure, conn.raw, busy_timeout_ms)
        db = Database(conn, path)
        if migrate:
            await db.migrate()
    except BaseException:
        await conn.close()
        raise
    return db
