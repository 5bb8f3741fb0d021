"""``python -m bench [--quick]``: generate (or reuse) the synthetic community, run every
benchmark and print the table."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import aiosqlite

from bench import community
from bench.benchmarks import BENCHMARKS, Context
from bench.measure import Section, table
from bench.plans import Plan, hot_plans, render
from bench.scale import FULL, QUICK, SCALES, Scale
from bot.logs import setup_logging


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "aiosqlite": aiosqlite.__version__,
        "platform": platform.platform(),
    }


async def prepare(scale: Scale, folder: Path) -> tuple[Context, list[str]]:
    """The cached databases (generated when missing) and fresh working copies of them."""
    notes = []
    history, took = await community.history_db(scale, folder)
    notes.append(
        f"history database: {history}" + (f" (generated in {took:.1f} s)" if took else " (cached)")
    )
    fleet, took = await community.fleet_db(scale, folder)
    notes.append(
        f"fleet database: {fleet}" + (f" (generated in {took:.1f} s)" if took else " (cached)")
    )
    work = folder / f"work-{scale.name}"
    work.mkdir(parents=True, exist_ok=True)
    context = Context(
        scale=scale,
        history=community.working_copy(history, work / "history.sqlite3"),
        fleet=community.working_copy(fleet, work / "fleet.sqlite3"),
        work=work,
    )
    db = await community.open_database(context.history)
    try:
        counts = await community.table_counts(
            db, ("members", "checkins", "pauses", "reflections", "encouragements")
        )
    finally:
        await db.close()
    notes.append("history rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    return context, notes


async def run(
    scale: Scale,
    folder: Path,
    only: Sequence[int] = (),
    keep: bool = False,
    plans: list[Plan] | None = None,
) -> tuple[list[Section], list[str]]:
    """Run the benchmarks (all, or those in ``only``); with ``plans`` (a list), also collect
    the query plans of the hot paths into it."""
    context, notes = await prepare(scale, folder)
    sections = []
    try:
        for number, benchmark in BENCHMARKS.items():
            if only and number not in only:
                continue
            gc.collect()  # garbage from the previous benchmark is not this one's pause
            started = time.perf_counter()
            section = await benchmark(context)
            section.seconds = time.perf_counter() - started
            sections.append(section)
            print(f"  {section.name}: {section.seconds:.1f} s", file=sys.stderr, flush=True)
        if plans is not None:
            plans += await hot_plans(context.history, context.fleet)
    finally:
        if not keep:
            for path in (context.history, context.fleet):
                community._remove(path)
    return sections, notes


def report(
    scale: Scale, sections: Sequence[Section], notes: Sequence[str], seconds: float, *, md: bool
) -> str:
    info = machine()
    lines = [
        f"Keep Going benchmarks, {scale.name} scale: {scale.members:,} members × {scale.days} "
        f"days; {scale.fleet_groups:,} groups, {scale.fleet_groups * scale.fleet_members:,} "
        f"members with DMs on, {scale.fleet_due:,} DMs due in the burst",
        f"machine: {info['nproc']} × {info['cpu']}; Python {info['python']}, SQLite "
        f"{info['sqlite']}, aiosqlite {info['aiosqlite']}; {info['platform']}",
        "",
        table(sections, markdown=md),
        "",
        "ratio: value ÷ floor where there is a floor (measured in the same run), otherwise "
        "value ÷ the target's limit.",
    ]
    lines += [f"- {note}" for note in notes]
    lines += [f"- {detail}" for section in sections for detail in section.details]
    missed = [row.figure for section in sections for row in section.rows if row.met is False]
    lines.append(f"- total {seconds:.0f} s; targets missed: {', '.join(missed) or 'none'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small scale, under a minute (CI)")
    size.add_argument("--scale", choices=sorted(SCALES), help="a named scale")
    parser.add_argument("--only", default="", help="comma-separated benchmark numbers to run (1-7)")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="where generated databases are kept (default $KEEPGOING_BENCH_DIR or "
        "/tmp/keepgoing-bench)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the working copies")
    parser.add_argument(
        "--plans", action="store_true", help="also print EXPLAIN QUERY PLAN of the hot paths"
    )
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else SCALES[args.scale] if args.scale else FULL
    folder = args.cache_dir or community.cache_dir()
    only = [int(part) for part in args.only.split(",") if part.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    # The bot's own logging at INFO, as in production, written to a file beside the cache.
    handler = setup_logging(logging.INFO)
    handler.setStream(open(folder / f"bench-{scale.name}.log", "a", encoding="utf-8"))  # noqa: SIM115
    started = time.perf_counter()
    plans: list[Plan] | None = [] if args.plans else None
    sections, notes = asyncio.run(run(scale, folder, only, args.keep, plans))
    seconds = time.perf_counter() - started
    print(report(scale, sections, notes, seconds, md=args.markdown))
    if plans:
        print(render(plans, markdown=args.markdown))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scale": asdict(scale),
                    "machine": machine(),
                    "seconds": seconds,
                    "sections": [asdict(s) for s in sections],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
