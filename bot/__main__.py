"""``python -m bot``: run the bot; ``check`` validates; ``sync`` syncs slash commands;
``backup`` copies the database."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import stat
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import discord
from pydantic import ValidationError

from bot.bot import KeepGoingBot
from bot.clock import utc_now
from bot.dms import DirectMessenger
from bot.logs import setup_logging
from bot.scheduler import PostScheduler
from bot.settings import DatabaseSettings, Settings, explain
from storage import open_database
from storage.backup import BackupError, backup_database, backup_target
from storage.db import DatabaseUnavailable, WalCheckpointer

log = logging.getLogger("bot")

EXIT_CONFIG = 2
# How long SIGTERM or SIGINT waits for the bot to close before the process exits anyway.
SHUTDOWN_GRACE_SECONDS = 10.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Keep Going, the bot.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser(
        "check", help="validate settings and the database, print the configuration, and exit"
    )
    sync = sub.add_parser("sync", help="sync the slash commands with Discord and exit")
    sync.add_argument("--guild", type=int, help="also copy the commands to this guild id")
    backup = sub.add_parser(
        "backup",
        help="copy the database (safe while the bot runs), check the copy, and exit; "
        "needs only DATABASE_PATH",
    )
    backup.add_argument(
        "path", help="the file to write, or a folder (ending with /) to get a dated file in it"
    )
    return parser.parse_args(argv)


async def run_until_signal(
    start: Awaitable[None],
    close: Callable[[], Awaitable[None]],
    *,
    grace: float = SHUTDOWN_GRACE_SECONDS,
) -> None:
    """Await ``start`` until it ends by itself (its error is raised) or SIGTERM or SIGINT
    arrives. On a signal, call ``close()`` and give it and ``start`` ``grace`` seconds to
    finish; past that, log it, cancel both and return anyway."""
    loop = asyncio.get_running_loop()
    received: asyncio.Future[signal.Signals] = loop.create_future()

    def on_signal(signum: signal.Signals) -> None:
        if received.done():
            log.info("%s received: already shutting down", signum.name)
        else:
            received.set_result(signum)

    installed: list[signal.Signals] = []
    for signum in STOP_SIGNALS:
        try:
            loop.add_signal_handler(signum, on_signal, signum)
        except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
            continue
        installed.append(signum)
    runner = asyncio.ensure_future(start)
    try:
        await asyncio.wait({runner, received}, return_when=asyncio.FIRST_COMPLETED)
        if runner.done():
            runner.result()
            return
        log.info("%s received: shutting down", received.result().name)
        closing = asyncio.ensure_future(close())
        done, pending = await asyncio.wait({runner, closing}, timeout=grace)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.error("error while shutting down", exc_info=task.exception())
        if pending:
            log.warning("shutting down took longer than %g s: exiting anyway", grace)
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=1)
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
        runner.cancel()


async def run_bot(settings: Settings) -> None:
    db = await open_database(settings.database_path)
    try:
        bot = KeepGoingBot(
            settings=settings,
            db=db,
            clock=utc_now,
            scheduler=PostScheduler(db, utc_now),
            dms=DirectMessenger(db),
            checkpointer=WalCheckpointer(db.path),
        )

        async def serve() -> None:
            async with bot:
                await bot.start(settings.discord_token.get_secret_value())

        # SIGTERM or SIGINT: bot.close() (which stops the scheduler), then the database.
        await run_until_signal(serve(), bot.close, grace=SHUTDOWN_GRACE_SECONDS)
    finally:
        await db.close()


async def run_sync(settings: Settings, guild_id: int | None) -> None:
    db = await open_database(settings.database_path)
    try:
        async with KeepGoingBot(settings=settings, db=db, auto_sync=False) as bot:
            await bot.login(settings.discord_token.get_secret_value())
            await bot.sync_commands(only_if_changed=False, guild_id=guild_id)
    finally:
        await db.close()


async def run_check(settings: Settings) -> int:
    db = await open_database(settings.database_path)
    try:
        version = await db.schema_version()
        integrity = await db.integrity_check()
    finally:
        await db.close()
    print("Keep Going configuration:")
    for name, value in settings.describe():
        print(f"  {name:<17} {value}")
    print(f"  database schema   version {version}")
    healthy = integrity == ["ok"]
    print(f"  integrity check   {'ok' if healthy else '; '.join(integrity)}")
    for path, holds in ((Path(".env"), "the token"), (settings.database_path, "members' notes")):
        if readable_by_others(path):
            print(
                f"  warning: {path} can be read by other users of this machine (it holds "
                f"{holds}): chmod 600 {path}"
            )
    return 0 if healthy else 1


def readable_by_others(path: Path) -> bool:
    """Whether ``path`` exists and its group or others may read it."""
    try:
        return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return False


def run_backup(path: str) -> int:
    """Copy the database to ``path``. Reads only ``DATABASE_PATH``: no token needed."""
    try:
        source = DatabaseSettings().database_path
    except ValidationError as error:
        print(f"Configuration error: {explain(error)}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        result = backup_database(source, backup_target(path, datetime.now(UTC)))
    except BackupError as error:
        print(f"Backup not made: {error}.", file=sys.stderr)
        return EXIT_CONFIG
    if not result.ok:
        problems = "; ".join(result.integrity[:3])
        print(
            f"Backup not kept: the copy fails the integrity check ({problems}); "
            "the database itself may be damaged: run python -m bot check.",
            file=sys.stderr,
        )
        return 1
    print(
        f"Backup written to {result.target}: {result.page_count} pages, "
        f"{result.size_bytes:,} bytes, integrity check ok"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "backup":
        return run_backup(args.path)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Configuration error: {explain(error)}", file=sys.stderr)
        return EXIT_CONFIG
    setup_logging(
        settings.log_level_number,
        log_format=settings.log_format,
        secrets=[settings.discord_token.get_secret_value()],
    )
    try:
        if args.command == "check":
            return asyncio.run(run_check(settings))
        if args.command == "sync":
            asyncio.run(run_sync(settings, args.guild))
            return 0
        asyncio.run(run_bot(settings))
    except DatabaseUnavailable as error:
        print(f"Database error (DATABASE_PATH): {error}", file=sys.stderr)
        return EXIT_CONFIG
    except discord.LoginFailure:
        print(
            "Discord refused the token: check DISCORD_TOKEN (reset it in the Developer Portal "
            "if needed).",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        print(
            "Discord refused an intent: turn on Server Members under Privileged Gateway "
            "Intents for the bot in the Developer Portal.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except (aiohttp.ClientConnectionError, OSError) as error:
        print(
            f"Can't reach Discord ({type(error).__name__}): check the network connection, "
            "then start again.",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
