import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.days import (
    YESTERDAY_CUTOFF,
    checkin_date,
    local_date,
    parse_hhmm,
    parse_resume_date,
    parse_timezone,
    week_start,
)
from bot.rules.errors import UserFacingError

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")
PAGO_PAGO = ZoneInfo("Pacific/Pago_Pago")

FIXED_ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC",
        "Europe/Berlin",
        "Europe/London",
        "America/New_York",
        "America/Los_Angeles",
        "America/Sao_Paulo",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Asia/Tokyo",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
        "Pacific/Chatham",
        "Africa/Casablanca",
    )
]
DST_ZONES = [BERLIN, NEW_YORK, ZoneInfo("Australia/Sydney"), ZoneInfo("Australia/Lord_Howe")]

if zoneinfo.available_timezones():
    zones = st.one_of(st.sampled_from(FIXED_ZONES), st.timezones())
else:  # pragma: no cover - depends on the installed tz database
    zones = st.sampled_from(FIXED_ZONES)

aware_instants = st.datetimes(
    min_value=datetime(1971, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.just(UTC),
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- parse_timezone -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Europe/Berlin", "America/New_York", "UTC", "Pacific/Kiritimati", "Asia/Kathmandu"],
)
def test_parse_timezone_accepts_iana_names(name: str) -> None:
    assert parse_timezone(name) == ZoneInfo(name)


def test_parse_timezone_strips_surrounding_space() -> None:
    assert parse_timezone("  Europe/Berlin \n") == BERLIN


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "europe/berlin",
        "Europe/Berln",
        "Mars/Olympus_Mons",
        "Europe",
        "../etc/passwd",
        "Europe/../Europe/Berlin",
        "/etc/localtime",
        "/usr/share/zoneinfo/Europe/Berlin",
        "Europe\\Berlin",
        "Europe/Berlin\x00",
        "localtime",
        "posixrules",
        "zone.tab",
        "tzdata.zi",
        "__init__.py",
        "Europe//Berlin",
        "Europe/Berlin/",
        "A" * 65,
        "Europe/" + "x" * 200,
    ],
)
def test_parse_timezone_rejects_unknown_or_unsafe_names(name: str) -> None:
    with pytest.raises(UserFacingError) as excinfo:
        parse_timezone(name)
    message = str(excinfo.value)
    assert "I don't know the timezone" in message
    assert "`Europe/Berlin`" in message


def test_parse_timezone_message_echoes_a_sanitized_truncated_name() -> None:
    with pytest.raises(UserFacingError) as excinfo:
        parse_timezone("`evil`" + "y" * 100)
    message = str(excinfo.value)
    assert message.startswith("I don't know the timezone `evil" + "y" * 60 + "`.")
    assert message.count("`") == 6


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_parse_timezone_only_ever_returns_a_zone_or_a_user_facing_error(name: str) -> None:
    try:
        zone = parse_timezone(name)
    except UserFacingError as exc:
        message = str(exc)
        assert message.count("`") == 6
        echoed = message.split("`")[1]
        assert len(echoed) <= 64
    else:
        assert isinstance(zone, ZoneInfo)


# --- local_date -----------------------------------------------------------------------------


def test_local_date_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        local_date(datetime(2026, 3, 29, 12, 0), BERLIN)


@pytest.mark.parametrize(
    ("instant", "tz", "expected"),
    [
        # Europe/Berlin spring forward 2026-03-29 (01:00 UTC: 02:00 CET -> 03:00 CEST)
        (utc(2026, 3, 28, 22, 59), BERLIN, date(2026, 3, 28)),
        (utc(2026, 3, 28, 23, 0), BERLIN, date(2026, 3, 29)),
        (utc(2026, 3, 29, 0, 59), BERLIN, date(2026, 3, 29)),
        (utc(2026, 3, 29, 1, 0), BERLIN, date(2026, 3, 29)),
        (utc(2026, 3, 29, 21, 59), BERLIN, date(2026, 3, 29)),
        (utc(2026, 3, 29, 22, 0), BERLIN, date(2026, 3, 30)),
        # Europe/Berlin fall back 2026-10-25 (01:00 UTC: 03:00 CEST -> 02:00 CET)
        (utc(2026, 10, 24, 21, 59), BERLIN, date(2026, 10, 24)),
        (utc(2026, 10, 24, 22, 0), BERLIN, date(2026, 10, 25)),
        (utc(2026, 10, 25, 22, 59), BERLIN, date(2026, 10, 25)),
        (utc(2026, 10, 25, 23, 0), BERLIN, date(2026, 10, 26)),
        # America/New_York spring forward 2026-03-08 (07:00 UTC: 02:00 EST -> 03:00 EDT)
        (utc(2026, 3, 8, 4, 59), NEW_YORK, date(2026, 3, 7)),
        (utc(2026, 3, 8, 5, 0), NEW_YORK, date(2026, 3, 8)),
        (utc(2026, 3, 9, 3, 59), NEW_YORK, date(2026, 3, 8)),
        (utc(2026, 3, 9, 4, 0), NEW_YORK, date(2026, 3, 9)),
        # America/New_York fall back 2026-11-01 (06:00 UTC: 02:00 EDT -> 01:00 EST)
        (utc(2026, 11, 1, 3, 59), NEW_YORK, date(2026, 10, 31)),
        (utc(2026, 11, 1, 4, 0), NEW_YORK, date(2026, 11, 1)),
        (utc(2026, 11, 2, 4, 59), NEW_YORK, date(2026, 11, 1)),
        (utc(2026, 11, 2, 5, 0), NEW_YORK, date(2026, 11, 2)),
    ],
)
def test_local_date_around_dst_transitions(instant: datetime, tz: ZoneInfo, expected: date) -> None:
    assert local_date(instant, tz) == expected


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        (BERLIN, date(2026, 3, 29), 23),
        (BERLIN, date(2026, 10, 25), 25),
        (BERLIN, date(2026, 6, 1), 24),
        (NEW_YORK, date(2026, 3, 8), 23),
        (NEW_YORK, date(2026, 11, 1), 25),
    ],
)
def test_dst_days_have_23_or_25_hours(tz: ZoneInfo, day: date, hours: int) -> None:
    start = datetime.combine(day - timedelta(days=2), time(0), tzinfo=UTC)
    instants = [start + timedelta(hours=h) for h in range(24 * 4)]
    assert sum(1 for i in instants if local_date(i, tz) == day) == hours


def test_local_date_accepts_instants_in_any_aware_timezone() -> None:
    instant = datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)  # 01:30 UTC
    assert local_date(instant, NEW_YORK) == date(2026, 3, 28)
    assert local_date(instant, UTC) == date(2026, 3, 29)


def test_same_instant_is_different_dates_at_the_edges_of_the_world() -> None:
    instant = utc(2026, 6, 15, 10, 30)
    assert local_date(instant, KIRITIMATI) == date(2026, 6, 16)  # UTC+14: 00:30 next day
    assert local_date(instant, PAGO_PAGO) == date(2026, 6, 14)  # UTC-11: 23:30 day before
    assert local_date(instant, UTC) == date(2026, 6, 15)


@settings(max_examples=150, deadline=None)
@given(aware_instants, zones)
def test_local_date_is_the_date_in_that_zone(instant: datetime, tz: ZoneInfo) -> None:
    assert local_date(instant, tz) == instant.astimezone(tz).date()


@settings(max_examples=150, deadline=None)
@given(aware_instants, zones)
def test_local_date_never_goes_backwards_an_hour_later(instant: datetime, tz: ZoneInfo) -> None:
    before = local_date(instant, tz)
    after = local_date(instant + timedelta(hours=1), tz)
    assert before <= after <= before + timedelta(days=1)


DST_TRANSITIONS = [
    utc(2026, 3, 29, 1, 0),  # Berlin spring
    utc(2026, 10, 25, 1, 0),  # Berlin autumn
    utc(2026, 3, 8, 7, 0),  # New York spring
    utc(2026, 11, 1, 6, 0),  # New York autumn
    utc(2026, 4, 4, 16, 0),  # Sydney autumn (03:00 AEDT -> 02:00 AEST)
    utc(2026, 10, 3, 16, 0),  # Sydney spring (02:00 AEST -> 03:00 AEDT)
]


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(DST_TRANSITIONS),
    st.integers(min_value=-36, max_value=0),
    st.sampled_from(DST_ZONES),
)
def test_hourly_steps_across_a_dst_change_never_go_backwards(
    transition: datetime, offset_hours: int, tz: ZoneInfo
) -> None:
    start = transition + timedelta(hours=offset_hours, minutes=30)
    dates = [local_date(start + timedelta(hours=h), tz) for h in range(72)]
    for earlier, later in zip(dates, dates[1:], strict=False):
        assert earlier <= later <= earlier + timedelta(days=1)


# --- parse_hhmm -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:05", time(7, 5)),
        ("0:00", time(0, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("12:00", time(12, 0)),
        (" 06:15 ", time(6, 15)),
        ("07:30\n", time(7, 30)),
    ],
)
def test_parse_hhmm_accepts_24_hour_times(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "25:99",
        "24:00",
        "12:60",
        "ab",
        "",
        "7:5",
        "007:30",
        "07:300",
        "07:30:00",
        "0730",
        "07.30",
        "7pm",
        "-1:30",
        "\u0661\u0662:\u0663\u0660",  # Arabic-Indic digits
    ],
)
def test_parse_hhmm_rejects_other_text(text: str) -> None:
    with pytest.raises(UserFacingError) as excinfo:
        parse_hhmm(text)
    assert "HH:MM" in str(excinfo.value)
    assert "`07:30`" in str(excinfo.value)


def test_parse_hhmm_echo_is_sanitized_and_short() -> None:
    with pytest.raises(UserFacingError) as excinfo:
        parse_hhmm("``@everyone``" + "9" * 50)
    message = str(excinfo.value)
    assert message.count("`") == 4
    assert len(message.split("`")[1]) <= 20


@given(st.integers(0, 23), st.integers(0, 59))
def test_parse_hhmm_round_trips_every_valid_time(hour: int, minute: int) -> None:
    assert parse_hhmm(f"{hour}:{minute:02d}") == time(hour, minute)
    assert parse_hhmm(f"{hour:02d}:{minute:02d}") == time(hour, minute)


# --- parse_resume_date ----------------------------------------------------------------------

TODAY = date(2026, 5, 4)


def test_parse_resume_date_accepts_tomorrow_and_up_to_366_days() -> None:
    assert parse_resume_date("2026-05-05", TODAY) == date(2026, 5, 5)
    assert parse_resume_date(" 2026-06-01 ", TODAY) == date(2026, 6, 1)
    limit = TODAY + timedelta(days=366)
    assert parse_resume_date(limit.isoformat(), TODAY) == limit


@pytest.mark.parametrize(
    "text",
    ["2026-5-5", "2026-02-30", "20260505", "", "tomorrow", "2026-05-05T00:00", "05/05/2026"],
)
def test_parse_resume_date_rejects_malformed_dates(text: str) -> None:
    with pytest.raises(UserFacingError) as excinfo:
        parse_resume_date(text, TODAY)
    assert "YYYY-MM-DD" in str(excinfo.value)


@pytest.mark.parametrize("text", ["2026-05-04", "2026-05-03", "2020-01-01"])
def test_parse_resume_date_must_be_after_today(text: str) -> None:
    with pytest.raises(UserFacingError) as excinfo:
        parse_resume_date(text, TODAY)
    assert "after today" in str(excinfo.value)


def test_parse_resume_date_at_most_a_year_ahead() -> None:
    too_far = TODAY + timedelta(days=367)
    with pytest.raises(UserFacingError) as excinfo:
        parse_resume_date(too_far.isoformat(), TODAY)
    assert "a year ahead" in str(excinfo.value)


# --- checkin_date ---------------------------------------------------------------------------


def test_checkin_today_is_the_local_date() -> None:
    now = utc(2026, 6, 15, 23, 30)  # already the 16th in Berlin
    assert checkin_date("today", now, BERLIN) == date(2026, 6, 16)
    assert checkin_date("today", now, NEW_YORK) == date(2026, 6, 15)


def test_yesterday_allowed_at_1159_local() -> None:
    now = datetime(2026, 7, 10, 11, 59, tzinfo=NEW_YORK).astimezone(UTC)  # 15:59 UTC
    assert checkin_date("yesterday", now, NEW_YORK) == date(2026, 7, 9)


def test_yesterday_refused_at_1200_local() -> None:
    now = datetime(2026, 7, 10, 12, 0, tzinfo=NEW_YORK).astimezone(UTC)  # 16:00 UTC
    with pytest.raises(UserFacingError) as excinfo:
        checkin_date("yesterday", now, NEW_YORK)
    assert "noon" in str(excinfo.value)
    assert checkin_date("today", now, NEW_YORK) == date(2026, 7, 10)


def test_yesterday_cutoff_uses_local_time_not_utc() -> None:
    # 13:00 UTC is 23:00 in Sydney (too late) and 09:00 in New York (fine).
    now = utc(2026, 7, 10, 13, 0)
    assert checkin_date("yesterday", now, NEW_YORK) == date(2026, 7, 9)
    with pytest.raises(UserFacingError):
        checkin_date("yesterday", now, ZoneInfo("Australia/Sydney"))


def test_yesterday_on_a_dst_day() -> None:
    morning = datetime(2026, 3, 29, 11, 59, tzinfo=BERLIN)
    assert checkin_date("yesterday", morning, BERLIN) == date(2026, 3, 28)
    with pytest.raises(UserFacingError):
        checkin_date("yesterday", datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN), BERLIN)


def test_checkin_choice_is_forgiving_about_case_and_space() -> None:
    now = utc(2026, 7, 10, 9, 0)
    assert checkin_date(" Today ", now, UTC) == date(2026, 7, 10)
    assert checkin_date("YESTERDAY", now, UTC) == date(2026, 7, 9)


@pytest.mark.parametrize("choice", ["tomorrow", "", "last week", "2026-07-09"])
def test_checkin_other_choices_are_refused(choice: str) -> None:
    with pytest.raises(UserFacingError):
        checkin_date(choice, utc(2026, 7, 10, 9, 0), UTC)


def test_checkin_date_rejects_naive_now() -> None:
    with pytest.raises(ValueError):
        checkin_date("today", datetime(2026, 7, 10, 9, 0), UTC)


@settings(max_examples=150, deadline=None)
@given(aware_instants, st.sampled_from(FIXED_ZONES))
def test_yesterday_succeeds_iff_local_hour_is_before_noon(now: datetime, tz: ZoneInfo) -> None:
    local = now.astimezone(tz)
    assert checkin_date("today", now, tz) == local.date()
    if local.hour < 12:
        assert checkin_date("yesterday", now, tz) == local.date() - timedelta(days=1)
    else:
        with pytest.raises(UserFacingError):
            checkin_date("yesterday", now, tz)


def test_yesterday_cutoff_is_noon() -> None:
    assert time(12, 0) == YESTERDAY_CUTOFF


# --- week_start -----------------------------------------------------------------------------


def test_week_start_sunday_to_monday_boundary() -> None:
    sunday = date(2026, 3, 29)
    monday = date(2026, 3, 30)
    assert week_start(sunday) == date(2026, 3, 23)
    assert week_start(monday) == monday
    assert week_start(date(2026, 1, 1)) == date(2025, 12, 29)  # ISO week 1 of 2026


@given(st.dates(min_value=date(1900, 1, 8), max_value=date(2200, 1, 1)))
def test_week_start_is_the_monday_on_or_before(day: date) -> None:
    start = week_start(day)
    assert start.weekday() == 0
    assert 0 <= (day - start).days < 7
    assert start.isocalendar()[:2] == day.isocalendar()[:2]


def test_every_personal_dm_kind_has_a_grace_window() -> None:
    from bot.rules.dm_times import PERSONAL_DM_GRACE
    from bot.rules.kinds import DM_KINDS

    assert set(PERSONAL_DM_GRACE) == set(DM_KINDS)
