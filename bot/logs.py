"""Logging set-up, done once by the CLI."""

from __future__ import annotations

import logging


def setup_logging(level: int) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # discord.py's gateway chatter is useful only when debugging it.
    logging.getLogger("discord").setLevel(max(level, logging.INFO))
