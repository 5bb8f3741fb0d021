"""Running the bot's command line as real subprocesses, all started at once.

Interpreter start-up dominates the cost of such a test, so a module plans every run
(`Plan`), `start_all` starts them together in empty folders of their own, and the tests only
inspect the results (`Run`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Every variable the bot reads: none of them leaks into a run from the developer's shell.
BOT_VARIABLES = frozenset(
    {
        "DISCORD_TOKEN",
        "DATABASE_PATH",
        "DEFAULT_TIMEZONE",
        "DEV_GUILD_ID",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "RETENTION_DAYS",
        "PRIVACY_URL",
    }
)
TIMEOUT = 60


@dataclass(frozen=True)
class Plan:
    args: tuple[str, ...]
    env: dict[str, str]
    prepare: Callable[[Path], None] | None = None


@dataclass(frozen=True)
class Run:
    cwd: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The current environment without any of the bot's variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in BOT_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def start_all(
    plans: Mapping[str, Plan], tmp_path_factory: pytest.TempPathFactory, *prefix: str
) -> dict[str, Run]:
    """Run ``python *prefix *plan.args`` for every plan at once, each in its own empty
    folder (prepared by ``plan.prepare``), and wait for all of them."""
    started: dict[str, tuple[Path, float, subprocess.Popen[str]]] = {}
    try:
        for name, plan in plans.items():
            cwd = tmp_path_factory.mktemp(name)
            if plan.prepare:
                plan.prepare(cwd)
            process = subprocess.Popen(
                [sys.executable, *prefix, *plan.args],
                cwd=cwd,
                env=clean_env(plan.env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
            started[name] = (cwd, time.monotonic(), process)
        results: dict[str, Run] = {}
        for name, (cwd, began, process) in started.items():
            stdout, stderr = process.communicate(timeout=TIMEOUT)
            seconds = time.monotonic() - began
            results[name] = Run(cwd, process.returncode, stdout, stderr, seconds)
        return results
    finally:
        for _cwd, _began, process in started.values():
            if process.poll() is None:
                process.kill()
                process.communicate()
