"""Autocomplete shared by commands of more than one cog."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

import discord
from discord import app_commands

from bot.bot import KeepGoingBot


@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def zone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 zones matching what the member typed: prefix matches first."""
    needle = current.strip().lower().replace(" ", "_")
    zones = all_zones()
    if not needle:
        picks = [z for z in zones if "/" in z and not z.startswith("Etc/")][:25]
    else:
        starts = [z for z in zones if z.lower().startswith(needle)]
        contains = [z for z in zones if needle in z.lower() and z not in starts]
        picks = (starts + contains)[:25]
    return [app_commands.Choice(name=z, value=z) for z in picks]


async def zone_autocomplete(
    interaction: discord.Interaction[KeepGoingBot], current: str
) -> list[app_commands.Choice[str]]:
    """IANA timezone names for ``/settings timezone`` and ``/setup timezone``."""
    return zone_choices(current)
