"""/help: what members can do, and for admins what they can set up; each command one click."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from cogs.ui.command_links import CommandLinks, local_names

# (the commands of one line, what they are for). A line shows only the commands this bot has,
# and no line at all when it has none of them.
Line = tuple[tuple[str, ...], str]

MEMBER_LINES: tuple[Line, ...] = (
    (("checkin",), "record today: practice, rest or a setback. Rest days count as showing up."),
    (("journey",), "your own numbers and your year at a glance, just for you."),
    (("why add", "why list"), "write down why you train, and read it back when you need it."),
    (("pause", "resume"), "hurt, ill or away? Pause, and nothing breaks while you're gone."),
    (("setback",), "log a setback privately and turn it into one small next step."),
    (("win",), "celebrate something that went well, then back to the work."),
    (("encourage",), "send another member a kind word, in the channel or by DM."),
    (("buddies join",), "get paired with another member each week to cheer each other on."),
    (("settings show",), "your timezone, weekly target, DMs, and if we may celebrate you by name."),
    (("mydata export", "mydata delete"), "take everything stored about you, or erase it."),
    (("privacy",), "what Keep Going keeps, for how long, and who sees it."),
)

ADMIN_LINES: tuple[Line, ...] = (
    (("setup start",), "set up the group's posts in one go."),
    (("setup show",), "the whole setup, and when each post goes out next."),
    (("setup timezone",), "the group's timezone, for every scheduled post."),
    (("setup morning",), "the daily morning prompt: channel, time, on or off."),
    (("setup patience",), "the weekly reminder to be patient with the process."),
    (("setup recap",), "the weekly recap: how the group showed up, in totals about all of us."),
    (("setup buddies",), "when weekly buddies are paired."),
    (
        ("setup prompts add", "setup prompts list", "setup prompts remove"),
        "the group's own morning prompts and reminders, used beside the built-in ones.",
    ),
    (("setup preview",), "see a post as it would go out now, without sending it."),
)

INTRO = (
    "Keep Going helps you show up, day after day, at your own pace. What these commands show "
    "you is for you alone, unless you choose to share it."
)


def render(lines: tuple[Line, ...], links: CommandLinks, present: set[str]) -> list[str]:
    rendered = []
    for names, text in lines:
        shown = [links.link(name) for name in names if name in present]
        if shown:
            rendered.append(f"{' · '.join(shown)} — {text}")
    return rendered


def help_embed(links: CommandLinks, present: set[str], *, admin: bool) -> discord.Embed:
    parts = [INTRO, "", *render(MEMBER_LINES, links, present)]
    if admin:
        admin_lines = render(ADMIN_LINES, links, present)
        if admin_lines:
            parts += ["", "**For admins** (you have Manage Server)", *admin_lines]
    return discord.Embed(title="What you can do here", description="\n".join(parts))


class Help(commands.Cog):
    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot
        self.links = CommandLinks(bot)

    async def cog_load(self) -> None:
        # Fetched once the bot is ready (start-up's sync is done by then), never per /help.
        self.links.fetch_soon()

    async def cog_unload(self) -> None:
        self.links.cancel()

    @app_commands.command(name="help", description="What you can do with Keep Going.")
    @app_commands.guild_only()
    async def show_help(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        self.links.fetch_soon()  # only if an earlier fetch failed; this reply doesn't wait
        admin = interaction.permissions.manage_guild
        embed = help_embed(self.links, local_names(self.bot.tree), admin=admin)
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(Help(bot))
