"""``python -m bot``: run the bot; ``check`` validates; ``sync`` syncs slash commands."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import discord
from pydantic import ValidationError

from bot.bot import KeepGoingBot
from bot.logs import setup_logging
from bot.settings import Settings, explain
from storage import open_database
from storage.db import DatabaseUnavailable

log = logging.getLogger("bot")

EXIT_CONFIG = 2


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Keep Going, the bot.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser(
        "check", help="validate settings and the database, print the configuration, and exit"
    )
    sync = sub.add_parser("sync", help="sync the slash commands with Discord and exit")
    sync.add_argument("--guild", type=int, help="also copy the commands to this guild id")
    return parser.parse_args(argv)


async def run_bot(settings: Settings) -> None:
    db = await open_database(settings.database_path)
    try:
        async with KeepGoingBot(settings=settings, db=db) as bot:
            await bot.start(settings.discord_token.get_secret_value())
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
    return 0 if healthy else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Configuration error: {explain(error)}", file=sys.stderr)
        return EXIT_CONFIG
    setup_logging(settings.log_level_number)
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
            "Discord refused an intent: enable it for the bot in the Developer Portal.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
