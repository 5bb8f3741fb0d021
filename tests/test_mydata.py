"""/mydata export and delete, members leaving and the retention purge, through simcord and
real SQLite files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from unittest.mock import create_autospec

import discord
import pytest

from bot.bot import KeepGoingBot
from cogs.mydata import ConfirmDelete
from storage import member_data, member_records
from tests.conftest import FakeClock


@pytest.fixture
async def world(community, simcord_bot: KeepGoingBot, clock: FakeClock):
    """Two members with something in every table that can hold member data."""
    guild, channel, alice, bob = community("alice", "bob")
    for me, other, word in ((alice, bob, "ALICE"), (bob, alice, "BOB")):
        await me.slash(channel, "checkin", kind="practice", note=f"{word}-NOTE", share=True)
        await other.click(channel.last_message, label="Cheer")
        await me.slash(channel, "why add", reason=f"{word}-REASON")
        await me.slash(channel, "win", what=f"{word}-WIN")
        await me.slash(channel, "encourage", member=other, message=f"{word}-ENCOURAGES")
        await me.slash(channel, "buddies join")
        await me.slash(channel, "settings morning-dm", enabled=True, time="06:45")
    clock.advance(days=1)
    for me, word in ((alice, "ALICE"), (bob, "BOB")):
        await me.slash(channel, "setback", what=f"{word}-SETBACK")
        [dm] = [m for m in me.user.dm_channel.history() if "Reflect" in str(m.components)][-1:]
        shown = await me.user.click(dm, label="Reflect")
        await me.user.submit_modal(shown, {"keepgoing:reflect:answer:1": f"{word}-LESSON"})
    # Monday 30 Nov: the week's buddies are paired (before anyone pauses).
    clock.set(datetime(2026, 11, 30, 9, 5, tzinfo=UTC))
    await simcord_bot.get_cog("Encourage").pair_week(guild.id, "buddies")
    for me, word in ((alice, "ALICE"), (bob, "BOB")):
        await me.slash(channel, "pause", until="2026-12-20", reason=f"{word}-PAUSE")
    return guild, channel, alice, bob


async def all_values(db) -> dict[str, list[tuple]]:
    tables = [
        r[0]
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: [tuple(r) for r in await db.fetchall(f"SELECT * FROM {t}")] for t in tables}


async def test_every_table_is_covered_by_the_deletion_map(db) -> None:
    """A table added later without deletion support fails here until it is declared."""
    tables = {
        r[0]
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    assert tables == set(member_data.MEMBER_TABLES) | set(member_data.GROUP_TABLES)


async def test_export_holds_exactly_the_members_data(world, simcord_env, simcord_bot) -> None:
    guild, channel, alice, bob = world
    result = await alice.slash(channel, "mydata export")
    assert result.ephemeral
    # Deferred first (the 3-second window), then the file replaces the "thinking" state.
    assert any(
        isinstance(r.json, dict) and r.json.get("type") == 5 for r in simcord_env.http_requests
    )
    [attachment] = result.response.attachments
    assert attachment.filename == "keepgoing-member_data.json"
    raw = await attachment.read()
    data = json.loads(raw)
    text = raw.decode()

    assert (data["format"], data["version"]) == ("keepgoing.mydata", 1)
    assert data["user_id"] == alice.id and data["guild_id"] == guild.id
    for mine in (
        "ALICE-NOTE",
        "ALICE-REASON",
        "ALICE-WIN",
        "ALICE-LESSON",
        "ALICE-PAUSE",
        "ALICE-SETBACK",
    ):
        assert mine in text
    for theirs in ("BOB-NOTE", "BOB-REASON", "BOB-WIN", "BOB-LESSON", "BOB-PAUSE", "BOB-SETBACK"):
        assert theirs not in text
    assert data["encouragements_sent"][0]["target_id"] == bob.id
    assert data["encouragements_received"][0]["sender_id"] == bob.id
    assert "ENCOURAGES" not in text  # the words are never stored, only that it happened
    assert data["settings"]["morning_dm_time"] == "06:45"
    assert len(data["cheers_given"]) == 1 and data["checkins"][0]["cheers"] == 1
    assert data["buddies"]["joined"] is True
    assert data["buddies"]["weeks"] == [{"week": "2026-11-30", "buddy_id": bob.id}]
    assert simcord_bot.settings.discord_token.get_secret_value() not in text


async def test_delete_leaves_no_row_about_the_member_anywhere(
    world, simcord_env, simcord_bot, db
) -> None:
    guild, channel, alice, bob = world
    before = await all_values(db)
    for table in member_data.MEMBER_TABLES:
        assert before[table], f"the fixture should put member data in {table}"

    asked = await alice.slash(channel, "mydata delete")
    assert asked.ephemeral
    done = await alice.click(asked.response.message, label="Delete everything")
    assert "everything Keep Going stored about you in this server is gone" in (
        done.response.content if done.response else asked.response.message.content
    )

    after = await all_values(db)
    for table, rows in after.items():
        for row in rows:
            assert alice.id not in row, f"{table} still holds {row}"
    # Bob keeps his own data; what Alice sent him is gone (his received count drops).
    assert (await member_records.member_history(db, guild.id, bob.id)).days
    received = await db.fetchall("SELECT * FROM encouragements WHERE target_id = ?", (bob.id,))
    assert received == []
    assert "BOB-REASON" in [r.text for r in await member_records.list_reasons(db, guild.id, bob.id)]


async def test_delete_can_be_cancelled_and_expires(world, simcord_env, db) -> None:
    guild, channel, alice, _ = world
    asked = await alice.slash(channel, "mydata delete")
    kept = await alice.click(asked.response.message, label="Keep my data")
    assert kept.acknowledged
    assert await member_records.get_member(db, guild.id, alice.id) is not None

    again = await alice.slash(channel, "mydata delete")
    await simcord_env.advance_time(301)
    message = again.response.message
    assert "expired" in message.content and not message.components
    assert await member_records.get_member(db, guild.id, alice.id) is not None


async def test_only_the_requester_can_confirm(simcord_bot: KeepGoingBot) -> None:
    """simcord can't show Alice's ephemeral prompt to Bob, so the view's own check is called
    with an interaction shaped like discord.py's (autospec), as the style guide allows."""
    view = ConfirmDelete(simcord_bot, guild_id=1, user_id=111)
    stranger = create_autospec(discord.Interaction, instance=True)
    stranger.user.id = 222
    stranger.response = create_autospec(discord.InteractionResponse, instance=True)
    stranger.response.is_done.return_value = False
    assert await view.interaction_check(stranger) is False
    stranger.response.send_message.assert_awaited_once()
    owner = create_autospec(discord.Interaction, instance=True)
    owner.user.id = 111
    assert await view.interaction_check(owner) is True


async def test_member_who_leaves_is_purged_after_retention_not_before(
    world, simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, alice, bob = world
    guild.remove_member(alice)
    await simcord_env.settle()
    member = await db.fetchone("SELECT left_at FROM members WHERE user_id = ?", (alice.id,))
    assert member["left_at"] is not None

    cog = simcord_bot.get_cog("MyData")
    clock.advance(days=29)
    await cog.purge()
    assert await member_records.get_member(db, guild.id, alice.id) is not None
    clock.advance(days=2)
    await cog.purge()
    assert await member_records.get_member(db, guild.id, alice.id) is None
    assert (await db.fetchone("SELECT count(*) FROM checkins WHERE user_id = ?", (alice.id,)))[
        0
    ] == 0
    assert await member_records.get_member(db, guild.id, bob.id) is not None


async def test_member_who_returns_in_time_keeps_their_journey(
    world, simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, alice, _ = world
    guild.remove_member(alice)
    await simcord_env.settle()
    clock.advance(days=10)
    guild.add_member(alice.user)
    await simcord_env.settle()
    clock.advance(days=30)
    await simcord_bot.get_cog("MyData").purge()
    history = await member_records.member_history(db, guild.id, alice.id)
    assert len(history.days) == 2


async def test_group_that_removes_the_bot_is_purged_after_retention(
    world, simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, _, _, _ = world
    simcord_env.backend.remove_guild(guild.id)
    await simcord_env.settle()
    cog = simcord_bot.get_cog("MyData")
    clock.advance(days=29)
    await cog.purge()
    assert (await db.fetchone("SELECT count(*) FROM checkins"))[0] > 0
    clock.advance(days=2)
    await cog.purge()
    values = await all_values(db)
    for table, rows in values.items():
        if table != "bot_state":
            assert rows == [], f"{table} still has rows"
