"""``python -m bot`` as a real subprocess: configuration errors, ``check``, ``.env`` and ``--help``.

Every run gets its own empty working directory (so no stray ``.env`` is read) and an
environment without any of the bot's variables. The interpreter start-up dominates the cost,
so all runs are started together once per module and the tests only inspect the results.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.subprocess_runs import ROOT, Plan, Run, start_all

MIGRATION_COUNT = len(list((ROOT / "storage" / "migrations").glob("*.sql")))
# Far ahead, so that a migration added while the suite runs cannot catch up with it.
FUTURE_VERSION = MIGRATION_COUNT + 100

SECRET = "a-secret-token-value"
DOTENV_SECRET = "from-dotenv-token"
SPACED_SECRET = "spaced secret-token-value"


def write_dotenv(text: str) -> Callable[[Path], None]:
    def prepare(cwd: Path) -> None:
        (cwd / ".env").write_text(text, "utf-8")
        (cwd / ".env").chmod(0o644)  # as a plain `cp` leaves it, whatever this umask is

    return prepare


def make_directory(cwd: Path) -> None:
    (cwd / "a-directory").mkdir()


def make_future_database(cwd: Path) -> None:
    with sqlite3.connect(cwd / "future.sqlite3") as conn:
        conn.execute(f"PRAGMA user_version = {FUTURE_VERSION}")
    conn.close()


PLANS: dict[str, Plan] = {
    # Configuration errors (the default command, then ``check``).
    "no-token": Plan((), {}),
    "no-token-check": Plan(("check",), {}),
    "empty-token": Plan(("check",), {"DISCORD_TOKEN": ""}),
    "spaced-token": Plan(("check",), {"DISCORD_TOKEN": SPACED_SECRET}),
    "bad-timezone": Plan(
        ("check",), {"DISCORD_TOKEN": SECRET, "DEFAULT_TIMEZONE": "Mars/Olympus_Mons"}
    ),
    "bad-guild": Plan(("check",), {"DISCORD_TOKEN": SECRET, "DEV_GUILD_ID": "abc"}),
    "zero-guild": Plan(("check",), {"DISCORD_TOKEN": SECRET, "DEV_GUILD_ID": "0"}),
    "bad-log-level": Plan(("check",), {"DISCORD_TOKEN": SECRET, "LOG_LEVEL": "LOUD"}),
    "bad-dotenv": Plan(
        ("check",), {}, write_dotenv(f"DISCORD_TOKEN={DOTENV_SECRET}\nLOG_LEVEL=LOUD\n")
    ),
    # Working ``check`` runs.
    "check": Plan(
        ("check",),
        {"DISCORD_TOKEN": SECRET, "DATABASE_PATH": str(Path("sub") / "kg.sqlite3")},
    ),
    "dotenv": Plan(
        ("check",), {}, write_dotenv(f"DISCORD_TOKEN={DOTENV_SECRET}\nDATABASE_PATH=db.sqlite3\n")
    ),
    "env-beats-dotenv": Plan(
        ("check",),
        {"DEFAULT_TIMEZONE": "Europe/Berlin"},
        write_dotenv(f"DISCORD_TOKEN={DOTENV_SECRET}\nDEFAULT_TIMEZONE=Mars/Olympus_Mons\n"),
    ),
    "help": Plan(("--help",), {}),
    # A database that cannot be used.
    "database-is-a-directory": Plan(
        ("check",), {"DISCORD_TOKEN": SECRET, "DATABASE_PATH": "a-directory"}, make_directory
    ),
    "database-from-the-future": Plan(
        ("check",),
        {"DISCORD_TOKEN": SECRET, "DATABASE_PATH": "future.sqlite3"},
        make_future_database,
    ),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Start every planned ``python -m bot`` at once, each in its own empty folder."""
    return start_all(PLANS, tmp_path_factory, "-m", "bot")


def assert_config_error(run: Run, variable: str) -> None:
    assert run.returncode == 2, run.output
    assert "Traceback" not in run.output
    assert run.stdout == ""
    assert len(run.stderr_lines) == 1, run.stderr
    assert variable in run.stderr_lines[0]


# --------------------------------------------------------------------------- configuration errors


@pytest.mark.parametrize("name", ["no-token", "no-token-check"])
def test_missing_token(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    assert_config_error(run, "DISCORD_TOKEN")
    assert "is not set" in run.stderr


def test_empty_token(runs: dict[str, Run]) -> None:
    assert_config_error(runs["empty-token"], "DISCORD_TOKEN")


def test_empty_token_gets_the_friendly_hint(runs: dict[str, Run]) -> None:
    assert "DISCORD_TOKEN is empty" in runs["empty-token"].stderr


def test_token_with_a_space(runs: dict[str, Run]) -> None:
    run = runs["spaced-token"]
    assert_config_error(run, "DISCORD_TOKEN")
    assert SPACED_SECRET not in run.output
    for part in SPACED_SECRET.split():
        assert part not in run.output


@pytest.mark.parametrize(
    ("name", "variable"),
    [
        ("bad-timezone", "DEFAULT_TIMEZONE"),
        ("bad-guild", "DEV_GUILD_ID"),
        ("zero-guild", "DEV_GUILD_ID"),
        ("bad-log-level", "LOG_LEVEL"),
    ],
)
def test_invalid_setting_is_named(runs: dict[str, Run], name: str, variable: str) -> None:
    run = runs[name]
    assert_config_error(run, variable)
    assert "DISCORD_TOKEN" not in run.stderr
    assert SECRET not in run.output


def test_invalid_value_in_dotenv_is_named(runs: dict[str, Run]) -> None:
    run = runs["bad-dotenv"]
    assert_config_error(run, "LOG_LEVEL")
    assert DOTENV_SECRET not in run.output


# --------------------------------------------------------------------------- check


def test_check_validates_and_creates_the_database(runs: dict[str, Run]) -> None:
    run = runs["check"]
    assert run.returncode == 0, run.output
    assert "Traceback" not in run.output
    database = run.cwd / "sub" / "kg.sqlite3"
    assert database.parent.is_dir()
    assert database.is_file()
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == MIGRATION_COUNT
    conn.close()

    lines = run.stdout.splitlines()
    assert any(
        "DATABASE_PATH" in line and str(Path("sub") / "kg.sqlite3") in line for line in lines
    )
    assert any("DISCORD_TOKEN" in line and "hidden" in line for line in lines)
    assert any(f"version {MIGRATION_COUNT}" in line for line in lines)
    assert any("integrity check" in line and line.rstrip().endswith("ok") for line in lines)
    assert SECRET not in run.output
    # A new database holds members' notes: its owner alone may read it, and check is quiet.
    assert database.stat().st_mode & 0o777 == 0o600
    assert "warning" not in run.output


def test_check_reads_dotenv_from_the_working_directory(runs: dict[str, Run]) -> None:
    run = runs["dotenv"]
    assert run.returncode == 0, run.output
    assert "Traceback" not in run.output
    assert (run.cwd / "db.sqlite3").is_file()
    assert any(
        "DATABASE_PATH" in line and line.rstrip().endswith("db.sqlite3")
        for line in run.stdout.splitlines()
    )
    assert DOTENV_SECRET not in run.output
    # This .env was written readable by everyone (mode 644): check says so, in one line.
    [warning] = [line for line in run.stdout.splitlines() if "warning" in line]
    assert ".env can be read by other users" in warning and "chmod 600 .env" in warning


def test_environment_wins_over_dotenv(runs: dict[str, Run]) -> None:
    run = runs["env-beats-dotenv"]
    assert run.returncode == 0, run.output
    assert any(
        "DEFAULT_TIMEZONE" in line and "Europe/Berlin" in line for line in run.stdout.splitlines()
    )
    assert "Mars" not in run.output
    assert DOTENV_SECRET not in run.output


def test_help_lists_the_commands(runs: dict[str, Run]) -> None:
    run = runs["help"]
    assert run.returncode == 0, run.output
    assert run.stderr == ""
    for command in ("run", "check", "sync", "backup"):
        assert command in run.stdout
    assert "{run,check,sync,backup}" in run.stdout


# --------------------------------------------------------------------------- unusable database


def assert_clean_failure(run: Run, *, mentions: str) -> None:
    assert run.returncode != 0, run.output
    assert "Traceback" not in run.output, run.stderr[-2000:]
    assert len(run.stderr_lines) == 1, run.stderr[-2000:]
    assert mentions in run.stderr_lines[0]
    assert SECRET not in run.output


def test_unopenable_database_is_a_one_line_error(runs: dict[str, Run]) -> None:
    assert_clean_failure(runs["database-is-a-directory"], mentions="DATABASE_PATH")


def test_database_from_the_future_is_a_one_line_error(runs: dict[str, Run]) -> None:
    run = runs["database-from-the-future"]
    assert_clean_failure(run, mentions="newer than this code")


def test_database_from_the_future_is_refused_and_untouched(runs: dict[str, Run]) -> None:
    run = runs["database-from-the-future"]
    assert run.returncode != 0
    assert "newer than this code" in run.stderr
    with sqlite3.connect(run.cwd / "future.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == FUTURE_VERSION
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()
