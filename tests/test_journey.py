from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.days import week_start
from bot.rules.journey import (
    JourneyStats,
    PausePeriod,
    consistency,
    current_streak,
    days_this_week,
    is_paused,
    journey_stats,
    longest_streak,
    paused_days,
    streak_ended,
    weekly_rhythm,
)

NONE: frozenset[date] = frozenset()


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def span(first: date, last: date) -> set[date]:
    """Every day from first to last inclusive."""
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


# March 2026: Mondays are the 2nd, 9th, 16th, 23rd and 30th.
MON_2, MON_9, MON_16, MON_23, MON_30 = d(3, 2), d(3, 9), d(3, 16), d(3, 23), d(3, 30)


# --- pauses ---------------------------------------------------------------------------------


def test_paused_days_end_is_exclusive_and_open_pauses_run_to_until() -> None:
    pauses = [PausePeriod(d(3, 3), d(3, 6)), PausePeriod(d(3, 10), None)]
    assert paused_days(pauses, d(3, 12)) == frozenset(
        {d(3, 3), d(3, 4), d(3, 5), d(3, 10), d(3, 11), d(3, 12)}
    )


def test_paused_days_stop_at_until() -> None:
    pauses = [PausePeriod(d(3, 3), d(3, 20)), PausePeriod(d(3, 30), None)]
    assert paused_days(pauses, d(3, 5)) == frozenset({d(3, 3), d(3, 4), d(3, 5)})


def test_paused_days_empty_cases() -> None:
    assert paused_days([], d(3, 5)) == NONE
    assert paused_days([PausePeriod(d(3, 5), d(3, 5))], d(3, 10)) == NONE  # zero length
    assert paused_days([PausePeriod(d(3, 9), d(3, 5))], d(3, 10)) == NONE  # end before start


def test_is_paused() -> None:
    pauses = [PausePeriod(d(3, 3), d(3, 6)), PausePeriod(d(3, 10), None)]
    assert not is_paused(pauses, d(3, 2))
    assert is_paused(pauses, d(3, 3))
    assert is_paused(pauses, d(3, 5))
    assert not is_paused(pauses, d(3, 6))
    assert is_paused(pauses, date(2030, 1, 1))
    assert not is_paused([], d(3, 3))


# --- current streak -------------------------------------------------------------------------


def test_current_streak_counts_consecutive_days_to_today() -> None:
    assert current_streak(span(d(3, 1), d(3, 5)), d(3, 5), NONE) == 5


def test_today_not_yet_checked_in_does_not_break_the_streak() -> None:
    days = span(d(3, 1), d(3, 5))
    assert current_streak(days, d(3, 6), NONE) == 5
    assert current_streak(days, d(3, 7), NONE) == 0


def test_streak_across_a_pause() -> None:
    days = {d(3, 1), d(3, 2), d(3, 6), d(3, 7)}
    paused = frozenset(span(d(3, 3), d(3, 5)))
    assert current_streak(days, d(3, 7), paused) == 4
    assert current_streak(days, d(3, 7), NONE) == 2


def test_streak_survives_an_open_pause_through_today() -> None:
    days = span(d(3, 1), d(3, 3))
    pauses = [PausePeriod(d(3, 4), None)]
    assert current_streak(days, d(3, 20), paused_days(pauses, d(3, 20))) == 3


def test_check_in_during_a_pause_counts() -> None:
    days = {d(3, 1), d(3, 2), d(3, 4)}
    paused = frozenset(span(d(3, 3), d(3, 5)))
    assert current_streak(days, d(3, 5), paused) == 3
    assert current_streak(days, d(3, 6), paused) == 3


def test_current_streak_ignores_future_days_and_empty_history() -> None:
    assert current_streak(set(), d(3, 5), NONE) == 0
    assert current_streak({d(3, 6), d(3, 7)}, d(3, 5), NONE) == 0


def test_current_streak_at_the_start_of_time_terminates() -> None:
    assert current_streak({date.min}, date.min, frozenset({date.min})) == 1
    assert current_streak(set(), date.min + timedelta(days=1), frozenset({date.min})) == 0


# --- longest streak -------------------------------------------------------------------------


def test_longest_streak_finds_the_longest_run() -> None:
    days = span(d(1, 1), d(1, 10)) | span(d(2, 1), d(2, 3))
    assert longest_streak(days, NONE) == 10
    assert longest_streak(set(), NONE) == 0


def test_longest_streak_bridges_only_fully_paused_gaps() -> None:
    days = {d(3, 1), d(3, 2), d(3, 6), d(3, 7), d(3, 9)}
    paused = frozenset(span(d(3, 3), d(3, 5)))
    assert longest_streak(days, paused) == 4
    assert longest_streak(days, paused | {d(3, 8)}) == 5
    assert longest_streak(days, frozenset({d(3, 3), d(3, 5)})) == 2  # 4 March not paused


# --- weekly rhythm --------------------------------------------------------------------------


def test_rhythm_counts_met_weeks_and_this_week_may_still_be_unmet() -> None:
    days = (
        {MON_2, d(3, 4), d(3, 6)}
        | {MON_9, d(3, 10), d(3, 11)}
        | {d(3, 20), d(3, 21), d(3, 22)}
        | {MON_23}
    )
    today = d(3, 25)  # Wednesday
    assert weekly_rhythm(days, today, 3, NONE) == 3
    assert weekly_rhythm(days | {d(3, 24), d(3, 25)}, today, 3, NONE) == 4


def test_rhythm_stops_at_the_first_unmet_past_week() -> None:
    days = {MON_2, d(3, 3), MON_9, MON_16, d(3, 17), MON_23, d(3, 24)}
    assert weekly_rhythm(days, d(3, 24), 2, NONE) == 2  # week of the 9th had only one day


def test_rhythm_skips_a_fully_paused_week() -> None:
    days = {MON_2, d(3, 3), MON_16, d(3, 17)}
    today = d(3, 24)
    paused = frozenset(span(MON_9, d(3, 15)))
    assert weekly_rhythm(days, today, 2, paused) == 2
    assert weekly_rhythm(days, today, 2, NONE) == 1


def test_rhythm_partially_paused_week_has_a_reduced_requirement() -> None:
    paused = frozenset(span(MON_9, d(3, 13)))  # Monday to Friday paused
    weekend_both = {d(3, 14), d(3, 15)}
    weekend_one = {d(3, 14)}
    today = d(3, 16)  # Monday of the following week, nothing yet
    assert weekly_rhythm(weekend_both, today, 4, paused) == 1  # needs min(4, 2) = 2
    assert weekly_rhythm(weekend_one, today, 4, paused) == 0
    assert weekly_rhythm(weekend_one, today, 1, paused) == 1


def test_rhythm_fully_paused_week_with_a_check_in_counts() -> None:
    paused = frozenset(span(MON_9, d(3, 15)))
    assert weekly_rhythm({d(3, 11)}, d(3, 16), 3, paused) == 1


def test_rhythm_week_boundary_sunday_to_monday() -> None:
    sunday = d(3, 22)
    assert weekly_rhythm({sunday}, sunday, 1, NONE) == 1
    assert weekly_rhythm({sunday}, MON_23, 1, NONE) == 1  # last week met, this week still open
    assert weekly_rhythm({sunday}, MON_30, 1, NONE) == 0  # the week of the 23rd was missed
    assert days_this_week({sunday}, sunday) == 1
    assert days_this_week({sunday}, MON_23) == 0


def test_rhythm_does_not_look_before_the_first_check_in() -> None:
    long_pause = frozenset(span(date(2020, 1, 1), d(3, 22)))
    assert weekly_rhythm({MON_23}, MON_23, 1, long_pause) == 1
    assert weekly_rhythm({MON_23}, d(3, 29), 3, NONE) == 0
    assert weekly_rhythm(set(), d(3, 29), 3, NONE) == 0
    assert weekly_rhythm({MON_30}, d(3, 29), 1, NONE) == 0  # only a future day


def test_rhythm_needs_a_positive_target() -> None:
    with pytest.raises(ValueError):
        weekly_rhythm({MON_23}, MON_23, 0, NONE)


def test_days_this_week_counts_monday_to_today() -> None:
    days = {d(3, 22), MON_23, d(3, 25), d(3, 28)}
    assert days_this_week(days, d(3, 25)) == 2
    assert days_this_week(days, d(3, 29)) == 3


# --- consistency ----------------------------------------------------------------------------


def test_consistency_over_28_days() -> None:
    today = d(3, 28)
    days = {today - timedelta(days=2 * i) for i in range(10)}
    assert consistency(days, today, NONE, date(2025, 1, 1)) == (10, 28)


def test_consistency_excludes_paused_days_without_a_check_in() -> None:
    today = d(3, 28)
    days = {d(3, 1), d(3, 2), d(3, 28)}
    paused = frozenset(span(d(3, 10), d(3, 16)))
    assert consistency(days, today, paused, date(2025, 1, 1)) == (3, 21)
    # a check-in on a paused day is counted on both sides
    assert consistency(days | {d(3, 12)}, today, paused, date(2025, 1, 1)) == (4, 22)
    # days before the window are out of it, paused or not
    assert consistency(days, today, paused | {d(2, 28)}, date(2025, 1, 1)) == (3, 21)


def test_consistency_with_a_recent_start() -> None:
    today = d(3, 28)
    days = {d(3, 24), d(3, 26), d(3, 28), d(3, 10)}
    assert consistency(days, today, NONE, d(3, 24)) == (3, 5)
    assert consistency(days, today, NONE, today) == (1, 1)
    assert consistency(set(), today, NONE, today) == (0, 0)  # today isn't over yet
    assert consistency(set(), today, NONE, d(3, 29)) == (0, 0)


def test_consistency_never_counts_an_unfinished_today_against_the_member() -> None:
    today = d(3, 28)
    before = {today - timedelta(days=i) for i in range(1, 14)}  # 13 days in a row, not today
    # 18:30, not checked in yet: 13 of the 13 days that are over, not "13 of 14".
    assert consistency(before, today, NONE, today - timedelta(days=13)) == (13, 13)
    # Checked in today: it counts, on both sides.
    assert consistency(before | {today}, today, NONE, today - timedelta(days=13)) == (14, 14)
    # A first day: nothing before it, and today only once it has a check-in.
    assert consistency({today}, today, NONE, today) == (1, 1)
    # A missed yesterday still counts as a day that was there.
    assert consistency({today}, today, NONE, today - timedelta(days=1)) == (1, 2)


def test_consistency_with_a_recent_start_and_a_pause() -> None:
    today = d(3, 28)
    paused = frozenset(span(d(3, 25), d(3, 27)))
    assert consistency({d(3, 24), d(3, 28)}, today, paused, d(3, 24)) == (2, 2)


def test_consistency_custom_window() -> None:
    today = d(3, 28)
    assert consistency(span(d(3, 1), today), today, NONE, d(1, 1), window=7) == (7, 7)
    with pytest.raises(ValueError):
        consistency(set(), today, NONE, d(1, 1), window=0)


# --- streak ended ---------------------------------------------------------------------------


def test_streak_ended() -> None:
    today = d(3, 10)
    assert not streak_ended(set(), today, NONE)  # first time ever
    assert not streak_ended({today}, today, NONE)  # only today: nothing earlier
    assert not streak_ended({d(3, 9)}, today, NONE)  # yesterday keeps it alive
    assert not streak_ended({d(3, 9), today}, today, NONE)
    assert streak_ended({d(3, 7)}, today, NONE)
    assert streak_ended({d(3, 7), today}, today, NONE)  # coming back after a gap
    assert not streak_ended({d(3, 7)}, today, frozenset({d(3, 8), d(3, 9)}))  # gap was paused


# --- journey_stats --------------------------------------------------------------------------


def test_journey_stats_composes_everything() -> None:
    days = frozenset(
        {d(3, 2), d(3, 3), d(3, 4)}  # week of the 2nd: three days, then the pause
        | span(MON_16, d(3, 22))  # week of the 16th: every day
        | {MON_23, d(3, 24)}  # this week so far
    )
    pauses = [PausePeriod(d(3, 5), MON_16)]  # Thursday 5th to Sunday 15th
    stats = journey_stats(
        days=days,
        rest_days=2,
        reflections=4,
        pauses=pauses,
        today=d(3, 25),  # Wednesday, not checked in yet
        weekly_target=3,
        start=d(3, 1),
    )
    assert stats == JourneyStats(
        days_shown_up=12,
        current_streak=12,  # 24th back to the 2nd, the pause bridged
        longest_streak=12,
        weekly_rhythm=2,  # weeks of the 16th and the 2nd; week of the 9th paused; this week open
        weekly_target=3,
        days_this_week=2,
        consistency_days=12,
        # 1st to 24th is 24 days, minus 11 paused days; the 25th isn't over and has no
        # check-in yet, so it is not counted against her.
        consistency_out_of=13,
        rest_days=2,
        reflections=4,
    )


def test_journey_stats_after_a_missed_day() -> None:
    days = frozenset(span(d(3, 2), d(3, 8)) | {d(3, 10)})
    stats = journey_stats(
        days=days,
        rest_days=0,
        reflections=0,
        pauses=[],
        today=d(3, 11),
        weekly_target=5,
        start=d(3, 2),
    )
    assert (stats.current_streak, stats.longest_streak) == (1, 7)
    assert (stats.weekly_rhythm, stats.days_this_week) == (1, 1)
    # 2nd to 10th: 9 days that are over; the 11th (today, no check-in yet) is not counted.
    assert (stats.consistency_days, stats.consistency_out_of) == (8, 9)
    assert stats.days_shown_up == 8


# --- properties -----------------------------------------------------------------------------

FIRST, LAST = date(2026, 1, 1), date(2026, 4, 30)
dates = st.dates(min_value=FIRST, max_value=LAST)
day_sets = st.frozensets(dates, max_size=40)
pause_sets = st.frozensets(dates, max_size=30)
pause_periods = st.lists(
    st.builds(PausePeriod, dates, st.one_of(st.none(), dates)),
    max_size=4,
)


@settings(max_examples=100, deadline=None)
@given(day_sets, dates, pause_sets)
def test_longest_is_at_least_current(days: frozenset[date], today: date, paused: frozenset[date]):
    assert longest_streak(days, paused) >= current_streak(days, today, paused)


@settings(max_examples=100, deadline=None)
@given(day_sets, dates, pause_sets)
def test_current_never_exceeds_days(days: frozenset[date], today: date, paused: frozenset[date]):
    assert 0 <= current_streak(days, today, paused) <= len(days)
    assert 0 <= longest_streak(days, paused) <= len(days)


@settings(max_examples=100, deadline=None)
@given(day_sets, dates, pause_sets)
def test_checking_in_today_never_lowers_the_streak(
    days: frozenset[date], today: date, paused: frozenset[date]
) -> None:
    before = current_streak(days, today, paused)
    after = current_streak(days | {today}, today, paused)
    assert after >= before
    if today not in days:
        assert after == before + 1


@settings(max_examples=100, deadline=None)
@given(day_sets, dates, pause_sets, pause_sets)
def test_more_paused_days_never_lower_streaks(
    days: frozenset[date], today: date, paused: frozenset[date], extra: frozenset[date]
) -> None:
    more = paused | extra
    assert current_streak(days, today, more) >= current_streak(days, today, paused)
    assert longest_streak(days, more) >= longest_streak(days, paused)


@settings(max_examples=100, deadline=None)
@given(day_sets, dates, pause_sets, dates, st.integers(min_value=1, max_value=60))
def test_consistency_bounds(
    days: frozenset[date], today: date, paused: frozenset[date], start: date, window: int
) -> None:
    shown_up, out_of = consistency(days, today, paused, start, window)
    assert 0 <= shown_up <= out_of <= window


@settings(max_examples=100, deadline=None)
@given(day_sets, dates, pause_sets, st.integers(min_value=1, max_value=7))
def test_rhythm_is_bounded_by_the_weeks_since_the_first_check_in(
    days: frozenset[date], today: date, paused: frozenset[date], target: int
) -> None:
    rhythm = weekly_rhythm(days, today, target, paused)
    past = [day for day in days if day <= today]
    if not past:
        assert rhythm == 0
    else:
        weeks = (week_start(today) - week_start(min(past))).days // 7 + 1
        assert 0 <= rhythm <= weeks


@settings(max_examples=100, deadline=None)
@given(pause_periods, dates)
def test_paused_days_agrees_with_is_paused(pauses: list[PausePeriod], until: date) -> None:
    paused = paused_days(pauses, until)
    assert all(day <= until for day in paused)
    for day in span(FIRST, until):
        assert (day in paused) == is_paused(pauses, day)


@settings(max_examples=100, deadline=None)
@given(day_sets, dates, pause_sets)
def test_streak_ended_matches_its_definition(
    days: frozenset[date], today: date, paused: frozenset[date]
) -> None:
    ended = streak_ended(days, today, paused)
    if today - timedelta(days=1) in days or not any(day < today for day in days):
        assert not ended
    prior = {day for day in days if day < today}
    assert ended == (bool(prior) and current_streak(prior, today, paused) == 0)


@settings(max_examples=100, deadline=None)
@given(day_sets, pause_periods, dates, st.integers(min_value=1, max_value=7), dates)
def test_journey_stats_invariants(
    days: frozenset[date], pauses: list[PausePeriod], today: date, target: int, start: date
) -> None:
    stats = journey_stats(
        days=days,
        rest_days=0,
        reflections=0,
        pauses=pauses,
        today=today,
        weekly_target=target,
        start=start,
    )
    assert stats.days_shown_up == len(days)
    assert stats.longest_streak >= stats.current_streak
    assert stats.consistency_days <= stats.consistency_out_of <= 28
    assert 0 <= stats.days_this_week <= 7
