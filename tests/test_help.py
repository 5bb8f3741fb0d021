"""/help and /privacy through the real discord.py client against simcord."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import discord
import pytest
import simcord
from pydantic import ValidationError

from bot.bot import KeepGoingBot
from bot.settings import Settings, explain
from cogs.help import ADMIN_LINES, MEMBER_LINES
from tests.discord_helpers import assert_pings_nobody

PRIVACY_URL = "https://example.org/keep-going/privacy"
MENTION = re.compile(r"</([a-z-]+(?: [a-z-]+){0,2}):(\d+)>")
# Words that put members in order; /help and /privacy never use them.
RANKING_WORDS = ("top", "best", "most active", "leaderboard", "rank #", "winner")


def make_admin(guild, env: simcord.Env, name: str = "carol"):
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    return guild.add_member(env.create_user(name), roles=[admins])


def described(result) -> str:
    assert result.ephemeral
    [embed] = result.response.embeds
    return f"{embed.title}\n{embed.description}"


def mentioned(text: str) -> dict[str, int]:
    return {name: int(command_id) for name, command_id in MENTION.findall(text)}


def synced_ids(env: simcord.Env) -> dict[str, int]:
    return {name: int(data["id"]) for (name, _kind), data in env.backend.commands[None].items()}


# ----------------------------------------------------------------------------- /help


async def test_help_for_a_member(world, simcord_env: simcord.Env) -> None:
    _, channel, alice, _ = world
    result = await alice.slash(channel, "help")
    text = described(result)

    links = mentioned(text)
    ids = synced_ids(simcord_env)
    assert "</checkin:" in text
    for name in ("checkin", "journey", "why add", "pause", "resume", "setback", "win"):
        assert name in links, name
    for name in ("encourage", "buddies join", "settings show", "mydata export", "privacy"):
        assert name in links, name
    # Each mention carries the id Discord gave the command (a subcommand: its command's id).
    assert all(ids[name.split()[0]] == command_id for name, command_id in links.items())
    assert "For admins" not in text
    assert not any(name.startswith("setup") for name in links)
    assert not any(word in text.lower() for word in RANKING_WORDS)
    assert_pings_nobody(simcord_env, channel.id, result.response.id)


async def test_help_for_an_admin_adds_what_they_can_set_up(world, simcord_env) -> None:
    guild, channel, _, _ = world
    carol = make_admin(guild, simcord_env)
    result = await carol.slash(channel, "help")
    text = described(result)

    links = mentioned(text)
    assert "For admins" in text
    for name in ("setup show", "setup timezone", "setup morning", "setup patience"):
        assert name in links, name
    assert "setup recap" in links and "setup prompts add" in links
    assert "checkin" in links  # the member section too
    assert text.index("For admins") > text.index("</checkin:")
    assert_pings_nobody(simcord_env, channel.id, result.response.id)


async def test_help_lists_only_commands_the_bot_has(
    world, simcord_env: simcord.Env, simcord_bot: KeepGoingBot
) -> None:
    guild, channel, _, _ = world
    carol = make_admin(guild, simcord_env)
    text = described(await carol.slash(channel, "help"))
    ours = {command.qualified_name for command in simcord_bot.tree.walk_commands()}
    assert set(mentioned(text)) <= ours
    listed = {name for names, _ in (*MEMBER_LINES, *ADMIN_LINES) for name in names}
    assert set(mentioned(text)) == listed & ours


async def test_help_falls_back_to_plain_names_and_links_once_discord_answers(
    world, simcord_env: simcord.Env, simcord_bot: KeepGoingBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, channel, alice, _ = world
    cog = simcord_bot.get_cog("Help")
    real_fetch = simcord_bot.tree.fetch_commands

    async def unavailable(*args: object, **kwargs: object) -> list[object]:
        raise discord.DiscordServerError(SimpleNamespace(status=503, reason="Unavailable"), "")

    # As if the fetch after start-up had failed, a while ago.
    cog.links.mentions, cog.links.fetched = {}, False
    monkeypatch.setattr(simcord_bot.tree, "fetch_commands", unavailable)
    result = await alice.slash(channel, "help")  # answers at once; its retry fails too
    text = described(result)
    assert "`/checkin`" in text and "`/mydata export`" in text
    assert "</" not in text

    monkeypatch.setattr(simcord_bot.tree, "fetch_commands", real_fetch)
    cog.links._failed_at = None  # the retry delay has passed
    await alice.slash(channel, "help")  # plain again, and asks in the background
    await simcord_env.settle()
    assert "</checkin:" in described(await alice.slash(channel, "help"))


# ----------------------------------------------------------------------------- /privacy


async def test_privacy_without_a_url(world, simcord_env: simcord.Env) -> None:
    _, channel, alice, _ = world
    result = await alice.slash(channel, "privacy")
    text = described(result)
    assert "</mydata export:" in text and "</mydata delete:" in text
    for what in ("check-ins", "notes", "reasons", "reflections", "pauses", "settings"):
        assert what in text, what
    assert "only you" in text.lower()
    assert "30 days" in text  # RETENTION_DAYS' default, as PRIVACY.md says
    assert "ask one of this server's admins" in text
    assert not result.response.components
    assert not any(word in text.lower() for word in RANKING_WORDS)
    assert_pings_nobody(simcord_env, channel.id, result.response.id)


class TestWithAUrl:
    @pytest.fixture
    def settings(self, db_path: Path) -> Settings:
        return Settings(
            _env_file=None,  # type: ignore[call-arg]
            discord_token="test-token-not-real",
            database_path=db_path,
            privacy_url=PRIVACY_URL,
            retention_days=45,
        )

    async def test_privacy_links_to_the_notice(self, world, simcord_env: simcord.Env) -> None:
        _, channel, alice, _ = world
        result = await alice.slash(channel, "privacy")
        text = described(result)
        assert "45 days" in text
        assert "button below" in text
        [row] = result.response.components
        [button] = row["components"]
        assert button["style"] == discord.ButtonStyle.link.value
        assert button["url"] == PRIVACY_URL
        assert button["label"] == "Read the full privacy notice"
        assert_pings_nobody(simcord_env, channel.id, result.response.id)


# ----------------------------------------------------------------------------- PRIVACY_URL


@pytest.mark.parametrize(
    "value",
    ["example.org/privacy", "ftp://example.org/privacy", "https://", "https://exa mple.org"],
)
def test_a_bad_privacy_url_is_one_line_naming_the_variable(value: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, discord_token="t", privacy_url=value)  # type: ignore[call-arg]
    line = explain(raised.value)
    assert line.startswith("PRIVACY_URL is invalid: must be a web address")
    assert "\n" not in line


def test_privacy_url_is_optional_and_described() -> None:
    blank = Settings(_env_file=None, discord_token="t", privacy_url=" ")  # type: ignore[call-arg]
    assert blank.privacy_url is None
    assert ("PRIVACY_URL", "not set") in blank.describe()
    given = Settings(_env_file=None, discord_token="t", privacy_url=PRIVACY_URL)  # type: ignore[call-arg]
    assert ("PRIVACY_URL", PRIVACY_URL) in given.describe()
