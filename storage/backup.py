"""A consistent copy of the live database, safe to take while the bot runs.

SQLite's online backup API copies the pages inside one read transaction. In WAL mode a
reader blocks no writer, so the bot keeps writing meanwhile and the copy is the database
exactly as it was when the backup began: every transaction committed before it, none after.

Plain, blocking ``sqlite3``: ``python -m bot backup`` is its own process, with no event loop
to block. Code on the event loop would call it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

BUSY_TIMEOUT_MS = 5000

# Files SQLite keeps beside a database; writing a backup onto one would corrupt it.
_COMPANIONS = ("", "-wal", "-shm", "-journal")


class BackupError(RuntimeError):
    """The backup can't be made (a bad target, a missing database); nothing was written."""


@dataclass(frozen=True)
class BackupResult:
    target: Path
    page_count: int
    page_size: int
    size_bytes: int
    integrity: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.integrity == ("ok",)


def default_name(now: datetime) -> str:
    """The file name of a backup made into a folder: ``keepgoing-20261126T080000Z.sqlite3``."""
    return f"keepgoing-{now.strftime('%Y%m%dT%H%M%SZ')}.sqlite3"


def backup_target(path: str, now: datetime) -> Path:
    """Where ``backup PATH`` writes: PATH itself, or a dated file inside it when PATH is an
    existing folder or ends with a slash (``now`` is a UTC instant)."""
    target = Path(path)
    if target.is_dir() or path.endswith(("/", os.sep)):
        return target / default_name(now)
    return target


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def _integrity(conn: sqlite3.Connection) -> tuple[str, ...]:
    return tuple(str(row[0]) for row in conn.execute("PRAGMA integrity_check"))


def backup_database(source: Path, target: Path) -> BackupResult:
    """Copy ``source`` to ``target`` with the online backup API, then check the copy.

    The copy is written beside ``target`` under a temporary name and moved onto ``target``
    only once ``PRAGMA integrity_check`` passes, so an older backup of the same name is never
    replaced by a broken one; a copy that fails the check is removed (the result says why).
    The copy is one self-contained file (rollback journal, no ``-wal``). Raises
    :class:`BackupError` when ``target`` is the live database or one of its files, when
    ``source`` doesn't exist, or when either can't be opened.
    """
    source, target = Path(source), Path(target)
    for suffix in _COMPANIONS:
        companion = source.with_name(source.name + suffix)
        if _same_file(target, companion):
            raise BackupError(f"{target} is the live database; choose another path")
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if target.is_dir():
        raise BackupError(f"{target} is a folder, not a file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create the folder {target.parent}: {error}") from error
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        # The copy holds members' private notes: readable by the bot's own user only.
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        integrity, page_count, page_size = _copy(source, partial)
        size = partial.stat().st_size
        if integrity == ("ok",):
            os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"cannot copy {source} to {target}: {error}") from error
    except OSError as error:
        raise BackupError(f"cannot write {target}: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, page_count, page_size, size, integrity)


def _copy(source: Path, copy_path: Path) -> tuple[tuple[str, ...], int, int]:
    """Copy every page of ``source`` into ``copy_path`` and check the copy: (integrity
    result, page count, page size)."""
    # mode=rw: never create an empty database where the live one was expected.
    live = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)
    try:
        live.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        copy = sqlite3.connect(copy_path)
        try:
            # All pages in one step: one read transaction, so one consistent snapshot.
            # (Copying in slices would start over whenever the bot commits in between.)
            live.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode = DELETE")
            integrity = _integrity(copy)
            page_count = int(copy.execute("PRAGMA page_count").fetchone()[0])
            page_size = int(copy.execute("PRAGMA page_size").fetchone()[0])
        finally:
            copy.close()
    finally:
        live.close()
    return integrity, page_count, page_size
