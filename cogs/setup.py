"""/setup: the group's scheduled posts, timezone and own texts. Manage Server only."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import KeepGoingBot
from bot.rules.errors import UserFacingError
from bot.rules.kinds import CHANNEL_POST_KINDS, ChannelPostKind, GroupPostKind, GroupTextKind
from bot.rules.schedule import WEEKDAYS, post_is_active
from bot.services import group_setup
from bot.services.group_setup import POST_NAMES, PostStatus
from cogs.ui.autocomplete import zone_autocomplete
from storage.models import GroupConfig

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

NEEDED: dict[ChannelPostKind, tuple[str, ...]] = {
    "morning": ("view_channel", "send_messages"),
    "patience": ("view_channel", "send_messages"),
    "recap": ("view_channel", "send_messages", "attach_files"),
}


def when(instant: datetime | None) -> str:
    if instant is None:
        return "off"
    return f"{instant:%a %d %b} at {instant:%H:%M}"


def status_line(status: PostStatus, timezone: str) -> str:
    if status.kind == "buddies":
        where = "members' DMs"
    else:
        where = f"<#{status.channel_id}>" if status.channel_id else "no channel yet"
    day = f"{WEEKDAYS[status.day]}s " if status.day is not None else "daily "
    state = "on" if status.enabled else "off"
    line = f"**{POST_NAMES[status.kind]}**: {state}, {day}at {status.time} in {where}"
    if status.next_at is not None:
        line += f" · next: {when(status.next_at)} ({timezone})"
    if status.last_problem:
        line += f"\n  ⚠️ Last problem: {status.last_problem}"
    return line


def check_bot_can_post(
    interaction: discord.Interaction[KeepGoingBot], channel_id: int, kind: ChannelPostKind
) -> None:
    guild = interaction.guild
    channel = guild.get_channel(channel_id) if guild else None
    if guild is None or channel is None or not isinstance(channel, discord.abc.Messageable):
        raise UserFacingError("I can't find that channel. Pick a text channel in this server.")
    permissions = channel.permissions_for(guild.me)
    missing = [name for name in NEEDED[kind] if not getattr(permissions, name)]
    if missing:
        names = ", ".join(name.replace("_", " ").title() for name in missing)
        raise UserFacingError(
            f"I can't post in {channel.mention}: I need {names} there. "
            "Grant it, or pick another channel. Nothing was changed."
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Setup(
    commands.GroupCog, group_name="setup", group_description="Set up the group's posts (admins)."
):
    prompts = app_commands.Group(
        name="prompts", description="The group's own morning prompts and patience reminders."
    )

    def __init__(self, bot: KeepGoingBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[KeepGoingBot]) -> bool:  # type: ignore[override]
        """Checked at run time too: a server can loosen a command's default permissions."""
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    async def _config(self, interaction: discord.Interaction[KeepGoingBot]) -> GroupConfig:
        assert interaction.guild_id is not None
        return await group_setup.group(
            self.bot.db,
            interaction.guild_id,
            self.bot.now(),
            self.bot.settings.default_timezone,
        )

    async def _after_change(self, interaction: discord.Interaction[KeepGoingBot]) -> GroupConfig:
        assert interaction.guild_id is not None
        await self.bot.scheduler.rebuild(interaction.guild_id)
        return await self._config(interaction)

    @app_commands.command(name="show", description="The whole setup and when each post goes next.")
    async def show(self, interaction: discord.Interaction[KeepGoingBot]) -> None:
        config = await self._config(interaction)
        statuses = await group_setup.post_statuses(self.bot.db, config, self.bot.now())
        lines = [f"**Keep Going setup**\nGroup timezone: {config.timezone}"]
        lines += [status_line(s, config.timezone) for s in statuses]
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @app_commands.command(name="timezone", description="The group's timezone for posts.")
    @app_commands.describe(zone="An IANA timezone name, such as Europe/Berlin")
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def timezone(
        self, interaction: discord.Interaction[KeepGoingBot], zone: app_commands.Range[str, 1, 64]
    ) -> None:
        config = await self._config(interaction)
        name = await group_setup.set_timezone(self.bot.db, config.guild_id, zone)
        config = await self._after_change(interaction)
        nexts = [
            f"{POST_NAMES[k]}: {when(group_setup.next_post(config, k, self.bot.now()))}"
            for k in CHANNEL_POST_KINDS
        ]
        await interaction.response.send_message(
            f"The group's timezone is now {name}. Members without their own timezone count "
            "their days in it.\n" + "\n".join(nexts),
            ephemeral=True,
        )

    async def _configure(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        kind: GroupPostKind,
        channel: discord.TextChannel | None,
        time: str | None,
        day: Weekday | None,
        enabled: bool,
    ) -> None:
        """The one body of ``/setup morning``, ``patience``, ``recap`` and ``buddies``: check
        the bot may post there, store the post's settings, reschedule, show its new status."""
        config = await self._config(interaction)
        channel_id = channel.id if channel else config.post(kind).channel_id
        if channel_id is None and interaction.channel_id is not None:
            channel_id = interaction.channel_id
        if kind == "buddies":
            channel_id = None
        elif post_is_active(kind, enabled, channel_id):
            check_bot_can_post(interaction, channel_id, kind)
        await group_setup.configure_post(
            self.bot.db,
            config,
            kind,
            channel_id=channel_id,
            time=time,
            day=day,
            enabled=enabled,
            now=self.bot.now(),
        )
        config = await self._after_change(interaction)
        statuses = await group_setup.post_statuses(self.bot.db, config, self.bot.now())
        status = next(s for s in statuses if s.kind == kind)
        await interaction.response.send_message(
            "Saved. " + status_line(status, config.timezone), ephemeral=True
        )

    @app_commands.command(name="morning", description="The daily morning prompt.")
    @app_commands.describe(
        channel="Where it goes out (default: where it is now, or this channel)",
        time="Local time as HH:MM, 24-hour (default 07:00)",
        enabled="Switch it on or off (default on)",
    )
    async def morning(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        channel: discord.TextChannel | None = None,
        time: app_commands.Range[str, 1, 5] | None = None,
        enabled: bool = True,
    ) -> None:
        await self._configure(interaction, "morning", channel, time, None, enabled)

    @app_commands.command(name="patience", description="The weekly patience reminder.")
    @app_commands.describe(
        channel="Where it goes out (default: where it is now, or this channel)",
        time="Local time as HH:MM, 24-hour (default 12:00)",
        day="Which day of the week (default wednesday)",
        enabled="Switch it on or off (default on)",
    )
    async def patience(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        channel: discord.TextChannel | None = None,
        time: app_commands.Range[str, 1, 5] | None = None,
        day: Weekday | None = None,
        enabled: bool = True,
    ) -> None:
        await self._configure(interaction, "patience", channel, time, day, enabled)

    @app_commands.command(name="recap", description="The weekly group recap with its picture.")
    @app_commands.describe(
        channel="Where it goes out (default: where it is now, or this channel)",
        time="Local time as HH:MM, 24-hour (default 18:00)",
        day="Which day of the week (default sunday)",
        enabled="Switch it on or off (default on)",
    )
    async def recap(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        channel: discord.TextChannel | None = None,
        time: app_commands.Range[str, 1, 5] | None = None,
        day: Weekday | None = None,
        enabled: bool = True,
    ) -> None:
        await self._configure(interaction, "recap", channel, time, day, enabled)

    @app_commands.command(name="buddies", description="When weekly buddies are paired (by DM).")
    @app_commands.describe(
        time="Local time as HH:MM, 24-hour (default 09:00)",
        day="Which day of the week (default monday)",
        enabled="Switch pairing on or off (default on)",
    )
    async def buddies(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        time: app_commands.Range[str, 1, 5] | None = None,
        day: Weekday | None = None,
        enabled: bool = True,
    ) -> None:
        await self._configure(interaction, "buddies", None, time, day, enabled)

    @prompts.command(name="add", description="Add the group's own prompt or reminder.")
    @app_commands.describe(kind="Morning prompt or patience reminder", text="The text")
    async def prompts_add(
        self,
        interaction: discord.Interaction[KeepGoingBot],
        kind: GroupTextKind,
        text: app_commands.Range[str, 1, group_setup.TEXT_LIMIT],
    ) -> None:
        config = await self._config(interaction)
        count = await group_setup.add_text(self.bot.db, config.guild_id, kind, text, self.bot.now())
        await interaction.response.send_message(
            f"Added as the group's {kind} text {count}. It joins the rotation with the "
            "built-in ones.",
            ephemeral=True,
        )

    @prompts.command(name="list", description="The group's own prompts or reminders.")
    @app_commands.describe(kind="Morning prompts or patience reminders")
    async def prompts_list(
        self, interaction: discord.Interaction[KeepGoingBot], kind: GroupTextKind
    ) -> None:
        config = await self._config(interaction)
        texts = await group_setup.list_texts(self.bot.db, config.guild_id, kind)
        if not texts:
            await interaction.response.send_message(
                f"The group has no {kind} texts of its own yet: only the built-in ones are "
                "used. Add one with `/setup prompts add`.",
                ephemeral=True,
            )
            return
        body = "\n".join(f"{n}. {t.text}" for n, t in enumerate(texts, start=1))
        embed = discord.Embed(title=f"The group's {kind} texts", description=body[:4000])
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @prompts.command(name="remove", description="Remove one of the group's own texts.")
    @app_commands.describe(kind="Morning prompt or patience reminder", number="As listed")
    async def prompts_remove(
        self, interaction: discord.Interaction[KeepGoingBot], kind: GroupTextKind, number: int
    ) -> None:
        config = await self._config(interaction)
        removed = await group_setup.remove_text(self.bot.db, config.guild_id, kind, number)
        await interaction.response.send_message(
            f"Removed {kind} text {number}:\n>>> {removed.text}", ephemeral=True
        )


async def setup(bot: KeepGoingBot) -> None:
    await bot.add_cog(Setup(bot))
