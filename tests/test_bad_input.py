"""Bad input tried through the real client (a modified one, skipping Discord's own option
checks): unicode, right-to-left and zero-width characters, 10,000-character strings, markdown
and mention syntax, SQL fragments, timezones and dates at the edges. Each gets a clear private
reply or is stored verbatim and echoed with mentions disabled; nothing raises unhandled (the
simcord fixture fails the test on any unexpected error)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.discord_helpers import assert_pings_nobody, use_modified_client

NASTY = st.sampled_from(
    [
        "@everyone",
        "@here",
        "<@1>",
        "<@&1>",
        "<#1>",
        "**bold** __under__ ~~strike~~ `code` ||spoiler||",
        "\u202eevil right-to-left",
        "zero\u200bwidth\u200djoin\ufeff",
        "'; DROP TABLE checkins; --",
        '" OR 1=1 --',
        "Robert'); DELETE FROM members; --",
        "מרתון בוקר",
        "マラソン🏃‍♀️",
        "\n\n\n",
        " ",
    ]
)
TEXT = st.one_of(
    NASTY,
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=600),
    st.text(alphabet="ab @<>&#*_~`|", min_size=490, max_size=520),
    st.just("x" * 10_000),
)
SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(community, monkeypatch: pytest.MonkeyPatch):
    use_modified_client(monkeypatch)
    return community("alice", "bob")


async def fetch(db, sql: str, params: tuple = ()) -> list[tuple]:
    """Through the bot's own connection, so the test never blocks the loop on a lock."""
    if sql.startswith("DELETE"):
        async with db.transaction() as conn:
            await conn.execute(sql, params)
        return []
    return [tuple(r) for r in await db.fetchall(sql, params)]


def expected(text: str, limit: int) -> str | None:
    """What the bot stores for ``text``: trimmed, or None when empty; None also when over."""
    clean = text.replace("\x00", "").strip()
    return clean if clean and len(clean) <= limit else None


@SETTINGS
@given(note=TEXT)
@example(note="x" * 500)
@example(note="x" * 501)
async def test_checkin_note(world, simcord_env, db, note: str) -> None:
    _, channel, alice, _ = world
    before = (await fetch(db, "SELECT count(*) FROM checkins"))[0][0]
    result = await alice.slash(channel, "checkin", kind="practice", note=note, share=True)
    assert result.ephemeral and result.response is not None
    clean = note.strip()
    if len(clean) > 500:
        assert "limit is 500" in result.response.content
        assert (await fetch(db, "SELECT count(*) FROM checkins"))[0][0] == before
        return
    stored = (await fetch(db, "SELECT note FROM checkins ORDER BY updated_at DESC, id DESC"))[0][0]
    if clean:
        assert stored == clean  # verbatim
        post = channel.last_message
        assert clean in post.content
        assert_pings_nobody(simcord_env, channel.id, post.id)
    assert_pings_nobody(simcord_env, channel.id, result.response.id)


@SETTINGS
@given(reason=TEXT)
async def test_why_reason(world, simcord_env, db, reason: str) -> None:
    _, channel, alice, _ = world
    await fetch(db, "DELETE FROM reasons")
    result = await alice.slash(channel, "why add", reason=reason)
    assert result.ephemeral
    want = expected(reason, 300)
    rows = await fetch(db, "SELECT text FROM reasons")
    if want is None:
        assert rows == []
        assert "limit is 300" in result.response.content or "empty" in result.response.content
    else:
        assert rows == [(want,)]
        listed = await alice.slash(channel, "why list")
        assert want in listed.response.embeds[0].description
        assert_pings_nobody(simcord_env, channel.id, listed.response.id)


@SETTINGS
@given(message=TEXT)
async def test_encourage_message(world, simcord_env, db, message: str) -> None:
    guild, channel, alice, bob = world
    await fetch(db, "DELETE FROM encouragements")
    result = await alice.slash(channel, "encourage", member=bob, message=message)
    want = expected(message, 500)
    if want is None:
        assert result.ephemeral
        assert (await fetch(db, "SELECT count(*) FROM encouragements"))[0][0] == 0
    else:
        stored = simcord_env.backend.get_message(channel.id, result.response.id)
        assert want in result.response.content
        assert stored.ping_user_ids == [bob.id]
        assert stored.ping_role_ids == [] and stored.mention_everyone is False


@SETTINGS
@given(
    zone=st.one_of(
        TEXT,
        st.sampled_from(
            [
                "Europe/Berlin",
                "europe/berlin",
                "../../etc/passwd",
                "/etc/localtime",
                "UTC",
                "Etc/GMT+14",
                "America/Argentina/ComodRivadavia",
                "Pacific/Kiritimati",
                "Mars/Olympus_Mons",
                "localtime",
                "posixrules",
            ]
        ),
    )
)
async def test_settings_timezone(world, db, zone: str) -> None:
    guild, channel, alice, _ = world
    result = await alice.slash(channel, "settings timezone", zone=zone)
    assert result.ephemeral
    stored = await fetch(db, "SELECT timezone FROM members WHERE user_id = ?", (alice.id,))
    if "now follow" in result.response.content:
        assert stored and stored[0][0] and stored[0][0] in result.response.content
    else:
        assert "don't know the timezone" in result.response.content


@SETTINGS
@given(
    until=st.one_of(
        TEXT,
        st.sampled_from(
            [
                "2026-11-27",
                "2026-11-26",
                "2027-11-27",
                "2027-11-28",
                "2026-02-30",
                "0000-01-01",
                "9999-12-31",
                "2026-11-27T00:00",
                "२०२६-११-२७",
            ]
        ),
    )
)
async def test_pause_until(world, db, until: str) -> None:
    _, channel, alice, _ = world
    await fetch(db, "DELETE FROM pauses")
    result = await alice.slash(channel, "pause", until=until)
    assert result.ephemeral
    rows = await fetch(db, "SELECT end_date FROM pauses")
    if "You're paused" in result.response.content:
        assert rows and (rows[0][0] is None or rows[0][0] > "2026-11-26")
    else:
        assert rows == []


@SETTINGS
@given(time=st.one_of(TEXT, st.sampled_from(["25:99", "24:00", "7:05", "07:5", "-1:00", "0:00"])))
async def test_setup_time(world, simcord_env, db, time: str) -> None:
    guild, channel, _, _ = world
    admins = guild.create_role(
        "Admins", permissions=__import__("discord").Permissions(manage_guild=True)
    )
    admin = guild.add_member(
        simcord_env.create_user(f"admin{abs(hash(time)) % 10**9}"), roles=[admins]
    )
    result = await admin.slash(channel, "setup morning", channel=channel, time=time)
    assert result.ephemeral
    rows = await fetch(db, "SELECT morning_enabled, morning_time FROM groups")
    if result.response.content.startswith("Saved."):
        assert rows[0][1] in result.response.content
    else:
        assert "isn't a time" in result.response.content
