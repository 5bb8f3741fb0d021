"""Malformed interactions, the kind an older registration, a modified client or the API can
send: each gets a short private answer, nothing is written or posted, and no traceback."""

from __future__ import annotations

from typing import Any

import pytest
import simcord
from discord import app_commands

from bot.tree import STALE_COMMAND, report_error


@pytest.fixture
def raw_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, slash options reach the bot exactly as the test wrote them."""

    def as_given(command_name: str, spec: dict[str, Any], provided: dict[str, Any], **_: Any):
        return dict(provided)

    monkeypatch.setattr(simcord.interactions, "check_options", as_given)


async def rows(db, table: str) -> int:
    return (await db.fetchone(f"SELECT count(*) FROM {table}"))[0]


def public(channel) -> list:
    return [m for m in channel.history() if not m.flags.ephemeral]


@pytest.mark.parametrize(
    ("command", "options", "says"),
    [
        # The string "false" is truthy: before, it shared a check-in nobody asked to share.
        ("checkin", {"kind": "practice", "share": "false"}, "`share` got a value"),
        ("checkin", {"kind": "sprint"}, "`kind` is one of: `practice`, `rest`, `setback`"),
        ("checkin", {"note": "no kind"}, "`kind` is required"),
        ("settings weekly-target", {"days": "five"}, "`days` got a value"),
        ("why remove", {"number": True}, "`number` got a value"),
    ],
)
async def test_malformed_options_are_refused_privately_with_nothing_saved(
    world, raw_client, db, caplog, command: str, options: dict[str, Any], says: str
) -> None:
    _, channel, alice, _ = world
    result = await alice.slash(channel, command, **options)

    assert result.ephemeral
    assert says in result.response.content
    assert not [r for r in caplog.records if r.exc_info]
    for table in ("checkins", "encouragements", "reasons"):
        assert await rows(db, table) == 0
    assert public(channel) == []


async def test_real_booleans_still_work(world, raw_client) -> None:
    _, channel, alice, _ = world
    shared = await alice.slash(channel, "checkin", kind="practice", share=True)
    assert "recorded" in shared.response.content
    assert len(public(channel)) == 1


@pytest.mark.parametrize(
    "error",
    [
        app_commands.CommandNotFound("sprint", []),
        app_commands.CommandNotFound("old", ["setup"]),
    ],
)
async def test_stale_or_unknown_commands_get_a_calm_answer(error, caplog) -> None:
    class Response:
        def __init__(self) -> None:
            self.sent: list[str] = []

        def is_done(self) -> bool:
            return False

        async def send_message(self, content: str, **kwargs: Any) -> None:
            self.sent.append(content)

    class Interaction:
        guild_id = 1
        command = None
        response = Response()

        class user:
            id = 2

    interaction = Interaction()
    await report_error(interaction, error)  # type: ignore[arg-type]
    assert interaction.response.sent == [STALE_COMMAND]
    assert not [r for r in caplog.records if r.exc_info]
