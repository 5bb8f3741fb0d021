"""Scheduled group posts through simcord and the test's clock: /setup, the three posts, DST,
restarts, the persistent Check in button, rotation and failures."""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import discord
import pytest
import simcord

from bot.bot import KeepGoingBot
from bot.rules import texts
from bot.rules.schedule import post_nonce
from bot.scheduler import fire_second
from bot.services import posting
from cogs.ui.checkin_views import CheckinModal
from storage import group_posts, member_records
from tests.conftest import FakeClock
from tests.discord_helpers import assert_pings_nobody
from tests.discord_rules import NonceMemory
from tests.scheduling import run_until

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def make_group(env: simcord.Env, name: str = "Runners"):
    guild = env.create_guild(name)
    channel = guild.create_text_channel("training")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user(f"admin-{name}"), roles=[admins])
    member = guild.add_member(env.create_user(f"member-{name}"))
    return guild, channel, admin, member


def posts_in(channel) -> list[discord.Message]:
    return [m for m in channel.history() if m.author.bot and not m.interaction_metadata]


def local(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")


async def test_setup_morning_replies_with_the_next_time(simcord_env, clock: FakeClock) -> None:
    _, channel, admin, _ = make_group(simcord_env)
    await admin.slash(channel, "setup timezone", zone="Europe/Berlin")
    result = await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    assert result.ephemeral
    # The clock reads Thu 26 Nov 08:00 UTC = 09:00 in Berlin: next is Friday 07:00.
    assert "next: Fri 27 Nov at 07:00 (Europe/Berlin)" in result.response.content
    assert f"<#{channel.id}>" in result.response.content


async def test_morning_prompts_go_out_at_local_time_in_two_timezones(
    simcord_env, simcord_bot: KeepGoingBot, clock: FakeClock
) -> None:
    _, berlin_channel, berlin_admin, _ = make_group(simcord_env, "Berlin")
    _, york_channel, york_admin, _ = make_group(simcord_env, "York")
    await berlin_admin.slash(berlin_channel, "setup timezone", zone="Europe/Berlin")
    await berlin_admin.slash(berlin_channel, "setup morning", channel=berlin_channel, time="07:00")
    await york_admin.slash(york_channel, "setup timezone", zone="America/New_York")
    await york_admin.slash(york_channel, "setup morning", channel=york_channel, time="06:30")

    fired = await run_until(simcord_env, simcord_bot, clock, clock() + timedelta(days=2))

    berlin_id = f"morning:{berlin_channel.guild.id}"
    york_id = f"morning:{york_channel.guild.id}"
    berlin = [local(f.at, BERLIN) for f in fired if f.job_id == berlin_id]
    york = [local(f.at, NEW_YORK) for f in fired if f.job_id == york_id]
    # From Thu 26 Nov 08:00 UTC (09:00 Berlin, 03:00 New York) to Sat 28 Nov 08:00 UTC.
    assert berlin == ["2026-11-27 07:00", "2026-11-28 07:00"]
    assert york == ["2026-11-26 06:30", "2026-11-27 06:30"]
    # Each group fires at its own second of the minute (groups sharing a minute spread out).
    seconds = {f.job_id: f.at.second for f in fired}
    assert seconds == {
        berlin_id: fire_second(berlin_channel.guild.id),
        york_id: fire_second(york_channel.guild.id),
    }
    assert len(posts_in(berlin_channel)) == 2
    assert len(posts_in(york_channel)) == 2
    prompt = posts_in(berlin_channel)[0]
    assert "Good morning" in prompt.content
    assert prompt.components[0].children[0].custom_id == "keepgoing:checkin:open"
    assert_pings_nobody(simcord_env, berlin_channel.id, prompt.id)


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("Europe/Berlin", "2026-03-29"),  # spring forward
        ("Europe/Berlin", "2026-10-25"),  # fall back
        ("America/New_York", "2026-03-08"),
        ("America/New_York", "2026-11-01"),
    ],
)
async def test_morning_prompt_keeps_local_time_across_dst(
    simcord_env, simcord_bot: KeepGoingBot, clock: FakeClock, zone: str, day: str
) -> None:
    tz = ZoneInfo(zone)
    _, channel, admin, _ = make_group(simcord_env)
    change = datetime.fromisoformat(day).replace(tzinfo=tz)
    clock.set(change - timedelta(days=2))
    await admin.slash(channel, "setup timezone", zone=zone)
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")

    fired = await run_until(simcord_env, simcord_bot, clock, change + timedelta(days=2))

    times = [local(f.at, tz) for f in fired]
    assert [t[-5:] for t in times] == ["07:00"] * 4  # the day before, the day, the day after …
    assert len(set(t[:10] for t in times)) == 4  # … once a day
    assert day in [t[:10] for t in times]
    assert len(posts_in(channel)) == 4


async def test_patience_and_recap_go_out_weekly(
    simcord_env, simcord_bot: KeepGoingBot, clock: FakeClock
) -> None:
    _, channel, admin, member = make_group(simcord_env)
    await admin.slash(channel, "setup timezone", zone="Europe/Berlin")
    await admin.slash(channel, "setup patience", channel=channel, time="12:00", day="friday")
    await admin.slash(channel, "setup recap", channel=channel, time="18:00", day="sunday")
    await member.slash(channel, "checkin", kind="practice")

    fired = await run_until(simcord_env, simcord_bot, clock, clock() + timedelta(days=14))

    kinds = [(f.job_id.split(":")[0], local(f.at, BERLIN)) for f in fired]
    assert kinds == [
        ("patience", "2026-11-27 12:00"),
        ("recap", "2026-11-29 18:00"),
        ("patience", "2026-12-04 12:00"),
        ("recap", "2026-12-06 18:00"),
    ]
    messages = posts_in(channel)
    assert "patience" in messages[0].content.lower()
    recap = messages[1]
    assert "1 of us showed up" in recap.content
    assert recap.attachments and recap.attachments[0].filename == "week.png"
    assert_pings_nobody(simcord_env, channel.id, recap.id)


async def test_restart_before_the_post_time_posts_once(
    simcord_env, bot_kwargs, clock: FakeClock
) -> None:
    _, channel, admin, _ = make_group(simcord_env)
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")  # UTC group
    clock.set(datetime(2026, 11, 27, 6, 0, tzinfo=UTC))
    bot = KeepGoingBot(**bot_kwargs)
    await simcord_env.restart_bot(bot)
    await run_until(simcord_env, bot, clock, datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    assert len(posts_in(channel)) == 1


async def test_post_missed_while_down_goes_out_late_within_grace(
    simcord_env, bot_kwargs, clock: FakeClock
) -> None:
    guild, channel, admin, _ = make_group(simcord_env)
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    clock.set(datetime(2026, 11, 27, 8, 30, tzinfo=UTC))  # down over 07:00, back 90 min late
    bot = KeepGoingBot(**bot_kwargs)
    await simcord_env.restart_bot(bot)
    await simcord_env.settle()
    assert len(posts_in(channel)) == 1
    entry = await group_posts.post_log_entry(bot_kwargs["db"], guild.id, "morning", "2026-11-27")
    assert entry.status == "sent"

    # Another restart in the same period sends nothing more.
    await simcord_env.restart_bot(KeepGoingBot(**bot_kwargs))
    await simcord_env.settle()
    assert len(posts_in(channel)) == 1


async def test_post_missed_beyond_grace_is_skipped_and_shown(
    simcord_env, bot_kwargs, clock: FakeClock, caplog
) -> None:
    guild, channel, admin, _ = make_group(simcord_env)
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    clock.set(datetime(2026, 11, 27, 9, 30, tzinfo=UTC))  # 2.5 h late: beyond the 2 h grace
    await simcord_env.restart_bot(KeepGoingBot(**bot_kwargs))
    await simcord_env.settle()

    assert posts_in(channel) == []
    entry = await group_posts.post_log_entry(bot_kwargs["db"], guild.id, "morning", "2026-11-27")
    assert entry.status == "skipped"
    assert any("skipped morning post" in r.getMessage() for r in caplog.records)
    shown = await admin.slash(channel, "setup show")
    assert "Last problem: skipped" in shown.response.content


async def test_claimed_but_unconfirmed_post_is_resent_with_the_same_nonce(
    simcord_env, bot_kwargs, clock: FakeClock
) -> None:
    guild, channel, admin, _ = make_group(simcord_env)
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    db = bot_kwargs["db"]
    # The bot claimed the 07:00 post and died before it could send.
    clock.set(datetime(2026, 11, 27, 7, 0, tzinfo=UTC))
    plan = await posting.plan_post(db, guild.id, "morning", clock(), random.Random(1))
    assert plan is not None

    clock.set(datetime(2026, 11, 27, 7, 5, tzinfo=UTC))
    await simcord_env.restart_bot(KeepGoingBot(**bot_kwargs))
    await simcord_env.settle()

    assert len(posts_in(channel)) == 1
    assert (
        posts_in(channel)[0].content.endswith("tap **Check in**.")
        and plan.text in posts_in(channel)[0].content
    )
    sends = [
        r.json
        for r in simcord_env.http_requests
        if r.method == "POST" and r.path == f"/channels/{channel.id}/messages"
    ]
    assert sends[-1]["nonce"] == post_nonce(guild.id, "morning", "2026-11-27")
    assert sends[-1]["enforce_nonce"] is True
    entry = await group_posts.post_log_entry(db, guild.id, "morning", "2026-11-27")
    assert entry.status == "sent"


async def test_check_in_button_works_on_a_prompt_posted_before_a_restart(
    simcord_env, bot_kwargs, simcord_bot, clock: FakeClock
) -> None:
    guild, channel, admin, member = make_group(simcord_env)
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    await run_until(simcord_env, simcord_bot, clock, datetime(2026, 11, 27, 7, 30, tzinfo=UTC))
    prompt = posts_in(channel)[0]

    await simcord_env.restart_bot(KeepGoingBot(**bot_kwargs))
    shown = await member.click(prompt, label="Check in")
    assert shown.modal is not None
    done = await member.submit_modal(
        shown,
        {
            "keepgoing:checkin:kind": ["rest"],
            "keepgoing:checkin:note": "Slept in, legs thank me <@&1> @everyone",
            "keepgoing:checkin:share": True,
        },
    )
    assert done.ephemeral
    assert "Rest day recorded for today" in done.response.content
    history = await member_records.member_history(bot_kwargs["db"], guild.id, member.id)
    assert history.days == frozenset({datetime(2026, 11, 27).date()})
    assert history.rest_days == 1
    shared = [m for m in channel.history() if "checked in" in m.content]
    assert len(shared) == 1 and shared[0].channel.id == channel.id
    assert_pings_nobody(simcord_env, channel.id, shared[0].id)


async def test_modal_note_over_the_limit_is_refused(
    simcord_env, simcord_bot, clock: FakeClock, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    guild, channel, admin, member = make_group(simcord_env)
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    await run_until(simcord_env, simcord_bot, clock, datetime(2026, 11, 27, 7, 30, tzinfo=UTC))
    # Discord's client stops at 500 characters; a modified one may not: the modal it shows
    # has no limit.
    monkeypatch.setattr(CheckinModal.note.component, "max_length", None)
    shown = await member.click(posts_in(channel)[0], label="Check in")
    assert "max_length" not in str(shown.modal)
    done = await member.submit_modal(
        shown, {"keepgoing:checkin:kind": ["practice"], "keepgoing:checkin:note": "n" * 501}
    )
    assert done.ephemeral
    assert "limit is 500" in done.response.content
    assert (await db.fetchone("SELECT count(*) FROM checkins"))[0] == 0


async def test_rotation_uses_every_text_before_repeating(db, clock: FakeClock) -> None:
    guild_id = 42
    await member_records.ensure_group(db, guild_id, "UTC", clock())
    await group_posts.set_post_config(
        db,
        guild_id,
        "morning",
        enabled=True,
        channel_id=7,
        time="07:00",
        day=None,
        now=datetime(2025, 12, 31, tzinfo=UTC),
    )
    for n in range(3):
        await group_posts.add_group_text(db, guild_id, "morning", f"Our own prompt {n}", clock())
    total = len(texts.MORNING_PROMPTS) + 3
    rng = random.Random(7)
    seen: list[str] = []
    clock.set(datetime(2026, 1, 1, 7, 0, tzinfo=UTC))
    for _ in range(total * 2):
        plan = await posting.plan_post(db, guild_id, "morning", clock(), rng)
        assert plan is not None
        await posting.mark_sent(db, plan, 1, clock())
        seen.append(plan.text)
        clock.advance(days=1)
    first, second = seen[:total], seen[total:]
    assert len(set(first)) == total and len(set(second)) == total
    assert {f"Our own prompt {n}" for n in range(3)} <= set(first)


async def test_non_admins_are_refused_even_if_the_server_allows_the_command(
    simcord_env, db
) -> None:
    guild, channel, admin, member = make_group(simcord_env)
    assert "setup show" not in member.available_commands(channel)
    command = simcord_env.backend.commands[None][("setup", 1)]
    guild.set_command_permissions(int(command["id"]), {member: True})
    assert "setup show" in member.available_commands(channel)

    for name, options in [
        ("setup show", {}),
        ("setup morning", {"time": "06:00"}),
        ("setup timezone", {"zone": "Asia/Tokyo"}),
        ("setup prompts add", {"kind": "morning", "text": "hello"}),
    ]:
        result = await member.slash(channel, name, **options)
        assert result.ephemeral
        assert "Manage Server" in result.response.content
    config = await group_posts.group_config(db, guild.id)
    assert config is None or (config.timezone == "UTC" and not config.morning.enabled)


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("setup morning", {"time": "25:99"}, "isn't a time"),
        ("setup patience", {"time": "7.30"}, "isn't a time"),
        ("setup timezone", {"zone": "Europe/Atlantis"}, "don't know the timezone"),
    ],
)
async def test_setup_bad_input_changes_nothing(
    simcord_env, db, command: str, options: dict, expected: str
) -> None:
    guild, channel, admin, _ = make_group(simcord_env)
    result = await admin.slash(channel, command, **options)
    assert result.ephemeral
    assert expected in result.response.content
    config = await group_posts.group_config(db, guild.id)
    assert config.timezone == "UTC"
    assert not config.morning.enabled and not config.patience.enabled


async def test_setup_refuses_a_channel_the_bot_cannot_post_in(simcord_env, db) -> None:
    guild, channel, admin, _ = make_group(simcord_env)
    closed = guild.create_text_channel(
        "closed", overwrites={guild.me: discord.PermissionOverwrite(send_messages=False)}
    )
    result = await admin.slash(channel, "setup recap", channel=closed, time="18:00")
    assert result.ephemeral
    assert "I need Send Messages" in result.response.content
    config = await group_posts.group_config(db, guild.id)
    assert not config.recap.enabled and config.recap.channel_id is None


async def test_missing_permission_at_post_time_fails_only_that_group(
    simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, admin, _ = make_group(simcord_env, "Broken")
    _, other_channel, other_admin, _ = make_group(simcord_env, "Fine")
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    await other_admin.slash(other_channel, "setup morning", channel=other_channel, time="07:00")
    simcord_env.inject_error(
        "POST",
        f"/channels/{channel.id}/messages",
        status=403,
        code=50013,
        message="Missing Permissions",
    )

    await run_until(simcord_env, simcord_bot, clock, datetime(2026, 11, 27, 8, 0, tzinfo=UTC))

    assert posts_in(channel) == []
    assert len(posts_in(other_channel)) == 1
    entry = await group_posts.post_log_entry(db, guild.id, "morning", "2026-11-27")
    assert entry.status == "failed"
    shown = await admin.slash(channel, "setup show")
    assert "Last problem: failed" in shown.response.content
    assert "missing a permission" in shown.response.content


async def test_setup_prompts_add_list_remove(simcord_env, db) -> None:
    guild, channel, admin, _ = make_group(simcord_env)
    await admin.slash(channel, "setup prompts add", kind="morning", text="One kind step today.")
    await admin.slash(channel, "setup prompts add", kind="morning", text="Hello @everyone")
    listed = await admin.slash(channel, "setup prompts list", kind="morning")
    assert listed.response.embeds[0].description.splitlines() == [
        "1. One kind step today.",
        "2. Hello @everyone",
    ]
    bad = await admin.slash(channel, "setup prompts remove", kind="morning", number=3)
    assert "pick one from 1 to 2" in bad.response.content
    await admin.slash(channel, "setup prompts remove", kind="morning", number=1)
    remaining = await group_posts.list_group_texts(db, guild.id, "morning")
    assert [t.text for t in remaining] == ["Hello @everyone"]
    empty = await admin.slash(channel, "setup prompts list", kind="patience")
    assert "no patience texts" in empty.response.content


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_passing_discord_fault_is_retried_with_the_same_nonce(
    simcord_env, simcord_bot, clock: FakeClock, db, status: int
) -> None:
    guild, channel, admin, _ = make_group(simcord_env)
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    simcord_env.inject_error(
        "POST", f"/channels/{channel.id}/messages", status=status, message="try later", times=1
    )
    fired = await run_until(
        simcord_env,
        simcord_bot,
        clock,
        datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
        kinds=("morning", "retry"),
    )

    assert [f.job_id.split(":")[0] for f in fired] == ["morning", "retry"]
    assert local(fired[1].at, ZoneInfo("UTC")) == "2026-11-27 07:01"
    assert len(posts_in(channel)) == 1
    nonces = [
        r.json["nonce"]
        for r in simcord_env.http_requests
        if r.method == "POST" and r.path == f"/channels/{channel.id}/messages"
    ]
    assert nonces == [post_nonce(guild.id, "morning", "2026-11-27")] * 2
    entry = await group_posts.post_log_entry(db, guild.id, "morning", "2026-11-27")
    assert entry.status == "sent"


async def test_faults_beyond_the_grace_window_end_as_skipped_never_doubled(
    simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, admin, _ = make_group(simcord_env)
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    simcord_env.inject_error(
        "POST", f"/channels/{channel.id}/messages", status=502, message="down", times=None
    )
    fired = await run_until(
        simcord_env,
        simcord_bot,
        clock,
        datetime(2026, 11, 27, 12, 0, tzinfo=UTC),
        kinds=("morning", "retry"),
    )
    retries = [f.at for f in fired if f.job_id.startswith("retry:")]
    # 1, 5 and then every 15 minutes, until the 2-hour grace is over.
    assert [local(t, ZoneInfo("UTC"))[-5:] for t in retries[:4]] == [
        "07:01",
        "07:06",
        "07:21",
        "07:36",
    ]
    assert retries[-1] <= datetime(2026, 11, 27, 9, 15, tzinfo=UTC)
    assert posts_in(channel) == []
    entry = await group_posts.post_log_entry(db, guild.id, "morning", "2026-11-27")
    assert entry.status == "skipped"


async def test_occurrences_before_the_setup_are_neither_sent_nor_reported_missed(
    simcord_env, bot_kwargs, clock: FakeClock, db
) -> None:
    guild, channel, admin, _ = make_group(simcord_env)
    # Set up on Thursday at 08:00 UTC: Wednesday's reminder and Sunday's recap never were due.
    await admin.slash(channel, "setup patience", channel=channel, time="12:00", day="wednesday")
    await admin.slash(channel, "setup recap", channel=channel, time="18:00", day="sunday")
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    await simcord_env.restart_bot(KeepGoingBot(**bot_kwargs))  # start-up catch-up runs
    await simcord_env.settle()
    assert posts_in(channel) == []
    assert await db.fetchall("SELECT * FROM post_log") == []
    shown = await admin.slash(channel, "setup show")
    assert "Last problem" not in shown.response.content


async def _post_whose_answers_are_lost(simcord_env, simcord_bot, clock: FakeClock):
    """A morning prompt whose first two sends reach Discord but whose answers never come
    back; the retries go out at 07:01 (inside Discord's nonce memory) and 07:06 (past it)."""
    guild, channel, admin, _ = make_group(simcord_env)
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    discord_rule = NonceMemory(simcord_bot, clock, window=timedelta(minutes=3))
    discord_rule.lose_answers = 2
    fired = await run_until(
        simcord_env,
        simcord_bot,
        clock,
        datetime(2026, 11, 27, 8, 0, tzinfo=UTC),
        kinds=("morning", "retry"),
    )
    assert [local(f.at, ZoneInfo("UTC"))[-5:] for f in fired] == ["07:00", "07:01", "07:06"]
    return guild, channel, discord_rule


async def test_a_resend_after_discord_forgot_the_nonce_finds_the_first_post(
    simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, discord_rule = await _post_whose_answers_are_lost(
        simcord_env, simcord_bot, clock
    )
    # 07:01: the nonce did it (Discord returned the first message); 07:06: the bot looked.
    assert discord_rule.deduplicated == 1
    [post] = posts_in(channel)
    entry = await group_posts.post_log_entry(db, guild.id, "morning", "2026-11-27")
    assert (entry.status, entry.message_id) == ("sent", post.id)


async def test_without_the_look_a_late_resend_doubles_the_post(
    simcord_env, simcord_bot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The negative control: trusting the nonce for the whole grace window is what doubled.
    loaded = sys.modules["cogs.scheduled_posts"]  # as discord.py loaded the extension
    monkeypatch.setattr(loaded, "nonce_may_have_expired", lambda *a, **k: False)
    _, channel, discord_rule = await _post_whose_answers_are_lost(simcord_env, simcord_bot, clock)
    assert discord_rule.created == 2
    assert len(posts_in(channel)) == 2


async def test_a_failed_post_goes_out_the_same_day_once_the_admin_fixes_it(
    simcord_env, simcord_bot, clock: FakeClock, db
) -> None:
    guild, channel, admin, _ = make_group(simcord_env)
    working = guild.create_text_channel("morning")
    await admin.slash(channel, "setup morning", channel=channel, time="07:00")
    simcord_env.inject_error(  # the channel is gone at post time
        "POST", f"/channels/{channel.id}/messages", status=404, code=10003, message="Unknown"
    )
    await run_until(simcord_env, simcord_bot, clock, datetime(2026, 11, 27, 13, 34, tzinfo=UTC))
    entry = await group_posts.post_log_entry(db, guild.id, "morning", "2026-11-27")
    assert entry.status == "failed"

    # 13:34: the admin moves the prompt to a working channel, a minute from now.
    moved = await admin.slash(working, "setup morning", channel=working, time="13:35")
    assert "next: Fri 27 Nov at 13:35" in moved.response.content  # truthfully, today
    shown = await admin.slash(working, "setup show")
    assert "Last problem" not in shown.response.content  # the fix clears the old warning
    await run_until(simcord_env, simcord_bot, clock, datetime(2026, 11, 27, 14, 0, tzinfo=UTC))

    assert len(posts_in(working)) == 1 and posts_in(channel) == []
    entry = await group_posts.post_log_entry(db, guild.id, "morning", "2026-11-27")
    assert (entry.status, entry.channel_id) == ("sent", working.id)
