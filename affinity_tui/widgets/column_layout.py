"""Where each column of the table goes on a line, for a view of a given width.

Why: ``Column.width`` is measured on the first page (6..40 cells) and knows nothing of the
terminal. Numbers are never shortened: a money value cut to its first digits reads as another
amount (``$12,000,000`` as ``$2``), so a numeric cell is drawn whole or not at all, blank until
scrolled fully into view. When the columns don't fit, the text columns before the first number
the view's edge would cut give up cells, widest first and down to a minimum (their text then ends
with an ellipsis), so that number fits whole; text columns keep their measured width otherwise,
so a long memo can still be read once scrolled to. Column 0, the record's name, stays in place
while the others scroll under it, so a row is always identified; it takes at most half the view.

All of it depends on the columns, the view's width and the horizontal scroll only, never on a
row: a ``LineLayout`` is worked out once per scroll position and every row drawn reuses it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import NamedTuple

from affinity_tui.data.rows import Column

__all__ = ["CELL_PADDING", "MIN_NAME_WIDTH", "MIN_TEXT_WIDTH", "Cell", "ColumnLayout", "LineLayout", "Piece",
           "fitted_widths"]

CELL_PADDING = 1
"""Blank cells on each side of every column."""

MIN_TEXT_WIDTH = 16
"""A text column gives up cells down to this (or its measured width, if smaller)."""

MIN_NAME_WIDTH = 20
"""The same for column 0, the name that identifies each row."""


def fitted_widths(columns: Sequence[Column], view_width: int) -> tuple[int, ...]:
    """Each column's text width in a view of ``view_width`` cells (``0``: unknown, as measured).

    When the columns don't fit: the name takes at most half the view (so it can stay in place),
    and if the view's right edge would cut a number, the text columns before it are capped at
    one level, as high as lets it fit, none below its minimum (if even that is not enough, the
    number is left for scrolling to and nothing shrinks)."""
    widths = [max(1, column.width) for column in columns]
    padding = 2 * CELL_PADDING
    if view_width <= 0 or sum(widths) + padding * len(widths) <= view_width:
        return tuple(widths)
    floors = [width if column.numeric else min(width, MIN_NAME_WIDTH if i == 0 else MIN_TEXT_WIDTH)
              for i, (column, width) in enumerate(zip(columns, widths, strict=True))]
    if len(columns) > 1:
        widths[0] = max(floors[0], min(widths[0], view_width // 2 - padding))
    used = 0
    for i, column in enumerate(columns):
        used += widths[i] + padding
        if used > view_width:
            if column.numeric:
                _give_up(widths, floors, i, used - view_width)
            break
    return tuple(widths)


def _give_up(widths: list[int], floors: list[int], end: int, excess: int) -> None:
    """Take ``excess`` cells from columns ``0 .. end - 1`` above their floors, widest first,
    or none if they don't have that many."""
    room = sum(widths[:end]) - excess  # what the columns may keep

    def capped(level: int) -> list[int]:
        return [max(floor, min(width, level)) for floor, width in zip(floors[:end], widths[:end], strict=True)]

    if sum(floors[:end]) > room:
        return
    low, high = 0, max(widths[:end])  # sum(capped(low)) <= room < sum(capped(high))
    while high - low > 1:
        middle = (low + high) // 2
        if sum(capped(middle)) <= room:
            low = middle
        else:
            high = middle
    kept = capped(low)
    spare = room - sum(kept)
    for i in range(end):  # the cells left under the cap go one each to capped columns, left first
        if spare and kept[i] == low < widths[i]:
            kept[i] += 1
            spare -= 1
    widths[:end] = kept


class Cell(NamedTuple):
    """One column's cell as a line shows it."""

    column: int
    width: int
    """Text cells: the column's, or fewer for the column cut by the view's right edge."""
    right: bool
    """Right-aligned (numeric)."""
    blank: str
    """``""``, or the whole cell with its padding as spaces: a number not wholly in view."""
    titled: bool = True
    """The header shows the title; not over a number partly scrolled out on the left (a
    number cut by the right edge keeps its title, as a sign of more to see there)."""


class Piece(NamedTuple):
    """A run of adjacent cells and the part of them in view."""

    origin: int
    """Where the first cell's padding starts on the full line."""
    start: int
    """The first cell in view, counted from ``origin``."""
    end: int
    """Past the last cell drawn, counted from ``origin``."""
    cells: tuple[Cell, ...]
    filler: str
    """Spaces after the cells, so the line reaches ``end`` whatever the cells' widths."""


class LineLayout(NamedTuple):
    """Every line at one scroll position: the fixed name column, then the scrolled columns."""

    pieces: tuple[Piece, ...]
    width: int


class ColumnLayout:
    """The columns placed for one view width; ``line(scroll_x, …)`` is what a line shows."""

    def __init__(self, columns: Sequence[Column], view_width: int) -> None:
        self.columns = tuple(columns)
        self.view_width = view_width
        self.widths = fitted_widths(self.columns, view_width)
        offsets = [0]
        for width in self.widths:
            offsets.append(offsets[-1] + width + 2 * CELL_PADDING)
        self.offsets = tuple(offsets)
        """Where each column's padding starts on the full line; the last is the line's width."""
        self.total = offsets[-1]
        fixed = offsets[1] if len(self.columns) > 1 else 0
        self.frozen = fixed if 0 < view_width < self.total and 2 * fixed <= view_width else 0
        """Cells on the left that never scroll: column 0 with its padding, or 0."""
        self._first = 1 if self.frozen else 0
        self._line: tuple[tuple[int, int, int], LineLayout] | None = None

    def stops(self) -> list[int]:
        """Horizontal scroll positions that put a column's left edge next to the fixed part."""
        return [offset - self.frozen for offset in self.offsets[self._first:]]

    def column_at(self, x: int, scroll_x: int) -> int | None:
        """The column under view cell ``x``."""
        if x < self.frozen:
            return 0
        column = bisect_right(self.offsets, x + scroll_x) - 1
        return column if self._first <= column < len(self.columns) else None

    def line(self, scroll_x: int, view_width: int, line_width: int) -> LineLayout:
        """The cells a line shows when scrolled by ``scroll_x``: ``view_width`` cells are seen,
        and lines are drawn ``line_width`` wide (a scrollbar may cover the difference)."""
        key = (scroll_x, view_width, line_width)
        if self._line is not None and self._line[0] == key:
            return self._line[1]
        pad = CELL_PADDING
        offsets, widths, frozen = self.offsets, self.widths, self.frozen
        pieces = []
        if frozen:
            fixed = Cell(0, widths[0], self.columns[0].numeric, "")
            pieces.append(Piece(0, 0, frozen, (fixed,), ""))
        left, seen_end, end = frozen + scroll_x, scroll_x + view_width, scroll_x + line_width
        cells = []
        first = max(self._first, bisect_right(offsets, left) - 1)
        for i in range(first, len(self.columns)):
            text_start = offsets[i] + pad
            if offsets[i] >= seen_end:
                break
            column = self.columns[i]
            width = widths[i]
            if column.numeric and text_start < left:
                cells.append(Cell(i, width, True, " " * (width + 2 * pad), titled=False))
            elif text_start + width > seen_end:  # cut by the right edge: fit it to what is seen
                seen = max(0, seen_end - text_start)
                cells.append(Cell(i, seen, column.numeric, " " * (seen + 2 * pad) if column.numeric else ""))
            else:
                cells.append(Cell(i, width, column.numeric, ""))
        origin = offsets[first] if first < len(offsets) else self.total
        pieces.append(Piece(origin, left - origin, end - origin, tuple(cells), " " * line_width))
        line = LineLayout(tuple(pieces), line_width)
        self._line = (key, line)
        return line
