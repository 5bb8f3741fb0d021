"""Direct messages: paced, exactly one attempt, and closed DMs remembered.

Discord counts failed DMs (error 50007, the member doesn't accept DMs from the bot) towards
its invalid-request limit, and mass DMs get bots flagged: so every DM goes through one
:class:`aiolimiter.AsyncLimiter`, a closed DM is stored and never retried by itself, and the
member's DM channel id is stored (discord.py's cache holds only a few).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from aiolimiter import AsyncLimiter

from storage import personal_dms

if TYPE_CHECKING:
    from storage.db import Database

log = logging.getLogger(__name__)

CANNOT_DM = 50007  # Cannot send messages to this user (DMs closed to the bot)
NO_MUTUAL_GUILDS = 50278  # Cannot send messages to this user due to having no mutual guilds
# Both mean "this member can't be messaged now": stored, never retried by the bot itself
# (developers/topics/opcodes-and-status-codes.mdx, JSON error codes).
CANNOT_REACH = frozenset({CANNOT_DM, NO_MUTUAL_GUILDS})


def is_transient(error: BaseException) -> bool:
    """A fault worth trying again (rate limit, Discord's own trouble, a timeout, the
    network); a 4xx such as a missing permission or a deleted channel is not."""
    if isinstance(error, discord.HTTPException):
        return error.status == 429 or error.status >= 500
    return isinstance(error, asyncio.TimeoutError | aiohttp.ClientError | OSError)


DM_RATE = 5  # DMs …
DM_PERIOD = 5.0  # … per this many seconds


class DirectMessenger:
    """Sends the bot's DMs. Built before the bot (``main`` passes it in) and attached to it
    by the bot's constructor: it needs the client only to open DM channels and send."""

    def __init__(
        self,
        db: Database,
        *,
        rate: float = DM_RATE,
        period: float = DM_PERIOD,
        limiter: AsyncLimiter | None = None,
    ) -> None:
        self.db = db
        self.client: discord.Client | None = None
        # One DM at a time, evenly spread: a bucket of one that drains rate/period per second
        # never lets more than ``rate`` through in any ``period``-long window (a bucket of
        # ``rate`` would allow a burst of ``rate`` on top of the steady flow).
        # Spaced a hair over period/rate apart, so even a closed window of ``period`` seconds
        # (both ends included) holds at most ``rate`` sends. Tests pass their own ``limiter``.
        self.limiter = limiter or AsyncLimiter(1, period / rate * 1.01)
        # When recent DMs went out (event-loop time): the pacing, observable.
        self.sent_times: deque[float] = deque(maxlen=1000)

    def attach(self, client: discord.Client) -> None:
        self.client = client

    def _client(self) -> discord.Client:
        if self.client is None:
            raise RuntimeError("DirectMessenger.attach(client) was never called")
        return self.client

    async def _channel(self, user_id: int) -> discord.abc.Messageable:
        channel_id = await personal_dms.dm_channel(self.db, user_id)
        if channel_id is None:
            created = await self._client().create_dm(discord.Object(id=user_id))
            channel_id = created.id
            await personal_dms.set_dm_channel(self.db, user_id, channel_id)
        return self._client().get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def send(self, user_id: int, content: str, **kwargs: Any) -> discord.Message | None:
        """Send one DM, paced. Returns None when the member's DMs are closed (now or known
        before); other Discord errors propagate to the caller."""
        if await personal_dms.dms_closed(self.db, user_id):
            return None
        kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
        try:
            # The channel first (a database read; a REST call the first time), the limiter
            # right before each send: a slow read can't bunch the sends up behind it.
            channel = await self._channel(user_id)
            try:
                async with self.limiter:
                    message = await channel.send(content, **kwargs)
            except discord.NotFound:
                # The stored DM channel is gone: open a new one, once.
                await personal_dms.forget_dm_channel(self.db, user_id)
                channel = await self._channel(user_id)
                async with self.limiter:
                    message = await channel.send(content, **kwargs)
            self.sent_times.append(asyncio.get_running_loop().time())
        except discord.Forbidden as error:
            if error.code not in CANNOT_REACH:
                raise
            await personal_dms.set_dm_state(self.db, user_id, "closed")
            log.info("user %s does not accept DMs; not trying again by myself", user_id)
            return None
        return message
