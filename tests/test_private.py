"""Private reflection and personal DMs through simcord and the test's clock. Everything here is
private: DMs or ephemeral replies; the tests also check that nothing reaches a channel."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import discord
import pytest
import simcord
from PIL import Image

from bot.bot import KeepGoingBot
from bot.dms import DirectMessenger
from bot.rules import texts
from bot.rules.journey_card import EMPTY_COLOUR, KIND_COLOURS, cell_center, weeks_layout
from storage import member_records, personal_dms
from tests.conftest import FakeClock


def dms(env: simcord.Env, actor) -> list[discord.Message]:
    return [m for m in actor.user.dm_channel.history() if m.author.bot]


def public_bot_posts(channel) -> list[discord.Message]:
    return [m for m in channel.history() if not m.flags.ephemeral]


async def tick(env: simcord.Env, bot: KeepGoingBot) -> None:
    await bot.get_cog("PersonalDMs").tick()
    await env.settle()


async def test_reflection_flow_end_to_end(world, simcord_env, simcord_bot, db) -> None:
    guild, channel, alice, _ = world
    await alice.slash(channel, "why add", reason="The quiet of the early miles")
    ack = await alice.slash(channel, "setback", what="Skipped the long run, tight calf")
    assert ack.ephemeral
    assert "Logged, privately" in ack.response.content
    assert any("sent you a DM" in f.content for f in ack.followups)

    [dm] = dms(simcord_env, alice)
    assert "information, not a verdict" in dm.content
    assert "The quiet of the early miles" in dm.content  # one of their own reasons
    shown = await alice.user.click(dm, label="Reflect")
    assert shown.modal is not None
    done = await alice.user.submit_modal(
        shown,
        {
            "keepgoing:reflect:answer:0": "Went too hard on Tuesday",
            "keepgoing:reflect:answer:1": "Easy days have to be easy",
            "keepgoing:reflect:answer:2": "Ten minutes of mobility tonight",
        },
    )
    assert "Reflections written: 1" in done.response.content
    row = await db.fetchone("SELECT what_happened, lesson, next_step FROM reflections")
    assert tuple(row) == (
        "Went too hard on Tuesday",
        "Easy days have to be easy",
        "Ten minutes of mobility tonight",
    )
    journey = await alice.slash(channel, "journey")
    assert "Reflections written: 1" in journey.response.content
    # Nothing private reached the channel: no public bot post at all.
    assert public_bot_posts(channel) == []


async def test_setback_checkin_opens_the_reflection_too(world, simcord_env) -> None:
    _, channel, alice, _ = world
    await alice.slash(channel, "checkin", kind="setback", note="rolled an ankle")
    [dm] = dms(simcord_env, alice)
    assert dm.components[0].children[0].label == "Reflect"


async def test_empty_reflection_is_refused(world, simcord_env, db) -> None:
    _, channel, alice, _ = world
    await alice.slash(channel, "setback")
    [dm] = dms(simcord_env, alice)
    shown = await alice.user.click(dm, label="Reflect")
    done = await alice.user.submit_modal(shown, {})
    assert "at least one answer" in done.response.content
    assert (await db.fetchone("SELECT count(*) FROM reflections"))[0] == 0


async def test_follow_up_the_next_day_at_local_time_once(
    world, simcord_env, simcord_bot, clock: FakeClock
) -> None:
    _, channel, alice, _ = world
    await alice.slash(channel, "settings timezone", zone="America/New_York")
    clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))  # 10:00 in New York
    await alice.slash(channel, "setback")
    before = len(dms(simcord_env, alice))

    clock.set(datetime(2026, 11, 27, 13, 59, tzinfo=UTC))  # 08:59 local
    await tick(simcord_env, simcord_bot)
    assert len(dms(simcord_env, alice)) == before
    clock.set(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))  # 09:00 local
    await tick(simcord_env, simcord_bot)
    follow_up = dms(simcord_env, alice)[-1]
    assert follow_up.content in texts.FOLLOW_UP_SETBACK
    clock.advance(minutes=1)
    await tick(simcord_env, simcord_bot)
    clock.advance(days=1)
    await tick(simcord_env, simcord_bot)
    assert len(dms(simcord_env, alice)) == before + 1


async def test_win_celebrates_shares_on_request_and_follows_up(
    world, simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    _, channel, alice, bob = world
    result = await alice.slash(channel, "win", what="First sub-25 5k <@&1> @everyone")
    assert result.ephemeral
    assert public_bot_posts(channel) == []
    shared = await alice.click(result.response.message, label="Share with the group")
    assert not shared.ephemeral
    post = public_bot_posts(channel)[-1]
    assert "First sub-25 5k" in post.content
    again = await alice.click(result.response.message, label="Share with the group")
    assert again.ephemeral and "already" in again.response.content

    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)
    assert dms(simcord_env, alice)[-1].content in texts.FOLLOW_UP_WIN


async def test_quiet_spell_dm_once_until_the_next_checkin(
    world, simcord_env, simcord_bot, clock: FakeClock
) -> None:
    _, channel, alice, _ = world
    await alice.slash(channel, "why add", reason="Because mornings feel better")
    await alice.slash(channel, "checkin", kind="practice")  # Thu 26 Nov
    clock.set(datetime(2026, 12, 4, 8, 59, tzinfo=UTC))  # day 8, before 09:00
    await tick(simcord_env, simcord_bot)
    assert dms(simcord_env, alice) == []
    clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)
    [quiet] = dms(simcord_env, alice)
    assert "quiet week" in quiet.content
    assert "1 day so far" in quiet.content
    assert "Because mornings feel better" in quiet.content
    for _ in range(5):
        clock.advance(days=1)
        await tick(simcord_env, simcord_bot)
    assert len(dms(simcord_env, alice)) == 1

    await alice.slash(channel, "checkin", kind="rest")  # back: a new quiet DM is planned
    pending = await personal_dms.pending_dms(simcord_bot.db, channel.guild.id, alice.id)
    assert [p.kind for p in pending] == ["quiet"]


async def test_morning_dms_at_each_members_local_time(
    world, simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, alice, bob = world
    await alice.slash(channel, "settings timezone", zone="Europe/Berlin")
    await alice.slash(channel, "settings morning-dm", enabled=True, time="07:30")
    await bob.slash(channel, "settings timezone", zone="America/New_York")
    ok = await bob.slash(channel, "settings morning-dm", enabled=True, time="06:00")
    assert "06:00 your time" in ok.response.content

    sent_at: dict[str, list[str]] = {"alice": [], "bob": []}
    start = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
    for minute in range(0, 48 * 60, 30):  # every half hour for two days
        clock.set(start + timedelta(minutes=minute))
        counts = (len(dms(simcord_env, alice)), len(dms(simcord_env, bob)))
        await tick(simcord_env, simcord_bot)
        if len(dms(simcord_env, alice)) > counts[0]:
            sent_at["alice"].append(clock().strftime("%d %H:%M"))
        if len(dms(simcord_env, bob)) > counts[1]:
            sent_at["bob"].append(clock().strftime("%d %H:%M"))
    assert sent_at["alice"] == ["27 06:30", "28 06:30"]  # 07:30 in Berlin
    assert sent_at["bob"] == ["27 11:00", "28 11:00"]  # 06:00 in New York

    # The Check in button in the DM records a check-in for the group.
    prompt = dms(simcord_env, bob)[-1]
    shown = await bob.user.click(prompt, label="Check in")
    done = await bob.user.submit_modal(
        shown, {"keepgoing:checkin:kind": ["practice"], "keepgoing:checkin:note": "easy 30"}
    )
    assert "Practice recorded for today" in done.response.content
    history = await member_records.member_history(db, guild.id, bob.id)
    assert history.days == frozenset({datetime(2026, 11, 28).date()})


async def test_due_dm_goes_out_once_across_a_restart(
    world, simcord_env, bot_kwargs, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, alice, _ = world
    await alice.slash(channel, "settings morning-dm", enabled=True, time="07:00")
    clock.set(datetime(2026, 11, 27, 7, 0, tzinfo=UTC))
    [due] = await personal_dms.due_dms(db, clock())
    assert await personal_dms.claim_dm(db, due.id, clock())  # claimed, then the bot died

    bot = KeepGoingBot(**bot_kwargs)
    await simcord_env.restart_bot(bot)
    clock.advance(minutes=1)
    await tick(simcord_env, bot)
    await tick(simcord_env, bot)
    assert len(dms(simcord_env, alice)) == 1
    sends = [r.json for r in simcord_env.http_requests if r.path.endswith("/messages")]
    assert sends[-1]["nonce"] == f"kgdm{due.id}"
    rows = await db.fetchall("SELECT kind, status FROM personal_dms ORDER BY id")
    assert [tuple(r) for r in rows] == [("morning", "sent"), ("morning", "pending")]


async def test_dms_closed_stored_noticed_once_never_retried_and_fallback(
    world, simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, alice, _ = world
    simcord_env.inject_error(
        "POST",
        "/channels/*/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=1,
    )
    ack = await alice.slash(channel, "setback", what="bad day")
    fallback = ack.followups[-1]
    assert fallback.ephemeral
    assert "couldn't DM you" in fallback.content
    assert await personal_dms.dms_closed(db, alice.id)
    # The fallback button opens the same reflection, here in the server.
    shown = await alice.click(fallback.message, label="Reflect")
    await alice.submit_modal(shown, {"keepgoing:reflect:answer:2": "Sleep first"})
    assert (await db.fetchone("SELECT count(*) FROM reflections"))[0] == 1

    # Tomorrow's follow-up is not even attempted: no retry against closed DMs.
    posts_before = sum(1 for r in simcord_env.http_requests if r.path.endswith("/messages"))
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)
    posts_after = sum(1 for r in simcord_env.http_requests if r.path.endswith("/messages"))
    assert posts_after == posts_before
    row = await db.fetchone(
        "SELECT status, detail FROM personal_dms WHERE kind = 'followup_setback'"
    )
    assert tuple(row) == ("skipped", "DMs closed")
    assert public_bot_posts(channel) == []


async def test_background_dm_failure_is_told_once_then_settings_retries(
    world, simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    _, channel, alice, _ = world
    await alice.slash(channel, "settings morning-dm", enabled=True, time="07:00")
    simcord_env.inject_error(
        "POST",
        "/channels/*/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=1,
    )
    clock.set(datetime(2026, 11, 27, 7, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)
    assert await personal_dms.dms_closed(db, alice.id)

    first = await alice.slash(channel, "journey")
    assert any("DMs are closed to me" in f.content and f.ephemeral for f in first.followups)
    second = await alice.slash(channel, "journey")
    assert not any("DMs are closed" in f.content for f in second.followups)

    # Using /settings asks for DMs again: the next morning DM is tried once more.
    await alice.slash(channel, "settings morning-dm", enabled=True)
    clock.set(datetime(2026, 11, 28, 7, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)
    assert len(dms(simcord_env, alice)) == 1


async def test_paused_members_get_nothing_scheduled(
    world, simcord_env, simcord_bot, clock: FakeClock
) -> None:
    _, channel, alice, _ = world
    await alice.slash(channel, "settings morning-dm", enabled=True, time="07:00")
    await alice.slash(channel, "pause", until="2026-11-30")
    for day in (27, 28, 29):
        clock.set(datetime(2026, 11, day, 7, 0, tzinfo=UTC))
        await tick(simcord_env, simcord_bot)
    assert dms(simcord_env, alice) == []
    clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))  # the pause is over
    await tick(simcord_env, simcord_bot)
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)
    contents = [m.content for m in dms(simcord_env, alice)]
    assert len(contents) == 2
    assert any("Good morning" in c for c in contents)
    assert any(c.split(" (")[0] in texts.WELCOME_BACK for c in contents)


async def test_dm_pacing_never_exceeds_the_rate(world, simcord_env, bot_kwargs, db, clock) -> None:
    # Production spreads 5 DMs per 5 s (one a second); the same limiter ten times faster keeps
    # the test short while checking the same rule: never more than 5 in any 0.5 s window.
    production = DirectMessenger(db).limiter
    assert production.max_rate == 1 and production.time_period == pytest.approx(1.01)
    simcord_bot = KeepGoingBot(**bot_kwargs, dms=DirectMessenger(db, rate=5, period=0.5))
    await simcord_env.restart_bot(simcord_bot)
    guild, channel = world[0], world[1]
    members = [guild.add_member(simcord_env.create_user(f"runner{n}")) for n in range(12)]
    for member in members:
        await member.slash(channel, "settings morning-dm", enabled=True, time="07:00")
    clock.set(datetime(2026, 11, 27, 7, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)

    assert all(len(dms(simcord_env, m)) == 1 for m in members)  # every due DM, once
    times = list(simcord_bot.dms.sent_times)
    assert len(times) == 12
    for i in range(len(times) - 5):
        assert times[i + 5] - times[i] >= 0.5 - 1e-3  # never 6 within one 0.5 s window


async def test_checkin_after_a_broken_streak_carries_a_patience_note(
    world, clock: FakeClock
) -> None:
    _, channel, alice, _ = world
    first = await alice.slash(channel, "checkin", kind="practice")
    assert not any(note in first.response.content for note in texts.STREAK_PATIENCE)
    clock.advance(days=5)  # the streak ended
    back = await alice.slash(channel, "checkin", kind="practice")
    assert any(note in back.response.content for note in texts.STREAK_PATIENCE)
    assert "shown up: 2 days in all" in back.response.content


async def test_personal_weekly_recap_dm_is_their_own_week(
    world, simcord_env, simcord_bot, clock: FakeClock
) -> None:
    _, channel, alice, bob = world
    await alice.slash(channel, "settings recap-dm", enabled=True)
    await alice.slash(channel, "checkin", kind="practice")  # Thu 26 Nov
    clock.advance(days=1)
    await alice.slash(channel, "checkin", kind="rest")
    for _ in range(4):
        await bob.slash(channel, "checkin", kind="practice")
        clock.advance(days=1)
    clock.set(datetime(2026, 11, 29, 17, 59, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)
    assert dms(simcord_env, alice) == []
    clock.set(datetime(2026, 11, 29, 18, 0, tzinfo=UTC))  # Sunday 18:00, her time (UTC)
    await tick(simcord_env, simcord_bot)
    [recap] = dms(simcord_env, alice)
    assert "Your week in Runners" in recap.content
    assert "Days shown up this week: 2" in recap.content
    assert "bob" not in recap.content
    assert dms(simcord_env, bob) == []  # bob never asked for one
    # Her last twelve weeks, drawn: her two days in their kinds, in words for screen readers.
    [picture] = recap.attachments
    assert picture.filename == "your-weeks.png"
    assert "2 days shown up" in picture.description
    image = Image.open(io.BytesIO(await picture.read())).convert("RGB")
    layout = weeks_layout(date(2026, 11, 29), 12)
    assert image.size == (layout.width, layout.height)
    assert image.getpixel(cell_center(layout, date(2026, 11, 26))) == KIND_COLOURS["practice"]
    assert image.getpixel(cell_center(layout, date(2026, 11, 27))) == KIND_COLOURS["rest"]
    assert image.getpixel(cell_center(layout, date(2026, 11, 28))) == EMPTY_COLOUR


async def test_a_stale_dm_channel_is_replaced_once(world, simcord_env, db) -> None:
    _, channel, alice, _ = world
    await alice.slash(channel, "why add", reason="x")  # creates her member row
    async with db.transaction() as conn:  # a DM channel id that no longer exists
        await conn.execute("UPDATE members SET dm_channel_id = 1 WHERE user_id = ?", (alice.id,))
    ack = await alice.slash(channel, "setback")
    assert any("sent you a DM" in f.content for f in ack.followups)
    assert len(dms(simcord_env, alice)) == 1
    stored = await personal_dms.dm_channel(db, alice.id)
    assert stored == alice.user.dm_channel.id


async def test_no_morning_dm_to_a_member_who_left(
    world, simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, alice, bob = world
    for member in (alice, bob):
        await member.slash(channel, "settings morning-dm", enabled=True, time="07:00")
    guild.remove_member(alice)
    await simcord_env.settle()  # the leave event stamps her departure
    clock.set(datetime(2026, 11, 27, 7, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)

    assert dms(simcord_env, alice) == []
    assert len(dms(simcord_env, bob)) == 1
    row = await db.fetchone(
        "SELECT status, detail FROM personal_dms WHERE user_id = ? AND kind = 'morning' "
        "AND status != 'pending'",
        (alice.id,),
    )
    assert tuple(row) == ("skipped", "no longer a member")


async def test_no_mutual_guilds_means_cant_dm_now_without_a_traceback(
    world, simcord_env, simcord_bot, clock: FakeClock, db, caplog
) -> None:
    _, channel, alice, _ = world
    await alice.slash(channel, "settings morning-dm", enabled=True, time="07:00")
    # Discord's answer when the member shares no server with the bot any more (50278), as
    # when the leave event was missed.
    simcord_env.inject_error(
        "POST",
        "/channels/*/messages",
        status=403,
        code=50278,
        message="Cannot send messages to this user due to having no mutual guilds",
        times=1,
    )
    clock.set(datetime(2026, 11, 27, 7, 0, tzinfo=UTC))
    await tick(simcord_env, simcord_bot)

    assert await personal_dms.dms_closed(db, alice.id)  # not tried again by itself
    assert not [r for r in caplog.records if r.exc_info]
    row = await db.fetchone(
        "SELECT status FROM personal_dms WHERE user_id = ? AND status != 'pending'", (alice.id,)
    )
    assert tuple(row) == ("skipped",)
