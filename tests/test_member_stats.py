"""The stored carry gives exactly the numbers the whole history gives (bot/journey.py)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.journey import (
    PausePeriod,
    advance_carry,
    carry_from_history,
    carry_is_current,
    checkpoint_for,
    journey_stats,
    journey_stats_with,
    paused_days,
    streak_ended,
    streak_ended_with,
)

START = date(2024, 1, 1)


@st.composite
def histories(draw):
    length = draw(st.integers(min_value=1, max_value=500))
    rate = draw(st.sampled_from((0.3, 0.7, 0.95, 1.0)))
    flags = draw(st.lists(st.floats(0, 1), min_size=length, max_size=length))
    days = {START + timedelta(days=i) for i, f in enumerate(flags) if f < rate}
    rest = {d for d in days if draw(st.booleans()) and d.day % 3 == 0}
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        begin = START + timedelta(days=draw(st.integers(0, length)))
        span = draw(st.one_of(st.none(), st.integers(1, 40)))
        pauses.append(PausePeriod(begin, None if span is None else begin + timedelta(days=span)))
    today = START + timedelta(days=length + draw(st.integers(-1, 20)))
    target = draw(st.integers(1, 7))
    return days, rest, pauses, today, target


def full(days, rest, pauses, today, target):
    past = {d for d in days if d <= today}
    return journey_stats(
        days=past,
        rest_days=len(rest & past),
        reflections=2,
        pauses=pauses,
        today=today,
        weekly_target=target,
        start=min(past, default=today),
    )


def stored(days, rest, pauses, today, target):
    past = {d for d in days if d <= today}
    carry = carry_from_history(past, rest, pauses, today, target)
    window = {d for d in past if d >= carry.checkpoint}
    return carry, journey_stats_with(
        carry,
        days=window,
        rest_days=len(rest & window),
        reflections=2,
        pauses=pauses,
        today=today,
        weekly_target=target,
        start=min(past, default=today),
    )


@settings(max_examples=400, deadline=None)
@given(histories())
def test_stats_from_the_carry_match_the_whole_history(history) -> None:
    days, rest, pauses, today, target = history
    carry, stats = stored(days, rest, pauses, today, target)
    assert stats == full(days, rest, pauses, today, target)
    past = {d for d in days if d <= today}
    paused = paused_days(pauses, today)
    window = {d for d in past if d >= carry.checkpoint}
    assert streak_ended_with(window, today, paused, carry) == streak_ended(past, today, paused)


@settings(max_examples=200, deadline=None)
@given(histories(), st.integers(1, 200))
def test_a_carry_moved_on_step_by_step_matches_one_made_at_once(history, later) -> None:
    days, rest, pauses, today, target = history
    old_today = today - timedelta(days=later)
    past = {d for d in days if d <= old_today}
    carry = carry_from_history(past, rest, pauses, old_today, target)
    # Time passes; check-ins keep coming; each day the carry moves on when it must.
    day = old_today
    while day < today:
        day += timedelta(days=1)
        if not carry_is_current(carry, day, target):
            known = {d for d in days if d <= day}
            carry = advance_carry(
                carry, known, rest, paused_days(pauses, day), checkpoint_for(day), target, day
            )
    window = {d for d in days if carry.checkpoint <= d <= today}
    stats = journey_stats_with(
        carry,
        days=window,
        rest_days=len(rest & window),
        reflections=2,
        pauses=pauses,
        today=today,
        weekly_target=target,
        start=min({d for d in days if d <= today}, default=today),
    )
    assert stats == full(days, rest, pauses, today, target)
