"""Commands as one click: Discord's mention syntax (``</why add:id>``) for the synced commands.

The ids exist only on Discord's side, so they are fetched once (after the bot is ready, when
start-up's sync is done) and kept; a reply never waits for them. Until they are known (the
fetch failed, or hasn't finished), a command reads as plain ``/name`` text; after a failure, a
reply asks for them again in the background, at most once every few minutes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import discord
from discord import app_commands
from discord.ext import commands

log = logging.getLogger(__name__)

RETRY_SECONDS = 300.0


def mentions_of(synced: Iterable[app_commands.AppCommand]) -> dict[str, str]:
    """Every command and subcommand by its qualified name ("setup prompts add") → mention."""
    found: dict[str, str] = {}

    def walk(options: Iterable[object]) -> None:
        for option in options:
            if isinstance(option, app_commands.AppCommandGroup):
                found[option.qualified_name] = option.mention
                walk(option.options)

    for command in synced:
        if command.type is discord.AppCommandType.chat_input:
            found[command.name] = command.mention
            walk(command.options)
    return found


def local_names(tree: app_commands.CommandTree) -> set[str]:
    """The qualified names of the commands this bot has, synced or not."""
    return {command.qualified_name for command in tree.walk_commands()}


class CommandLinks:
    """The synced commands' mentions, for one cog: fetched once, kept, plain text until then."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.mentions: dict[str, str] = {}
        self.fetched = False
        self._failed_at: float | None = None
        self._task: asyncio.Task[None] | None = None

    def link(self, name: str) -> str:
        """``</name:id>`` once the ids are known, else ``/name`` as code."""
        return self.mentions.get(name) or f"`/{name}`"

    def fetch_soon(self) -> None:
        """Ask Discord for the ids in the background: once, and again only after a failure
        (not sooner than ``RETRY_SECONDS`` after it). Never waits."""
        if self.fetched or (self._task is not None and not self._task.done()):
            return
        loop = asyncio.get_running_loop()
        if self._failed_at is not None and loop.time() - self._failed_at < RETRY_SECONDS:
            return
        self._task = loop.create_task(self._fetch(), name="keepgoing-command-links")

    def cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def _fetch(self) -> None:
        await self.bot.wait_until_ready()
        try:
            synced = await self.bot.tree.fetch_commands()
        except discord.HTTPException as error:
            self._failed_at = asyncio.get_running_loop().time()
            log.warning("could not fetch the synced commands (%s); /name text until then", error)
            return
        self.mentions = mentions_of(synced)
        self.fetched = True
        log.info("command links ready for %d commands", len(self.mentions))
