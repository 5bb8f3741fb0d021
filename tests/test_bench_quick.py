"""The benchmark suite runs end to end at a tiny scale and produces a complete table.

Nothing here asserts a timing: only that every benchmark ran against the generated community
and reported every figure (the figures themselves live in docs/PERFORMANCE.md).
"""

from __future__ import annotations

import math
from pathlib import Path

from bench import community
from bench.__main__ import report, run
from bench.benchmarks import BENCHMARKS
from bench.measure import HEADERS, Row, Section, max_in_window, percentile, table
from bench.scale import TINY
from storage import open_database


async def test_every_benchmark_fills_its_rows(tmp_path: Path) -> None:
    sections, notes = await run(TINY, tmp_path)

    assert [s.name.split(".")[0] for s in sections] == [str(n) for n in BENCHMARKS]
    rows = [row for section in sections for row in section.rows]
    assert len(rows) >= 2 * len(BENCHMARKS)
    for row in rows:
        assert row.figure and row.unit and row.target
        assert isinstance(row.value, int | float) and math.isfinite(row.value), row
        if row.target != "—":
            assert row.met in (True, False), row
    assert all(section.details for section in sections)

    text = report(TINY, sections, notes, 1.0, md=False)
    header = text.splitlines()[3]
    assert header.split() == list(HEADERS)
    for row in rows:
        assert row.figure in text
    markdown = table(sections, markdown=True)
    assert markdown.count("\n") == len(rows) + 1


async def test_the_generated_community_uses_the_real_schema(tmp_path: Path) -> None:
    path, _ = await community.history_db(TINY, tmp_path)
    again, took = await community.history_db(TINY, tmp_path)
    assert (again, took) == (path, 0.0)  # cached by its parameters
    db = await open_database(path)
    try:
        assert await db.integrity_check() == ["ok"]
        assert not await db.fetchall("PRAGMA foreign_key_check")
        counts = await community.table_counts(db, ("members", "checkins", "pauses"))
        assert counts["members"] == TINY.members + len(community.JOURNEY_YEARS)
        assert counts["pauses"] > 0
        # Roughly 60 % of the big group's member-days carry a check-in.
        row = await db.fetchone(
            "SELECT count(*) FROM checkins WHERE user_id >= ?", (community.MEMBER_BASE,)
        )
        assert 0.3 < row[0] / (TINY.members * TINY.days) < 0.9
        zones = await db.fetchall("SELECT DISTINCT timezone FROM members")
        assert len(zones) > 5
    finally:
        await db.close()


def test_helpers() -> None:
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile([float(n) for n in range(1, 101)], 99) == 99.0
    assert max_in_window([0.0, 1.0, 2.0, 4.9, 5.0, 5.1], 5.0) == 5
    assert max_in_window([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], 5.0) == 5
    row = Row("figure", 1.5, "ms", "< 2 ms", None, 0.75, True)
    assert "yes" in table([Section("x", [row])])
