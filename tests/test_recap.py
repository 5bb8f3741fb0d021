"""The weekly recap: its totals from real SQLite rows, its milestones, its week and its wording."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.days import week_start
from bot.rules.journey import Carry, PausePeriod, carry_from_history, is_paused
from bot.rules.recap import (
    MESSAGE_LIMIT,
    RECAP_MILESTONE_DAYS,
    RECAP_MILESTONE_WEEKS,
    Milestones,
    alphabetical,
    milestones,
    recap_text,
    recap_week,
    week_bounds_utc,
)
from bot.rules.texts import WEEKLY_THOUGHTS
from storage import Database, member_records, open_database, recap_totals
from storage.recap_totals import (
    MemberHistory,
    RecapCounts,
    celebrated_members,
    milestone_candidates,
    recap_counts,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
FIRST_DAY = date(2025, 1, 1)
GUILD = 1001
OTHER_GUILD = 1002

# The recap week: Monday 23 to Sunday 29 November 2026; the week before starts on the 16th.
MONDAY = date(2026, 11, 23)
SUNDAY = date(2026, 11, 29)
NEXT_MONDAY = date(2026, 11, 30)


def nov(day: int) -> date:
    return date(2026, 11, day)


def days_from(first: date, count: int, step: int = 1) -> list[date]:
    return [first + timedelta(days=i * step) for i in range(count)]


async def checkin(
    db: Database,
    user_id: int,
    day: date,
    kind: str = "practice",
    *,
    guild_id: int = GUILD,
    note: str | None = None,
) -> None:
    await member_records.record_checkin(
        db,
        guild_id=guild_id,
        user_id=user_id,
        local_date=day,
        kind=kind,
        note=note,
        first_day=FIRST_DAY,
        now=NOW,
    )


async def checkins(db: Database, user_id: int, days: list[date], *, guild_id: int = GUILD) -> None:
    """Check in on each day: the fortnight around the recap through ``record_checkin``; older
    history, hundreds of days for the milestones, in one transaction to keep the tests quick."""
    old = sorted(day for day in days if day < MONDAY - timedelta(weeks=1))
    if old:
        await member_records.ensure_member(db, guild_id, user_id, FIRST_DAY, NOW)
        stamp = NOW.isoformat(timespec="seconds")
        async with db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO checkins (guild_id, user_id, local_date, kind, note, created_at, "
                "updated_at) VALUES (?, ?, ?, 'practice', NULL, ?, ?)",
                [(guild_id, user_id, day.isoformat(), stamp, stamp) for day in old],
            )
    for day in days:
        if day not in set(old):
            await checkin(db, user_id, day, guild_id=guild_id)


async def groups(db: Database) -> None:
    await member_records.ensure_group(db, GUILD, "Europe/Berlin", NOW)
    await member_records.ensure_group(db, OTHER_GUILD, "UTC", NOW)


# --------------------------------------------------------------------------- recap_counts

ALICE, BOB, CARA, DAN, ERIN, FINN, GUS, HAL, IVY = range(2001, 2010)


async def build_week(db: Database) -> None:
    """A hand-built fortnight; each member's line says what they test."""
    await groups(db)

    # Alice: steady, last week and this week; a rest day; a same-day update counts once;
    # next Monday's check-in belongs to the next recap.
    for day in (nov(16), nov(17), nov(18), nov(21)):
        await checkin(db, ALICE, day)
    await checkin(db, ALICE, nov(23))
    await checkin(db, ALICE, nov(24), "rest")
    await checkin(db, ALICE, nov(25), note="easy run")
    await checkin(db, ALICE, nov(25), note="easy run, felt good")  # updates, counts once
    await checkin(db, ALICE, nov(29))
    await checkin(db, ALICE, NEXT_MONDAY)
    # Alice is also in the other guild; her rows there never count here.
    await checkin(db, ALICE, nov(25), "setback", guild_id=OTHER_GUILD)

    # Bob: two setbacks; last seen on the 17th, so only six quiet days (18th to 23rd) before
    # the 24th: not a comeback.
    await checkin(db, BOB, nov(17))
    await checkin(db, BOB, nov(24), "setback")
    await checkin(db, BOB, nov(26), "setback")

    # Cara: ten quiet days (13th to 22nd) before Monday: came back. Her check-in in the other
    # guild on the 18th must not hide that.
    await checkin(db, CARA, nov(12))
    await checkin(db, CARA, nov(18), guild_id=OTHER_GUILD)
    await checkin(db, CARA, nov(23))
    await checkin(db, CARA, nov(29), "rest")

    # Dan: trained in October, paused from 1 to 20 November, back on Friday: came back.
    await checkins(db, DAN, days_from(date(2026, 10, 26), 5))
    await member_records.start_pause(
        db,
        GUILD,
        DAN,
        start=nov(1),
        until=nov(20),
        reason=None,
        first_day=FIRST_DAY,
        now=NOW,
    )
    await checkin(db, DAN, nov(27))

    # Erin: brand new on Wednesday (an older check-in in the other guild doesn't count).
    await checkin(db, ERIN, nov(1), guild_id=OTHER_GUILD)
    await checkin(db, ERIN, nov(25))
    await checkin(db, ERIN, nov(28), "rest")

    # Finn: last seen Sunday the 15th, exactly seven quiet days before Monday: came back.
    await checkin(db, FINN, nov(15))
    await checkin(db, FINN, nov(23))

    # Gus: last week and next Monday, nothing this week.
    await checkin(db, GUS, nov(20))
    await checkin(db, GUS, NEXT_MONDAY)

    # Hal: first check-in ever next Monday: not new this week.
    await checkin(db, HAL, NEXT_MONDAY)

    # Ivy: only in the other guild, new there this week.
    await checkin(db, IVY, nov(23), guild_id=OTHER_GUILD)
    await checkin(db, IVY, nov(24), "rest", guild_id=OTHER_GUILD)

    # Reflections and encouragements by instant: the Berlin week is
    # [2026-11-22T23:00Z, 2026-11-29T23:00Z).
    stamps = {
        "2026-11-22T22:59:59+00:00": GUILD,  # Sunday 23:59:59 in Berlin: last week
        "2026-11-22T23:00:00+00:00": GUILD,  # Monday 00:00 in Berlin: counts
        "2026-11-25T10:00:00+00:00": GUILD,
        "2026-11-29T22:59:59+00:00": GUILD,  # Sunday 23:59:59 in Berlin: counts
        "2026-11-29T23:00:00+00:00": GUILD,  # next Monday 00:00: next week
        "2026-11-25T11:00:00+00:00": OTHER_GUILD,
    }
    async with db.transaction() as conn:
        for stamp, guild_id in stamps.items():
            await conn.execute(
                "INSERT INTO reflections (guild_id, user_id, what_happened, created_at) "
                "VALUES (?, ?, ?, ?)",
                (guild_id, ALICE, "legs heavy", stamp),
            )
        for stamp, guild_id in list(stamps.items())[1:]:  # one encouragement fewer in range
            if stamp == "2026-11-25T10:00:00+00:00":
                continue
            await conn.execute(
                "INSERT INTO encouragements (guild_id, sender_id, target_id, public, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (guild_id, BOB, ALICE, 1, stamp),
            )


async def test_recap_counts_for_a_hand_built_week(db: Database) -> None:
    await build_week(db)
    start, end = week_bounds_utc(MONDAY, BERLIN)

    counts = await recap_counts(db, GUILD, MONDAY, start, end)

    assert counts == RecapCounts(
        # Mon: Alice, Cara, Finn; Tue: Alice (rest), Bob (setback); Wed: Alice, Erin;
        # Thu: Bob (setback); Fri: Dan; Sat: Erin (rest); Sun: Alice, Cara (rest).
        per_day_this_week=(3, 2, 2, 1, 1, 1, 2),
        # Mon 16: Alice; Tue: Alice, Bob; Wed: Alice; Thu: none; Fri: Gus; Sat: Alice; Sun: none.
        per_day_last_week=(1, 2, 1, 0, 1, 1, 0),
        members_showed_up=6,  # Alice, Bob, Cara, Dan, Erin, Finn
        checkins=12,
        rest_days=3,
        setbacks=2,
        reflections=3,
        encouragements=2,
        came_back=3,  # Cara (ten quiet days), Dan (after a pause), Finn (seven quiet days)
        new_members=1,  # Erin
    )


async def test_recap_counts_of_the_other_guild_and_of_next_week(db: Database) -> None:
    await build_week(db)
    start, end = week_bounds_utc(MONDAY, ZoneInfo("UTC"))

    other = await recap_counts(db, OTHER_GUILD, MONDAY, start, end)
    assert other == RecapCounts(
        per_day_this_week=(1, 1, 1, 0, 0, 0, 0),
        per_day_last_week=(0, 0, 1, 0, 0, 0, 0),
        members_showed_up=2,  # Ivy, Alice
        checkins=3,
        rest_days=1,
        setbacks=1,
        reflections=1,
        encouragements=1,
        came_back=0,
        new_members=2,  # neither had a check-in in this guild before
    )

    next_start, next_end = week_bounds_utc(NEXT_MONDAY, BERLIN)
    following = await recap_counts(db, GUILD, NEXT_MONDAY, next_start, next_end)
    assert following.per_day_this_week == (3, 0, 0, 0, 0, 0, 0)
    assert following.per_day_last_week == (3, 2, 2, 1, 1, 1, 2)
    assert following.members_showed_up == 3  # Alice, Gus, Hal
    assert following.new_members == 1  # Hal
    assert following.came_back == 1  # Gus, quiet since the 20th
    assert following.reflections == following.encouragements == 1  # the Monday 00:00 rows


async def test_recap_counts_of_an_empty_guild(db: Database) -> None:
    await groups(db)
    start, end = week_bounds_utc(MONDAY, BERLIN)
    counts = await recap_counts(db, GUILD, MONDAY, start, end)
    assert counts == RecapCounts((0,) * 7, (0,) * 7, 0, 0, 0, 0, 0, 0, 0, 0)


WEEK_PARAMS = {"g": GUILD, "mon": "2026-11-23", "sun": "2026-11-29", "last_mon": "2026-11-16"}


async def test_recap_queries_use_the_indexes(db: Database) -> None:
    """The plans seek by guild and date or by member; none walks a whole table."""
    plans = {
        "per_day": (recap_totals._PER_DAY, (GUILD, "2026-11-16", "2026-11-30")),
        "week_members": (recap_totals._WEEK_MEMBERS, (GUILD, "2026-11-23")),
        "encouragements": (recap_totals._ENCOURAGEMENTS, (GUILD, "a", "b")),
        "celebrated": (recap_totals._CELEBRATED, WEEK_PARAMS),
        "candidates": (recap_totals._CANDIDATES, WEEK_PARAMS),
        "pauses": (recap_totals._PAUSES, {**WEEK_PARAMS, "ids": "[1, 2]"}),
    }
    details: dict[str, str] = {}
    for name, (sql, params) in plans.items():
        rows = await db.fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
        steps = [str(row["detail"]) for row in rows]
        details[name] = " | ".join(steps)
        assert not [d for d in steps if d.startswith("SCAN ") and "json_each" not in d], steps
        searches = [d for d in steps if d.startswith("SEARCH")]
        assert searches, (name, steps)
        # A checkins search by guild alone would be the group's whole history.
        assert not [d for d in searches if d.endswith("(guild_id=?)") and "checkins" in d]
    # The totals come from the kept rows, never from the week's check-ins.
    assert (
        "group_days USING PRIMARY KEY (guild_id=? AND local_date>? AND local_date<?)"
        in (details["per_day"])
    )
    assert (
        "member_weeks USING COVERING INDEX member_weeks_by_week (guild_id=? AND week=?)"
        in (details["week_members"])
    )
    assert "checkins" not in details["per_day"] + details["week_members"]


# --------------------------------------------------------------------------- milestones

PAT, QUIN, RAE, TESS, UMA, VIC, WREN, XAN = range(3001, 3009)


async def opt_in(db: Database, user_id: int, guild_id: int = GUILD, **changes: int) -> None:
    await member_records.update_member(
        db, guild_id, user_id, first_day=FIRST_DAY, now=NOW, celebrate_me=1, **changes
    )


def weekly_days(first_monday: date, weeks: int, weekdays: tuple[int, ...]) -> list[date]:
    return [first_monday + timedelta(weeks=w, days=wd) for w in range(weeks) for wd in weekdays]


async def test_celebrated_members_and_their_milestones(db: Database) -> None:
    await groups(db)
    year_ago = MONDAY - timedelta(weeks=RECAP_MILESTONE_WEEKS)  # Monday 24 November 2025

    # Pat (opted in): 96 days before Monday, four this week: reaches exactly 100.
    pat_days = days_from(MONDAY - timedelta(days=96), 96) + [nov(23), nov(24), nov(26), nov(29)]
    await checkins(db, PAT, pat_days)
    await checkin(db, PAT, NEXT_MONDAY)  # after the week: not part of the history
    await opt_in(db, PAT)

    # Quin: the same journey, but not opted in.
    await checkins(db, QUIN, pat_days)

    # Rae (opted in): past 100 before the week began.
    await checkins(db, RAE, days_from(MONDAY - timedelta(days=120), 120) + [nov(24)])
    await opt_in(db, RAE)

    # Tess (opted in, target 3): Monday, Wednesday and Friday for the 52 weeks ending this
    # one, so her rhythm turns 52 this week. 153 days before Monday: no day milestone.
    await checkins(db, TESS, weekly_days(year_ago + timedelta(weeks=1), 52, (0, 2, 4)))
    await opt_in(db, TESS)

    # Uma (opted in, target 2): 53 weeks back, with one week fully paused in the middle: the
    # paused week neither counts nor breaks, so she also turns 52 this week.
    paused_monday = year_ago + timedelta(weeks=26)
    uma_days = [
        d for d in weekly_days(year_ago, 53, (0, 3)) if not 0 <= (d - paused_monday).days < 7
    ]
    await checkins(db, UMA, uma_days)
    await member_records.start_pause(
        db,
        GUILD,
        UMA,
        start=paused_monday,
        until=paused_monday + timedelta(weeks=1),
        reason="travel",
        first_day=FIRST_DAY,
        now=NOW,
    )
    await opt_in(db, UMA, weekly_target=2)

    # Wren (opted in, target 1): 53 weeks of rhythm, already 52 last Sunday.
    await checkins(db, WREN, weekly_days(year_ago, 53, (1,)))
    await opt_in(db, WREN, weekly_target=1)

    # Vic (opted in): 99 days, but none this week (the 100th comes next Monday).
    await checkins(db, VIC, days_from(MONDAY - timedelta(days=99), 99) + [NEXT_MONDAY])
    await opt_in(db, VIC)

    # Xan (opted in) reaches 100 in the other guild.
    await checkins(db, XAN, pat_days, guild_id=OTHER_GUILD)
    await opt_in(db, XAN, guild_id=OTHER_GUILD)

    members = await celebrated_members(db, GUILD, MONDAY)

    assert [m.user_id for m in members] == [PAT, RAE, TESS, UMA, WREN]
    by_id = {m.user_id: m for m in members}
    assert by_id[PAT] == MemberHistory(
        user_id=PAT,
        carry=Carry.empty(week_start(min(pat_days)), 3),  # no carry: the whole history
        days=frozenset(pat_days),
        pauses=(),
        weekly_target=3,
    )
    assert by_id[UMA].pauses == (PausePeriod(paused_monday, paused_monday + timedelta(weeks=1)),)
    assert by_id[UMA].weekly_target == 2
    assert by_id[UMA].days == frozenset(uma_days)

    assert milestones(members, MONDAY) == Milestones(
        hundred_days=(PAT,), year_of_rhythm=(TESS, UMA)
    )
    # The week before: Vic showed up then (reaching 99 days, not 100), and only Wren's rhythm
    # turned 52.
    week_before = MONDAY - timedelta(weeks=1)
    earlier = await celebrated_members(db, GUILD, week_before)
    assert [m.user_id for m in earlier] == [PAT, RAE, TESS, UMA, VIC, WREN]
    assert milestones(earlier, week_before) == Milestones((), (WREN,))

    # Before anyone has a stored carry, the candidates are every chosen member, whole.
    assert await milestone_candidates(db, GUILD, MONDAY) == members

    # With the carries their check-ins would have stored (a checkpoint 8 to 13 weeks back),
    # the recap reads only those who can reach a milestone, and only since the checkpoint.
    for member in earlier + [m for m in members if m.user_id not in {e.user_id for e in earlier}]:
        await store_member_carry(db, member, today=NEXT_MONDAY - timedelta(weeks=3))
    candidates = await milestone_candidates(db, GUILD, MONDAY)
    assert [m.user_id for m in candidates] == [PAT, TESS, UMA]  # Rae and Wren cannot
    assert all(m.carry.days and min(m.days) >= m.carry.checkpoint for m in candidates)
    assert milestones(candidates, MONDAY) == milestones(members, MONDAY)
    candidates_before = await milestone_candidates(db, GUILD, week_before)
    assert milestones(candidates_before, week_before) == Milestones((), (WREN,))


async def store_member_carry(db: Database, member: MemberHistory, today: date) -> None:
    """The carry a check-in on ``today`` would have stored for the member."""
    past = {d for d in member.days if d <= today}
    carry = carry_from_history(past, set(), member.pauses, today, member.weekly_target)
    await member_records.store_carry(db, GUILD, member.user_id, carry)


@st.composite
def near_milestones(draw) -> tuple[list[date], list[PausePeriod], int, date]:
    """A member whose history may cross 100 days or 52 weeks of rhythm around MONDAY, with
    pauses, and the day their stored carry was last moved."""
    start = MONDAY - timedelta(
        days=draw(st.sampled_from((95, 99, 105, 120, 357, 360, 364, 364, 371)))
    )
    length = (SUNDAY - start).days + 1
    most_missed = draw(st.sampled_from((0, 0, 2, 20, 150)))
    missed = draw(st.sets(st.integers(0, length - 1), max_size=most_missed))
    days = [start + timedelta(days=i) for i in range(length) if i not in missed]
    pauses = []
    for _ in range(draw(st.integers(0, 2))):
        recent = draw(st.booleans())  # within the weeks since a checkpoint, or any time
        begin = SUNDAY - timedelta(days=draw(st.integers(7, 100))) if recent else start
        begin += timedelta(days=0 if recent else draw(st.integers(0, length)))
        span = draw(st.one_of(st.none(), st.integers(1, 40)))
        end = None if span is None else begin + timedelta(days=span)
        if all(p.end is not None and p.end <= begin for p in pauses):
            pauses.append(PausePeriod(begin, end))
    if draw(st.booleans()):  # no check-ins while paused: whole weeks may be skipped
        days = [d for d in days if not is_paused(pauses, d)]
    target = draw(st.integers(1, 7))
    moved = MONDAY + timedelta(days=draw(st.integers(-35, 55)))  # checkpoint 8-13 weeks back
    return days, pauses, target, moved


@settings(max_examples=50, deadline=None)
@given(members=st.lists(near_milestones(), min_size=1, max_size=6))
def test_candidates_from_stored_carries_give_the_same_milestones(
    tmp_path_factory: pytest.TempPathFactory, members: list
) -> None:
    """Whatever the histories, pauses, targets and carries, the members the recap reads
    reach exactly the milestones that every chosen member's whole history gives."""

    async def run() -> None:
        db = await open_database(tmp_path_factory.mktemp("candidates") / "kg.sqlite3")
        try:
            await groups(db)
            for user_id, (days, pauses, target, moved) in enumerate(members, start=5001):
                days = [*days, MONDAY] if not any(MONDAY <= d <= SUNDAY for d in days) else days
                await checkins(db, user_id, days)
                for pause in pauses:
                    async with db.transaction() as conn:
                        await conn.execute(
                            "INSERT INTO pauses (guild_id, user_id, start_date, end_date, "
                            "created_at) VALUES (?, ?, ?, ?, ?)",
                            (
                                GUILD,
                                user_id,
                                pause.start.isoformat(),
                                pause.end.isoformat() if pause.end else None,
                                NOW.isoformat(),
                            ),
                        )
                await opt_in(db, user_id, weekly_target=target)
                past = {d for d in days if d <= moved}
                carry = carry_from_history(past, set(), pauses, moved, target)
                await member_records.store_carry(db, GUILD, user_id, carry)
            whole = await celebrated_members(db, GUILD, MONDAY)
            candidates = await milestone_candidates(db, GUILD, MONDAY)
            assert {m.user_id for m in candidates} <= {m.user_id for m in whole}
            assert milestones(candidates, MONDAY) == milestones(whole, MONDAY)
        finally:
            await db.close()

    asyncio.run(run())


async def test_a_paused_week_since_the_checkpoint_still_lets_the_rhythm_turn_52(
    db: Database,
) -> None:
    """53 weeks of showing up, one of them fully paused three weeks ago (after the stored
    carry's checkpoint): the paused week neither counts nor breaks, so the rhythm turns 52
    this week; with the same weeks and no pause it turned 52 last week."""
    await groups(db)
    start = MONDAY - timedelta(weeks=RECAP_MILESTONE_WEEKS)
    pause = PausePeriod(MONDAY - timedelta(weeks=3), MONDAY - timedelta(weeks=2))
    for user_id, paused in ((PAT, True), (QUIN, False)):
        days = [start + timedelta(days=i) for i in range((SUNDAY - start).days + 1)]
        if paused:
            days = [d for d in days if not is_paused([pause], d)]
            await member_records.start_pause(
                db,
                GUILD,
                user_id,
                start=pause.start,
                until=pause.end,
                reason=None,
                first_day=FIRST_DAY,
                now=NOW,
            )
        await checkins(db, user_id, days)
        await opt_in(db, user_id)
        carry = carry_from_history({d for d in days if d <= MONDAY}, set(), [], MONDAY, 3)
        assert carry.checkpoint < pause.start
        await member_records.store_carry(db, GUILD, user_id, carry)

    candidates = await milestone_candidates(db, GUILD, MONDAY)
    assert milestones(candidates, MONDAY) == Milestones((), (PAT,))
    assert milestones(await celebrated_members(db, GUILD, MONDAY), MONDAY) == Milestones((), (PAT,))


@dataclass(frozen=True)
class History:
    user_id: int
    days: frozenset[date]
    pauses: tuple[PausePeriod, ...] = ()
    weekly_target: int = 3

    @property
    def carry(self) -> Carry:
        return Carry.empty(week_start(min(self.days)), self.weekly_target)


def test_hundred_days_needs_the_crossing_within_the_week() -> None:
    before = days_from(MONDAY - timedelta(days=99), 99)
    crossing = History(1, frozenset([*before, SUNDAY]))  # the 100th day on Sunday
    not_yet = History(2, frozenset(before))  # 99, nothing this week
    next_week = History(3, frozenset([*before, NEXT_MONDAY]))
    already = History(4, frozenset([*days_from(MONDAY - timedelta(days=100), 100), MONDAY]))
    result = milestones([already, next_week, not_yet, crossing], MONDAY)
    assert result == Milestones(hundred_days=(1,), year_of_rhythm=())
    assert RECAP_MILESTONE_DAYS == 100


def test_year_of_rhythm_counts_this_week_only_when_it_is_met() -> None:
    year_ago = MONDAY - timedelta(weeks=RECAP_MILESTONE_WEEKS)
    # 51 weeks met up to last week, then this week only two of three days: rhythm stays 51.
    short = History(1, frozenset(weekly_days(year_ago + timedelta(weeks=1), 51, (0, 2, 4))))
    short = replace(short, days=short.days | {MONDAY, nov(25)})
    # The same with the third day on Sunday: 52.
    met = replace(short, user_id=2, days=short.days | {SUNDAY})
    # A member whose history is shorter than a year is skipped quickly and correctly.
    young = History(3, frozenset(weekly_days(MONDAY - timedelta(weeks=10), 11, (0, 1, 2))))
    result = milestones([young, met, short], MONDAY)
    assert result == Milestones(hundred_days=(), year_of_rhythm=(2,))  # 153 days long ago
    assert RECAP_MILESTONE_WEEKS == 52


def test_milestones_ids_come_out_in_id_order_not_by_activity() -> None:
    before = days_from(MONDAY - timedelta(days=99), 99)
    heavy = History(9, frozenset([*before, *days_from(MONDAY, 7)]))
    light = History(5, frozenset([*before, SUNDAY]))
    assert milestones([heavy, light], MONDAY).hundred_days == (5, 9)


# --------------------------------------------------------------------------- which week


@pytest.mark.parametrize(
    ("occurrence", "expected"),
    [
        (nov(23), nov(16)),  # Monday: the week just ended
        (nov(24), nov(23)),  # Tuesday
        (nov(25), nov(23)),
        (nov(26), nov(23)),
        (nov(27), nov(23)),
        (nov(28), nov(23)),
        (nov(29), nov(23)),  # Sunday evening: the week ending today
        (NEXT_MONDAY, nov(23)),  # the next Monday still covers it
        (date(2027, 1, 4), date(2026, 12, 28)),  # across a year boundary
    ],
)
def test_recap_week(occurrence: date, expected: date) -> None:
    assert recap_week(occurrence) == expected
    assert recap_week(occurrence).weekday() == 0


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "monday", "start", "end", "hours"),
    [
        # Berlin leaves summer time on Sunday 25 October 2026: that week has 169 hours.
        (BERLIN, date(2026, 10, 19), utc(2026, 10, 18, 22), utc(2026, 10, 25, 23), 169),
        (BERLIN, date(2026, 10, 26), utc(2026, 10, 25, 23), utc(2026, 11, 1, 23), 168),
        # Berlin enters summer time on Sunday 29 March 2026: that week has 167 hours.
        (BERLIN, date(2026, 3, 23), utc(2026, 3, 22, 23), utc(2026, 3, 29, 22), 167),
        (BERLIN, date(2026, 3, 30), utc(2026, 3, 29, 22), utc(2026, 4, 5, 22), 168),
        # New York leaves summer time on Sunday 1 November and enters it on Sunday 8 March.
        (NEW_YORK, date(2026, 10, 26), utc(2026, 10, 26, 4), utc(2026, 11, 2, 5), 169),
        (NEW_YORK, date(2026, 3, 2), utc(2026, 3, 2, 5), utc(2026, 3, 9, 4), 167),
        (NEW_YORK, MONDAY, utc(2026, 11, 23, 5), utc(2026, 11, 30, 5), 168),
        (ZoneInfo("UTC"), MONDAY, utc(2026, 11, 23), utc(2026, 11, 30), 168),
    ],
)
def test_week_bounds_utc(
    tz: ZoneInfo, monday: date, start: datetime, end: datetime, hours: int
) -> None:
    got_start, got_end = week_bounds_utc(monday, tz)
    assert (got_start, got_end) == (start, end)
    assert got_start.tzinfo is UTC and got_end.tzinfo is UTC
    assert got_end - got_start == timedelta(hours=hours)
    assert got_start.astimezone(tz).replace(tzinfo=None) == datetime(*monday.timetuple()[:3])


def test_week_bounds_utc_wants_a_monday() -> None:
    with pytest.raises(ValueError, match="not a Monday"):
        week_bounds_utc(nov(24), BERLIN)


# --------------------------------------------------------------------------- wording

FORBIDDEN = re.compile(r"\b(leaderboard|top|rank|ranking|most)\b", re.IGNORECASE)
THOUGHT = "We do not need a perfect week, only an honest one."
LABEL = "23 to 29 November"


def counts(**values: int) -> RecapCounts:
    fields = {
        "members_showed_up": 0,
        "checkins": 0,
        "rest_days": 0,
        "setbacks": 0,
        "reflections": 0,
        "encouragements": 0,
        "came_back": 0,
        "new_members": 0,
    }
    fields.update(values)
    return RecapCounts(per_day_this_week=(0,) * 7, per_day_last_week=(0,) * 7, **fields)


BUSY = counts(
    members_showed_up=23,
    checkins=87,
    rest_days=14,
    setbacks=3,
    reflections=2,
    encouragements=12,
    came_back=2,
    new_members=4,
)


def test_recap_text_for_a_full_week() -> None:
    text = recap_text(
        BUSY,
        milestone_names=alphabetical(["Émile", "bob", "alice"]),
        thought=THOUGHT,
        week_label=LABEL,
    )
    assert text == (
        "**Our week together: 23 to 29 November**\n"
        "23 of us showed up, with 87 check-ins, including 14 rest days (rest is training too).\n"
        "3 setbacks came our way, and we wrote 2 reflections to learn from what happened.\n"
        "We shared 12 encouragements with each other.\n"
        "2 of us came back after a break. Welcome back!\n"
        "4 new members started their journey with us. Welcome!\n"
        "Milestones to celebrate (100 days shown up, or a year of weekly rhythm): "
        "alice, bob and Émile. Well done, and back to the process together.\n"
        "\n"
        "Thought for the week: We do not need a perfect week, only an honest one."
    )


def test_recap_text_singular() -> None:
    ones = counts(
        members_showed_up=1,
        checkins=1,
        rest_days=1,
        setbacks=1,
        reflections=1,
        encouragements=1,
        came_back=1,
        new_members=1,
    )
    text = recap_text(ones, milestone_names=["Sam"], thought=THOUGHT, week_label=LABEL)
    lines = text.splitlines()
    assert lines[1] == (
        "1 of us showed up, with 1 check-in, including 1 rest day (rest is training too)."
    )
    assert (
        lines[2] == "1 setback came our way, and we wrote 1 reflection to learn from what happened."
    )
    assert lines[3] == "We shared 1 encouragement with each other."
    assert lines[4] == "1 of us came back after a break. Welcome back!"
    assert lines[5] == "1 new member started their journey with us. Welcome!"
    assert ": Sam. Well done" in lines[6]
    for plural in ("check-ins", "rest days", "setbacks", "reflections", "encouragements"):
        assert plural not in text


def test_recap_text_leaves_out_lines_whose_number_is_zero() -> None:
    text = recap_text(
        counts(members_showed_up=5, checkins=9),
        milestone_names=[],
        thought=THOUGHT,
        week_label=LABEL,
    )
    assert text == (
        "**Our week together: 23 to 29 November**\n"
        "5 of us showed up, with 9 check-ins.\n"
        "\n"
        "Thought for the week: We do not need a perfect week, only an honest one."
    )


def test_recap_text_setbacks_and_reflections_alone() -> None:
    only_setbacks = recap_text(
        counts(members_showed_up=2, checkins=2, setbacks=2),
        milestone_names=[],
        thought=THOUGHT,
        week_label=LABEL,
    )
    assert "2 setbacks came our way: information for the next step." in only_setbacks
    only_reflections = recap_text(
        counts(members_showed_up=2, checkins=2, reflections=1),
        milestone_names=[],
        thought=THOUGHT,
        week_label=LABEL,
    )
    assert "We wrote 1 reflection, turning setbacks into something to learn from." in (
        only_reflections
    )


def test_recap_text_for_a_quiet_week() -> None:
    text = recap_text(counts(), milestone_names=[], thought=THOUGHT, week_label=LABEL)
    assert text.splitlines()[1].startswith("A quiet week. The path is still here;")
    assert "0" not in text.replace("23 to 29", "")
    assert text.endswith(f"Thought for the week: {THOUGHT}")
    # Encouragements shared in a week without check-ins are still worth saying.
    kind = recap_text(
        counts(encouragements=3), milestone_names=[], thought=THOUGHT, week_label=LABEL
    )
    assert "A quiet week." in kind and "We shared 3 encouragements" in kind


def test_alphabetical_ignores_case_and_accents_then_breaks_ties_by_the_name_as_written() -> None:
    names = ["Émile", "zoe", "bob", "alice", "Bob", "Zoë", "ALICE", "eva"]
    assert alphabetical(names) == ["ALICE", "alice", "Bob", "bob", "Émile", "eva", "zoe", "Zoë"]
    assert alphabetical(["straße", "STRASSE", "strasse"]) == ["STRASSE", "strasse", "straße"]
    text = recap_text(BUSY, milestone_names=alphabetical(names), thought=THOUGHT, week_label=LABEL)
    assert "ALICE, alice, Bob, bob, Émile, eva, zoe and Zoë." in text


def test_recap_text_caps_two_hundred_names_with_and_n_more() -> None:
    names = alphabetical(f"{'Runner' if i % 2 else 'runner'} number {i:03d}" for i in range(200))
    text = recap_text(BUSY, milestone_names=names, thought=THOUGHT, week_label=LABEL)
    assert len(text) <= MESSAGE_LIMIT
    line = next(line for line in text.splitlines() if line.startswith("Milestones"))
    match = re.search(r": (.*) and (\d+) more\. Well done", line)
    assert match is not None
    listed = match.group(1).split(", ")
    assert listed == names[: len(listed)]  # a prefix of the alphabetical order
    assert len(listed) + int(match.group(2)) == 200
    assert len(listed) > 20
    # One name more would not have fitted: less room is left than ", " and a name.
    assert MESSAGE_LIMIT - len(text) < len(", ") + len(names[len(listed)])
    assert text.endswith(f"Thought for the week: {THOUGHT}")


def test_recap_text_lists_every_name_when_they_fit() -> None:
    names = alphabetical(f"Member {i}" for i in range(40))
    text = recap_text(BUSY, milestone_names=names, thought=THOUGHT, week_label=LABEL)
    assert "more." not in text
    assert ", ".join(names[:-1]) + " and " + names[-1] + ". Well done" in text


def test_recap_text_celebrates_without_names_when_not_one_fits() -> None:
    names = ["x" * 1990, "y" * 1990]
    text = recap_text(BUSY, milestone_names=names, thought=THOUGHT, week_label=LABEL)
    assert len(text) <= MESSAGE_LIMIT
    assert "x" * 50 not in text
    assert "2 of us reached a milestone this week (100 days shown up, or a year of weekly " in text


def test_recap_text_never_ranks_and_adds_no_mentions() -> None:
    samples = [BUSY, counts(), counts(members_showed_up=1, checkins=1)]
    for sample in samples:
        for thought in WEEKLY_THOUGHTS:
            text = recap_text(
                sample, milestone_names=["Ana", "Ben"], thought=thought, week_label=LABEL
            )
            assert not FORBIDDEN.search(text), text
            assert "@" not in text


names_without_at = st.text(
    alphabet=st.characters(exclude_characters="@", exclude_categories=("Cs",)), max_size=40
)


@settings(max_examples=150, deadline=None)
@given(
    numbers=st.lists(st.integers(0, 10**9), min_size=8, max_size=8),
    names=st.lists(names_without_at, max_size=250),
    thought=st.text(alphabet=st.characters(exclude_characters="@"), max_size=800),
    label=st.text(alphabet=st.characters(exclude_characters="@"), max_size=200),
)
def test_recap_text_stays_within_discord_limit_and_mentions_nobody(
    numbers: list[int], names: list[str], thought: str, label: str
) -> None:
    sample = counts(
        **dict(
            zip(
                (
                    "members_showed_up",
                    "checkins",
                    "rest_days",
                    "setbacks",
                    "reflections",
                    "encouragements",
                    "came_back",
                    "new_members",
                ),
                numbers,
                strict=True,
            )
        )
    )
    text = recap_text(
        sample, milestone_names=alphabetical(names), thought=thought, week_label=label
    )
    assert len(text) <= MESSAGE_LIMIT
    assert "@" not in text


def test_week_label_reads_as_people_say_it() -> None:
    from bot.rules.recap import week_label

    assert week_label(date(2026, 11, 23)) == "23 to 29 November"
    assert week_label(date(2026, 11, 30)) == "30 November to 6 December"
