"""Configuration from the environment (and a ``.env`` file), validated once at start-up."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
# Discord refuses a link button whose address is longer than this.
MAX_URL_LENGTH = 512


class DatabaseSettings(BaseSettings):
    """Only where the database lives: all that ``python -m bot backup`` reads.

    A backup needs no token, so a cron job or a timer can run it with nothing but
    ``DATABASE_PATH`` set, and a mistake in an unrelated setting doesn't stop the backups.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    database_path: Path = Path("data/keepgoing.sqlite3")


class Settings(DatabaseSettings):
    """Every setting the bot reads. Tests build it with ``Settings(_env_file=None, ...)``."""

    discord_token: SecretStr = Field(min_length=1)
    default_timezone: str = "UTC"
    dev_guild_id: int | None = Field(default=None, gt=0)
    log_level: str = "INFO"
    log_format: str = "text"
    # How long the data of a member who left, or of a server that removed the bot, is kept
    # (so a return restores it) before the daily purge deletes it. PRIVACY.md says 30.
    retention_days: int = Field(default=30, ge=1, le=365)
    # Where the privacy notice (PRIVACY.md) is published, for /privacy to link to.
    privacy_url: str | None = None

    @field_validator("discord_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        if not token or any(ch.isspace() for ch in token):
            raise ValueError("must be the bot token from the Developer Portal, without spaces")
        return SecretStr(token)

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as error:
            raise ValueError("must be an IANA timezone name such as Europe/Berlin") from error
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        log_format = value.strip().lower()
        if log_format not in LOG_FORMATS:
            raise ValueError(f"must be one of {', '.join(LOG_FORMATS)}")
        return log_format

    @field_validator("dev_guild_id", "privacy_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("privacy_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = value.strip()
        try:
            parts = urlsplit(url)
            hostname = parts.hostname
        except ValueError:  # such as an unclosed "[" around an IPv6 address
            hostname = None
        if (
            hostname is None
            or parts.scheme not in ("https", "http")
            or any(ch.isspace() for ch in url)
        ):
            raise ValueError("must be a web address starting with https:// (or http://)")
        if len(url) > MAX_URL_LENGTH:
            raise ValueError(f"must be at most {MAX_URL_LENGTH} characters (Discord's limit)")
        return url

    def describe(self) -> list[tuple[str, str]]:
        """The configuration as (variable, value) pairs, with the token hidden."""
        return [
            ("DISCORD_TOKEN", "set (hidden)"),
            ("DATABASE_PATH", str(self.database_path)),
            ("DEFAULT_TIMEZONE", self.default_timezone),
            ("DEV_GUILD_ID", str(self.dev_guild_id) if self.dev_guild_id else "not set"),
            ("LOG_LEVEL", self.log_level),
            ("LOG_FORMAT", self.log_format),
            ("RETENTION_DAYS", str(self.retention_days)),
            ("PRIVACY_URL", self.privacy_url or "not set"),
        ]

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]


def explain(error: ValidationError) -> str:
    """One line naming the variable to set, never the value that was given."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first.get("loc") else "settings"
    variable = field.upper()
    if first["type"] == "missing":
        if variable == "DISCORD_TOKEN":
            return (
                "DISCORD_TOKEN is not set: put your bot token in .env "
                "(see .env.example) or in the environment."
            )
        return f"{variable} is not set."
    if first["type"] in ("too_short", "string_too_short") and variable == "DISCORD_TOKEN":
        return "DISCORD_TOKEN is empty: put your bot token in .env (see .env.example)."
    message = str(first.get("msg", "")).removeprefix("Value error, ").rstrip(".")
    message = message[:1].lower() + message[1:]
    return f"{variable} is invalid: {message}."
