"""Discord's 3-second rule for first responses, enforced by tests/discord_rules.py, on the
paths that wait on something slow: the DM pace above all."""

from __future__ import annotations

import pytest

from tests.discord_rules import FIRST_RESPONSE_SECONDS, FirstResponseDeadline


async def test_a_private_encouragement_is_answered_before_its_dm_is_sent(
    community, simcord_env, monkeypatch: pytest.MonkeyPatch
) -> None:
    deadline = FirstResponseDeadline(simcord_env, monkeypatch)
    _, channel, target, *senders = community("dana", "alice", "bob", "carol", "erin")
    for sender in senders:
        result = await sender.slash(
            channel, "encourage", member=target, message="Keep at it", private=True
        )
        assert "Sent privately" in result.response.content
    dm_channel = target.user.dm_channel.id
    # Each interaction's first response goes out before its DM, which waits on the DM pace
    # (about one a second in production): answering after it is how four members
    # encouraging at once missed Discord's window.
    order = [
        "answer" if r.path.endswith("/callback") else "dm"
        for r in simcord_env.http_requests
        if r.method == "POST"
        and (r.path.endswith("/callback") or r.path == f"/channels/{dm_channel}/messages")
    ]
    assert order == ["answer", "dm"] * 4
    assert len(deadline.waits) == 4
    assert deadline.late == {}
    assert max(deadline.waits.values()) < FIRST_RESPONSE_SECONDS
