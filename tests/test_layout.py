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
