"""Test doubles for Discord rules that simcord does not enforce.

simcord accepts a message nonce and ignores it. Discord, with ``enforce_nonce``, answers a
Create Message whose nonce it saw "within the past few minutes" with the first message instead
of creating a second one, and forgets the nonce after that (developers/resources/message.mdx,
Create Message, ``nonce`` and ``enforce_nonce``). :class:`NonceMemory` applies that rule to the
bot's own HTTP client by the test's clock, so a test can see a post doubled by a late resend.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any


class NonceMemory:
    """Discord's nonce rule on ``bot.http.send_message``, with a window the test chooses.

    ``lose_answers`` makes the next N sends reach Discord (the message exists) and then fail
    as a lost answer would (a timeout): the bot cannot know its post went out.
    """

    def __init__(
        self, bot: Any, clock: Callable[[], datetime], window: timedelta = timedelta(minutes=3)
    ) -> None:
        self.clock = clock
        self.window = window
        self.lose_answers = 0
        self.seen: dict[str, tuple[datetime, Any]] = {}
        self.created = 0  # messages Discord made (a deduplicated send makes none)
        self.deduplicated = 0
        self._send = bot.http.send_message
        bot.http.send_message = self.send_message

    @staticmethod
    def _nonce(params: Any) -> str | None:
        payload = params.payload
        if payload is None and params.multipart:
            payload = json.loads(params.multipart[0]["value"])
        if not payload or not payload.get("enforce_nonce"):
            return None
        return payload.get("nonce")

    async def send_message(self, channel_id: Any, *, params: Any) -> Any:
        nonce = self._nonce(params)
        now = self.clock()
        remembered = self.seen.get(nonce) if nonce is not None else None
        if remembered is not None and now - remembered[0] < self.window:
            self.deduplicated += 1
            data = remembered[1]
        else:
            data = await self._send(channel_id, params=params)
            self.created += 1
            if nonce is not None:
                self.seen[nonce] = (now, data)
        if self.lose_answers > 0:
            self.lose_answers -= 1
            raise TimeoutError("the answer never came back")
        return data


FIRST_RESPONSE_SECONDS = 3.0


class FirstResponseDeadline:
    """Discord's 3-second rule for an interaction's first response (initial response or
    defer), by simcord's clock: "you must send an initial response within 3 seconds of
    receiving the event", after which the token is invalid
    (developers/interactions/receiving-and-responding.mdx, Responding to an interaction).
    simcord accepts a late first response; this records how late each one was.

    Install with ``FirstResponseDeadline(env, monkeypatch)``; ``late`` lists the interactions
    whose first response came after the deadline, ``waits`` every first response's delay.
    """

    def __init__(self, env: Any, monkeypatch: Any) -> None:
        from discord.webhook.async_ import AsyncWebhookAdapter

        self.env = env
        self.waits: dict[int, float] = {}
        original = AsyncWebhookAdapter.create_interaction_response
        deadline = self

        def create_interaction_response(adapter: Any, interaction_id: int, *a: Any, **k: Any):
            if interaction_id not in deadline.waits:
                created = discord_snowflake_time(interaction_id)
                deadline.waits[interaction_id] = (env.now() - created).total_seconds()
            return original(adapter, interaction_id, *a, **k)

        monkeypatch.setattr(
            AsyncWebhookAdapter, "create_interaction_response", create_interaction_response
        )

    @property
    def late(self) -> dict[int, float]:
        return {i: w for i, w in self.waits.items() if w > FIRST_RESPONSE_SECONDS}


def discord_snowflake_time(snowflake: int) -> datetime:
    from discord.utils import snowflake_time

    return snowflake_time(snowflake)
