"""Nobody reads another member's data, and buttons refuse members they don't belong to."""

from __future__ import annotations

import json
from unittest.mock import create_autospec

import discord
import simcord

from cogs.reflection import ShareWinButton
from cogs.ui.reflection_views import ReflectButton

MARKERS = ("ALICE-NOTE", "ALICE-REASON", "ALICE-LESSON", "ALICE-WIN", "ALICE-PAUSE")


async def test_no_member_command_shows_another_members_data(simcord_env: simcord.Env) -> None:
    guild = simcord_env.create_guild("Runners")
    channel = guild.create_text_channel("training")
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    await alice.slash(channel, "checkin", kind="setback", note="ALICE-NOTE")
    [dm] = [m for m in alice.user.dm_channel.history() if m.components]
    shown = await alice.user.click(dm, label="Reflect")
    await alice.user.submit_modal(shown, {"keepgoing:reflect:answer:0": "ALICE-LESSON"})
    await alice.slash(channel, "why add", reason="ALICE-REASON")
    await alice.slash(channel, "win", what="ALICE-WIN")
    await alice.slash(channel, "pause", until="2026-12-24", reason="ALICE-PAUSE")

    seen: list[str] = []
    for name in ("journey", "why list", "settings show", "mydata export", "buddies join"):
        result = await bob.slash(channel, name)
        assert result.ephemeral
        for message in [result.response, *result.followups]:
            if message is None:
                continue
            seen.append(message.content)
            seen.extend(e.description or "" for e in message.embeds)
            for attachment in message.attachments:
                seen.append(attachment.description or "")  # a picture's words
                if attachment.filename.endswith(".json"):
                    seen.append(json.dumps(json.loads(await attachment.read())))
    everything = "\n".join(seen)
    for marker in MARKERS:
        assert marker not in everything
    # And nothing of Alice's reached the channel for anyone to read.
    public = "\n".join(m.content for m in channel.history() if not m.flags.ephemeral)
    for marker in MARKERS:
        assert marker not in public


def fake_interaction(user_id: int) -> discord.Interaction:
    """simcord can't show Alice's DM or ephemeral button to Bob, so the button's own check
    is called with an interaction shaped like discord.py's (autospec)."""
    interaction = create_autospec(discord.Interaction, instance=True)
    interaction.user.id = user_id
    interaction.response = create_autospec(discord.InteractionResponse, instance=True)
    interaction.response.is_done.return_value = False
    return interaction


async def test_someone_elses_reflect_button_is_refused() -> None:
    button = ReflectButton(guild_id=1, user_id=111)
    stranger = fake_interaction(222)
    await button.callback(stranger)
    stranger.response.send_modal.assert_not_called()
    message = stranger.response.send_message.await_args
    assert "belongs to someone else" in message.args[0]
    assert message.kwargs["ephemeral"] is True

    owner = fake_interaction(111)
    await button.callback(owner)
    owner.response.send_modal.assert_awaited_once()


async def test_someone_elses_win_cannot_be_shared(simcord_env, db) -> None:
    guild = simcord_env.create_guild("Runners")
    channel = guild.create_text_channel("training")
    alice = guild.add_member(simcord_env.create_user("alice"))
    await alice.slash(channel, "win", what="ALICE-WIN")
    win_id = (await db.fetchone("SELECT id FROM wins"))[0]

    stranger = fake_interaction(alice.id + 1)
    stranger.client = simcord_env.bot
    await ShareWinButton(win_id).callback(stranger)
    assert "Only the person who had this win" in stranger.response.send_message.await_args.args[0]
    assert (await db.fetchone("SELECT shared FROM wins"))[0] == 0
