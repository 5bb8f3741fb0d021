"""Operations: backups (while the bot writes), log formats and redaction, graceful shutdown.

The command line and the signal handling run as real subprocesses, all started together once
per module (interpreter start-up dominates their cost); the tests only inspect the results.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.__main__ import run_until_signal
from bot.logs import REDACTED, setup_logging
from bot.settings import Settings, explain
from storage import open_database
from storage.backup import BackupError, backup_database, backup_target
from tests.subprocess_runs import Plan, Run, start_all

TOKEN = "MTA5.fake-bot-token.never-shown"


# --------------------------------------------------------------------------- backups


def make_counter_database(path: Path, rows: int) -> None:
    """A WAL database where each transaction adds one row and bumps a counter beside it."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
        conn.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
        conn.execute("INSERT INTO counter VALUES (0)")
        for _ in range(rows):
            conn.execute("INSERT INTO events (payload) VALUES (randomblob(2000))")
        conn.execute("UPDATE counter SET n = ?", (rows,))
    conn.close()


class Writer(threading.Thread):
    """Another connection that keeps committing, one row (and the counter) per transaction."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.commits = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=5)
            try:
                while not self.stop.is_set():
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("INSERT INTO events (payload) VALUES (randomblob(2000))")
                    conn.execute("UPDATE counter SET n = n + 1")
                    conn.execute("COMMIT")
                    self.commits += 1
            finally:
                conn.close()
        except BaseException as error:  # reported by the test
            self.error = error


def committed_rows(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def test_backup_while_another_connection_writes(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    make_counter_database(live, rows=3000)
    writer = Writer(live)
    writer.start()
    try:
        deadline = time.monotonic() + 5
        while writer.commits < 50 and time.monotonic() < deadline:
            time.sleep(0.001)
        assert writer.commits >= 50, "the writer never got going"
        before = committed_rows(live)
        commits_before = writer.commits
        result = backup_database(live, tmp_path / "copies" / "copy.sqlite3")
        commits_after = writer.commits
        time.sleep(0.02)
    finally:
        writer.stop.set()
        writer.join(5)
    assert writer.error is None
    assert commits_after > commits_before, "the writer should keep committing meanwhile"

    assert result.ok
    assert result.target == tmp_path / "copies" / "copy.sqlite3"
    conn = sqlite3.connect(result.target)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        ids = [row[0] for row in conn.execute("SELECT id FROM events ORDER BY id")]
        counter = conn.execute("SELECT n FROM counter").fetchone()[0]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    # Every row committed before the backup began, and a consistent prefix: no gaps, and the
    # counter written in the same transactions agrees with the rows.
    assert len(ids) >= before
    assert ids == list(range(1, len(ids) + 1))
    assert counter == len(ids)
    assert len(ids) < committed_rows(live), "the live database went on after the copy"
    assert result.page_count * result.page_size == result.size_bytes
    assert result.target.stat().st_size == result.size_bytes


async def test_backup_of_the_bot_database_is_one_private_file(tmp_path: Path) -> None:
    live = tmp_path / "data" / "keepgoing.sqlite3"
    db = await open_database(live)
    try:
        version = await db.schema_version()
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO groups (guild_id, timezone, created_at) VALUES (1, 'UTC', 'now')"
            )
        # The bot still holds the database open (WAL) while the backup is taken.
        result = backup_database(live, tmp_path / "backups" / "nested" / "kg.sqlite3")
    finally:
        await db.close()
    assert result.ok
    assert result.target.is_file()
    assert sorted(p.name for p in result.target.parent.iterdir()) == ["kg.sqlite3"]
    if os.name == "posix":
        assert stat.S_IMODE(result.target.stat().st_mode) == 0o600
    conn = sqlite3.connect(result.target)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        assert conn.execute("SELECT guild_id FROM groups").fetchall() == [(1,)]
    finally:
        conn.close()


@pytest.mark.parametrize("name", ["live.sqlite3", "live.sqlite3-wal", "live.sqlite3-shm"])
def test_backup_refuses_the_live_database(tmp_path: Path, name: str) -> None:
    live = tmp_path / "live.sqlite3"
    make_counter_database(live, rows=3)
    before = live.read_bytes()
    with pytest.raises(BackupError, match="live database"):
        backup_database(live, tmp_path / "sub" / ".." / name)
    assert live.read_bytes() == before
    assert not (tmp_path / "sub").exists()


def test_backup_refuses_a_missing_database_without_creating_it(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.sqlite3"
    with pytest.raises(BackupError, match="no database"):
        backup_database(missing, tmp_path / "copy.sqlite3")
    assert not missing.exists()
    assert not (tmp_path / "copy.sqlite3").exists()


def test_backup_refuses_a_folder_as_target(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    make_counter_database(live, rows=3)
    (tmp_path / "folder").mkdir()
    with pytest.raises(BackupError, match="folder"):
        backup_database(live, tmp_path / "folder")


def make_damaged_database(path: Path) -> None:
    """A database that opens but fails ``integrity_check``: an index that doesn't match."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (a INTEGER, b INTEGER)")
        conn.execute("CREATE INDEX t_a ON t (a)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, -i) for i in range(1, 20)])
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_schema SET sql = 'CREATE INDEX t_a ON t (b)' WHERE name = 't_a'"
        )
    finally:
        conn.close()


def test_a_copy_failing_the_check_never_replaces_an_older_backup(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    make_damaged_database(live)
    target = tmp_path / "latest.sqlite3"
    target.write_bytes(b"an older backup")
    result = backup_database(live, target)
    assert not result.ok
    assert "missing from index" in result.integrity[0]
    assert target.read_bytes() == b"an older backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.sqlite3", "live.sqlite3"]


def test_backup_target_names_a_dated_file_in_a_folder(tmp_path: Path) -> None:
    now = datetime(2026, 11, 26, 8, 5, 9, tzinfo=UTC)
    dated = "keepgoing-20261126T080509Z.sqlite3"
    assert backup_target(str(tmp_path), now) == tmp_path / dated
    assert backup_target(f"{tmp_path}/new-folder/", now) == tmp_path / "new-folder" / dated
    assert backup_target(f"{tmp_path}/kg.sqlite3", now) == tmp_path / "kg.sqlite3"


# --------------------------------------------------------------------------- logs


@pytest.fixture
def capture_logging() -> Iterator[Callable[..., io.StringIO]]:
    """Run the real ``setup_logging``, capture its output, and restore the root logger."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("discord").level)

    def install(**kwargs: object) -> io.StringIO:
        buffer = io.StringIO()
        handler = setup_logging(logging.INFO, **kwargs)  # type: ignore[arg-type]
        handler.setStream(buffer)  # type: ignore[attr-defined]
        return buffer

    try:
        yield install
    finally:
        root.handlers[:], level, discord_level = saved
        root.setLevel(level)
        logging.getLogger("discord").setLevel(discord_level)


def test_json_lines_parse_and_carry_the_ids(capture_logging: Callable[..., io.StringIO]) -> None:
    out = capture_logging(log_format="json")
    log = logging.getLogger("kg.test")
    log.info("posted %s", "the morning prompt", extra={"guild_id": 11, "user_id": 22})
    log.warning("two\nlines")
    try:
        raise RuntimeError("it broke")
    except RuntimeError:
        log.exception("while posting", extra={"guild_id": 11})
    log.debug("below the level")

    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert first["level"] == "INFO"
    assert first["logger"] == "kg.test"
    assert first["message"] == "posted the morning prompt"
    assert (first["guild_id"], first["user_id"]) == (11, 22)
    assert datetime.fromisoformat(first["time"]).utcoffset() is not None
    assert "exc_info" not in first
    assert second["message"] == "two\nlines"
    assert "guild_id" not in second
    assert third["level"] == "ERROR"
    assert third["guild_id"] == 11
    assert "user_id" not in third
    assert third["exc_info"].startswith("Traceback")
    assert "RuntimeError: it broke" in third["exc_info"]


def test_text_format_is_unchanged(capture_logging: Callable[..., io.StringIO]) -> None:
    out = capture_logging()
    logging.getLogger("kg.test").info("hello %s", "there", extra={"guild_id": 11})
    pattern = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO    kg\.test: hello there"
    assert re.fullmatch(pattern, out.getvalue().rstrip("\n"))


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_token_never_appears(
    capture_logging: Callable[..., io.StringIO], log_format: str
) -> None:
    out = capture_logging(log_format=log_format, secrets=[TOKEN])
    log = logging.getLogger("discord.http")
    log.warning(f"token in the message: {TOKEN}")
    log.warning("token as an argument: %s", TOKEN)
    log.warning("token inside an argument: %r", {"Authorization": f"Bot {TOKEN}"})
    try:
        raise ValueError(f"bad header Bot {TOKEN}")
    except ValueError:
        log.exception("token in the exception")
    logging.getLogger("kg.test").info("a stack", stack_info=True)

    text = out.getvalue()
    assert TOKEN not in text
    assert text.count(REDACTED) >= 4
    assert "token as an argument: [redacted]" in text
    assert "ValueError: bad header Bot [redacted]" in text.replace("\\n", "\n")


def test_no_secret_changes_nothing(capture_logging: Callable[..., io.StringIO]) -> None:
    out = capture_logging(secrets=[""])
    logging.getLogger("kg.test").info("100%% fine %d", 3)
    assert out.getvalue().rstrip().endswith("kg.test: 100% fine 3")


def build_settings(**values: object) -> Settings:
    return Settings(_env_file=None, discord_token="x", **values)  # type: ignore[call-arg, arg-type]


def test_log_format_setting() -> None:
    assert build_settings().log_format == "text"
    assert build_settings(log_format=" JSON ").log_format == "json"
    assert ("LOG_FORMAT", "json") in build_settings(log_format="json").describe()
    with pytest.raises(ValidationError) as caught:
        build_settings(log_format="xml")
    assert explain(caught.value) == "LOG_FORMAT is invalid: must be one of text, json."


def test_retention_days_setting() -> None:
    assert build_settings().retention_days == 30
    assert ("RETENTION_DAYS", "30") in build_settings().describe()
    assert build_settings(retention_days="7").retention_days == 7
    for wrong in ("0", "366", "a month"):
        with pytest.raises(ValidationError) as caught:
            build_settings(retention_days=wrong)
        assert explain(caught.value).startswith("RETENTION_DAYS is invalid")


# --------------------------------------------------------------------------- run_until_signal


async def test_run_until_signal_returns_when_the_runner_ends() -> None:
    closed: list[bool] = []

    async def start() -> None:
        return None

    async def close() -> None:
        closed.append(True)

    await run_until_signal(start(), close)
    assert closed == []
    # The handlers are gone again: SIGINT is Python's own once more.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


async def test_run_until_signal_raises_the_runners_error() -> None:
    async def start() -> None:
        raise LookupError("refused")

    async def close() -> None:
        raise AssertionError("not called")

    with pytest.raises(LookupError, match="refused"):
        await run_until_signal(start(), close)


# --------------------------------------------------------------------------- subprocesses

# Runs the real ``main()`` with ``KeepGoingBot`` replaced by a stand-in (there is no Discord
# here) that behaves like discord.py's client: ``start`` runs until ``close``, a second
# ``close`` awaits the first, and ``async with`` closes on the way out.
SHUTDOWN_SCRIPT = r"""
import asyncio, logging, os, signal, sys
import discord
import bot.__main__ as cli

scenario = sys.argv[1]
log = logging.getLogger("fakebot")
seen = {}

class StandInBot:
    def __init__(self, *, settings, db, **collaborators):
        self.db = db
        self.closed = asyncio.Event()
        self.closing = None
        seen["bot"] = self

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def start(self, token):
        if scenario == "login-fails":
            raise discord.LoginFailure("Improper token has been passed.")
        log.info("connecting with token %s", token)
        os.kill(os.getpid(), signal.SIGINT if scenario == "sigint" else signal.SIGTERM)
        await self.closed.wait()

    async def close(self):
        if self.closing is None:
            self.closing = asyncio.ensure_future(self._close())
        await self.closing

    async def _close(self):
        print("close ran", flush=True)
        if scenario == "slow-close":
            await asyncio.sleep(60)
        self.closed.set()

cli.KeepGoingBot = StandInBot
cli.SHUTDOWN_GRACE_SECONDS = 0.5 if scenario == "slow-close" else 10
code = cli.main([])
try:
    asyncio.run(seen["bot"].db.schema_version())
except ValueError:
    print("database closed", flush=True)
sys.exit(code)
"""


def make_live_database(cwd: Path) -> None:
    make_counter_database(cwd / "live.sqlite3", rows=10)


def write_dotenv(text: str) -> Callable[[Path], None]:
    def prepare(cwd: Path) -> None:
        (cwd / ".env").write_text(text, "utf-8")
        make_live_database(cwd)

    return prepare


def shutdown(scenario: str, **env: str) -> Plan:
    base = {"DISCORD_TOKEN": TOKEN, "DATABASE_PATH": "kg.sqlite3", "LOG_FORMAT": "json"}
    return Plan(("-c", SHUTDOWN_SCRIPT, scenario), base | env)


PLANS: dict[str, Plan] = {
    # No token, and a broken unrelated setting: backup reads DATABASE_PATH only (from .env).
    "backup": Plan(
        ("-m", "bot", "backup", "out/copy.sqlite3"),
        {},
        write_dotenv("DATABASE_PATH=live.sqlite3\nLOG_LEVEL=LOUD\n"),
    ),
    "backup-onto-live": Plan(
        ("-m", "bot", "backup", "live.sqlite3"),
        {"DATABASE_PATH": "live.sqlite3"},
        make_live_database,
    ),
    "backup-without-database": Plan(
        ("-m", "bot", "backup", "copy.sqlite3"), {"DATABASE_PATH": "missing.sqlite3"}
    ),
    "sigterm": shutdown("sigterm"),
    "sigint": shutdown("sigint", LOG_FORMAT="text"),
    "slow-close": shutdown("slow-close"),
    "login-fails": shutdown("login-fails"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    return start_all(PLANS, tmp_path_factory)


def test_cli_backup_needs_no_token(runs: dict[str, Run]) -> None:
    run = runs["backup"]
    assert run.returncode == 0, run.output
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert len(lines) == 1
    assert "out/copy.sqlite3" in lines[0].replace(os.sep, "/")
    assert lines[0].endswith("integrity check ok")
    copy = run.cwd / "out" / "copy.sqlite3"
    assert committed_rows(copy) == 10


def test_cli_backup_refuses_the_live_database(runs: dict[str, Run]) -> None:
    run = runs["backup-onto-live"]
    assert run.returncode == 2, run.output
    assert run.stdout == ""
    assert len(run.stderr_lines) == 1
    assert "live database" in run.stderr_lines[0]
    assert committed_rows(run.cwd / "live.sqlite3") == 10


def test_cli_backup_without_a_database(runs: dict[str, Run]) -> None:
    run = runs["backup-without-database"]
    assert run.returncode == 2, run.output
    assert len(run.stderr_lines) == 1
    assert "missing.sqlite3" in run.stderr_lines[0]
    assert not (run.cwd / "missing.sqlite3").exists()
    assert not (run.cwd / "copy.sqlite3").exists()


def json_lines(run: Run) -> list[dict[str, object]]:
    return [json.loads(line) for line in run.stderr_lines]


@pytest.mark.parametrize(("name", "signal_name"), [("sigterm", "SIGTERM"), ("sigint", "SIGINT")])
def test_a_signal_closes_the_bot_then_the_database(
    runs: dict[str, Run], name: str, signal_name: str
) -> None:
    run = runs[name]
    assert run.returncode == 0, run.output
    assert run.stdout.splitlines() == ["close ran", "database closed"]
    assert "Traceback" not in run.output
    assert f"{signal_name} received: shutting down" in run.stderr
    assert run.seconds < 10


def test_json_logs_from_the_real_start_up_hide_the_token(runs: dict[str, Run]) -> None:
    run = runs["sigterm"]
    messages = [entry["message"] for entry in json_lines(run)]
    assert "connecting with token [redacted]" in messages
    assert "SIGTERM received: shutting down" in messages
    assert TOKEN not in run.output


def test_a_slow_close_is_cut_short(runs: dict[str, Run]) -> None:
    run = runs["slow-close"]
    assert run.returncode == 0, run.output
    assert run.stdout.splitlines() == ["close ran", "database closed"]
    warnings = [e for e in json_lines(run) if e["level"] == "WARNING"]
    assert [e["message"] for e in warnings] == [
        "shutting down took longer than 0.5 s: exiting anyway"
    ]
    assert run.seconds < 10


def test_a_failed_start_still_closes_and_reports(runs: dict[str, Run]) -> None:
    run = runs["login-fails"]
    assert run.returncode == 2, run.output
    assert run.stdout.splitlines() == ["close ran", "database closed"]
    assert "DISCORD_TOKEN" in run.stderr_lines[-1]
