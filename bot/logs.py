"""Logging set-up, done once by the CLI: plain text or JSON lines, and the token never shown."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
TEXT_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
REDACTED = "[redacted]"

# Ids a log call may pass with ``extra=`` that the JSON lines carry as their own fields.
CONTEXT_FIELDS = ("guild_id", "user_id")


class RedactSecrets(logging.Filter):
    """Replaces each secret in a record's message, exception and stack text.

    Defence in depth: no code should log the token, but if a message, an argument or an
    exception ever carries it, it is redacted before any handler formats the record.
    Installed on the handler, so it sees records from every logger, discord.py's included.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(secret for secret in secrets if secret)

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler's own error report
            message = None
        if message is not None:
            record.msg, record.args = self._redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the ids passed with
    ``extra=`` (``guild_id``, ``user_id``), and the traceback as ``exc_info``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def make_formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter()
    return logging.Formatter(TEXT_FORMAT, TEXT_DATE_FORMAT)


def setup_logging(
    level: int, *, log_format: str = "text", secrets: Iterable[str] = ()
) -> logging.Handler:
    """Send every record to stderr as ``log_format`` (``text`` or ``json``), with each of
    ``secrets`` (the token) redacted. Returns the handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(make_formatter(log_format))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # discord.py's gateway chatter is useful only when debugging it.
    logging.getLogger("discord").setLevel(max(level, logging.INFO))
    # APScheduler logs every job it adds or runs: thousands of lines a day for many groups.
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
    # Keep Going has no voice features: discord.py's notes about voice libraries are noise.
    logging.getLogger("discord.client").addFilter(
        lambda record: "voice will NOT be supported" not in record.getMessage()
    )
    return handler


def ids(guild_id: int | None = None, user_id: int | None = None) -> dict[str, dict[str, int]]:
    """``extra=`` for a log call: the group and member ids as fields of JSON log lines."""
    fields = {"guild_id": guild_id, "user_id": user_id}
    return {"extra": {k: v for k, v in fields.items() if v is not None}}
