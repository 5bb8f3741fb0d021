"""Test helpers around simcord: mentions actually sent, and a client that skips Discord's
own option checks (what a modified client or a raw API call can do)."""

from __future__ import annotations

from typing import Any

import pytest
import simcord
import simcord.interactions


def stored_message(env: simcord.Env, channel_id: int, message_id: int) -> Any:
    return env.backend.get_message(channel_id, message_id)


def assert_pings_nobody(env: simcord.Env, channel_id: int, message_id: int) -> None:
    """The message as Discord stored it: a mention policy that allows nothing, and no pings."""
    message = stored_message(env, channel_id, message_id)
    policy = message.allowed_mentions
    assert policy.everyone is False
    assert policy.users == frozenset()
    assert policy.roles == frozenset()
    assert message.ping_user_ids == []
    assert message.ping_role_ids == []
    assert message.mention_everyone is False


_CLIENT_LIMITS = ("max_length", "min_length", "max_value", "min_value", "choices")


def use_modified_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on in this test, slash options skip the limits Discord's client enforces."""
    original = simcord.interactions.validate_option_value

    def lax(command_name: str, option: dict[str, Any], value: Any) -> Any:
        relaxed = {k: v for k, v in option.items() if k not in _CLIENT_LIMITS}
        return original(command_name, relaxed, value)

    monkeypatch.setattr(simcord.interactions, "validate_option_value", lax)


def unpaced_dms(db: Any) -> Any:
    """A DM messenger whose limiter never waits, for tests about what DMs say rather than
    when.

    aiolimiter sleeps on event-loop timers, and simcord runs the bot's timers on its virtual
    clock, so a paced DM sent from inside an interaction would wait on simcord's clock. The
    pacing itself has its own test (tests/test_private.py), driven from the test's task.
    """
    from aiolimiter import AsyncLimiter

    from bot.dms import DirectMessenger

    return DirectMessenger(db, limiter=AsyncLimiter(1_000_000, 1))
