"""The picture of the week for the group recap: check-ins per day, this week beside last.

Pillow only, no fonts on disk (``ImageFont.load_default(size=...)``), no Discord. The output
is designed for Discord's dark theme. Rendering takes a few milliseconds, so a caller on the
event loop may call it directly or hand it to ``asyncio.to_thread``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "BACKGROUND",
    "DAY_LABELS",
    "HEIGHT",
    "LAST_WEEK_COLOUR",
    "PLOT_BOX",
    "THIS_WEEK_COLOUR",
    "WIDTH",
    "weekly_chart",
]

WIDTH = 800
HEIGHT = 400

BACKGROUND = (0x2B, 0x2D, 0x31)  # Discord dark theme, message area
TEXT = (0xF2, 0xF3, 0xF5)
MUTED_TEXT = (0xB5, 0xBA, 0xC1)
GRID = (0x3A, 0x3C, 0x42)
BASELINE = (0x5C, 0x5F, 0x66)
THIS_WEEK_COLOUR = (0x57, 0xF2, 0x87)  # Discord green
LAST_WEEK_COLOUR = (0x6E, 0x7C, 0x96)  # muted grey-blue

DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Where the bars live: (left, top, right, bottom), bottom being the zero line. Day i occupies
# the i-th seventh of [left, right); within it, last week's bar is left of this week's.
PLOT_BOX = (72, 96, 776, 352)

_MARGIN = 24
_BAR_WIDTH = 32
_BAR_GAP = 6
_MIN_BAR_HEIGHT = 2  # a non-zero count stays visible beside a very large one
_TITLE_SIZE = 24
_SUBTITLE_SIZE = 15
_LEGEND_SIZE = 15
_LABEL_SIZE = 15
_VALUE_SIZE = 13
_TICK_SIZE = 13


def weekly_chart(this_week: Sequence[int], last_week: Sequence[int], *, week_label: str) -> bytes:
    """Render check-ins per day (Monday first) for this week beside last week, as PNG bytes.

    Each sequence must hold exactly 7 non-negative ints (bools are refused). ``week_label``
    becomes the title, e.g. ``"Week of 2 Nov 2026"``; it is shortened with an ellipsis if it
    would run into the legend.
    """
    this = _validated("this_week", this_week)
    last = _validated("last_week", last_week)
    if not isinstance(week_label, str):
        raise TypeError("week_label must be a str")

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    fonts = _Fonts()

    legend_left = _draw_legend(draw, fonts)
    _draw_title(draw, fonts, week_label, max_right=legend_left - 24)

    step, axis_max = _axis(max(max(this), max(last)))
    _draw_grid(draw, fonts, step, axis_max)
    _draw_bars(draw, fonts, this, last, axis_max)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


# -- validation and scale ----------------------------------------------------------------------


def _validated(name: str, values: Sequence[int]) -> tuple[int, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise ValueError(f"{name} must be a sequence of 7 ints, got {type(values).__name__}")
    if len(values) != 7:
        raise ValueError(f"{name} must have exactly 7 values (Monday..Sunday), got {len(values)}")
    for day, value in zip(DAY_LABELS, values, strict=True):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name}[{day}] must be an int, got {type(value).__name__}")
        if value < 0:
            raise ValueError(f"{name}[{day}] must not be negative, got {value}")
    return tuple(values)


def _axis(peak: int) -> tuple[int, int]:
    """Return (step, axis_max): a round integer step and at most 5 intervals covering peak."""
    if peak <= 4:
        return 1, 4
    magnitude = 1
    while True:
        for tenths in (10, 20, 25, 50):
            if (tenths * magnitude) % 10:
                continue  # 2.5 is only a whole number from 25 upwards
            step = tenths * magnitude // 10
            if step * 5 >= peak:
                return step, step * -(-peak // step)
        magnitude *= 10


def _compact(value: int) -> str:
    """Short label that fits above a bar, never rounded up: 999, 1.2k, 99.9k, 100k, 3.4M."""
    if value < 1000:
        return str(value)
    for divisor, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1000, "k")):
        if value >= divisor:
            if value >= 100 * divisor:
                return f"{value // divisor}{suffix}"
            whole, tenth = divmod(value * 10 // divisor, 10)
            return f"{whole}.{tenth}{suffix}" if tenth else f"{whole}{suffix}"
    raise AssertionError("unreachable")


# -- drawing -----------------------------------------------------------------------------------


class _Fonts:
    """Fonts for one render (loading the built-in font costs well under a millisecond)."""

    def __init__(self) -> None:
        self.title = ImageFont.load_default(size=_TITLE_SIZE)
        self.subtitle = ImageFont.load_default(size=_SUBTITLE_SIZE)
        self.legend = ImageFont.load_default(size=_LEGEND_SIZE)
        self.label = ImageFont.load_default(size=_LABEL_SIZE)
        self.value = ImageFont.load_default(size=_VALUE_SIZE)
        self.tick = ImageFont.load_default(size=_TICK_SIZE)


def _draw_title(draw: ImageDraw.ImageDraw, fonts: _Fonts, label: str, *, max_right: int) -> None:
    available = max_right - _MARGIN
    text = " ".join(label.split()) or "This week"
    if draw.textlength(text, font=fonts.title) > available:
        # Longest prefix that fits with the ellipsis: a binary search, not one char at a time.
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if draw.textlength(text[:middle] + "…", font=fonts.title) <= available:
                low = middle
            else:
                high = middle - 1
        text = text[:low].rstrip() + "…"
    draw.text((_MARGIN, 18), text, font=fonts.title, fill=TEXT)
    draw.text((_MARGIN, 52), "Check-ins per day", font=fonts.subtitle, fill=MUTED_TEXT)


def _draw_legend(draw: ImageDraw.ImageDraw, fonts: _Fonts) -> int:
    """Draw the legend flush right; return its left edge."""
    entries = (("This week", THIS_WEEK_COLOUR), ("Last week", LAST_WEEK_COLOUR))
    swatch, after_swatch, between = 14, 8, 22
    widths = [
        swatch + after_swatch + draw.textlength(text, font=fonts.legend) for text, _ in entries
    ]
    x = WIDTH - _MARGIN - (sum(widths) + between * (len(entries) - 1))
    left = int(x)
    centre_y = 30
    for (text, colour), width in zip(entries, widths, strict=True):
        top = centre_y - swatch // 2
        draw.rounded_rectangle((x, top, x + swatch, top + swatch), radius=3, fill=colour)
        draw.text(
            (x + swatch + after_swatch, centre_y), text, font=fonts.legend, fill=TEXT, anchor="lm"
        )
        x += width + between
    return left


def _y_for(value: int, axis_max: int) -> int:
    left, top, right, bottom = PLOT_BOX
    return bottom - round(value * (bottom - top) / axis_max)


def _draw_grid(draw: ImageDraw.ImageDraw, fonts: _Fonts, step: int, axis_max: int) -> None:
    left, top, right, bottom = PLOT_BOX
    for tick in range(step, axis_max + 1, step):
        y = _y_for(tick, axis_max)
        draw.line((left, y, right, y), fill=GRID, width=1)
        draw.text((left - 10, y), _compact(tick), font=fonts.tick, fill=MUTED_TEXT, anchor="rm")
    draw.text((left - 10, bottom), "0", font=fonts.tick, fill=MUTED_TEXT, anchor="rm")
    draw.line((left, bottom, right, bottom), fill=BASELINE, width=1)


def _draw_bars(
    draw: ImageDraw.ImageDraw,
    fonts: _Fonts,
    this: tuple[int, ...],
    last: tuple[int, ...],
    axis_max: int,
) -> None:
    left, top, right, bottom = PLOT_BOX
    slot = (right - left) / 7
    pair_width = 2 * _BAR_WIDTH + _BAR_GAP
    for day, label in enumerate(DAY_LABELS):
        centre = left + slot * day + slot / 2
        x0 = round(centre - pair_width / 2)
        bars = (
            (x0, last[day], LAST_WEEK_COLOUR, MUTED_TEXT),
            (x0 + _BAR_WIDTH + _BAR_GAP, this[day], THIS_WEEK_COLOUR, TEXT),
        )
        for bar_left, value, colour, value_colour in bars:
            bar_top = bottom
            if value > 0:
                bar_top = min(_y_for(value, axis_max), bottom - _MIN_BAR_HEIGHT)
                draw.rounded_rectangle(
                    (bar_left, bar_top, bar_left + _BAR_WIDTH - 1, bottom - 1),
                    radius=min(4, (bottom - bar_top) // 2),
                    corners=(True, True, False, False),
                    fill=colour,
                )
            draw.text(
                (bar_left + _BAR_WIDTH / 2, bar_top - 5),
                _compact(value),
                font=fonts.value,
                fill=value_colour,
                anchor="ms",
            )
        draw.text((centre, bottom + 12), label, font=fonts.label, fill=TEXT, anchor="mt")
