import io
from datetime import date, datetime, timedelta

import pytest
from PIL import Image

from bot.rules.journey import JourneyStats, PausePeriod, paused_days
from bot.rules.journey_card import (
    ALT_TEXT_LIMIT,
    BACKGROUND,
    BEFORE_COLOUR,
    EMPTY_COLOUR,
    KIND_COLOURS,
    PAUSED_BACKGROUND,
    PAUSED_COLOUR,
    TODAY_OUTLINE,
    YEAR_WEEKS,
    JourneyPicture,
    cell_box,
    cell_center,
    draw_weeks,
    draw_year,
    month_labels,
    today_ring_width,
    weeks_layout,
    year_grid_start,
    year_layout,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TODAY = date(2026, 5, 14)  # a Thursday
NONE: frozenset[date] = frozenset()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def stats(**changes: int) -> JourneyStats:
    values = {
        "days_shown_up": 340,
        "current_streak": 5,
        "longest_streak": 41,
        "weekly_rhythm": 6,
        "weekly_target": 3,
        "days_this_week": 4,
        "consistency_days": 20,
        "consistency_out_of": 26,
        "rest_days": 25,
        "reflections": 3,
    }
    values.update(changes)
    return JourneyStats(**values)


def opened(picture: JourneyPicture) -> Image.Image:
    assert isinstance(picture.png, bytes)
    assert picture.png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(picture.png))
    assert image.format == "PNG"
    assert image.size == (picture.width, picture.height)
    image.load()
    return image.convert("RGB")


def centre_colour(image: Image.Image, layout, day: date) -> tuple[int, int, int]:
    return image.getpixel(cell_center(layout, day))


# -- the picture as a whole --------------------------------------------------------------------


def test_new_member_with_one_day_gets_a_year_picture_of_the_expected_size():
    picture = draw_year({TODAY: "practice"}, NONE, TODAY, stats(days_shown_up=1))
    image = opened(picture)
    layout = year_layout(TODAY)
    assert (picture.width, picture.height) == (layout.width, layout.height)
    assert 1000 <= picture.width <= 1100
    assert layout.columns == YEAR_WEEKS == 53
    assert layout.cell >= 14
    assert image.getpixel((2, 2)) == BACKGROUND
    assert centre_colour(image, layout, TODAY) == KIND_COLOURS["practice"]
    # The days before their first one are not "missed": they are drawn fainter than empty.
    assert centre_colour(image, layout, ago(1)) == BEFORE_COLOUR
    assert centre_colour(image, layout, year_grid_start(TODAY)) == BEFORE_COLOUR
    assert picture.alt_text.startswith("Your last year as a calendar, 12 May 2025 to 14 May 2026:")
    assert "1 day shown up" in picture.alt_text


def test_without_stats_the_picture_is_shorter_and_has_no_lifetime_numbers():
    with_stats = draw_year({TODAY: "rest"}, NONE, TODAY, stats())
    without = draw_year({TODAY: "rest"}, NONE, TODAY)
    assert without.width == with_stats.width
    assert without.height < with_stats.height
    assert (without.width, without.height) == (
        year_layout(TODAY, with_stats=False).width,
        year_layout(TODAY, with_stats=False).height,
    )
    assert "Since you started" in with_stats.alt_text
    assert "Since you started" not in without.alt_text
    opened(without)


def test_a_member_with_a_pause_sees_it_as_paused_not_as_gaps():
    pauses = [PausePeriod(ago(20), ago(10))]  # ten days, the last one ago(11)
    paused = paused_days(pauses, TODAY)
    days = {ago(n): "practice" for n in range(40) if ago(n) not in paused}
    days[ago(15)] = "rest"  # checked in anyway on a paused day
    picture = draw_year(days, paused, TODAY, stats())
    image = opened(picture)
    layout = year_layout(TODAY)

    for n in range(11, 21):
        colour = centre_colour(image, layout, ago(n))
        assert colour == (KIND_COLOURS["rest"] if n == 15 else PAUSED_COLOUR), n
    # Hatched: the paused square also holds its darker background between the stripes.
    left, top, right, bottom = cell_box(layout, ago(12))
    square = {image.getpixel((x, y)) for x in range(left, right) for y in range(top, bottom)}
    assert {PAUSED_COLOUR, PAUSED_BACKGROUND} <= square
    assert EMPTY_COLOUR not in square
    assert centre_colour(image, layout, ago(10)) == KIND_COLOURS["practice"]
    assert "9 days paused" in picture.alt_text  # one of the ten has a check-in


def test_three_years_of_history_draws_only_the_last_year():
    first = TODAY - timedelta(days=3 * 365)
    days = {first + timedelta(days=n): "practice" for n in range(3 * 365 + 1)}
    picture = draw_year(days, NONE, TODAY, stats(days_shown_up=len(days)))
    image = opened(picture)
    layout = year_layout(TODAY)
    assert (picture.width, picture.height) == (layout.width, layout.height)

    start = year_grid_start(TODAY)
    in_window = (TODAY - start).days + 1
    assert f"{in_window} days shown up" in picture.alt_text
    assert f"{len(days)} days shown up" in picture.alt_text  # the lifetime number
    assert centre_colour(image, layout, start) == KIND_COLOURS["practice"]
    assert centre_colour(image, layout, TODAY) == KIND_COLOURS["practice"]
    with pytest.raises(ValueError):
        cell_box(layout, start - timedelta(days=1))
    # Nothing of the older years spills left of the grid, over the weekday labels' column.
    strip = image.crop((layout.grid_left - 8, layout.grid_top, layout.grid_left - 1, 200))
    assert KIND_COLOURS["practice"] not in {c for _, c in strip.getcolors(maxcolors=4096)}


# -- pixel by pixel ----------------------------------------------------------------------------


def test_each_square_has_the_colour_of_its_day():
    first_day = ago(30)
    days = {
        TODAY: "practice",
        ago(1): "practice",
        ago(2): "rest",
        ago(3): "setback",
        ago(30): "practice",
    }
    paused = frozenset({ago(8), ago(9)})
    picture = draw_year(days, paused, TODAY, stats(), first_day=first_day)
    image = opened(picture)
    layout = year_layout(TODAY)

    assert centre_colour(image, layout, ago(1)) == KIND_COLOURS["practice"]
    assert centre_colour(image, layout, ago(2)) == KIND_COLOURS["rest"]
    assert centre_colour(image, layout, ago(3)) == KIND_COLOURS["setback"]
    assert centre_colour(image, layout, ago(8)) == PAUSED_COLOUR
    assert centre_colour(image, layout, ago(5)) == EMPTY_COLOUR  # no check-in
    assert centre_colour(image, layout, ago(31)) == BEFORE_COLOUR  # before the journey
    # Days after today are not drawn.
    for n in (1, 2, 3):
        assert centre_colour(image, layout, TODAY + timedelta(days=n)) == BACKGROUND

    # Today: its own colour inside, and a ring just outside the square.
    left, top, right, bottom = cell_box(layout, TODAY)
    cx, cy = cell_center(layout, TODAY)
    assert image.getpixel((cx, cy)) == KIND_COLOURS["practice"]
    assert image.getpixel((left - 1, cy)) == TODAY_OUTLINE
    assert image.getpixel((right, cy)) == TODAY_OUTLINE
    assert image.getpixel((cx, top - 1)) == TODAY_OUTLINE
    assert image.getpixel((cx, bottom)) == TODAY_OUTLINE
    # No other day is ringed: the same spot beside yesterday's square is background.
    y_left, _, _, _ = cell_box(layout, ago(7))
    assert image.getpixel((y_left - 1, cy)) == BACKGROUND
    assert today_ring_width(layout) < layout.gap


def test_kinds_paused_and_empty_have_distinct_colours():
    colours = [*KIND_COLOURS.values(), PAUSED_COLOUR, EMPTY_COLOUR, BEFORE_COLOUR, BACKGROUND]
    assert len(set(colours)) == len(colours)
    assert set(KIND_COLOURS) == {"practice", "rest", "setback"}


def test_the_grid_runs_monday_to_sunday_in_53_columns_ending_this_week():
    start = year_grid_start(TODAY)
    assert start.weekday() == 0
    assert start == date(2025, 5, 12)
    layout = year_layout(TODAY)
    assert layout.end == date(2026, 5, 17)  # the Sunday of today's week
    monday = cell_box(layout, start)
    sunday = cell_box(layout, start + timedelta(days=6))
    next_monday = cell_box(layout, start + timedelta(days=7))
    assert monday[0] == sunday[0] and sunday[1] > monday[1]
    assert next_monday[1] == monday[1] and next_monday[0] == monday[0] + layout.pitch
    last = cell_box(layout, layout.end)
    assert last[2] == layout.grid_right and last[3] == layout.grid_bottom
    assert layout.grid_right < layout.width
    with pytest.raises(ValueError):
        cell_box(layout, layout.end + timedelta(days=1))


# -- labels ------------------------------------------------------------------------------------


def test_month_labels_sit_where_months_start():
    layout = year_layout(TODAY)
    labels = month_labels(layout)
    # May 2025 began before the grid (12 May 2025), so the first label is June's.
    assert [name for _, name in labels] == [
        "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May",
    ]  # fmt: skip
    for column, name in labels:
        week = [layout.start + timedelta(weeks=column, days=n) for n in range(7)]
        firsts = [d for d in week if d.day == 1]
        assert len(firsts) == 1 and firsts[0].strftime("%b") == name
    assert labels[0][0] == (date(2025, 6, 1) - layout.start).days // 7

    image = opened(draw_year({TODAY: "practice"}, NONE, TODAY))
    band_top, band_bottom = layout.grid_top - 34, layout.grid_top - 2

    def band(column: int) -> set[tuple[int, int, int]]:
        left = layout.grid_left + column * layout.pitch
        crop = image.crop((left, band_top, left + layout.pitch, band_bottom))
        return {colour for _, colour in crop.getcolors(maxcolors=4096)}

    labelled = {column for column, _ in labels}
    assert 0 not in labelled and band(0) == {BACKGROUND}
    for column in labelled:
        assert band(column) != {BACKGROUND}, column


def test_a_month_starting_on_the_first_monday_is_labelled_and_future_months_are_not():
    today = date(2026, 8, 31)  # the grid starts on Monday 1 Sep 2025
    layout = year_layout(today)
    assert layout.start == date(2025, 9, 1)
    labels = month_labels(layout)
    assert labels[0] == (0, "Sep")
    assert labels[-1] == ((date(2026, 8, 1) - layout.start).days // 7, "Aug")
    # 1 Sep 2026 falls in today's week, but after today.
    assert "Sep" not in [name for _, name in labels[1:]]
    later = month_labels(year_layout(date(2026, 9, 2)))
    assert later[-1] == (52, "Sep")


def test_weekday_labels_are_monday_wednesday_friday_on_the_year():
    assert year_layout(TODAY).weekday_rows == (0, 2, 4)


# -- words -------------------------------------------------------------------------------------


def test_alt_text_tells_the_counts_in_words():
    days = {ago(n): "practice" for n in range(10)}
    days |= {ago(n): "rest" for n in range(10, 13)}
    days[ago(13)] = "setback"
    paused = frozenset(ago(n) for n in range(20, 24))
    picture = draw_year(days, paused, TODAY, stats(), first_day=ago(30))
    text = picture.alt_text
    assert "14 days shown up" in text
    assert "10 practice" in text
    assert "3 rest" in text
    assert "1 setback" in text and "1 setbacks" not in text
    assert "4 days paused" in text
    assert "current streak 5 days" in text
    assert "longest streak 41 days" in text
    assert "weekly rhythm 6 weeks" in text
    assert "25 rest days" in text
    assert len(text) <= ALT_TEXT_LIMIT


def test_alt_text_stays_under_discords_limit_with_huge_numbers():
    big = stats(
        days_shown_up=10**15,
        current_streak=10**15,
        longest_streak=10**15,
        weekly_rhythm=10**15,
        rest_days=10**15,
    )
    picture = draw_year({TODAY: "setback"}, NONE, TODAY, big)
    assert len(picture.alt_text) <= ALT_TEXT_LIMIT
    assert str(10**15) in picture.alt_text
    opened(picture)


def test_no_check_ins_in_the_window_still_draws():
    picture = draw_year({}, NONE, TODAY)
    image = opened(picture)
    layout = year_layout(TODAY, with_stats=False)
    assert centre_colour(image, layout, TODAY) == EMPTY_COLOUR
    assert "no check-ins" in picture.alt_text


# -- the weekly recap's picture ----------------------------------------------------------------


def test_draw_weeks_draws_twelve_columns_of_bigger_squares():
    days = {ago(n): "practice" for n in range(200)}
    picture = draw_weeks(days, NONE, TODAY)
    image = opened(picture)
    layout = weeks_layout(TODAY)
    assert layout.columns == 12
    assert layout.cell > year_layout(TODAY).cell
    assert layout.start == year_grid_start(TODAY) + timedelta(weeks=41)
    assert layout.weekday_rows == tuple(range(7))
    assert (picture.width, picture.height) == (layout.width, layout.height)

    # Along Monday's row: exactly twelve runs of the practice colour.
    y = cell_center(layout, layout.start)[1]
    row = [image.getpixel((x, y)) == KIND_COLOURS["practice"] for x in range(picture.width)]
    runs = sum(1 for x in range(1, len(row)) if row[x] and not row[x - 1]) + row[0]
    assert runs == 12
    assert centre_colour(image, layout, layout.start) == KIND_COLOURS["practice"]
    assert image.getpixel((cell_box(layout, TODAY)[0] - 1, cell_center(layout, TODAY)[1])) == (
        TODAY_OUTLINE
    )
    assert picture.alt_text.startswith("Your last 12 weeks as a calendar")
    assert f"{(TODAY - layout.start).days + 1} days shown up" in picture.alt_text


def test_draw_weeks_takes_other_lengths_and_refuses_silly_ones():
    assert weeks_layout(TODAY, 4).columns == 4
    opened(draw_weeks({TODAY: "rest"}, NONE, TODAY, 4))
    opened(draw_weeks({TODAY: "rest"}, NONE, TODAY, 53))
    for weeks in (0, -1, 54, True, 2.5):
        with pytest.raises(ValueError):
            draw_weeks({}, NONE, TODAY, weeks)


# -- bad input ---------------------------------------------------------------------------------


def test_unknown_kind_and_a_datetime_for_today_are_refused():
    with pytest.raises(ValueError):
        draw_year({TODAY: "rested"}, NONE, TODAY)
    with pytest.raises(TypeError):
        draw_year({}, NONE, datetime(2026, 5, 14, 12, 0))


def test_check_ins_after_today_are_ignored():
    picture = draw_year({TODAY + timedelta(days=2): "practice"}, NONE, TODAY)
    image = opened(picture)
    layout = year_layout(TODAY, with_stats=False)
    assert centre_colour(image, layout, TODAY + timedelta(days=2)) == BACKGROUND
    assert "no check-ins" in picture.alt_text
