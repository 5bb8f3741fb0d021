import io

import pytest
from PIL import Image, ImageChops

from bot.rules.recap_chart import (
    BACKGROUND,
    HEIGHT,
    LAST_WEEK_COLOUR,
    PLOT_BOX,
    THIS_WEEK_COLOUR,
    WIDTH,
    weekly_chart,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZEROS = [0] * 7


def render(this, last, label="Week of 2 Nov 2026") -> Image.Image:
    data = weekly_chart(this, last, week_label=label)
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def colour_mask(image: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """A mode "1" image, set where `image` has exactly `colour`."""
    channels = [
        band.point(lambda v, c=c: 255 if v == c else 0)
        for band, c in zip(image.split(), colour, strict=True)
    ]
    both = ImageChops.logical_and(
        channels[0].convert("1", dither=Image.Dither.NONE),
        channels[1].convert("1", dither=Image.Dither.NONE),
    )
    return ImageChops.logical_and(both, channels[2].convert("1", dither=Image.Dither.NONE))


def day_columns(image: Image.Image, colour: tuple[int, int, int]) -> set[int]:
    """The days (0 = Monday) whose slot in the plot holds at least one pixel of `colour`."""
    left, top, right, bottom = PLOT_BOX
    slot = (right - left) / 7
    plot = colour_mask(image, colour).crop((left, top, right, bottom + 1))
    days = set()
    for day in range(7):
        column = plot.crop((round(slot * day), 0, round(slot * (day + 1)), plot.height))
        if column.getbbox() is not None:
            days.add(day)
    return days


def test_returns_a_png_of_about_800_by_400():
    data = weekly_chart([1, 2, 3, 4, 5, 6, 7], [7, 6, 5, 4, 3, 2, 1], week_label="Week of 2 Nov")
    assert isinstance(data, bytes)
    assert data[:8] == PNG_SIGNATURE
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.mode in {"RGB", "RGBA"}
    assert image.size == (WIDTH, HEIGHT)
    assert 760 <= WIDTH <= 840 and 380 <= HEIGHT <= 420


def test_background_is_discord_dark():
    image = render(ZEROS, ZEROS)
    assert image.getpixel((2, 2)) == BACKGROUND
    assert image.getpixel((WIDTH - 3, HEIGHT - 3)) == BACKGROUND


def test_all_zeros_draws_no_bars():
    image = render(ZEROS, ZEROS)
    assert day_columns(image, THIS_WEEK_COLOUR) == set()
    assert day_columns(image, LAST_WEEK_COLOUR) == set()


@pytest.mark.parametrize(
    ("this", "last"),
    [
        ([100_000] * 7, ZEROS),
        ([100_000, 1, 0, 54_321, 99_999, 1234, 7], [3, 80_000, 0, 0, 12, 999, 100_000]),
        ([10**12, 0, 0, 0, 0, 0, 1], ZEROS),
        ((1, 1, 1, 1, 1, 1, 1), (2, 2, 2, 2, 2, 2, 2)),
    ],
)
def test_large_and_uneven_values_render(this, last):
    image = render(this, last)
    expected_this = {day for day, value in enumerate(this) if value}
    expected_last = {day for day, value in enumerate(last) if value}
    # Even a count of 1 beside 100 000 stays visible.
    assert day_columns(image, THIS_WEEK_COLOUR) == expected_this
    assert day_columns(image, LAST_WEEK_COLOUR) == expected_last


def test_this_week_is_drawn_in_the_accent_on_the_right_day_only():
    image = render([0, 0, 0, 10, 0, 0, 0], ZEROS)
    assert day_columns(image, THIS_WEEK_COLOUR) == {3}  # Thursday, not Monday
    assert day_columns(image, LAST_WEEK_COLOUR) == set()


def test_last_week_is_drawn_in_its_own_colour():
    assert THIS_WEEK_COLOUR != LAST_WEEK_COLOUR
    image = render(ZEROS, [4, 0, 0, 0, 0, 0, 0])
    assert day_columns(image, LAST_WEEK_COLOUR) == {0}
    assert day_columns(image, THIS_WEEK_COLOUR) == set()


def test_bars_sit_side_by_side_and_scale_with_value():
    image = render([0, 0, 10, 0, 0, 0, 0], [0, 0, 5, 0, 0, 0, 0])

    def bbox(colour):
        return colour_mask(image, colour).crop(PLOT_BOX).getbbox()

    this_box, last_box = bbox(THIS_WEEK_COLOUR), bbox(LAST_WEEK_COLOUR)
    assert last_box[2] <= this_box[0]  # last week left of this week, not overlapping
    this_height = this_box[3] - this_box[1]
    last_height = last_box[3] - last_box[1]
    assert this_height == pytest.approx(2 * last_height, abs=2)


def test_legend_shows_both_colours_above_the_plot():
    image = render(ZEROS, ZEROS)
    header = image.crop((0, 0, WIDTH, PLOT_BOX[1] - 20))
    colours = {colour for _, colour in header.getcolors(maxcolors=100_000)}
    assert THIS_WEEK_COLOUR in colours
    assert LAST_WEEK_COLOUR in colours


def test_long_label_and_empty_label_render():
    render([1] * 7, [1] * 7, label="Week of 2 Nov 2026 " * 20)
    render([1] * 7, [1] * 7, label="")


@pytest.mark.parametrize(
    ("this", "last"),
    [
        ([1] * 6, ZEROS),
        ([1] * 8, ZEROS),
        (ZEROS, []),
        ([0, 0, 0, -1, 0, 0, 0], ZEROS),
        (ZEROS, [0, 0, 0, 0, 0, 0, -5]),
        ([0, 0, 0, 1.5, 0, 0, 0], ZEROS),
        ([0, 0, 0, "3", 0, 0, 0], ZEROS),
        ([0, 0, 0, True, 0, 0, 0], ZEROS),
        ("1234567", ZEROS),
        (None, ZEROS),
    ],
)
def test_invalid_series_raise_value_error(this, last):
    with pytest.raises(ValueError):
        weekly_chart(this, last, week_label="Week of 2 Nov 2026")
