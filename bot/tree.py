"""The command tree with the bot's one error handler, and the helpers replies share."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.logs import ids
from bot.rules.errors import UserFacingError

if TYPE_CHECKING:
    from bot.bot import KeepGoingBot

log = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, something went wrong on my side and I couldn't finish that. "
    "Please try again in a moment."
)


async def reply_private(interaction: discord.Interaction[Any], content: str, **kwargs: Any) -> None:
    """An ephemeral answer, as the response or (if one was sent already) as a followup.

    Mentions are off unless the caller grants one explicitly.
    """
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, **kwargs)
    else:
        await interaction.response.send_message(content, ephemeral=True, **kwargs)


def database_trouble(error: BaseException) -> str | None:
    """What to tell a member when the database itself refused a write."""
    if not isinstance(error, sqlite3.OperationalError | sqlite3.DatabaseError):
        return None
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return (
            "My database is busy for a moment (a backup, perhaps). Nothing was saved: "
            "please try again in a minute."
        )
    if "full" in text:
        return (
            "My storage is full, so nothing was saved. The server's admins will need to make "
            "room; please try again later."
        )
    if "readonly" in text or "read-only" in text:
        return (
            "I can't write to my database right now, so nothing was saved. Please try again later."
        )
    return None


def message_for(error: BaseException) -> str | None:
    """What to tell the member about ``error``; None means it is a bug to log."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    elif isinstance(error, app_commands.TransformerError) and isinstance(
        error.__cause__, UserFacingError
    ):
        error = error.__cause__
    if isinstance(error, UserFacingError):
        return str(error)
    if (trouble := database_trouble(error)) is not None:
        return trouble
    if isinstance(error, app_commands.TransformerError):
        return "I couldn't use one of the values you gave. Check it and try again."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works inside a server, not in DMs."
    if isinstance(error, app_commands.MissingPermissions):
        return "Only members with the Manage Server permission can change the group's setup."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I'm missing a permission here: {missing}. Ask an admin to grant it."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Easy there: you can do that again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that command here."
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return STALE_COMMAND
    return None


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Tell the member what went wrong, privately; log anything that is a bug."""
    message = message_for(error)
    inner = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if message == STALE_COMMAND:  # not a bug: Discord hasn't seen the latest sync yet
        log.info("stale command from user %s: %s", interaction.user.id, error)
    if database_trouble(inner) is not None:
        log.error(
            "database refused a write (guild=%s user=%s): %s",
            interaction.guild_id,
            interaction.user.id,
            inner,
            **ids(interaction.guild_id, interaction.user.id),
        )
    if message is None:
        command = interaction.command.qualified_name if interaction.command else None
        log.error(
            "unexpected error (guild=%s user=%s command=%s)",
            interaction.guild_id,
            interaction.user.id,
            command,
            exc_info=error,
            **ids(interaction.guild_id, interaction.user.id),
        )
        message = APOLOGY
    try:
        await reply_private(interaction, message)
    except discord.HTTPException:
        log.warning("could not tell user %s about an error", interaction.user.id, exc_info=True)


STALE_COMMAND = (
    "That command has changed since your Discord app last loaded it. Give it a moment (or "
    "restart Discord) and try again."
)

# What each declared option type accepts in an interaction's data (Discord's
# "Application Command Option Type"): a boolean is True only when it is a real boolean.
_OPTION_VALUES: dict[discord.AppCommandOptionType, Callable[[Any], bool]] = {
    discord.AppCommandOptionType.string: lambda v: isinstance(v, str),
    discord.AppCommandOptionType.integer: lambda v: isinstance(v, int) and not isinstance(v, bool),
    discord.AppCommandOptionType.boolean: lambda v: isinstance(v, bool),
    discord.AppCommandOptionType.number: lambda v: (
        isinstance(v, int | float) and not isinstance(v, bool)
    ),
}
_SNOWFLAKE_TYPES = (
    discord.AppCommandOptionType.user,
    discord.AppCommandOptionType.channel,
    discord.AppCommandOptionType.role,
    discord.AppCommandOptionType.mentionable,
    discord.AppCommandOptionType.attachment,
)


def _leaf_options(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The options given to the subcommand the interaction names."""
    options = data.get("options", [])
    while options and options[0].get("type") in (1, 2):  # a subcommand (group)
        options = options[0].get("options", [])
    return options


def malformed_options(
    command: app_commands.Command[Any, ..., Any], data: dict[str, Any]
) -> str | None:
    """What is wrong with the option values an interaction carries, or None.

    Discord's client sends what the command declared; an older registration, a modified
    client or the API may not (a string where a boolean is declared, a value outside the
    choices, a required option missing). discord.py passes such values on as they are."""
    given = {o.get("name"): o for o in _leaf_options(data)}
    for parameter in command.parameters:
        option = given.get(parameter.display_name)
        if option is None:
            if parameter.required:
                return f"`{parameter.display_name}` is required. Pick a value and try again."
            continue
        value = option.get("value")
        if parameter.type in _SNOWFLAKE_TYPES:
            valid = isinstance(value, str | int) and str(value).isdigit()
        else:
            valid = _OPTION_VALUES.get(parameter.type, lambda v: True)(value)
        if not valid:
            return f"`{parameter.display_name}` got a value of the wrong kind. Try again."
        if parameter.choices and value not in [c.value for c in parameter.choices]:
            allowed = ", ".join(f"`{c.value}`" for c in parameter.choices)
            return f"`{parameter.display_name}` is one of: {allowed}."
    return None


class KeepGoingTree(app_commands.CommandTree["KeepGoingBot"]):
    async def interaction_check(self, interaction: discord.Interaction[KeepGoingBot]) -> bool:  # type: ignore[override]
        """Refuse, privately, a slash command whose option values don't match what it
        declared; nothing runs, so nothing is written or posted."""
        if interaction.type is not discord.InteractionType.application_command:
            return True
        command = interaction.command
        if not isinstance(command, app_commands.Command) or interaction.data is None:
            return True  # unknown commands reach on_error as CommandNotFound
        problem = malformed_options(command, dict(interaction.data))
        if problem is None:
            return True
        log.info(
            "malformed options for /%s from user %s", command.qualified_name, interaction.user.id
        )
        await reply_private(interaction, problem)
        return False

    async def on_error(
        self, interaction: discord.Interaction[KeepGoingBot], error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)
