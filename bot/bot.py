"""The Bot: owns the database handle, the clock and the command tree; loads the cogs."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
from datetime import datetime

import discord
from discord.ext import commands

from bot.clock import Clock, utc_now
from bot.dms import DirectMessenger
from bot.scheduler import PostScheduler
from bot.settings import Settings
from bot.tree import KeepGoingTree
from storage import member_records
from storage.db import Database, WalCheckpointer

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.checkins",
    "cogs.journey",
    "cogs.why",
    "cogs.member_settings",
    "cogs.pause",
    "cogs.reflection",
    "cogs.direct_messages",
    "cogs.encourage",
    "cogs.mydata",
    "cogs.scheduled_posts",
    "cogs.setup",
    "cogs.help",
    "cogs.privacy",
)

TREE_HASH_KEY = "command_tree_hash"


class KeepGoingBot(commands.Bot):
    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        clock: Clock = utc_now,
        scheduler: PostScheduler | None = None,
        dms: DirectMessenger | None = None,
        checkpointer: WalCheckpointer | None = None,
        auto_sync: bool = True,
        run_scheduler: bool = True,
    ) -> None:
        """Every collaborator comes in here (``main`` builds them; tests and benchmarks pass
        their own); the defaults are the production ones for ``db`` and ``clock``."""
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            # Server Members (privileged): to notice members who leave, for the retention purge.
            intents=discord.Intents(guilds=True, members=True),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=KeepGoingTree,
            # Keep Going never needs the member list; the intent is only for leave events.
            chunk_guilds_at_startup=False,
        )
        self.settings = settings
        self.db = db
        self.clock = clock
        self.auto_sync = auto_sync
        self.run_scheduler = run_scheduler
        self.scheduler = scheduler or PostScheduler(db, clock)
        self.dms = dms or DirectMessenger(db)
        self.dms.attach(self)
        self.checkpointer = checkpointer or WalCheckpointer(db.path)
        self.catch_up_task: asyncio.Task[None] | None = None

    def now(self) -> datetime:
        return self.clock()

    async def setup_hook(self) -> None:
        if self.run_scheduler:
            # Like the scheduler, a wall-clock background job: tests drive time themselves.
            await self.checkpointer.start()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.auto_sync:
            await self.sync_commands(only_if_changed=True)
        # Without run_scheduler the jobs exist but only the tests' clock fires them.
        self.scheduler.start(paused=not self.run_scheduler)
        await self.scheduler.rebuild()
        self.catch_up_task = asyncio.create_task(
            self.scheduler.catch_up(), name="keepgoing-catch-up"
        )
        # Everything alive now (modules, cogs, commands, jobs) lives as long as the process:
        # keep it out of the collector's full passes, which otherwise stop the loop for tens
        # to hundreds of milliseconds under load.
        gc.collect()
        gc.freeze()

    async def close(self) -> None:
        if self.catch_up_task is not None and not self.catch_up_task.done():
            self.catch_up_task.cancel()
        self.scheduler.shutdown()
        await super().close()
        await self.checkpointer.stop()

    # ------------------------------------------------------------------ command sync

    def tree_hash(self) -> str:
        """A digest of the command tree as Discord would see it (plus the dev guild)."""
        payload = sorted(
            (command.to_dict(self.tree) for command in self.tree.get_commands()),
            key=lambda c: c["name"],
        )
        blob = json.dumps(
            {"commands": payload, "dev_guild": self.settings.dev_guild_id}, sort_keys=True
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    async def sync_commands(self, *, only_if_changed: bool, guild_id: int | None = None) -> bool:
        """Sync slash commands; with ``only_if_changed``, only when the tree changed since the
        last sync recorded in the database. Returns whether a sync happened."""
        digest = self.tree_hash()
        if only_if_changed and await member_records.get_state(self.db, TREE_HASH_KEY) == digest:
            log.info("command tree unchanged since the last sync; not syncing")
            return False
        synced = await self.tree.sync()
        log.info("synced %d global commands", len(synced))
        for target in {guild_id, self.settings.dev_guild_id} - {None}:
            guild = discord.Object(id=target)  # type: ignore[arg-type]
            self.tree.copy_global_to(guild=guild)
            copied = await self.tree.sync(guild=guild)
            log.info("copied %d commands to guild %s", len(copied), target)
        await member_records.set_state(self.db, TREE_HASH_KEY, digest)
        return True
