"""``PRIVACY_URL`` through ``python -m bot check``: shown when set, one line when it is bad."""

from __future__ import annotations

import pytest

from tests.subprocess_runs import Plan, Run, start_all

SECRET = "a-secret-token-value"
URL = "https://example.org/keep-going/privacy"

PLANS: dict[str, Plan] = {
    "good-url": Plan(
        ("check",), {"DISCORD_TOKEN": SECRET, "DATABASE_PATH": "kg.sqlite3", "PRIVACY_URL": URL}
    ),
    "bad-url": Plan(("check",), {"DISCORD_TOKEN": SECRET, "PRIVACY_URL": "example.org/privacy"}),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    return start_all(PLANS, tmp_path_factory, "-m", "bot")


def test_check_prints_the_privacy_url(runs: dict[str, Run]) -> None:
    run = runs["good-url"]
    assert run.returncode == 0, run.output
    assert any("PRIVACY_URL" in line and URL in line for line in run.stdout.splitlines())


def test_a_bad_privacy_url_stops_with_one_line(runs: dict[str, Run]) -> None:
    run = runs["bad-url"]
    assert run.returncode == 2, run.output
    assert "Traceback" not in run.output
    assert run.stdout == ""
    [line] = run.stderr_lines
    assert line.endswith(
        "PRIVACY_URL is invalid: must be a web address starting with https:// (or http://)."
    )
    assert SECRET not in run.output
