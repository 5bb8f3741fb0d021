"""Members' display names for the bot's own messages (the recap, the buddies DM)."""

from __future__ import annotations

from collections.abc import Iterable

import discord


async def display_names(guild: discord.Guild | None, user_ids: Iterable[int]) -> list[str]:
    """The display names, markdown escaped, of those of ``user_ids`` still in ``guild``, in the
    order given (a member who left is left out); none without the guild."""
    if guild is None:
        return []
    names = []
    for user_id in user_ids:
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.HTTPException:
                continue  # left the group
        names.append(discord.utils.escape_markdown(member.display_name))
    return names
