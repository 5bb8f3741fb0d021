"""A crash harness: the real bot, a real SQLite file and simcord in one process that the
crash tests (``tests/test_crash.py``) start, signal and kill.

    python tests/crash_harness.py checkins --db PATH --seed N [--now ISO] [--members 6]
        [--commands 40] [--signal-after K] [--kill-after-commit K]
    python tests/crash_harness.py posts --db PATH --seed N --now ISO [--until ISO]
        [--kill-at claim|posted|sent|step --kill-nth K]

Every line on stdout is flushed as soon as it is true, so a parent that kills the process
knows exactly what was acknowledged before the kill:

- ``MEMBER <index> <user_id> <zone>`` the members, in the same order in every run (simcord's
  snowflakes are deterministic, so a restarted process sees the same ids).
- ``READY`` the bot is connected and the burst or the walk begins.
- ``SENT <user_id> <local_date> <kind>`` a ``/checkin`` is about to be used.
- ``ACK <user_id> <local_date> <kind>`` the moment simulated Discord receives the reply that
  acknowledges it ("recorded" or "Updated", with that day's date), before the bot goes on.
- ``SEND <kind> <period> <nonce> <enforce_nonce> <content_digest>`` the bot asked Discord to
  create a scheduled post (read from simcord's HTTP log as the request arrives).
- ``POSTED <kind> <period> <message_id>`` the post exists in the channel.
- ``NOW <iso>`` the simulated clock moved (posts mode).
- ``KILL <point>`` the harness is about to SIGKILL itself at a chosen point.
- ``SIGTERM`` it is about to send itself SIGTERM; ``CLOSED`` the shutdown finished.
- ``END <iso>`` / ``DONE`` the burst or the walk finished normally.

Each process has its own simulated Discord: messages do not survive a restart, the
database does. The clock is a fake clock the harness moves; ``--now`` starts it where the
parent says, so a restarted process resumes the simulated time.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make bot/, cogs/, storage/, tests/ importable
    sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
import simcord  # noqa: E402
from discord import app_commands  # noqa: E402

import storage.member_records  # noqa: E402
from bot.__main__ import run_until_signal  # noqa: E402
from bot.bot import KeepGoingBot  # noqa: E402
from bot.rules.errors import UserFacingError  # noqa: E402
from bot.rules.kinds import CHANNEL_POST_KINDS  # noqa: E402
from bot.rules.schedule import post_nonce  # noqa: E402
from bot.services import posting  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage import group_posts, open_database  # noqa: E402
from tests.conftest import FakeClock  # noqa: E402
from tests.discord_helpers import unpaced_dms  # noqa: E402

GUILD_ID = 1_300_000_000_000_000_001
# Member i lives in ZONES[i % len(ZONES)]: local days differ from UTC days on purpose.
ZONES = (
    "UTC",
    "America/New_York",
    "Asia/Tokyo",
    "Europe/Berlin",
    "Pacific/Kiritimati",
    "America/Los_Angeles",
)
CHECKIN_START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # a Thursday
# Posts: the group lives in Berlin; morning 07:00 daily, patience Friday 12:00, recap
# Sunday 18:00. From Thu 26 Nov 05:00 UTC to Mon 30 Nov 05:00 UTC that is six periods.
POSTS_ZONE = "Europe/Berlin"
POSTS_START = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
POSTS_UNTIL = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
POSTS_SETUP = (
    ("setup timezone", {"zone": POSTS_ZONE}),
    ("setup morning", {"time": "07:00"}),
    ("setup patience", {"time": "12:00", "day": "friday"}),
    ("setup recap", {"time": "18:00", "day": "sunday"}),
)
WALK_STEP = timedelta(minutes=10)
KILL_POINTS = ("claim", "posted", "sent", "step")

NOTES = (
    None,
    None,
    "Easy 5k, felt smooth",
    "Hill reps, **hard** but good",
    "Slept in <@1> @everyone",
    "Long run 🏃 ünïcödé",
    "x" * 500,
)


def emit(*parts: object) -> None:
    """One line on stdout, flushed at once: the parent may kill us right after."""
    sys.stdout.write(" ".join(str(part) for part in parts) + "\n")
    sys.stdout.flush()


def die(point: str) -> None:
    """SIGKILL ourselves: no cleanup, no atexit, no flush beyond what was already written."""
    emit("KILL", point)
    os.kill(os.getpid(), signal.SIGKILL)


def content_digest(content: str | None) -> str:
    return hashlib.sha256((content or "").encode()).hexdigest()[:16]


def local_day(now: datetime, zone: str, day: str) -> date:
    """The day a check-in counts for, computed here independently of bot/days.py."""
    today = now.astimezone(ZoneInfo(zone)).date()
    return today - timedelta(days=1) if day == "yesterday" else today


def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def settings_for(db_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token="crash-harness-not-a-token",
        database_path=db_path,
        default_timezone="UTC",
    )


async def start(env: simcord.Env, bot: KeepGoingBot) -> None:
    """Connect the bot. Real Discord keeps slash commands registered across restarts, so
    the bot syncs only when its tree changed; this process's simulated Discord is new, so
    it is given the commands an earlier process synced on the same database."""
    await env.start()
    with env.time_context():
        await bot.tree.sync()


class SeededBot(KeepGoingBot):
    """The real bot, with the cogs' random picks (the rotating post texts, buddy pairs)
    seeded, so a trial repeats. Seeded before the start-up catch-up task first runs."""

    def __init__(self, *, seed: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed = seed

    async def setup_hook(self) -> None:
        await super().setup_hook()
        for name in ("ScheduledPosts", "Encourage"):
            cog = self.get_cog(name)
            if cog is not None and hasattr(cog, "rng"):
                cog.rng = random.Random(f"{self.seed}:{name}")


def unexpected_errors(env: simcord.Env) -> list[BaseException]:
    """What the bot raised, minus refusals shown to members on purpose (as in conftest)."""
    found = []
    for error in env.errors:
        inner = getattr(error, "original", None) or error.__cause__ or error
        refusals = (UserFacingError, app_commands.CheckFailure)
        if not (isinstance(inner, refusals) or isinstance(error, refusals)):
            found.append(error)
    return found


def tap_requests(env: simcord.Env, on_request: Callable[[Any], None]) -> None:
    """Call ``on_request`` with every REST request the moment simulated Discord receives it,
    before it is answered: what is printed then is what Discord already has."""

    class TappedLog(list):  # type: ignore[type-arg]
        def append(self, entry: Any) -> None:
            super().append(entry)
            on_request(entry)

    env.backend.http_requests = TappedLog(env.backend.http_requests)


def request_body(entry: Any) -> dict[str, Any]:
    """The JSON body of a request (for an upload, its ``payload_json``)."""
    body = entry.json if isinstance(entry.json, dict) else {}
    inner = body.get("payload_json", body)
    return inner if isinstance(inner, dict) else {}


def is_acknowledgement(content: str, day: date) -> bool:
    return ("recorded for" in content or "Updated" in content) and f"({short_date(day)})" in content


class World:
    """One simulated Discord: a guild with a fixed id, a channel, an admin and members.
    Built before the bot starts, in the same order every run, so every id repeats."""

    def __init__(self, env: simcord.Env, members: int) -> None:
        self.guild = env.create_guild("Runners", id=GUILD_ID)
        self.channel = self.guild.create_text_channel("training")
        admins = self.guild.create_role(
            "Admins", permissions=discord.Permissions(manage_guild=True)
        )
        self.admin = self.guild.add_member(env.create_user("coach"), roles=[admins])
        self.members = [
            self.guild.add_member(env.create_user(f"runner{i}")) for i in range(members)
        ]
        # Discord's DM channel ids never change and the bot stores them: open them here, in
        # order, so a restarted process's DM channels have the ids the database remembers.
        for member in self.members:
            member.user.dm_channel  # noqa: B018


# --------------------------------------------------------------------------- checkins


def plan_burst(seed: int, start: datetime, members: int, commands: int) -> list[dict[str, Any]]:
    """The burst, fixed by the seed: who checks in when, with what kind, note and day."""
    rng = random.Random(seed)
    now = start
    plan = []
    previous = 0
    for _ in range(commands):
        now += timedelta(minutes=rng.choice((0, 1, 5, 20, 45, 90, 180)))
        # Same-day repeats: often the same member again.
        index = previous if rng.random() < 0.3 else rng.randrange(members)
        previous = index
        zone = ZONES[index % len(ZONES)]
        kind = rng.choices(("practice", "rest", "setback"), weights=(6, 3, 1))[0]
        before_noon = now.astimezone(ZoneInfo(zone)).hour < 12
        day = "yesterday" if before_noon and rng.random() < 0.3 else "today"
        plan.append(
            {
                "at": now,
                "index": index,
                "kind": kind,
                "note": rng.choice(NOTES),
                "share": rng.random() < 0.1,
                "day": day,
            }
        )
    return plan


async def checkins_mode(args: argparse.Namespace) -> int:
    clock = FakeClock(args.now or CHECKIN_START)
    db = await open_database(args.db)
    bot = SeededBot(
        seed=args.seed,
        settings=settings_for(args.db),
        db=db,
        clock=clock,
        dms=unpaced_dms(db),
        run_scheduler=False,
    )
    env = simcord.Env(bot)
    world = World(env, args.members)
    for i, member in enumerate(world.members):
        emit("MEMBER", i, member.id, ZONES[i % len(ZONES)])

    if args.kill_after_commit is not None:
        original_record = storage.member_records.record_checkin
        commits = 0

        async def record_then_maybe_die(*a: Any, **kw: Any) -> Any:
            nonlocal commits
            written = await original_record(*a, **kw)
            commits += 1
            if commits == args.kill_after_commit:
                die("commit")  # committed, never acknowledged
            return written

        storage.member_records.record_checkin = record_then_maybe_die  # type: ignore[assignment]

    # The command in flight: (user id, local day, kind), and whether Discord got its ack.
    current: dict[str, Any] = {"command": None, "acked": False}

    def on_request(entry: Any) -> None:
        command = current["command"]
        if command is None or current["acked"] or entry.method != "POST":
            return
        if not (entry.path.startswith("/interactions/") and entry.path.endswith("/callback")):
            return
        content = (request_body(entry).get("data") or {}).get("content") or ""
        if is_acknowledgement(content, command[1]):
            current["acked"] = True
            emit("ACK", command[0], command[1].isoformat(), command[2])

    tap_requests(env, on_request)
    await start(env, bot)
    stop = asyncio.Event()
    burst_done = asyncio.Event()
    acks = 0
    problems: list[str] = []

    async def burst() -> None:
        nonlocal acks
        try:
            with env.time_context():
                for i, member in enumerate(world.members):
                    zone = ZONES[i % len(ZONES)]
                    await member.slash(world.channel, "settings timezone", zone=zone)
                emit("READY")
                for step in plan_burst(args.seed, clock(), args.members, args.commands):
                    if stop.is_set():
                        break
                    clock.set(step["at"])
                    member = world.members[step["index"]]
                    zone = ZONES[step["index"] % len(ZONES)]
                    day = local_day(clock(), zone, step["day"])
                    emit("SENT", member.id, day.isoformat(), step["kind"])
                    options = {"kind": step["kind"], "day": step["day"], "share": step["share"]}
                    if step["note"] is not None:
                        options["note"] = step["note"]
                    current.update(command=(member.id, day, step["kind"]), acked=False)
                    result = await member.slash(world.channel, "checkin", **options)
                    current["command"] = None
                    # ACK was printed when Discord received the reply; the result agrees.
                    content = result.response.content if result.response else ""
                    if not (current["acked"] and is_acknowledgement(content, day)):
                        problems.append(f"no acknowledgement: {content!r}")
                        emit("NOACK", member.id, day.isoformat(), step["kind"])
                        continue
                    acks += 1
                    if acks == args.signal_after:
                        emit("SIGTERM")
                        os.kill(os.getpid(), signal.SIGTERM)
                emit("END", clock().isoformat())
        finally:
            burst_done.set()

    closed = False

    async def close() -> None:
        """What SIGTERM leads to: stop taking commands (the one in flight finishes), then
        the simulated Discord goes away, the bot closes and the database closes."""
        nonlocal closed
        if closed:
            return
        closed = True
        stop.set()
        await burst_done.wait()
        await env.shutdown()
        await bot.close()
        await db.close()
        emit("CLOSED")

    errors: list[BaseException] = []
    try:
        await run_until_signal(burst(), close)
    finally:
        errors = unexpected_errors(env)
        await close()
    for error in errors:
        print(f"ERROR {error!r}", file=sys.stderr)
    for problem in problems:
        print(f"PROBLEM {problem}", file=sys.stderr)
    return 1 if errors or problems else 0


# --------------------------------------------------------------------------- posts


class PostWatch:
    """Reads simcord's HTTP log and gateway as the bot sends: every POST of a scheduled post
    (with its nonce) and every message that appears in the channel."""

    def __init__(self, env: simcord.Env, world: World, clock: FakeClock, kill: Callable[[], None]):
        self.env = env
        self.channel_id = world.channel.id
        self.clock = clock
        self.kill_on_posted = kill
        self.path = f"/channels/{self.channel_id}/messages"
        tap_requests(env, self.on_request)
        env.backend.subscribers.append(self.on_event)
        self.last_send: tuple[str, str] | None = None

    def period_of_nonce(self, nonce: str | None) -> tuple[str, str]:
        """(kind, period) whose nonce this is: the periods near the clock, in the group's
        local dates."""
        today = self.clock().astimezone(ZoneInfo(POSTS_ZONE)).date()
        for back in range(-1, 9):
            period = (today - timedelta(days=back)).isoformat()
            for kind in CHANNEL_POST_KINDS:
                if post_nonce(GUILD_ID, kind, period) == nonce:
                    return kind, period
        return "?", "?"

    def on_request(self, entry: Any) -> None:
        if entry.method != "POST" or entry.path != self.path:
            return
        body = request_body(entry)
        nonce = body.get("nonce")
        kind, period = self.period_of_nonce(nonce)
        self.last_send = (kind, period)
        emit(
            "SEND",
            kind,
            period,
            nonce,
            body.get("enforce_nonce"),
            content_digest(body.get("content")),
        )

    def on_event(self, event: str, payload: Any) -> None:
        if event != "MESSAGE_CREATE" or str(payload.get("channel_id")) != str(self.channel_id):
            return
        if not payload.get("author", {}).get("bot") or payload.get("interaction_metadata"):
            return
        kind, period = self.last_send or ("?", "?")
        emit("POSTED", kind, period, payload.get("id"))
        self.kill_on_posted()


async def walk(
    env: simcord.Env,
    bot: KeepGoingBot,
    clock: FakeClock,
    until: datetime,
    after_step: Callable[[], None],
) -> None:
    """tests/scheduling.run_until, in small steps and printing the clock: fire every group
    post job at each of its trigger times, in order, with the clock moved there first."""
    last: dict[str, datetime] = {}
    while clock() < until:
        target = min(clock() + WALK_STEP, until)
        while True:
            now = clock()
            upcoming = []
            for job in bot.scheduler.scheduler.get_jobs():
                if job.id.split(":")[0] not in CHANNEL_POST_KINDS:
                    continue
                at = job.trigger.get_next_fire_time(last.get(job.id), now)
                if at is not None and at <= target:
                    upcoming.append((at, job.id, job))
            if not upcoming:
                break
            at, ident, job = min(upcoming, key=lambda entry: (entry[0], entry[1]))
            clock.set(at)
            emit("NOW", clock().isoformat())
            await job.func(*job.args)
            await env.settle()
            last[ident] = at
        clock.set(target)
        emit("NOW", clock().isoformat())
        after_step()


async def posts_mode(args: argparse.Namespace) -> int:
    clock = FakeClock(args.now or POSTS_START)
    emit("NOW", clock().isoformat())
    db = await open_database(args.db)
    bot = SeededBot(
        seed=args.seed, settings=settings_for(args.db), db=db, clock=clock, run_scheduler=False
    )
    env = simcord.Env(bot)
    world = World(env, 1)
    counts = {point: 0 for point in KILL_POINTS}

    def maybe_die(point: str) -> None:
        if args.kill_at != point:
            return
        counts[point] += 1
        if counts[point] == args.kill_nth:
            die(point)

    PostWatch(env, world, clock, lambda: maybe_die("posted"))
    original_plan, original_sent = posting.plan_post, posting.mark_sent

    async def plan_then_maybe_die(*a: Any, **kw: Any) -> Any:
        plan = await original_plan(*a, **kw)
        if plan is not None:
            maybe_die("claim")  # claimed in the post log, not sent
        return plan

    async def mark_sent_then_maybe_die(*a: Any, **kw: Any) -> None:
        await original_sent(*a, **kw)
        maybe_die("sent")

    # cogs/posts.py calls posts.plan_post and posts.mark_sent through the module.
    posting.plan_post = plan_then_maybe_die  # type: ignore[assignment]
    posting.mark_sent = mark_sent_then_maybe_die  # type: ignore[assignment]

    await start(env, bot)  # setup_hook: jobs from the database, then the start-up catch-up
    with env.time_context():
        config = await group_posts.group_config(db, GUILD_ID)
        configured = (
            config is not None
            and config.timezone == POSTS_ZONE
            and all(config.post(kind).enabled for kind in CHANNEL_POST_KINDS)
        )
        if config is not None and config.morning.channel_id not in (None, world.channel.id):
            print("the database names another channel: ids are not repeatable", file=sys.stderr)
            return 3
        if not configured:
            for command, options in POSTS_SETUP:
                if command != "setup timezone":
                    options = {**options, "channel": world.channel}
                await world.admin.slash(world.channel, command, **options)
        emit("READY")
        await walk(env, bot, clock, args.until or POSTS_UNTIL, lambda: maybe_die("step"))
        emit("DONE")
    errors = unexpected_errors(env)
    await env.shutdown()
    await bot.close()
    await db.close()
    for error in errors:
        print(f"ERROR {error!r}", file=sys.stderr)
    return 1 if errors else 0


# --------------------------------------------------------------------------- CLI


def aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give an offset, e.g. 2026-11-26T08:00:00+00:00")
    return value.astimezone(UTC)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="crash_harness.py", description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=("checkins", "posts"))
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--now", type=aware, help="where the simulated clock starts")
    parser.add_argument("--until", type=aware, help="posts: where the walk ends")
    parser.add_argument("--members", type=int, default=6)
    parser.add_argument("--commands", type=int, default=40)
    parser.add_argument("--signal-after", type=int, help="SIGTERM ourselves after K acks")
    parser.add_argument("--kill-after-commit", type=int, help="SIGKILL after the K-th commit")
    parser.add_argument("--kill-at", choices=KILL_POINTS, help="posts: where to SIGKILL")
    parser.add_argument("--kill-nth", type=int, default=1, help="posts: at its K-th occurrence")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    run: Callable[[argparse.Namespace], Awaitable[int]] = (
        checkins_mode if args.mode == "checkins" else posts_mode
    )
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
