"""``EXPLAIN QUERY PLAN`` for the statements the hot paths really run.

Each hot path runs once against the benchmark's databases with SQLite's trace callback on, so
the statements are captured as SQLite ran them (with their values); each distinct statement
is then explained. Statements run by triggers are not shown: ``EXPLAIN QUERY PLAN`` does not
descend into them (each of migration 0009's is a seek on a primary key or a unique index).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bench import community as c
from bot.services import member_service
from bot.services.member_service import Who
from storage import open_database, personal_dms
from storage.db import Database


@dataclass
class Plan:
    path: str
    sql: str
    params: tuple[Any, ...] | dict[str, Any]
    plan: list[str] = field(default_factory=list)

    @property
    def full_scans(self) -> list[str]:
        return [line for line in self.plan if re.match(r"^\s*SCAN (?!CONSTANT ROW)", line)]


def _tidy(sql: str) -> str:
    return " ".join(sql.split())


async def explain(db: Database, path: str, captured: list[tuple[str, Any]]) -> list[Plan]:
    plans: dict[str, Plan] = {}
    for sql, params in captured:
        head = sql.lstrip().split(None, 1)[0].upper()
        if head not in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH") or _tidy(sql) in plans:
            continue
        rows = await db.fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
        depth: dict[int, int] = {0: 0}
        lines = []
        for row in rows:
            level = depth.get(row["parent"], 0) + 1
            depth[row["id"]] = level
            lines.append("  " * (level - 1) + str(row["detail"]))
        plans[_tidy(sql)] = Plan(path, _tidy(sql), params, lines)
    return list(plans.values())


async def _traced(db: Database, path: str, run: Callable[[], Awaitable[Any]]) -> list[Plan]:
    """Every statement ``run`` sends, as SQLite ran it (values bound in), whichever way it
    went: a read, a transaction, or a whole transaction run on the connection's thread."""
    statements: list[str] = []
    await db.conn.set_trace_callback(statements.append)
    try:
        await run()
    finally:
        await db.conn.set_trace_callback(None)
    return await explain(db, path, [(sql, ()) for sql in statements])


async def hot_plans(history_path, fleet_path) -> list[Plan]:
    """The plans of check-in, /journey, the recap, the DM query and the DM send path."""
    from bench.benchmarks import recap_plan, settings_for
    from bot.bot import KeepGoingBot
    from cogs.scheduled_posts import ScheduledPosts

    plans: list[Plan] = []
    db = await open_database(history_path)
    try:
        who = Who(c.GROUP_ID, c.MEMBER_BASE + 7, c.NOON + timedelta(hours=1), "UTC")
        plans += await _traced(
            db,
            "check-in",
            lambda: member_service.check_in(db, who, kind="practice", note="steady", day="today"),
        )
        journey_who = Who(c.GROUP_ID, c.journey_user(3), c.NOON, "UTC")
        plans += await _traced(db, "/journey", lambda: member_service.journey(db, journey_who))
        bot = KeepGoingBot(settings=settings_for(history_path), db=db, clock=lambda: c.NOON)
        cog = ScheduledPosts(bot)
        plans += await _traced(db, "weekly recap", lambda: cog.recap(recap_plan()))
    finally:
        await db.close()
    db = await open_database(fleet_path)
    try:
        plans += await _traced(db, "DMs due", lambda: personal_dms.due_dms(db, c.BURST_AT))
        member = c.FLEET_MEMBER_BASE + 7

        async def dm_path() -> None:
            await personal_dms.claim_dm(db, 1, c.BURST_AT)
            await personal_dms.dms_closed(db, member)
            await personal_dms.dm_channel(db, member)
            await personal_dms.set_dm_channel(db, member, member + 1)
            await personal_dms.finish_dm(db, 1, "sent", c.BURST_AT)
            await personal_dms.take_dm_notice(db, c.fleet_group(0), member)

        plans += await _traced(db, "DM send and command completion", dm_path)
    finally:
        await db.close()
    return plans


def render(plans: list[Plan], *, markdown: bool = False) -> str:
    """Each statement with its plan under it; Markdown puts each hot path in its own block."""
    out: list[str] = []
    path = None
    for plan in plans:
        if plan.path != path:
            if markdown and path is not None:
                out.append("```")
            path = plan.path
            out.append(f"\n**{path}**\n\n```" if markdown else f"\n== {path}")
        out.append(f"-- {plan.sql}")
        out += [f"     {line}" for line in plan.plan or ["(no table read)"]]
    if markdown and plans:
        out.append("```")
    return "\n".join(out)
