"""A minimal in-process stand-in for Discord's REST API, and a bot started without a gateway.

:class:`FakeREST` replaces ``bot.http.request``: every call returns at once with a payload
discord.py accepts, so everything above the HTTP client (building the message, the view, the
nonce, discord.py parsing the reply) runs as it does in production; only the network is gone.
:func:`started_bot` runs ``KeepGoingBot.setup_hook`` as ``login()`` would (loading the cogs,
building the scheduler's jobs from the database, starting the catch-up), minus the two calls
``login()`` makes to Discord.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from discord.user import ClientUser

from bot.bot import KeepGoingBot

BOT_USER_ID = 555_000_000_000_000_001
APPLICATION_ID = 555_000_000_000_000_002

_BOT_USER = {
    "id": str(BOT_USER_ID),
    "username": "keepgoing",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
    "flags": 0,
    "verified": True,
    "mfa_enabled": False,
}


def user_payload(user_id: int) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": f"member{user_id % 100000}",
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
    }


class FakeREST:
    """Answers every REST call at once; counts what was sent and when."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.channel_messages: list[tuple[float, int]] = []  # (perf_counter, channel id)
        self._ids = itertools.count(1_000_000_000_000_000_000)

    async def request(self, route: Any, *, files: Any = None, form: Any = None, **kwargs: Any):
        self.calls[f"{route.method} {route.path}"] += 1
        payload = kwargs.get("json") or {}
        if route.method == "POST" and route.path == "/channels/{channel_id}/messages":
            if form:  # multipart (a file): the JSON part is the first form field
                for field in form:
                    if field.get("name") == "payload_json":
                        payload = json.loads(field["value"])
            channel_id = int(route.channel_id)
            self.channel_messages.append((time.perf_counter(), channel_id))
            return self.message(channel_id, payload)
        if route.method == "POST" and route.path == "/users/@me/channels":
            user_id = int(payload["recipient_id"])
            return {
                "id": str(next(self._ids)),
                "type": 1,
                "recipients": [user_payload(user_id)],
                "last_message_id": None,
            }
        if route.method == "PUT" and route.path.endswith("/commands"):
            return [
                {**command, "id": str(next(self._ids)), "application_id": str(APPLICATION_ID)}
                | {"version": "1"}
                for command in (payload if isinstance(payload, list) else [])
            ]
        return {}

    def message(self, channel_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)),
            "channel_id": str(channel_id),
            "type": 0,
            "content": payload.get("content") or "",
            "author": _BOT_USER,
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "flags": 0,
            "components": [],
            "nonce": payload.get("nonce"),
        }


@asynccontextmanager
async def started_bot(bot: KeepGoingBot, rest: FakeREST | None = None) -> AsyncIterator[FakeREST]:
    """``bot`` after ``setup_hook`` (cogs loaded, jobs built, catch-up started), talking to a
    :class:`FakeREST`. Closes the bot (and cancels what it left running) on the way out."""
    rest = rest or FakeREST()
    before = asyncio.all_tasks()
    async with bot:  # sets up the loop-bound parts, as login() does first
        bot.http.request = rest.request  # type: ignore[method-assign]
        bot._connection.user = ClientUser(state=bot._connection, data=_BOT_USER)  # type: ignore[arg-type]
        bot._connection.application_id = APPLICATION_ID
        await bot.setup_hook()
        try:
            yield rest
        finally:
            await bot.close()
            leftover = [t for t in asyncio.all_tasks() - before if t is not asyncio.current_task()]
            for task in leftover:
                task.cancel()
            await asyncio.gather(*leftover, return_exceptions=True)
