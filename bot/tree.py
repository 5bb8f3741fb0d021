"""The command tree with the bot's one error handler, and the helpers replies share."""

from __future__ import annotations

import logging
import sqlite3
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
    return None


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Tell the member what went wrong, privately; log anything that is a bug."""
    message = message_for(error)
    inner = error.original if isinstance(error, app_commands.CommandInvokeError) else error
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


class KeepGoingTree(app_commands.CommandTree["KeepGoingBot"]):
    async def on_error(
        self, interaction: discord.Interaction[KeepGoingBot], error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)
