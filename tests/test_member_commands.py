"""/why, /settings, /pause and /resume through the real discord.py client against simcord."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import simcord

from storage import member_records
from tests.conftest import FakeClock
from tests.discord_helpers import assert_pings_nobody, use_modified_client


async def count(db, table: str) -> int:
    row = await db.fetchone(f"SELECT count(*) FROM {table}")  # table names are literals here
    return int(row[0])


# ----------------------------------------------------------------------------- /why


async def test_why_add_list_remove(world, db, simcord_env: simcord.Env) -> None:
    _, channel, alice, bob = world
    added = await alice.slash(channel, "why add", reason="Mornings outside before the world wakes")
    assert added.ephemeral
    assert "reason 1" in added.response.content
    await alice.slash(channel, "why add", reason=f"Running with {bob.mention} @everyone")
    await alice.slash(channel, "why add", reason="Because it's mine")

    listed = await alice.slash(channel, "why list")
    assert listed.ephemeral
    description = listed.response.embeds[0].description
    assert description.splitlines() == [
        "1. Mornings outside before the world wakes",
        f"2. Running with {bob.mention} @everyone",
        "3. Because it's mine",
    ]
    assert_pings_nobody(simcord_env, channel.id, listed.response.id)

    removed = await alice.slash(channel, "why remove", number=2)
    assert removed.ephemeral
    assert "Removed reason 2" in removed.response.content
    assert_pings_nobody(simcord_env, channel.id, removed.response.id)
    relisted = await alice.slash(channel, "why list")
    assert relisted.response.embeds[0].description.splitlines() == [
        "1. Mornings outside before the world wakes",
        "2. Because it's mine",
    ]
    # Bob sees none of Alice's reasons.
    theirs = await bob.slash(channel, "why list")
    assert "haven't written down" in theirs.response.content
    assert await count(db, "reasons") == 2


@pytest.mark.parametrize("number", [0, 4, -1, 99])
async def test_why_remove_a_number_that_does_not_exist(world, db, number: int) -> None:
    _, channel, alice, _ = world
    for text in ("one", "two", "three"):
        await alice.slash(channel, "why add", reason=text)
    result = await alice.slash(channel, "why remove", number=number)
    assert result.ephemeral
    assert f"no reason number {number}" in result.response.content
    assert "1 to 3" in result.response.content
    assert await count(db, "reasons") == 3


async def test_why_remove_with_no_reasons(world) -> None:
    _, channel, alice, _ = world
    result = await alice.slash(channel, "why remove", number=1)
    assert result.ephemeral
    assert "no reasons written down yet" in result.response.content


async def test_why_reason_over_300_from_a_modified_client(
    world, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, channel, alice, _ = world
    use_modified_client(monkeypatch)
    result = await alice.slash(channel, "why add", reason="r" * 301)
    assert result.ephemeral
    assert "limit is 300" in result.response.content
    assert await count(db, "reasons") == 0


async def test_why_has_a_limit(world, db) -> None:
    _, channel, alice, _ = world
    for n in range(member_records.MAX_REASONS):
        await alice.slash(channel, "why add", reason=f"reason {n}")
    result = await alice.slash(channel, "why add", reason="one too many")
    assert "Remove one" in result.response.content
    assert await count(db, "reasons") == member_records.MAX_REASONS


# ----------------------------------------------------------------------------- /settings


async def test_settings_timezone_valid_and_unknown(world, db) -> None:
    guild, channel, alice, _ = world
    ok = await alice.slash(channel, "settings timezone", zone="Europe/Berlin")
    assert ok.ephemeral
    assert "Europe/Berlin" in ok.response.content

    bad = await alice.slash(channel, "settings timezone", zone="Mars/Olympus_Mons")
    assert bad.ephemeral
    assert "don't know the timezone" in bad.response.content
    member = await member_records.get_member(db, guild.id, alice.id)
    assert member.timezone == "Europe/Berlin"  # unchanged by the bad input

    shown = await alice.slash(channel, "settings show")
    assert shown.ephemeral
    assert "Timezone: Europe/Berlin" in shown.response.content


async def test_settings_timezone_autocomplete(world) -> None:
    _, channel, alice, _ = world
    choices = await alice.autocomplete(channel, "settings timezone", "zone", "berl")
    assert choices[0]["value"] == "Europe/Berlin"
    assert len(choices) <= 25
    york = await alice.autocomplete(channel, "settings timezone", "zone", "new york")
    assert "America/New_York" in [c["value"] for c in york]


async def test_settings_weekly_target(world, db, monkeypatch: pytest.MonkeyPatch) -> None:
    guild, channel, alice, _ = world
    ok = await alice.slash(channel, "settings weekly-target", days=5)
    assert "5 days a week" in ok.response.content
    use_modified_client(monkeypatch)
    for days in (0, 8, -3):
        bad = await alice.slash(channel, "settings weekly-target", days=days)
        assert bad.ephemeral
        assert "from 1 to 7" in bad.response.content
    member = await member_records.get_member(db, guild.id, alice.id)
    assert member.weekly_target == 5


async def test_settings_celebrate_me_defaults_off(world, db) -> None:
    guild, channel, alice, _ = world
    shown = await alice.slash(channel, "settings show")
    assert "celebrated by name in the group: off" in shown.response.content
    await alice.slash(channel, "settings celebrate-me", enabled=True)
    assert (await member_records.get_member(db, guild.id, alice.id)).celebrate_me is True
    await alice.slash(channel, "settings celebrate-me", enabled=False)
    assert (await member_records.get_member(db, guild.id, alice.id)).celebrate_me is False


# ----------------------------------------------------------------------------- /pause


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        ("2026-11-25", "after today"),
        ("2026-11-26", "after today"),
        ("26/11/2026", "YYYY-MM-DD"),
        ("2026-13-01", "YYYY-MM-DD"),
        ("soon", "YYYY-MM-DD"),
    ],
)
async def test_pause_with_a_bad_date_writes_nothing(world, db, until: str, expected: str) -> None:
    _, channel, alice, _ = world
    result = await alice.slash(channel, "pause", until=until)
    assert result.ephemeral
    assert expected in result.response.content
    assert await count(db, "pauses") == 0


async def test_pause_keeps_the_streak_and_resume_welcomes_back(world, db, clock: FakeClock) -> None:
    guild, channel, alice, _ = world
    for _ in range(3):  # 26, 27, 28 Nov
        await alice.slash(channel, "checkin", kind="practice")
        clock.advance(days=1)
    paused = await alice.slash(channel, "pause", until="2026-12-03", reason="sprained ankle")
    assert paused.ephemeral
    assert "until 2026-12-03" in paused.response.content
    twice = await alice.slash(channel, "pause")
    assert "already paused until 2026-12-03" in twice.response.content
    assert await count(db, "pauses") == 1

    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))  # the pause is over
    back = await alice.slash(channel, "checkin", kind="practice")
    assert "streak: 4 days" in back.response.content
    journey = await alice.slash(channel, "journey")
    assert "Current streak: 4 days" in journey.response.content


async def test_resume_ends_an_open_pause(world, db, clock: FakeClock) -> None:
    guild, channel, alice, _ = world
    await alice.slash(channel, "pause")
    during = await alice.slash(channel, "journey")
    assert "You're paused" in during.response.content
    clock.advance(days=4)
    resumed = await alice.slash(channel, "resume")
    assert resumed.ephemeral
    assert "Today counts again" in resumed.response.content
    pauses = await member_records.list_pauses(db, guild.id, alice.id)
    assert [(p.start_date, p.end_date) for p in pauses] == [
        (date(2026, 11, 26), date(2026, 11, 30))
    ]
    again = await alice.slash(channel, "resume")
    assert "aren't paused" in again.response.content


async def test_pause_reason_over_the_limit_from_a_modified_client(
    world, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, channel, alice, _ = world
    use_modified_client(monkeypatch)
    result = await alice.slash(channel, "pause", reason="z" * 201)
    assert result.ephemeral
    assert "limit is 200" in result.response.content
    assert await count(db, "pauses") == 0
