"""Shared fixtures: a migrated SQLite file per test, a clock the test moves, and the real
bot running against simcord's simulated Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
import simcord
from discord import app_commands

from bot.bot import KeepGoingBot
from bot.rules.errors import UserFacingError
from bot.settings import Settings
from bot.tree import database_trouble
from storage import Database, open_database
from tests.discord_helpers import unpaced_dms


class FakeClock:
    """A clock the test sets and moves; the bot reads it instead of the wall clock."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("use an aware datetime")
        self.current = instant.astimezone(UTC)

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    # A Thursday morning in UTC.
    return FakeClock(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "keepgoing.sqlite3"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await open_database(db_path)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token="test-token-not-real",
        database_path=db_path,
        default_timezone="UTC",
    )


@pytest.fixture
def bot_kwargs(settings: Settings, db: Database, clock: FakeClock) -> dict[str, object]:
    """How tests build the bot (again, to restart it): the test's clock, and the scheduler
    paused, so only the test's clock fires its jobs (tests/scheduling.py)."""
    return {"settings": settings, "db": db, "clock": clock, "run_scheduler": False}


@pytest.fixture
def simcord_bot(bot_kwargs: dict[str, object], db: Database) -> KeepGoingBot:
    return KeepGoingBot(**bot_kwargs, dms=unpaced_dms(db))  # type: ignore[arg-type]


@pytest.fixture
def community(simcord_env: simcord.Env):
    """A factory for the usual scene: a group "Runners" with a #training channel and one
    member per name given. Returns ``(guild, channel, *members)``."""

    def make(*names: str):
        guild = simcord_env.create_guild("Runners")
        channel = guild.create_text_channel("training")
        return (guild, channel, *(guild.add_member(simcord_env.create_user(n)) for n in names))

    return make


@pytest.fixture
def world(community):
    """Runners, #training, alice and bob; a module needing others overrides this."""
    return community("alice", "bob")


def _is_expected(error: BaseException) -> bool:
    """Refusals the error handler shows to members on purpose are not bugs."""
    inner = getattr(error, "original", None) or error.__cause__ or error
    refusals = (UserFacingError, app_commands.CheckFailure)
    if database_trouble(inner) is not None:
        return True  # shown to the member as a clear message; tests/test_faults.py
    return isinstance(inner, refusals) or isinstance(error, refusals)


class KeepGoingEnv(simcord.Env):
    """simcord's environment, plus a cursor of the errors a test has looked at on purpose."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.errors_seen = 0

    def acknowledge_errors(self) -> tuple[BaseException, ...]:
        """The errors captured since the last look; teardown no longer fails on them."""
        captured = self.errors_since(self.errors_seen)
        self.errors_seen = self.error_cursor
        return captured


@pytest_asyncio.fixture
async def simcord_env(simcord_bot: KeepGoingBot, request: pytest.FixtureRequest):
    """simcord's own fixture, except that member-facing refusals (``UserFacingError``) do
    not fail the test; every other error the bot raised still does, unless the test
    acknowledged it (``acknowledge_errors``)."""
    marker = request.node.get_closest_marker("simcord")
    env = KeepGoingEnv(simcord_bot, **(marker.kwargs if marker else {}))
    await env.start()
    try:
        yield env
    finally:
        await env.shutdown()
        unexpected = [e for e in env.errors_since(env.errors_seen) if not _is_expected(e)]
        if unexpected:
            raise ExceptionGroup(f"bot raised {len(unexpected)} unexpected error(s)", unexpected)
