"""The project's shape: every extension is loaded, and nothing that isn't one is."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import cogs
from bot.bot import EXTENSIONS


def test_every_extension_module_is_in_the_bots_tuple() -> None:
    found = {
        f"cogs.{info.name}"
        for info in pkgutil.iter_modules([str(Path(cogs.__file__).parent)])
        if not info.ispkg
    }
    assert found == set(EXTENSIONS)
    assert len(EXTENSIONS) == len(set(EXTENSIONS))


async def test_every_command_declares_the_guild_context(simcord_env, simcord_bot) -> None:
    # Discord's interaction context 0 is GUILD (developers/interactions/application-commands,
    # "Interaction Contexts"); a command without ``contexts`` is offered everywhere.
    contexts = {
        command.name: command.to_dict(simcord_bot.tree).get("contexts")
        for command in simcord_bot.tree.get_commands()
    }
    assert contexts and all(value == [0] for value in contexts.values()), contexts
