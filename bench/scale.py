"""How big each run is: the full run the targets speak of, ``--quick`` for CI, and a tiny
one for the test suite. Every size that changes the generated data is part of its cache key."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    # The big group (``community.history_db``): members and days of history.
    members: int
    days: int
    # The fleet (``community.fleet_db``): groups whose morning prompts go out in the same
    # minute, members per group (all with morning DMs on), and DMs due in that minute.
    fleet_groups: int
    fleet_members: int
    fleet_due: int
    # How much each benchmark measures.
    checkins: int  # timed check_in calls, and as many floor upserts
    journey_calls: int  # per member
    recap_runs: int
    due_runs: int
    burst_window: float  # seconds of sending measured after the burst starts
    # Groups sharing a minute fire at their own second of it (bot/scheduler.trigger_for);
    # smaller runs squeeze that spread by this factor so that it fits their window.
    burst_spread: float
    interactions: int  # rounds of (do-nothing, /checkin) through simcord
    startup_rounds: int  # rounds of (empty, big) start-ups
    seed: int = 20261126

    @property
    def history_key(self) -> tuple[object, ...]:
        return ("history", self.members, self.days, self.seed)

    @property
    def fleet_key(self) -> tuple[object, ...]:
        return ("fleet", self.fleet_groups, self.fleet_members, self.fleet_due, self.seed)


FULL = Scale(
    name="full",
    members=50_000,
    days=365,
    fleet_groups=2_000,
    fleet_members=50,
    fleet_due=10_000,
    checkins=3_000,
    journey_calls=2_000,
    recap_runs=9,
    due_runs=60,
    burst_window=62.0,
    burst_spread=1.0,
    interactions=200,
    startup_rounds=5,
)

QUICK = Scale(
    name="quick",
    members=1_000,
    days=120,
    fleet_groups=100,
    fleet_members=20,
    fleet_due=500,
    checkins=300,
    journey_calls=150,
    recap_runs=3,
    due_runs=10,
    burst_window=4.0,
    burst_spread=0.05,
    interactions=15,
    startup_rounds=2,
)

# For tests/test_bench_quick.py: every benchmark runs end to end in a few seconds.
TINY = Scale(
    name="tiny",
    members=60,
    days=21,
    fleet_groups=6,
    fleet_members=5,
    fleet_due=12,
    checkins=20,
    journey_calls=5,
    recap_runs=1,
    due_runs=2,
    burst_window=1.0,
    burst_spread=0.01,
    interactions=2,
    startup_rounds=1,
)

SCALES = {s.name: s for s in (FULL, QUICK, TINY)}
