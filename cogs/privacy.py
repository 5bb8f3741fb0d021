"""/privacy: what Keep Going stores, for how long, and how to take it or erase it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from cogs.ui.base import KeepGoingView
from cogs.ui.command_links import CommandLinks
from cogs.ui.wording import days

NOTICE_LABEL = "Read the full privacy notice"
NO_NOTICE_LINK = "For the full notice, ask one of this server's admins."


def privacy_text(links: CommandLinks, retention_days: int, *, has_url: bool) -> str:
    """The notice in short (PRIVACY.md says it at length; keep the two in step)."""
    return "\n\n".join(
        [
            "Keep Going keeps only what you give it through its commands, buttons and forms. "
            "It reads no messages, and it knows you by your Discord id, not your name.",
            "**What it keeps about you here**: your check-ins and their notes, your reasons, "
            "your setback reflections and wins, your pauses, your settings, the DMs planned "
            "for you and whether DMs reach you, and the encouragements and cheers you sent "
            "and received (who and when, never the message).",
            "**Who sees it**: only you. Nobody is ranked, and nothing of yours is shown to "
            "others unless you share it. The weekly recap speaks of all of us in totals; your "
            "name appears in it only to celebrate a milestone, and only if you turned on "
            f"{links.link('settings celebrate-me')}.",
            "**For how long**: while you're in this server, until you erase it. If you leave, "
            f"it's kept for {days(retention_days)} in case you come back, then deleted. "
            "If Keep Going is removed from the server, the same goes for everyone here.",
            f"**Take it or erase it**: {links.link('mydata export')} sends you a file with all "
            f"of it; {links.link('mydata delete')} erases all of it, once you confirm.",
            "The full notice: the button below." if has_url else NO_NOTICE_LINK,
        ]
    )


def notice_button(url: str) -> KeepGoingView:
    view = KeepGoingView(timeout=None)
    view.add_item(discord.ui.Button(style=discord.ButtonStyle.link, label=NOTICE_LABEL, url=url))
    return view


class Privacy(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot
        self.links = CommandLinks(bot)

    async def cog_load(self) -> None:
        self.links.fetch_soon()

    async def cog_unload(self) -> None:
        self.links.cancel()

    @app_commands.command(
        name="privacy", description="What Keep Going keeps about you, and how to take or erase it."
    )
    @app_commands.guild_only()
    async def privacy(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        self.links.fetch_soon()  # only if an earlier fetch failed; this reply doesn't wait
        url = self.bot.settings.privacy_url
        embed = discord.Embed(
            title="Your data in Keep Going",
            description=privacy_text(
                self.links, self.bot.settings.retention_days, has_url=url is not None
            ),
        )
        await interaction.response.send_message(
            embed=embed,
            view=notice_button(url) if url else discord.utils.MISSING,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(Privacy(bot))
