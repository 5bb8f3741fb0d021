"""Peer encouragement through simcord: /encourage, cheers and the daily cheers DM, buddies."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import discord
import pytest
import simcord

from bot.bot import KeepGoingBot
from storage import personal_dms
from tests.conftest import FakeClock
from tests.discord_helpers import assert_pings_nobody, stored_message
from tests.scheduling import run_until


@pytest.fixture
def world(community):
    return community("alice", "bob", "carol")


def dms(actor) -> list[discord.Message]:
    return [m for m in actor.user.dm_channel.history() if m.author.bot]


async def tick(env: simcord.Env, bot: KeepGoingBot) -> None:
    await bot.get_cog("PersonalDMs").tick()
    await env.settle()


async def encouragements(db) -> list[tuple]:
    rows = await db.fetchall("SELECT sender_id, target_id, public FROM encouragements ORDER BY id")
    return [tuple(r) for r in rows]


async def test_public_encouragement_pings_only_its_target(world, simcord_env, db) -> None:
    guild, channel, alice, bob, carol = world
    role = guild.create_role("Everyone-ish", mentionable=True)
    text = f"Proud of you! @everyone @here <@&{role.id}> and {carol.mention} too"
    result = await alice.slash(channel, "encourage", member=bob, message=text)

    assert not result.ephemeral
    post = result.response
    assert bob.mention in post.content and text in post.content
    message = stored_message(simcord_env, channel.id, post.id)
    assert message.ping_user_ids == [bob.id]
    assert message.ping_role_ids == []
    assert message.mention_everyone is False
    assert message.allowed_mentions.users == frozenset({bob.id})
    assert message.allowed_mentions.everyone is False
    assert result.followups[-1].ephemeral
    assert await encouragements(db) == [(alice.id, bob.id, 1)]


async def test_private_encouragement_goes_by_dm(world, simcord_env, db) -> None:
    _, channel, alice, bob, _ = world
    result = await alice.slash(
        channel, "encourage", member=bob, message="Your patience shows @everyone", private=True
    )
    assert result.ephemeral
    assert "Sent privately" in result.response.content
    [dm] = dms(bob)
    assert "alice" in dm.content and "Runners" in dm.content
    assert "Your patience shows @everyone" in dm.content
    assert_pings_nobody(simcord_env, dm.channel.id, dm.id)
    assert [m for m in channel.history() if not m.flags.ephemeral] == []
    assert await encouragements(db) == [(alice.id, bob.id, 0)]


async def test_encouraging_yourself_or_a_bot_is_refused_kindly(world, simcord_env, db) -> None:
    guild, channel, alice, _, _ = world
    helper_bot = guild.add_member(simcord_env.create_user("otherbot", bot=True))
    mine = await alice.slash(channel, "encourage", member=alice, message="go me")
    assert mine.ephemeral and "yourself" in mine.response.content
    robot = await alice.slash(channel, "encourage", member=helper_bot, message="beep")
    assert robot.ephemeral and "Bots keep going" in robot.response.content
    assert await encouragements(db) == []


async def test_cooldown_per_sender_and_target(world, clock: FakeClock, db) -> None:
    _, channel, alice, bob, carol = world
    await alice.slash(channel, "encourage", member=bob, message="one")
    again = await alice.slash(channel, "encourage", member=bob, message="two")
    assert again.ephemeral
    assert "60 more minutes" in again.response.content
    await alice.slash(channel, "encourage", member=carol, message="other target is fine")
    await bob.slash(channel, "encourage", member=alice, message="other sender is fine")
    clock.advance(minutes=61)
    await alice.slash(channel, "encourage", member=bob, message="three")
    assert [row[:2] for row in await encouragements(db)] == [
        (alice.id, bob.id),
        (alice.id, carol.id),
        (bob.id, alice.id),
        (alice.id, bob.id),
    ]


async def test_private_encouragement_to_closed_dms_is_not_delivered(world, simcord_env, db) -> None:
    _, channel, alice, bob, _ = world
    simcord_env.inject_error(
        "POST",
        "/channels/*/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
    )
    result = await alice.slash(channel, "encourage", member=bob, message="hi", private=True)
    assert "couldn't deliver" in result.response.content
    assert await encouragements(db) == []


async def test_cheers_reach_the_author_in_one_dm_a_day_at_most(
    world, simcord_env, simcord_bot, clock: FakeClock
) -> None:
    guild, channel, alice, bob, carol = world
    await alice.slash(channel, "checkin", kind="practice", share=True)
    post = channel.last_message
    await bob.click(post, label="Cheer")
    await carol.click(channel.last_message, label="Cheer · 1")
    assert dms(alice) == []  # never one DM per cheer

    # The cheers came at 08:00; her DM time is 09:00 (the default).
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)
    [summary] = dms(alice)
    assert "2 cheers" in summary.content
    assert "bob" not in summary.content and "carol" not in summary.content

    clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    dave = guild.add_member(simcord_env.create_user("dave"))
    await dave.click(channel.last_message, label="Cheer · 2")
    await tick(simcord_env, simcord_bot)
    assert len(dms(alice)) == 1  # the next summary waits for tomorrow
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)
    assert len(dms(alice)) == 2 and "1 cheer " in dms(alice)[-1].content


async def test_buddies_pair_willing_members_once_a_week(
    world, simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, alice, bob, carol = world
    dave = guild.add_member(simcord_env.create_user("dave"))
    erin = guild.add_member(simcord_env.create_user("erin"))
    for member in (alice, bob, carol, dave, erin):
        joined = await member.slash(channel, "buddies join")
        assert joined.ephemeral
    await dave.slash(channel, "pause", until="2026-12-10")  # paused: left out
    await personal_dms.set_dm_state(db, erin.id, "closed")  # DMs closed: left out

    # Monday 30 Nov 09:00 (the group's UTC; the job fires at the group's own second of that
    # minute): pair, then the minute job introduces them.
    await run_until(
        simcord_env,
        simcord_bot,
        clock,
        datetime(2026, 11, 30, 9, 1, tzinfo=UTC),
        kinds=("buddies",),
    )
    await tick(simcord_env, simcord_bot)
    intros = {m.user.name: dms(m) for m in (alice, bob, carol, dave, erin)}
    assert [len(intros[name]) for name in ("alice", "bob", "carol")] == [1, 1, 1]
    assert intros["dave"] == [] and intros["erin"] == []
    assert "bob and carol" in intros["alice"][0].content  # three willing: one trio
    assert "An idea for the week" in intros["alice"][0].content

    # Running the job again in the same week pairs nobody twice.
    await simcord_bot.get_cog("Encourage").pair_week(guild.id, "buddies")
    await tick(simcord_env, simcord_bot)
    assert len(dms(alice)) == 1
    rows = await db.fetchall("SELECT week, count(*) FROM buddy_pairs GROUP BY week")
    assert [tuple(r) for r in rows] == [("2026-11-30", 3)]


async def test_buddies_avoid_last_weeks_pairs(world, simcord_env, simcord_bot, clock, db) -> None:
    guild, channel, alice, bob, carol = world
    dave = guild.add_member(simcord_env.create_user("dave"))
    for member in (alice, bob, carol, dave):
        await member.slash(channel, "buddies join")
    weeks = []
    for monday in (30, 7, 14):
        month = 11 if monday == 30 else 12
        clock.set(datetime(2026, month, monday, 9, 0, tzinfo=UTC))
        await simcord_bot.get_cog("Encourage").pair_week(guild.id, "buddies")
        rows = await db.fetchall(
            "SELECT pair_no, user_id FROM buddy_pairs WHERE week = ? ORDER BY pair_no",
            (clock().date().isoformat(),),
        )
        pairs: dict[int, set[int]] = {}
        for row in rows:
            pairs.setdefault(row[0], set()).add(row[1])
        weeks.append({frozenset(p) for p in pairs.values()})
    # Four members have exactly three repeat-free pairings: three weeks use all three.
    assert len(weeks[0] | weeks[1] | weeks[2]) == 6


async def test_buddies_leave(world, db) -> None:
    _, channel, alice, _, _ = world
    await alice.slash(channel, "buddies join")
    left = await alice.slash(channel, "buddies leave")
    assert "no more weekly buddies" in left.response.content
    again = await alice.slash(channel, "buddies leave")
    assert "weren't in" in again.response.content
    assert (await db.fetchone("SELECT count(*) FROM buddy_members"))[0] == 0


async def test_no_command_ranks_or_counts_members(simcord_env, simcord_bot: KeepGoingBot) -> None:
    """The whole command tree, by name: nothing that could show who encouraged, cheered or
    checked in most. A new command has to be added here on purpose."""
    names = sorted(
        c.qualified_name
        for c in simcord_bot.tree.walk_commands()
        if not isinstance(c, discord.app_commands.Group)
    )
    assert names == sorted(
        [
            "buddies join",
            "buddies leave",
            "checkin",
            "encourage",
            "journey",
            "pause",
            "resume",
            "setback",
            "win",
            "why add",
            "why list",
            "why remove",
            "settings show",
            "settings timezone",
            "settings weekly-target",
            "settings celebrate-me",
            "settings morning-dm",
            "settings recap-dm",
            "settings patience-dm",
            "setup show",
            "setup timezone",
            "setup morning",
            "setup patience",
            "setup recap",
            "setup buddies",
            "mydata export",
            "mydata delete",
            "setup prompts add",
            "setup prompts list",
            "setup prompts remove",
            "help",
            "privacy",
        ]
    )
    for command in simcord_bot.tree.walk_commands():
        text = f"{command.name} {command.description}".lower()
        for word in ("leaderboard", "rank", "ranking", "top", "most active"):
            assert not re.search(rf"\b{word}\b", text)
