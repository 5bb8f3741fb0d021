"""Timing helpers and the results table."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Row:
    """One figure. ``ratio`` is value ÷ floor where the benchmark has a floor (a reference
    measured in the same run), else value ÷ the target's limit; ``met`` says whether the
    target holds (None: no target, shown for information)."""

    figure: str
    value: float | None
    unit: str
    target: str
    floor: float | None = None
    ratio: float | None = None
    met: bool | None = None


@dataclass
class Section:
    """What one benchmark produced: its rows, and lines of detail printed under the table."""

    name: str
    rows: list[Row] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100) of the samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(samples: Sequence[float]) -> float:
    return percentile(samples, 50)


def ms(seconds: float) -> float:
    return seconds * 1000.0


class Stopwatch:
    """``with Stopwatch() as w: ...`` then ``w.seconds``."""

    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started


class LagProbe:
    """Measures how late the event loop wakes a task that sleeps ``interval`` seconds: the
    longest lateness is the longest the loop was blocked (to within one interval)."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.lags.append(max(0.0, time.perf_counter() - before - self.interval))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="bench-lag-probe")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    @property
    def max_lag(self) -> float:
        return max(self.lags, default=0.0)


def max_in_window(times: Sequence[float], window: float) -> int:
    """The largest number of instants within any window of ``window`` seconds (closed at the
    start, open at the end)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, instant in enumerate(ordered):
        while instant - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


# --------------------------------------------------------------------------- the table

HEADERS = ("figure", "value", "target", "floor", "ratio", "met")


def _number(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, int) or abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".rstrip()


def cells(row: Row) -> tuple[str, ...]:
    met = "—" if row.met is None else ("yes" if row.met else "NO")
    ratio = "—" if row.ratio is None or math.isnan(row.ratio) else f"{row.ratio:.2f}"
    return (
        row.figure,
        _number(row.value, row.unit),
        row.target,
        _number(row.floor, row.unit),
        ratio,
        met,
    )


def table(sections: Sequence[Section], *, markdown: bool = False) -> str:
    lines = [cells(row) for section in sections for row in section.rows]
    if markdown:
        out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(HEADERS)]
    aligns = ("<", ">", "<", ">", ">", "<")

    def fmt(values: Sequence[str]) -> str:
        return "  ".join(f"{v:{a}{w}}" for v, a, w in zip(values, aligns, widths, strict=True))

    out = [fmt(HEADERS), fmt(["-" * w for w in widths])]
    out += [fmt(line) for line in lines]
    return "\n".join(out)
