"""The bases every view and modal of the bot uses: one ``on_error`` for all of them.

Anything a button, select or modal raises is reported like a command's error, by the tree's
``report_error``: a private message to the member, and a logged traceback for a bug.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.tree import report_error


class KeepGoingView(discord.ui.View):
    """A view whose items' errors reach the member (``discord.ui.View`` only logs them)."""

    async def on_error(  # type: ignore[override]
        self,
        interaction: discord.Interaction[Any],
        error: Exception,
        item: discord.ui.Item[Any],
        /,
    ) -> None:
        await report_error(interaction, error)


class KeepGoingModal(discord.ui.Modal):
    """A modal whose ``on_submit`` errors reach the member (``discord.ui.Modal`` only logs
    them)."""

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await report_error(interaction, error)


def buttons_view(*items: discord.ui.Item[Any]) -> KeepGoingView:
    """A view that never times out, holding ``items`` (the bot's dynamic buttons, which keep
    working after a restart)."""
    view = KeepGoingView(timeout=None)
    for item in items:
        view.add_item(item)
    return view
