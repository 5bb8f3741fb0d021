"""A member's own journey as a picture: a calendar of their days, GitHub-style.

One square per local day, one column per week (Monday at the top), coloured by what the day
was: practice, rest or setback; paused days hatched, days without a check-in dim, today ringed.
Beneath it the member's own numbers in words. Nothing here compares a member with anyone.

Pillow only, with the built-in font (``ImageFont.load_default(size=...)``) and the Discord
dark-theme palette of :mod:`bot.rules.recap_chart`. The picture is drawn straight onto a
fixed palette (every colour below, plus anti-aliasing steps for the text), which keeps the
colours exact, the PNG small (about 25 kB) and its encoding cheap: a year takes about 10 ms,
so a caller on the event loop may call it directly or hand it to ``asyncio.to_thread``.

The geometry is exposed as pure functions (:func:`year_layout`, :func:`weeks_layout`,
:func:`cell_box`, :func:`month_labels`) so tests can check the picture pixel by pixel.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PIL import Image, ImageChops, ImageDraw, ImageFont

from bot.rules.journey import JourneyStats
from bot.rules.kinds import CHECKIN_KINDS

__all__ = [
    "ALT_TEXT_LIMIT",
    "BACKGROUND",
    "BEFORE_COLOUR",
    "EMPTY_COLOUR",
    "KIND_COLOURS",
    "MAX_WEEKS",
    "PAUSED_BACKGROUND",
    "PAUSED_COLOUR",
    "TODAY_OUTLINE",
    "YEAR_WEEKS",
    "CalendarLayout",
    "JourneyPicture",
    "cell_box",
    "cell_center",
    "draw_weeks",
    "draw_year",
    "month_labels",
    "today_ring_width",
    "weeks_grid_start",
    "weeks_layout",
    "year_grid_start",
    "year_layout",
]

YEAR_WEEKS = 53
MAX_WEEKS = 53
ALT_TEXT_LIMIT = 1024  # Discord's limit for an attachment's description

# -- palette (Discord dark theme, as in recap_chart) -------------------------------------------

BACKGROUND = (0x2B, 0x2D, 0x31)  # the picture's own card, on the chat's #313338
TEXT = (0xF2, 0xF3, 0xF5)
MUTED_TEXT = (0xB5, 0xBA, 0xC1)
DIVIDER = (0x3F, 0x42, 0x48)

# Told apart by people with any common colour-vision deficiency (checked with Machado 2009
# simulations: every pair at least ~27 CIELAB units apart for protan, deutan and tritan),
# and each at 4.5:1 or more against the picture's background.
KIND_COLOURS: dict[str, tuple[int, int, int]] = {
    "practice": (0x2E, 0xC2, 0x7E),  # green
    "rest": (0x7A, 0x8C, 0xFF),  # blue
    "setback": (0xF0, 0xA0, 0x2C),  # amber
}
PAUSED_COLOUR = (0x8A, 0x8E, 0x98)  # the stripes of a paused day
PAUSED_BACKGROUND = (0x35, 0x37, 0x3C)  # between the stripes
EMPTY_COLOUR = (0x41, 0x44, 0x4B)  # a day without a check-in
BEFORE_COLOUR = (0x32, 0x34, 0x39)  # a day before the member's journey began
TODAY_OUTLINE = TEXT

_LEGEND = (("Practice", "practice"), ("Rest", "rest"), ("Setback", "setback"), ("Paused", None))
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# -- geometry ----------------------------------------------------------------------------------

_MARGIN = 28
_TITLE_TOP = 22
_SUBTITLE_TOP = 66
_GRID_TOP = 132  # month labels sit in the band above this
_LABEL_GAP = 12  # between the weekday labels and the grid
_WEEKDAY_LABEL_WIDTH = 48  # "Mon" at the label size, with room to spare
_MIN_WIDTH = 700  # room for the legend and the summary under a few weeks' columns
_WEEKS_GRID_WIDTH = 600  # what a few weeks' columns aim to fill

_TITLE_SIZE = 34
_TEXT_SIZE = 22  # every label: months, weekdays, legend, notes
_SUMMARY_SIZE = 28
_VALUE_SIZE = 40
_PNG_LEVEL = 3  # about 3 ms for a year; level 6 saves a fifth of the bytes for 3 times the time

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CalendarLayout:
    """Where everything goes. Column ``c``, row ``r`` is the day ``start + 7c + r``."""

    start: date  # the Monday of the first column
    columns: int
    today: date
    cell: int  # a square's side, in pixels
    gap: int  # between squares
    grid_left: int
    grid_top: int
    width: int
    height: int
    weekday_rows: tuple[int, ...]  # the rows (0 = Monday) labelled at the left
    legend_top: int
    summary_top: int
    stats_top: int | None  # None when the picture has no lifetime numbers

    @property
    def pitch(self) -> int:
        return self.cell + self.gap

    @property
    def grid_right(self) -> int:
        """One past the last pixel of the last column."""
        return self.grid_left + self.columns * self.pitch - self.gap

    @property
    def grid_bottom(self) -> int:
        """One past the last pixel of the Sunday row."""
        return self.grid_top + 7 * self.pitch - self.gap

    @property
    def end(self) -> date:
        """The Sunday of the last column (on or after ``today``)."""
        return self.start + timedelta(days=7 * self.columns - 1)


@dataclass(frozen=True)
class JourneyPicture:
    png: bytes
    width: int
    height: int
    alt_text: str  # the same picture in words, at most ALT_TEXT_LIMIT characters


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_grid_start(today: date, weeks: int) -> date:
    """The Monday of the first of ``weeks`` columns, the last being the week of ``today``."""
    return _monday(today) - timedelta(weeks=weeks - 1)


def year_grid_start(today: date) -> date:
    """The Monday of the first column of the year calendar (53 weeks ending with today's)."""
    return weeks_grid_start(today, YEAR_WEEKS)


def _stack(grid_top: int, cell: int, gap: int, *, with_stats: bool) -> tuple[int, int, int, int]:
    """(legend_top, summary_top, stats_top, height) below a grid starting at ``grid_top``."""
    grid_bottom = grid_top + 7 * (cell + gap) - gap
    legend_top = grid_bottom + 24
    summary_top = legend_top + _TEXT_SIZE + 26
    summary_bottom = summary_top + _SUMMARY_SIZE + 10 + _TEXT_SIZE
    if not with_stats:
        return legend_top, summary_top, 0, summary_bottom + _MARGIN
    stats_top = summary_bottom + 24
    stats_bottom = stats_top + 16 + _TEXT_SIZE + 14 + _VALUE_SIZE + 10 + 2 * _TEXT_SIZE + 6
    return legend_top, summary_top, stats_top, stats_bottom + _MARGIN


def _layout(today: date, weeks: int, cell: int, gap: int, *, with_stats: bool) -> CalendarLayout:
    if isinstance(today, datetime) or not isinstance(today, date):
        raise TypeError("today must be a date (the member's local date), not a datetime")
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be an int from 1 to {MAX_WEEKS}, got {weeks!r}")
    grid_left = _MARGIN + _WEEKDAY_LABEL_WIDTH + _LABEL_GAP
    legend_top, summary_top, stats_top, height = _stack(_GRID_TOP, cell, gap, with_stats=with_stats)
    grid_right = grid_left + weeks * (cell + gap) - gap
    every_row = cell + gap >= 2 * _TEXT_SIZE  # big squares: label all seven days
    return CalendarLayout(
        start=weeks_grid_start(today, weeks),
        columns=weeks,
        today=today,
        cell=cell,
        gap=gap,
        grid_left=grid_left,
        grid_top=_GRID_TOP,
        width=max(_MIN_WIDTH, grid_right + _MARGIN),
        height=height,
        weekday_rows=tuple(range(7)) if every_row else (0, 2, 4),
        legend_top=legend_top,
        summary_top=summary_top,
        stats_top=stats_top if with_stats else None,
    )


def year_layout(today: date, *, with_stats: bool = True) -> CalendarLayout:
    """The year calendar: 53 columns of 15-pixel squares, about 1050 pixels wide."""
    return _layout(today, YEAR_WEEKS, 15, 3, with_stats=with_stats)


def weeks_layout(today: date, weeks: int = 12) -> CalendarLayout:
    """The last ``weeks`` weeks (1 to 53), with squares as big as fit (up to 44 pixels)."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be an int from 1 to {MAX_WEEKS}, got {weeks!r}")
    cell = max(15, min(44, _WEEKS_GRID_WIDTH // weeks - 6))
    gap = 6 if cell >= 30 else 3
    return _layout(today, weeks, cell, gap, with_stats=False)


def cell_box(layout: CalendarLayout, day: date) -> tuple[int, int, int, int]:
    """``(left, top, right, bottom)`` of ``day``'s square, right and bottom exclusive (as in
    ``Image.crop``). Raises ValueError for a day outside the calendar."""
    offset = (day - layout.start).days
    if not 0 <= offset < 7 * layout.columns:
        raise ValueError(f"{day} is not in the calendar ({layout.start} to {layout.end})")
    column, row = divmod(offset, 7)
    left = layout.grid_left + column * layout.pitch
    top = layout.grid_top + row * layout.pitch
    return left, top, left + layout.cell, top + layout.cell


def cell_center(layout: CalendarLayout, day: date) -> tuple[int, int]:
    """The pixel at the middle of ``day``'s square."""
    left, top, _, _ = cell_box(layout, day)
    return left + layout.cell // 2, top + layout.cell // 2


def today_ring_width(layout: CalendarLayout) -> int:
    """Today's ring lies in the gap just outside its square, this many pixels wide."""
    return max(2, layout.gap // 2)


def month_labels(layout: CalendarLayout) -> tuple[tuple[int, str], ...]:
    """``(column, "Jan")`` for each column whose week holds the 1st of a month (up to today)."""
    labels = []
    year, month = layout.start.year, layout.start.month
    first = date(year, month, 1)
    if first < layout.start:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        first = date(year, month, 1)
    while first <= layout.today:
        labels.append(((first - layout.start).days // 7, _MONTHS[first.month - 1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        first = date(year, month, 1)
    return tuple(labels)


# -- the member's days -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Counts:
    practice: int
    rest: int
    setback: int
    paused: int  # paused days without a check-in

    @property
    def shown_up(self) -> int:
        return self.practice + self.rest + self.setback


def _checked(days: Mapping[date, str]) -> None:
    for day, kind in days.items():
        if kind not in KIND_COLOURS:
            raise ValueError(f"unknown kind {kind!r} on {day}; expected one of {CHECKIN_KINDS}")


def _first_day(
    days: Mapping[date, str], paused: AbstractSet[date], today: date, first_day: date | None
) -> date:
    if first_day is not None:
        return min(first_day, today)
    known = [d for d in days if d <= today] + [d for d in paused if d <= today]
    return min(known, default=today)


def _counts(
    days: Mapping[date, str], paused: AbstractSet[date], start: date, today: date
) -> _Counts:
    kinds = {"practice": 0, "rest": 0, "setback": 0}
    for day, kind in days.items():
        if start <= day <= today:
            kinds[kind] += 1
    paused_only = sum(1 for d in paused if start <= d <= today and d not in days)
    return _Counts(kinds["practice"], kinds["rest"], kinds["setback"], paused_only)


def _plural(count: int, one: str) -> str:
    return f"{count} {one}" if count == 1 else f"{count} {one}s"


def _nice_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


# -- words -------------------------------------------------------------------------------------


def _kind_parts(counts: _Counts) -> list[str]:
    parts = []
    if counts.practice:
        parts.append(f"{counts.practice} practice")
    if counts.rest:
        parts.append(f"{counts.rest} rest")
    if counts.setback:
        parts.append(_plural(counts.setback, "setback"))
    return parts


def _summary_lines(counts: _Counts, period: str) -> tuple[str, str]:
    if counts.shown_up:
        first = f"{_plural(counts.shown_up, 'day')} shown up in {period}"
    else:
        first = f"No check-ins in {period} yet: one day starts the picture"
    parts = _kind_parts(counts)
    if counts.paused:
        parts.append(f"{_plural(counts.paused, 'day')} paused")
    return first, "  ·  ".join(parts)


def _stat_tiles(stats: JourneyStats) -> list[tuple[str, str, str]]:
    """(value, label, note) for each lifetime number."""
    return [
        (
            str(stats.days_shown_up),
            "day shown up" if stats.days_shown_up == 1 else "days shown up",
            "and counting",
        ),
        (_plural(stats.current_streak, "day"), "current streak", ""),
        (_plural(stats.longest_streak, "day"), "longest streak", ""),
        (
            _plural(stats.weekly_rhythm, "week"),
            "weekly rhythm",
            f"at {stats.weekly_target}+ days a week",
        ),
        (str(stats.rest_days), "rest day" if stats.rest_days == 1 else "rest days", ""),
    ]


def _alt_text(
    counts: _Counts, layout: CalendarLayout, period: str, stats: JourneyStats | None
) -> str:
    span = f"{_nice_date(layout.start)} to {_nice_date(layout.today)}"
    text = f"Your {period.removeprefix('the ')} as a calendar, {span}: "
    if counts.shown_up:
        text += f"{_plural(counts.shown_up, 'day')} shown up"
        parts = _kind_parts(counts)
        if parts:
            text += " — " + ", ".join(parts)
    else:
        text += "no check-ins yet"
    if counts.paused:
        text += f"; {_plural(counts.paused, 'day')} paused"
    text += "."
    if stats is not None:
        text += (
            f" Since you started: {_plural(stats.days_shown_up, 'day')} shown up,"
            f" current streak {_plural(stats.current_streak, 'day')},"
            f" longest streak {_plural(stats.longest_streak, 'day')},"
            f" weekly rhythm {_plural(stats.weekly_rhythm, 'week')}"
            f" at {stats.weekly_target}+ days a week,"
            f" {_plural(stats.rest_days, 'rest day')}."
        )
    text += " Today has a ring around it."
    return text[:ALT_TEXT_LIMIT]


# -- drawing --------------------------------------------------------------------------------
#
# The picture is drawn straight onto palette indices, so every colour above is exact and the
# PNG is small and cheap to encode. Text is drawn (anti-aliased) onto one grey layer per text
# colour and mapped onto 16 steps from the background to that colour: text only ever lies on
# the background. The squares are not drawn one by one: each day becomes one pixel of a
# 7-row image of palette indices, scaled up (nearest neighbour) so that every pixel fills its
# square and gap, and laid down through a mask of the rounded squares; paused days get their
# stripes the same way. Labels that repeat from picture to picture (months, weekdays, the
# legend) are rendered once and kept. So a picture costs a few dozen Pillow calls, not one
# per day, and no Python loop over pixels.

_INK_STEPS = 16
_FLAT_COLOURS = (
    BACKGROUND,
    DIVIDER,
    EMPTY_COLOUR,
    BEFORE_COLOUR,
    PAUSED_BACKGROUND,
    PAUSED_COLOUR,
    *KIND_COLOURS.values(),
)
_INDEX = {colour: index for index, colour in enumerate(_FLAT_COLOURS)}
_INKS = (TEXT, MUTED_TEXT)


def _ink_ramp(ink: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """Steps 1..16 from the background towards ``ink`` (16 being ``ink`` itself)."""
    return [
        tuple(round(b + (i - b) * step / _INK_STEPS) for b, i in zip(BACKGROUND, ink, strict=True))
        for step in range(1, _INK_STEPS + 1)
    ]


_RAMP_START = {ink: len(_FLAT_COLOURS) + n * _INK_STEPS for n, ink in enumerate(_INKS)}
_PALETTE = [
    channel
    for colour in (*_FLAT_COLOURS, *(c for ink in _INKS for c in _ink_ramp(ink)))
    for channel in colour
]
_INDEX.setdefault(TODAY_OUTLINE, _RAMP_START[TEXT] + _INK_STEPS - 1)
_KIND_INDEX = {kind: _INDEX[colour] for kind, colour in KIND_COLOURS.items()}
_FUTURE = _INDEX[BACKGROUND]


def _ink_lut(ink: tuple[int, int, int]) -> list[int]:
    """Coverage 0..255 to a palette index: the background, or a step towards ``ink``."""
    start = _RAMP_START[ink]
    return [
        _INDEX[BACKGROUND] if step == 0 else start + step - 1
        for step in (round(a * _INK_STEPS / 255) for a in range(256))
    ]


_INK_LUTS = {ink: _ink_lut(ink) for ink in _INKS}
_ANY_COVERAGE = [0] + [255] * 255


def _radius(cell: int) -> int:
    return max(2, cell // 6)


@functools.lru_cache(maxsize=8)
def _square_masks(cell: int) -> tuple[Image.Image, Image.Image]:
    """(shape, stripes) of one square: its rounded shape, and within it diagonal stripes of
    which one runs through the centre pixel. Both masks are 0 or 255, nothing between."""
    shape = Image.new("L", (cell, cell), 0)
    ImageDraw.Draw(shape).rounded_rectangle(
        (0, 0, cell - 1, cell - 1), radius=_radius(cell), fill=255
    )
    period = max(5, cell // 4)
    width = max(2, period * 2 // 5)
    centre = 2 * (cell // 2)
    stripes = Image.new("L", (cell, cell), 0)
    stripes.putdata(  # once per size, then kept
        [255 if (x + y - centre) % period < width else 0 for y in range(cell) for x in range(cell)]
    )
    return shape, ImageChops.darker(stripes, shape)


@functools.lru_cache(maxsize=8)
def _grid_masks(cell: int, gap: int, columns: int) -> tuple[Image.Image, Image.Image]:
    """The masks of ``_square_masks`` repeated over a whole grid (read only)."""
    pitch = cell + gap
    size = (columns * pitch - gap, 7 * pitch - gap)
    one_shape, one_stripes = _square_masks(cell)
    shape, stripes = Image.new("L", size, 0), Image.new("L", size, 0)
    for column in range(columns):
        for row in range(7):
            shape.paste(one_shape, (column * pitch, row * pitch))
            stripes.paste(one_stripes, (column * pitch, row * pitch))
    return shape, stripes


@functools.lru_cache(maxsize=256)
def _label(text: str, size: int, anchor: str) -> tuple[Image.Image, int, int]:
    """``text`` rendered once as a coverage mask, with its offset from the anchor point."""
    font = ImageFont.load_default(size=size)
    left, top, right, bottom = font.getbbox(text, anchor=anchor)
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255, anchor=anchor)
    return mask, left, top


class _Canvas:
    """A palette image and one coverage layer per text colour, joined into a PNG at the end."""

    def __init__(self, width: int, height: int) -> None:
        self.size = (width, height)
        self.image = Image.new("P", self.size, _INDEX[BACKGROUND])
        self.image.putpalette(_PALETTE)
        self.draw = ImageDraw.Draw(self.image)
        self._layers: dict[tuple[int, int, int], Image.Image] = {}
        self._fonts: dict[int, ImageFont.FreeTypeFont] = {}

    def _layer(self, ink: tuple[int, int, int]) -> Image.Image:
        if ink not in self._layers:
            self._layers[ink] = Image.new("L", self.size, 0)
        return self._layers[ink]

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        if size not in self._fonts:
            self._fonts[size] = ImageFont.load_default(size=size)
        return self._fonts[size]

    def label(
        self,
        xy: tuple[float, float],
        text: str,
        ink: tuple[int, int, int],
        *,
        anchor: str = "la",
        size: int = _TEXT_SIZE,
    ) -> None:
        """Text that recurs (kept rendered between pictures)."""
        mask, left, top = _label(text, size, anchor)
        self._layer(ink).paste(255, (round(xy[0]) + left, round(xy[1]) + top), mask)

    def text(
        self, xy: tuple[float, float], text: str, ink: tuple[int, int, int], size: int
    ) -> None:
        """Text of this picture only, shortened with an ellipsis if it would run off the right."""
        font = self.font(size)
        text = _fitted(text, font, self.size[0] - _MARGIN - xy[0])
        ImageDraw.Draw(self._layer(ink)).text(xy, text, font=font, fill=255)

    def fill(self, colour: tuple[int, int, int], xy: tuple[int, int], mask: Image.Image) -> None:
        self.image.paste(_INDEX[colour], xy, mask)

    def png(self) -> bytes:
        for ink, layer in self._layers.items():
            self.image.paste(layer.point(_INK_LUTS[ink]), (0, 0), layer.point(_ANY_COVERAGE))
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", compress_level=_PNG_LEVEL)
        return buffer.getvalue()


def _fitted(text: str, font: ImageFont.FreeTypeFont, room: float) -> str:
    """``text``, shortened with an ellipsis if it would be wider than ``room``."""
    if font.getlength(text) <= room:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle] + "…") <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _day_indices(
    layout: CalendarLayout,
    days: Mapping[date, str],
    paused: AbstractSet[date],
    first_day: date,
) -> tuple[bytes, bytes]:
    """(palette index, 255 if striped) of every square, row by row (as ``frombytes`` reads
    them)."""
    columns = layout.columns
    indices = bytearray([_FUTURE]) * (7 * columns)
    striped = bytearray(7 * columns)
    empty, before, paused_index = (
        _INDEX[EMPTY_COLOUR],
        _INDEX[BEFORE_COLOUR],
        _INDEX[PAUSED_BACKGROUND],
    )
    day = layout.start
    for column in range(columns):
        for row in range(7):
            if day > layout.today:
                break
            at = row * columns + column
            kind = days.get(day)
            if kind is not None:
                indices[at] = _KIND_INDEX[kind]
            elif day in paused:
                indices[at] = paused_index
                striped[at] = 255
            else:
                indices[at] = before if day < first_day else empty
            day += _ONE_DAY
    return bytes(indices), bytes(striped)


def _draw_cells(
    canvas: _Canvas,
    layout: CalendarLayout,
    days: Mapping[date, str],
    paused: AbstractSet[date],
    first_day: date,
) -> None:
    indices, striped = _day_indices(layout, days, paused, first_day)
    columns, pitch = layout.columns, layout.pitch
    scaled = (columns * pitch, 7 * pitch)
    visible = (0, 0, layout.grid_right - layout.grid_left, layout.grid_bottom - layout.grid_top)
    corner = (layout.grid_left, layout.grid_top)
    shape, stripes = _grid_masks(layout.cell, layout.gap, columns)

    squares = Image.frombytes("P", (columns, 7), indices)
    squares = squares.resize(scaled, Image.Resampling.NEAREST).crop(visible)
    canvas.image.paste(squares, corner, shape)
    if any(striped):
        flags = Image.frombytes("L", (columns, 7), striped)
        flags = flags.resize(scaled, Image.Resampling.NEAREST).crop(visible)
        canvas.fill(PAUSED_COLOUR, corner, ImageChops.darker(flags, stripes))

    left, top, right, bottom = cell_box(layout, layout.today)
    ring = today_ring_width(layout)
    canvas.draw.rounded_rectangle(
        (left - ring, top - ring, right - 1 + ring, bottom - 1 + ring),
        radius=_radius(layout.cell) + ring,
        outline=_INDEX[TODAY_OUTLINE],
        width=ring,
    )


def _draw_labels(canvas: _Canvas, layout: CalendarLayout) -> None:
    month_y = layout.grid_top - 10
    for column, name in month_labels(layout):
        x = layout.grid_left + column * layout.pitch
        anchor = "ls"
        if x + _label(name, _TEXT_SIZE, anchor)[0].width > layout.width - 8:
            x, anchor = layout.grid_right, "rs"
        canvas.label((x, month_y), name, MUTED_TEXT, anchor=anchor)
    for row in layout.weekday_rows:
        y = layout.grid_top + row * layout.pitch + layout.cell / 2
        canvas.label((layout.grid_left - _LABEL_GAP, y), _WEEKDAYS[row], MUTED_TEXT, anchor="rm")


def _draw_header(canvas: _Canvas, layout: CalendarLayout, title: str) -> None:
    canvas.label((_MARGIN, _TITLE_TOP), title, TEXT, size=_TITLE_SIZE)
    span = f"{_nice_date(layout.start)} to {_nice_date(layout.today)}"  # no dashes in the font
    canvas.label((_MARGIN, _SUBTITLE_TOP), span, MUTED_TEXT)


def _draw_legend(canvas: _Canvas, layout: CalendarLayout) -> None:
    swatch = 18
    shape, stripes = _square_masks(swatch)
    x = layout.grid_left
    centre_y = layout.legend_top + _TEXT_SIZE // 2
    for label, kind in _LEGEND:
        corner = (x, centre_y - swatch // 2)
        canvas.fill(PAUSED_BACKGROUND if kind is None else KIND_COLOURS[kind], corner, shape)
        if kind is None:
            canvas.fill(PAUSED_COLOUR, corner, stripes)
        x += swatch + 8
        canvas.label((x, centre_y), label, TEXT, anchor="lm")
        x += _label(label, _TEXT_SIZE, "lm")[0].width + 30


def _draw_summary(canvas: _Canvas, layout: CalendarLayout, lines: tuple[str, str]) -> None:
    first, second = lines
    canvas.text((_MARGIN, layout.summary_top), first, TEXT, _SUMMARY_SIZE)
    if second:
        canvas.text(
            (_MARGIN, layout.summary_top + _SUMMARY_SIZE + 10), second, MUTED_TEXT, _TEXT_SIZE
        )


def _draw_stats(canvas: _Canvas, layout: CalendarLayout, stats: JourneyStats) -> None:
    assert layout.stats_top is not None
    top = layout.stats_top
    canvas.draw.line((_MARGIN, top, layout.width - _MARGIN, top), fill=_INDEX[DIVIDER], width=1)
    top += 16
    canvas.label((_MARGIN, top), "Since you started", MUTED_TEXT)
    top += _TEXT_SIZE + 14
    tiles = _stat_tiles(stats)
    slot = (layout.width - 2 * _MARGIN) / len(tiles)
    for index, (value, label, note) in enumerate(tiles):
        x = round(_MARGIN + index * slot)
        size = _VALUE_SIZE
        if _label(value, size, "la")[0].width > slot - 16:  # a number far beyond the usual
            size = _SUMMARY_SIZE
        canvas.label((x, top + _VALUE_SIZE - size), value, TEXT, size=size)
        label_top = top + _VALUE_SIZE + 10
        canvas.label((x, label_top), label, TEXT)
        if note:
            canvas.label((x, label_top + _TEXT_SIZE + 6), note, MUTED_TEXT)


def _render(
    layout: CalendarLayout,
    days: Mapping[date, str],
    paused: AbstractSet[date],
    *,
    first_day: date | None,
    title: str,
    period: str,
    stats: JourneyStats | None,
) -> JourneyPicture:
    _checked(days)
    first = _first_day(days, paused, layout.today, first_day)
    counts = _counts(days, paused, layout.start, layout.today)

    canvas = _Canvas(layout.width, layout.height)
    _draw_header(canvas, layout, title)
    _draw_labels(canvas, layout)
    _draw_cells(canvas, layout, days, paused, first)
    _draw_legend(canvas, layout)
    _draw_summary(canvas, layout, _summary_lines(counts, period))
    if stats is not None:
        _draw_stats(canvas, layout, stats)
    return JourneyPicture(
        png=canvas.png(),
        width=layout.width,
        height=layout.height,
        alt_text=_alt_text(counts, layout, period, stats),
    )


def draw_year(
    days: Mapping[date, str],
    paused: AbstractSet[date],
    today: date,
    stats: JourneyStats | None = None,
    *,
    first_day: date | None = None,
) -> JourneyPicture:
    """The member's last year: 53 weeks ending with the week of ``today``, and beneath it
    their lifetime numbers from ``stats`` (left out when ``stats`` is None).

    ``days`` maps each local date with a check-in to its kind (``practice``, ``rest`` or
    ``setback``); ``paused`` holds the paused days (``journey.paused_days``). A day with a
    check-in shows its kind even when paused. Days before ``first_day`` (by default the
    earliest day in ``days`` or ``paused``: pass it when ``days`` holds only part of the
    history) are drawn fainter than days without a check-in: the journey had not begun. Days
    after ``today`` are not drawn; check-ins before the first column are left out.
    """
    layout = year_layout(today, with_stats=stats is not None)
    return _render(
        layout,
        days,
        paused,
        first_day=first_day,
        title="Your last year of showing up",
        period="the last year",
        stats=stats,
    )


def draw_weeks(
    days: Mapping[date, str],
    paused: AbstractSet[date],
    today: date,
    weeks: int = 12,
    *,
    first_day: date | None = None,
) -> JourneyPicture:
    """The same calendar for the last ``weeks`` weeks (1 to 53), with bigger squares and no
    lifetime numbers: for the personal weekly recap. Arguments as for :func:`draw_year`."""
    layout = weeks_layout(today, weeks)
    period = "the last week" if weeks == 1 else f"the last {weeks} weeks"
    return _render(
        layout,
        days,
        paused,
        first_day=first_day,
        title=f"Your {period.removeprefix('the ')}",
        period=period,
        stats=None,
    )
