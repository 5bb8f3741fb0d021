"""/checkin and /journey through the real discord.py client against simcord."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import discord
import pytest
import simcord
from PIL import Image

from bot.bot import KeepGoingBot
from bot.rules.journey_card import EMPTY_COLOUR, KIND_COLOURS, cell_center, year_layout
from storage import member_records
from tests.conftest import FakeClock
from tests.discord_helpers import assert_pings_nobody, use_modified_client


async def count_checkins(db, user_id: int | None = None) -> int:
    if user_id is None:
        row = await db.fetchone("SELECT count(*) FROM checkins")
    else:
        row = await db.fetchone("SELECT count(*) FROM checkins WHERE user_id = ?", (user_id,))
    return int(row[0])


async def test_checkin_is_recorded_and_answered_privately(world, db) -> None:
    guild, channel, alice, _ = world
    result = await alice.slash(channel, "checkin", kind="practice", note="Easy 5k, felt smooth")

    assert result.ephemeral
    assert result.response is not None
    assert "Practice recorded for today" in result.response.content
    assert "shown up: 1 day in all" in result.response.content
    history = await member_records.member_history(db, guild.id, alice.id)
    assert history.days == frozenset({datetime(2026, 11, 26).date()})
    # Nothing public was posted.
    assert channel.history() == []


async def test_second_checkin_same_day_updates_and_counts_once(world, db) -> None:
    guild, channel, alice, _ = world
    await alice.slash(channel, "checkin", kind="practice", note="morning run")
    second = await alice.slash(channel, "checkin", kind="rest")

    assert "Updated today's check-in (it still counts once)" in second.response.content
    assert await count_checkins(db) == 1
    row = await db.fetchone("SELECT kind, note FROM checkins")
    assert (row["kind"], row["note"]) == ("rest", "morning run")

    journey = await alice.slash(channel, "journey")
    assert journey.ephemeral
    assert "Days shown up: **1**" in journey.response.content
    assert "Rest days: 1" in journey.response.content


async def test_streak_grows_across_local_days(world, clock: FakeClock) -> None:
    _, channel, alice, _ = world
    await alice.slash(channel, "checkin", kind="practice")
    clock.advance(days=1)
    await alice.slash(channel, "checkin", kind="rest")
    clock.advance(days=1)
    third = await alice.slash(channel, "checkin", kind="practice")
    assert "streak: 3 days" in third.response.content

    journey = await alice.slash(channel, "journey")
    assert "Current streak: 3 days · longest: 3 days" in journey.response.content


async def test_local_day_follows_the_members_timezone(world, db, clock: FakeClock) -> None:
    guild, channel, alice, bob = world
    clock.set(datetime(2026, 11, 26, 23, 30, tzinfo=UTC))
    await alice.slash(channel, "settings timezone", zone="Pacific/Kiritimati")  # UTC+14
    await alice.slash(channel, "checkin", kind="practice")
    await bob.slash(channel, "checkin", kind="practice")  # the group's UTC

    alice_days = (await member_records.member_history(db, guild.id, alice.id)).days
    bob_days = (await member_records.member_history(db, guild.id, bob.id)).days
    assert alice_days == frozenset({datetime(2026, 11, 27).date()})
    assert bob_days == frozenset({datetime(2026, 11, 26).date()})


async def test_yesterday_allowed_until_local_noon(world, db, clock: FakeClock) -> None:
    guild, channel, alice, _ = world
    await alice.slash(channel, "settings timezone", zone="America/New_York")
    # 11:59 in New York (UTC-5 in November).
    clock.set(datetime(2026, 11, 26, 16, 59, tzinfo=UTC))
    ok = await alice.slash(channel, "checkin", kind="rest", day="yesterday")
    assert "Rest day recorded for yesterday (Wed 25 Nov)" in ok.response.content

    # 12:00 in New York: too late for yesterday, nothing is written.
    clock.set(datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
    late = await alice.slash(channel, "checkin", kind="practice", day="yesterday")
    assert late.ephemeral
    assert "until noon" in late.response.content
    assert await count_checkins(db) == 1
    history = await member_records.member_history(db, guild.id, alice.id)
    assert history.days == frozenset({datetime(2026, 11, 25).date()})


async def test_overlong_note_from_a_modified_client_is_refused(
    world, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, channel, alice, _ = world
    use_modified_client(monkeypatch)
    result = await alice.slash(channel, "checkin", kind="practice", note="x" * 501)

    assert result.ephemeral
    assert "501 characters" in result.response.content
    assert "limit is 500" in result.response.content
    assert await count_checkins(db) == 0
    # A note of exactly 500 is fine.
    fine = await alice.slash(channel, "checkin", kind="practice", note="y" * 500)
    assert "recorded" in fine.response.content


async def test_unknown_kind_from_a_modified_client_is_refused(
    world, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, channel, alice, _ = world
    use_modified_client(monkeypatch)
    result = await alice.slash(channel, "checkin", kind="sprint")
    assert result.ephemeral
    assert await count_checkins(db) == 0


async def test_shared_checkin_echoes_the_note_without_pinging(
    world, db, simcord_env: simcord.Env
) -> None:
    guild, channel, alice, bob = world
    role = guild.create_role("Coaches", mentionable=True)
    note = f"Hill reps with {bob.mention} and <@&{role.id}> @everyone @here **bold**"
    result = await alice.slash(channel, "checkin", kind="practice", note=note, share=True)

    assert result.ephemeral  # the acknowledgement stays private
    public = channel.history()
    assert len(public) == 1
    post = public[0]
    assert not post.flags.ephemeral
    assert note in post.content
    assert "alice" in post.content
    assert_pings_nobody(simcord_env, channel.id, post.id)
    assert_pings_nobody(simcord_env, channel.id, result.response.id)
    shared = await db.fetchone("SELECT channel_id, message_id FROM shared_checkins")
    assert (shared["channel_id"], shared["message_id"]) == (channel.id, post.id)


async def test_cheer_once_per_member_and_count_on_the_button(
    world, db, simcord_env: simcord.Env
) -> None:
    guild, channel, alice, bob = world
    carol = guild.add_member(simcord_env.create_user("carol"))
    await alice.slash(channel, "checkin", kind="practice", share=True)
    post = channel.last_message

    await bob.click(post, label="Cheer")
    assert channel.last_message.components[0].children[0].label == "Cheer · 1"
    again = await bob.click(channel.last_message, label="Cheer · 1")
    assert again.ephemeral
    assert "already cheered" in again.response.content
    await carol.click(channel.last_message, label="Cheer · 1")
    assert channel.last_message.components[0].children[0].label == "Cheer · 2"

    own = await alice.click(channel.last_message, label="Cheer · 2")
    assert own.ephemeral
    assert "your own check-in" in own.response.content
    row = await db.fetchone("SELECT count(*) FROM cheers")
    assert row[0] == 2


async def test_cheer_button_works_after_a_restart(
    world, db, settings, clock, simcord_env: simcord.Env
) -> None:
    _, channel, alice, bob = world
    await alice.slash(channel, "checkin", kind="practice", share=True)
    post = channel.last_message

    await simcord_env.restart_bot(
        KeepGoingBot(settings=settings, db=db, clock=clock, run_scheduler=False)
    )
    await bob.click(post, label="Cheer")
    assert channel.last_message.components[0].children[0].label == "Cheer · 1"


async def test_journey_is_private_and_only_the_members_own(world, clock: FakeClock) -> None:
    _, channel, alice, bob = world
    for _ in range(3):
        await alice.slash(channel, "checkin", kind="practice")
        clock.advance(days=1)
    mine = await alice.slash(channel, "journey")
    theirs = await bob.slash(channel, "journey")

    assert mine.ephemeral and theirs.ephemeral
    assert "Days shown up: **3**" in mine.response.content
    assert "Days shown up: **0**" in theirs.response.content
    assert "alice" not in theirs.response.content


async def test_unexpected_error_gets_a_calm_apology_and_is_logged(
    world, simcord_env: simcord.Env, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    _, channel, alice, _ = world

    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("bot.services.member_service.journey_card", broken)
    result = await alice.slash(channel, "journey")

    assert result.ephemeral
    assert "something went wrong on my side" in result.response.content
    assert "disk on fire" not in result.response.content
    logged = [r for r in caplog.records if r.name == "bot.tree" and r.exc_info]
    assert logged and "disk on fire" in str(logged[0].exc_info[1])
    # Ids travel as fields too (LOG_FORMAT=json puts them in each line), never the note.
    assert (logged[0].guild_id, logged[0].user_id) == (channel.guild.id, alice.id)
    errors = simcord_env.acknowledge_errors()  # the error the tree reported
    assert any("disk on fire" in str(getattr(e, "original", e)) for e in errors)


async def test_commands_sync_only_when_the_tree_changed(
    world, db, settings, clock, simcord_env: simcord.Env
) -> None:
    def syncs() -> int:
        return sum(
            1
            for r in simcord_env.http_requests
            if r.method == "PUT" and r.path.endswith("/commands")
        )

    assert syncs() == 1  # first start with a new database
    assert await member_records.get_state(db, "command_tree_hash")
    await simcord_env.restart_bot(
        KeepGoingBot(settings=settings, db=db, clock=clock, run_scheduler=False)
    )
    assert syncs() == 1  # same tree: no second sync

    await member_records.set_state(db, "command_tree_hash", "stale")
    await simcord_env.restart_bot(
        KeepGoingBot(settings=settings, db=db, clock=clock, run_scheduler=False)
    )
    assert syncs() == 2


async def test_member_commands_are_not_offered_in_dms(simcord_env: simcord.Env) -> None:
    user = simcord_env.create_user("dana")
    assert "checkin" not in user.available_commands()
    assert isinstance(discord.AllowedMentions.none(), discord.AllowedMentions)


async def test_journey_shows_the_members_year_as_a_private_picture(world, clock: FakeClock) -> None:
    _, channel, alice, bob = world
    first = clock().date()
    for kind in ("practice", "rest", "setback"):
        await alice.slash(channel, "checkin", kind=kind)
        clock.advance(days=1)
    today = clock().date()
    await bob.slash(channel, "checkin", kind="practice")  # someone else's day: not drawn

    result = await alice.slash(channel, "journey")

    assert result.ephemeral
    [attachment] = result.response.attachments
    assert attachment.filename == "journey.png"
    assert "3 days shown up" in attachment.description
    image = Image.open(io.BytesIO(await attachment.read()))
    layout = year_layout(today)
    assert image.format == "PNG" and image.size == (layout.width, layout.height)
    pixels = image.convert("RGB")
    for offset, kind in enumerate(("practice", "rest", "setback")):
        day = first + timedelta(days=offset)
        assert pixels.getpixel(cell_center(layout, day)) == KIND_COLOURS[kind]
    assert pixels.getpixel(cell_center(layout, today)) == EMPTY_COLOUR  # not yet today
    # Nothing of it reaches the channel.
    assert all(not m.attachments for m in channel.history())


async def test_days_before_a_members_first_check_in_never_count_against_them(
    world, clock: FakeClock
) -> None:
    _, channel, alice, bob = world
    # Bob's encouragement gives Alice a member row days before she ever checks in.
    await bob.slash(channel, "encourage", member=alice, message="You've got this")
    clock.advance(days=5)
    first = await alice.slash(channel, "checkin", kind="practice")
    assert "Consistency: 1/1 day (last 28)" in first.response.content
    clock.advance(days=2)  # a day missed, and today not checked in yet
    journey = await alice.slash(channel, "journey")
    assert "shown up on 1 of 2 days you weren't paused" in journey.response.content
