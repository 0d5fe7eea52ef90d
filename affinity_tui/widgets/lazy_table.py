"""``LazyTable``: a read-only table for 100,000+ rows that arrive page by page.

Built on Textual's Line API (``ScrollView.render_line``), the technique of toolong's
``LogLines``: the widget keeps rows as plain tuples in Python lists, sets ``virtual_size`` to
their count and formats only the lines on screen, caching the formatted ``Strip``s in an
``LRUCache``. The built-in ``DataTable`` measures every cell of every new row and blocks the event
loop for seconds at this size (anchors-tui.md §4); this widget never measures cells (column
widths come from ``Column.width``) and appending a page is O(page).

Layout of the virtual canvas: line 0 is the header, which ``render_line`` always draws at the
top (it scrolls horizontally with the body, never vertically); line ``i + 1`` is row ``i`` of the
displayed rows; one more line shows "Loading more…" or the empty text when needed. So
``scroll_offset.y`` is the index of the first row on screen.

Rows are stored as plain tuples (``packed_rows.Packed``: a ``Row``'s fields in order), not
``Row`` objects: Python's garbage collector stops tracking a tuple of strings and numbers, so
100,000 loaded rows cost a full collection almost nothing, while ``Row`` objects (like any class
instance) stay tracked and every full collection walked them all. A ``Row`` is rebuilt on demand
for the public API (``rows``, ``current_row``, messages).

Sorting and the quick filter work on the loaded rows only. The widget keeps ``_all`` (rows in
arrival order), ``_keys`` (each column's sort keys in arrival order, see ``table_order``) and,
only while needed, ``_order`` (arrival indices in sort order), ``_match``
(per arrival index: does the row match the quick filter) and ``_view`` (the arrival indices
displayed when filtered); ``cursor_row`` indexes the displayed rows. Working on integer indices
with C-level ``map``/``compress`` keeps a sort or a filter of 100,000 rows well under 100 ms;
iterating row objects in sorted order costs far more (cache misses). Rows appended while sorted
or filtered are inserted into place, so pages that arrive later are sorted and filtered too.

Messages: ``NeedMoreRows`` (the screen should fetch the next page), ``RowHighlighted`` (the
cursor is on a different row), ``RowSelected`` (enter or double-click). The screen owns paging:
on ``NeedMoreRows`` it sets ``loading_more = True``, appends the page, then sets
``loading_more = False`` and ``more_available`` from the API cursor.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import compress
from typing import ClassVar, overload

from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.segment import Segment
from rich.errors import StyleSyntaxError
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from affinity_tui.data.rows import Column, Row
from affinity_tui.widgets.packed_rows import CELLS, KEY, SORT_KEYS, STYLES, Packed, haystack, pack, unpack
from affinity_tui.widgets.scrollbar_thumb import set_quietly
from affinity_tui.widgets.table_order import InsertKey, SortKeyColumns, sort_order

__all__ = ["LazyTable"]

CELL_PADDING = 1
"""Blank cells on each side of every column."""

SORT_ASCENDING = "▲"
SORT_DESCENDING = "▼"

# Control characters (C0, DEL, C1) would break a line or reach the terminal as escape codes.
_CONTROL_TO_SPACE = {code: " " for code in (*range(0x20), *range(0x7F, 0xA0))}


def _clean(text: str) -> str:
    """``text`` with control characters replaced by spaces (a fast no-op for normal text)."""
    return text if text.isprintable() else text.translate(_CONTROL_TO_SPACE)


@lru_cache(maxsize=256)
def _parsed_style(definition: str | None) -> Style | None:
    """A cell's style (``"bold green"``), or None when it has none or it is not a valid style
    (rows carry style names; rendering must never fail on one)."""
    if not definition:
        return None
    try:
        return Style.parse(definition)
    except StyleSyntaxError:
        return None


def _cut(runs: list[tuple[str, Style, int]], start: int, end: int) -> list[Segment]:
    """Cells ``start`` to ``end`` of a line given as (text, style, cells) runs, as segments; a
    wide character cut in two becomes a space."""
    out: list[Segment] = []
    position = 0
    for text, style, length in runs:
        stop = position + length
        if stop > start and position < end:
            if position < start or stop > end:
                text = _cells(text, max(0, start - position), min(length, end - position))
            out.append(Segment(text, style))
        position = stop
        if position >= end:
            break
    return out


def _cells(text: str, start: int, end: int) -> str:
    """Cells ``start`` to ``end`` of ``text``."""
    if text.isascii():
        return text[start:end]
    out: list[str] = []
    position = 0
    for char in text:
        size = get_character_cell_size(char)
        stop = position + size
        if stop > start and position < end:
            out.append(char if position >= start and stop <= end else " " * (min(stop, end) - max(position, start)))
        position = stop
        if position >= end:
            break
    return "".join(out)


def _fit(text: str, width: int, right: bool = False) -> str:
    """``text`` truncated with an ellipsis or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    if length < width:
        pad = " " * (width - length)
        return pad + text if right else text + pad
    return text


class _DisplayedRows(Sequence[Row]):
    """The table's displayed rows, live and read-only (no copy)."""

    __slots__ = ("_table",)

    def __init__(self, table: LazyTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return self._table._displayed_count()

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        length = len(self)
        if index < 0:
            index += length
        if not 0 <= index < length:
            raise IndexError("row index out of range")
        return self._table._row(index)

    def __iter__(self) -> Iterator[Row]:
        return (self._table._row(i) for i in range(len(self)))


class _LoadedRows(Sequence[Row]):
    """Every loaded row in arrival order, live and read-only (no copy)."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list[Packed]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return tuple(map(unpack, self._rows[index]))
        return unpack(self._rows[index])

    def __iter__(self) -> Iterator[Row]:
        return map(unpack, self._rows)


class LazyTable(ScrollView, can_focus=True, inherit_bindings=False):
    """A read-only, keyboard-first table rendered line by line, fed page by page."""

    ALLOW_SELECT = False  # as DataTable: a double-click selects the row, not the screen's text

    DEFAULT_CSS = """
    LazyTable {
        height: 1fr;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lazy-table--header",
        "lazy-table--cursor",
        "lazy-table--even-row",
        "lazy-table--loading",
        "lazy-table--empty",
    }

    KEY_SECTION = "Moving in a table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("home,g", "cursor_top", "Top", show=False, id="table.top"),
        Binding("end,G", "cursor_bottom", "Last loaded", show=False, id="table.bottom"),
        Binding("pagedown", "cursor_page_down", "Page down", show=False, id="table.page-down"),
        Binding("pageup", "cursor_page_up", "Page up", show=False, id="table.page-up"),
        Binding("ctrl+d", "cursor_half_page_down", "Half page down", show=False, id="table.half-page-down"),
        Binding("ctrl+u", "cursor_half_page_up", "Half page up", show=False, id="table.half-page-up"),
        Binding("left,h", "scroll_column_left", "Scroll left", show=False, id="table.left"),
        Binding("right,l", "scroll_column_right", "Scroll right", show=False, id="table.right"),
        Binding("enter", "select_row", "Open", id="table.select"),
    ]

    cursor_row: reactive[int] = reactive(0, repaint=False, init=False)
    """Index of the highlighted row in ``rows`` (the displayed, sorted and filtered rows)."""

    loading_more: reactive[bool] = reactive(False, repaint=False, init=False)
    """A page is being fetched: draw "Loading more…" after the last row, post no NeedMoreRows.

    Not named ``loading``: ``Widget.loading`` covers the widget with a spinner and makes Textual
    drop its key bindings and mouse events, which would freeze the table while a page loads.
    """

    more_available: reactive[bool] = reactive(False, repaint=False, init=False)
    """The source has more pages, so ``NeedMoreRows`` may be posted."""

    empty_text: reactive[str] = reactive("No rows.")
    """Shown when there are no rows and nothing is loading."""

    zebra_stripes: reactive[bool] = reactive(False, repaint=False, init=False)
    """Style every other row with ``lazy-table--even-row``."""

    class _TableMessage(Message):
        """A message from this table (a base: Textual dispatches a message to its bases'
        handlers too, so none of the public messages below derives from another)."""

        def __init__(self, table: LazyTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> LazyTable:
            return self.table

    class NeedMoreRows(_TableMessage):
        """The user is near the last loaded row; fetch the next page (posted once per page)."""

    class _RowMessage(_TableMessage):
        """A message about one displayed row (a base, like `_TableMessage`)."""

        def __init__(self, table: LazyTable, row: Row, index: int) -> None:
            super().__init__(table)
            self.row = row
            self.index = index

    class RowHighlighted(_RowMessage):
        """The cursor moved to a different row."""

    class RowSelected(_RowMessage):
        """The user opened a row (enter, or a double-click)."""

    def __init__(
        self,
        columns: Iterable[Column] = (),
        *,
        empty_text: str = "No rows.",
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._columns: tuple[Column, ...] = ()
        self._column_offsets: tuple[int, ...] = ()
        self._total_width = 0
        self._all: list[Packed] = []
        self._keys = SortKeyColumns()
        self._order: list[int] | None = None
        self._match: list[bool] | None = None
        self._view: list[int] | None = None
        self._sort_column: int | None = None
        self._sort_reverse = False
        self._sort_normalize = False
        self._quick_filter = ""
        self._needle = ""
        self._revision = 0
        self._strips: LRUCache[tuple[int, bool, int, int, int], Strip] = LRUCache(256)
        self._warm_pending = False
        self._header: tuple[tuple[int, int], Strip] | None = None
        self._need_more_posted = False
        self._retry_on_move = False
        self._highlighted: Packed | None = None
        self._row_styles: tuple[int, Style, Style, Style] | None = None
        self.set_reactive(LazyTable.empty_text, empty_text)
        self.set_columns(columns)

    # ------------------------------------------------------------------ public API

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def rows(self) -> Sequence[Row]:
        """The displayed rows (sorted and quick-filtered), live and read-only."""
        return _DisplayedRows(self)

    @property
    def loaded_rows(self) -> Sequence[Row]:
        """Every loaded row in arrival order, live and read-only."""
        return _LoadedRows(self._all)

    @property
    def current_row(self) -> Row | None:
        """The row under the cursor, or ``None`` when no row is displayed."""
        packed = self._current_packed()
        return None if packed is None else unpack(packed)

    @property
    def cursor_key(self) -> int | None:
        """``Row.key`` of the row under the cursor."""
        packed = self._current_packed()
        return None if packed is None else packed[KEY]

    @property
    def sort_column(self) -> int | None:
        """Index of the column the loaded rows are sorted by (``None``: arrival order)."""
        return self._sort_column

    @property
    def sort_reverse(self) -> bool:
        return self._sort_reverse

    @property
    def quick_filter(self) -> str:
        return self._quick_filter

    def set_columns(self, columns: Iterable[Column]) -> None:
        """Set the columns; a different set of columns drops the sort and scrolls home."""
        columns = tuple(columns)
        changed = tuple(c.key for c in columns) != tuple(c.key for c in self._columns)
        self._columns = columns
        offsets = [0]
        for column in columns:
            offsets.append(offsets[-1] + max(1, column.width) + 2 * CELL_PADDING)
        self._column_offsets = tuple(offsets)
        self._total_width = offsets[-1]
        if changed:
            self._keys.reset(len(columns), (row[SORT_KEYS] for row in self._all))
        if changed and self._sort_column is not None:
            keep = self._cursor_arrival()
            self._sort_column = None
            self._sort_reverse = False
            self._order = None
            self._refilter()
            self._put_cursor_on(keep)
        if changed and self.is_mounted:
            self.scroll_to(x=0, animate=False, force=True)
        self._data_changed()

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row; keeps the sort, the quick filter and the cursor's row key if present."""
        current = self._current_packed()
        self._all = list(map(pack, rows))
        self._keys.reset(len(self._columns), (row[SORT_KEYS] for row in self._all))
        keep = None
        if current is not None:
            key = current[KEY]
            keep = next((i for i, row in enumerate(self._all) if row[KEY] == key), None)
        self._rebuild_order()
        self._rebuild_filter()
        self._put_cursor_on(keep)
        self._need_more_posted = False
        self._data_changed()
        self._scroll_to_cursor()
        self._emit_highlight()
        self._check_need_more(auto=True)

    def clear(self) -> None:
        """Remove every row (the sort and the quick filter stay)."""
        self.set_rows(())

    def append_rows(self, rows: Iterable[Row]) -> None:
        """Add a page of rows: O(page) unsorted, O(page · log n) inserts while sorted."""
        page = list(map(pack, rows))
        self._need_more_posted = False
        if not page:
            self._update_virtual_size()
            return
        old_count = self._displayed_count()
        start = len(self._all)
        self._all.extend(page)
        self._keys.extend(row[SORT_KEYS] for row in page)
        new = range(start, start + len(page))
        if self._match is not None:
            needle = self._needle
            self._match.extend(needle in haystack(row) for row in page)
        if self._order is not None:
            self._insert_sorted(new)
        elif self._view is not None and self._match is not None:
            self._view.extend(compress(new, self._match[start:]))
        self._update_virtual_size()
        if self._order is not None and self._displayed_count() != old_count:
            self._revision += 1  # rows moved under existing indices
            self.refresh()
            self._scroll_to_cursor()
        else:
            self._refresh_rows(old_count, self._displayed_count() - old_count + 1)
        if old_count == 0 or self._order is not None:
            self._emit_highlight()
        self._check_need_more(auto=True)

    def move_cursor(self, index: int) -> None:
        """Put the cursor on ``rows[index]`` (clamped) and scroll it into view."""
        self.cursor_row = index
        self._scroll_to_cursor()
        self._check_need_more()

    def sort_by(self, column_index: int | None, reverse: bool | None = None) -> None:
        """Sort the loaded rows by a column's sort keys; again on the same column toggles.

        Stable; rows whose key is ``None`` or ``""`` go last in both directions; the cursor stays
        on the same row. ``None`` restores arrival order.
        """
        if column_index is not None and not 0 <= column_index < len(self._columns):
            raise IndexError(f"no column {column_index}")
        if reverse is None:
            reverse = column_index == self._sort_column and not self._sort_reverse
        keep = self._cursor_arrival()
        previous = self._order if column_index == self._sort_column else None
        self._sort_column = column_index
        self._sort_reverse = bool(reverse) and column_index is not None
        self._rebuild_order(previous)
        self._refilter()
        self._put_cursor_on(keep)
        self._data_changed()
        self._scroll_to_cursor()
        self._emit_highlight()

    def apply_quick_filter(self, text: str) -> None:
        """Show only loaded rows with ``text`` in any cell (case-insensitive); ``""`` shows all."""
        keep = self._cursor_arrival()
        needle = text.casefold()
        narrowing = bool(self._needle) and self._needle in needle
        self._quick_filter = text
        self._needle = needle
        self._rebuild_filter(narrowing=narrowing)
        self._put_cursor_on(keep)
        self._need_more_posted = False
        self._data_changed()
        self._scroll_to_cursor()
        self._emit_highlight()

    # ------------------------------------------------------------------ ordering and filtering

    def _displayed_count(self) -> int:
        return len(self._all) if self._view is None else len(self._view)

    def _displayed_indices(self) -> Sequence[int]:
        """Arrival indices in display order."""
        if self._view is not None:
            return self._view
        if self._order is not None:
            return self._order
        return range(len(self._all))

    def _row(self, index: int) -> Row:
        """The displayed row at ``index`` (0 <= index < displayed count), as a ``Row``."""
        return unpack(self._packed(index))

    def _current_packed(self) -> Packed | None:
        cursor = self.cursor_row
        return self._packed(cursor) if 0 <= cursor < self._displayed_count() else None

    def _packed(self, index: int) -> Packed:
        """The displayed row at ``index`` (0 <= index < displayed count), as stored."""
        if self._view is not None:
            return self._all[self._view[index]]
        if self._order is not None:
            return self._all[self._order[index]]
        return self._all[index]

    def _cursor_arrival(self) -> int | None:
        """Arrival index of the row under the cursor."""
        cursor = self.cursor_row
        if not 0 <= cursor < self._displayed_count():
            return None
        return self._displayed_indices()[cursor]

    def _put_cursor_on(self, arrival: int | None) -> None:
        """Move the cursor (without watchers) to the row with that arrival index, else the top."""
        index = 0
        if arrival is not None:
            indices = self._displayed_indices()
            if isinstance(indices, range):
                index = arrival
            else:
                try:
                    index = indices.index(arrival)
                except ValueError:
                    index = 0
        self.set_reactive(LazyTable.cursor_row, self.validate_cursor_row(index))

    def _rebuild_order(self, previous: list[int] | None = None) -> None:
        """Sort the arrival indices by the sort column (``previous``: its order, re-sorted fast)."""
        if self._sort_column is None:
            self._order = None
            return
        self._order, self._sort_normalize = sort_order(self._keys[self._sort_column], self._sort_reverse, previous)

    def _rebuild_filter(self, narrowing: bool = False) -> None:
        """Recompute which loaded rows match the quick filter, then the displayed rows."""
        needle = self._needle
        if not needle:
            self._match = None
            self._view = None
            return
        rows = self._all
        if narrowing and self._view is not None:
            match = [False] * len(rows)
            for i in self._view:
                if needle in haystack(rows[i]):
                    match[i] = True
            self._match = match
            self._view = [i for i in self._view if match[i]]
            return
        # Arrival order visits rows in memory order: three times faster than sorted order.
        self._match = [needle in haystack(row) for row in rows]
        self._refilter()

    def _refilter(self) -> None:
        """Recompute the displayed rows from ``_match`` after the order changed."""
        match = self._match
        if match is None:
            self._view = None
        elif self._order is None:
            self._view = list(compress(range(len(match)), match))
        else:
            self._view = list(compress(self._order, map(match.__getitem__, self._order)))

    def _insert_key(self) -> Callable[[int], InsertKey]:
        column, reverse, normalize = self._sort_column, self._sort_reverse, self._sort_normalize
        assert column is not None
        keys = self._keys[column]

        def key(arrival: int) -> InsertKey:
            return InsertKey(keys[arrival], reverse, normalize)

        return key

    def _insert_sorted(self, new: range) -> None:
        """Insert new arrival indices into the sorted (and filtered) lists, keeping the cursor's row."""
        order, view, match = self._order, self._view, self._match
        assert order is not None
        key = self._insert_key()
        cursor = self.cursor_row
        had_rows = self._displayed_count() > 0 if view is not None else len(order) > 0
        try:
            for arrival in new:
                arrival_key = key(arrival)
                position = bisect_right(order, arrival_key, key=key)
                order.insert(position, arrival)
                if view is not None and match is not None:
                    if not match[arrival]:
                        continue
                    position = bisect_right(view, arrival_key, key=key)
                    view.insert(position, arrival)
                if had_rows and position <= cursor:
                    cursor += 1
        except TypeError:  # a value of a new type: fall back to a full, normalized sort
            keep = self._cursor_arrival()
            self._rebuild_order()
            self._refilter()
            self._put_cursor_on(keep)
            return
        self.set_reactive(LazyTable.cursor_row, cursor)

    # ------------------------------------------------------------------ reactives

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, self._displayed_count() - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._refresh_rows(old)
        self._refresh_rows(new)
        self._scroll_to_cursor()
        if self.is_mounted and not self._warm_pending:
            self._warm_pending = True
            self.call_after_refresh(self._after_move_painted)
        self._emit_highlight()
        self._retry_after_failure()
        self._check_need_more()

    def _after_move_painted(self) -> None:
        self._warm_pending = False
        self._warm_next_screenful()

    def _retry_after_failure(self) -> None:
        """After a page failed, only the user's next move asks again (never a loop by itself)."""
        if self._retry_on_move:
            self._retry_on_move = False
            self._need_more_posted = False

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._retry_after_failure()

    def watch_loading_more(self, old: bool, new: bool) -> None:
        if old and not new and self._need_more_posted:
            # A load ended without rows arriving (append_rows clears the flag): it failed.
            self._retry_on_move = True
        at_end = self.is_mounted and round(self.scroll_y) >= self.max_scroll_y
        self._update_virtual_size()
        if new and at_end:  # show the "Loading more…" line the user is waiting on
            self.scroll_to(y=self.max_scroll_y, animate=False, force=True)
        self.refresh()

    def watch_more_available(self, available: bool) -> None:
        self._need_more_posted = False
        if available:
            self._check_need_more(auto=True)

    def watch_zebra_stripes(self) -> None:
        self._data_changed()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # ScrollView's watcher, but the scrollbar is repainted only when its thumb moves.
        if self.show_vertical_scrollbar:
            set_quietly(self.vertical_scrollbar, position=new_value)
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)
            self._check_need_more()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._revision += 1
        self._header = None

    # Textual calls the handlers of every class in the MRO, so these do not call super().

    def on_focus(self) -> None:
        self._restyle()

    def on_blur(self) -> None:
        self._restyle()

    def on_mount(self) -> None:
        self._update_virtual_size()

    def on_resize(self) -> None:
        self._scroll_to_cursor()
        self._check_need_more(auto=True)

    # ------------------------------------------------------------------ actions

    def action_cursor_down(self) -> None:
        self._moving_down()
        self.move_cursor(self.cursor_row + 1)

    def _moving_down(self) -> None:
        """A move towards the end, even one that can't move further, may retry a failed page."""
        if self._retry_on_move:
            self._retry_after_failure()
            self._check_need_more()

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_top(self) -> None:
        self.move_cursor(0)
        self.scroll_to(y=0, animate=False, force=True)

    def action_cursor_bottom(self) -> None:
        self._moving_down()
        self.move_cursor(self._displayed_count() - 1)

    def action_cursor_page_down(self) -> None:
        self._moving_down()
        self._move_page(self._body_height())

    def action_cursor_page_up(self) -> None:
        self._move_page(-self._body_height())

    def action_cursor_half_page_down(self) -> None:
        self._moving_down()
        self._move_page(max(1, self._body_height() // 2))

    def action_cursor_half_page_up(self) -> None:
        self._move_page(-max(1, self._body_height() // 2))

    def action_scroll_column_right(self) -> None:
        x = round(self.scroll_x)
        target = next((offset for offset in self._column_offsets if offset > x), x)
        self.scroll_to(x=min(target, self.max_scroll_x), animate=False, force=True)

    def action_scroll_column_left(self) -> None:
        x = round(self.scroll_x)
        target = max((offset for offset in self._column_offsets if offset < x), default=0)
        self.scroll_to(x=target, animate=False, force=True)

    def action_select_row(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.RowSelected(self, row, self.cursor_row))

    def _move_page(self, delta: int) -> None:
        """Move the cursor ``delta`` rows and scroll the view with it."""
        if not self._displayed_count():
            self._check_need_more()
            return
        old = self.cursor_row
        self.set_reactive(LazyTable.cursor_row, self.validate_cursor_row(old + delta))
        moved = self.cursor_row - old
        self.scroll_to(y=round(self.scroll_y) + moved, animate=False, force=True)
        self.watch_cursor_row(old, self.cursor_row)

    # ------------------------------------------------------------------ mouse

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x + round(self.scroll_x))
            if column is not None:
                self.sort_by(column)
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < self._displayed_count():
            self.move_cursor(index)
            if event.chain >= 2:
                self.action_select_row()

    def _column_at(self, x: int) -> int | None:
        offsets = self._column_offsets
        for index in range(len(offsets) - 1):
            if offsets[index] <= x < offsets[index + 1]:
                return index
        return None

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            style = self.get_component_rich_style("lazy-table--header")
            return self._header_strip(width).crop_extend(scroll_x, scroll_x + width, style)
        index = scroll_y + y - 1
        count = self._displayed_count()
        if index < count:
            return self._row_strip(index, index == self.cursor_row, width)
        if index == count:
            if self.loading_more:
                text = "Loading more…" if count else "Loading…"
                return self._message_strip(text, "lazy-table--loading", width)
            if not count:
                if self._needle:
                    text = f"No loaded rows match “{self._quick_filter}”."
                else:
                    text = self.empty_text
                return self._message_strip(text, "lazy-table--empty", width)
        return Strip.blank(width, self.rich_style)

    def _row_strip(self, index: int, cursor: bool, width: int) -> Strip:
        """Row ``index`` drawn as seen (cached until rows, columns, styles or the scroll change)."""
        x = round(self.scroll_x)
        key = (index, cursor, self._revision, width, x)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(index, self._packed(index), cursor, x, width)
            self._strips[key] = strip
        return strip

    def _warm_next_screenful(self) -> None:
        """Draw the rows a page-down would show next, after the frame that's just been painted.

        A page-down paints a screenful of rows never drawn before: drawing them ahead, while the
        user reads, takes that work (about half of such a frame) off the next key's path."""
        width = self.size.width
        top, body, count = round(self.scroll_y), self._body_height(), self._displayed_count()
        for index in range(top + body, min(top + 2 * body, count)):
            if index != self.cursor_row:
                self._row_strip(index, False, width)

    def _row_style(self, index: int, cursor: bool) -> Style:
        """The row's base style; looked up once per revision (``rich_style`` walks the DOM for
        the background: ~25 µs, once per row drawn)."""
        styles = self._row_styles
        if styles is None or styles[0] != self._revision:
            styles = self._row_styles = (self._revision, self.rich_style,
                                         self.get_component_rich_style("lazy-table--cursor"),
                                         self.get_component_rich_style("lazy-table--even-row"))
        if cursor:
            return styles[2]
        if self.zebra_stripes and index % 2 == 0:
            return styles[3]
        return styles[1]

    def _render_row(self, index: int, row: Packed, cursor: bool, x: int, width: int) -> Strip:
        """The ``width`` cells of one row from column ``x``, as segments built directly: a cell
        is one segment with its padding (a rich ``Text`` per row cost 4× as much, on every frame
        that scrolls). Cut here, not with ``Strip.crop``: that goes through rich's
        ``Segment.split_cells``, whose 16,384-entry cache then held every row's text: ~80,000
        objects that each full garbage collection walked (~60 ms)."""
        base = self._row_style(index, cursor)
        # The cursor's colours win over the cells' own.
        over = Style(color=base.color, bgcolor=base.bgcolor) if cursor else None
        pad = " " * CELL_PADDING
        cells, styles = row[CELLS], row[STYLES]
        n_cells, n_styles = len(cells), len(styles)
        runs: list[tuple[str, Style, int]] = []  # (text, style, cells): every width is known
        plain: list[str] = []  # consecutive cells in the row's own style, joined into one run
        plain_cells = 0
        for i, column in enumerate(self._columns):
            column_width = max(1, column.width)
            cell = _fit(_clean(cells[i]) if i < n_cells else "", column_width, column.numeric)
            cell_style = _parsed_style(styles[i]) if i < n_styles else None
            if cell_style is None:
                plain.append(pad + cell + pad)
                plain_cells += column_width + 2 * CELL_PADDING
                continue
            style = base + cell_style
            if over is not None:
                style += over
            plain.append(pad)
            runs.append(("".join(plain), base, plain_cells + CELL_PADDING))
            plain, plain_cells = [pad], CELL_PADDING
            runs.append((cell, style, column_width))
        # Wide enough for any horizontal scroll, so the cursor's colour reaches the right edge.
        plain.append(" " * width)
        runs.append(("".join(plain), base, plain_cells + width))
        return Strip(_cut(runs, x, x + width), width)

    def _header_strip(self, width: int) -> Strip:
        key = (self._revision, width)
        if self._header is not None and self._header[0] == key:
            return self._header[1]
        style = self.get_component_rich_style("lazy-table--header")
        pad = " " * CELL_PADDING
        parts: list[str] = []
        for i, column in enumerate(self._columns):
            column_width = max(1, column.width)
            title = _clean(column.title)
            if i == self._sort_column and column_width >= 3:
                arrow = SORT_DESCENDING if self._sort_reverse else SORT_ASCENDING
                if cell_len(title) + 2 <= column_width:
                    label = _fit(f"{title} {arrow}", column_width, column.numeric)
                else:
                    label = _fit(title, column_width - 2) + " " + arrow
            else:
                label = _fit(title, column_width, column.numeric)
            parts.append(pad + label + pad)
        text = "".join(parts)
        strip = Strip([Segment(text, style)], self._total_width).adjust_cell_length(
            self._total_width + width, style
        )
        self._header = (key, strip)
        return strip

    def _message_strip(self, text: str, component: str, width: int) -> Strip:
        style = self.get_component_rich_style(component)
        line = " " * CELL_PADDING + _clean(text)
        return Strip([Segment(line, style)]).adjust_cell_length(width, self.rich_style)

    # ------------------------------------------------------------------ housekeeping

    def _body_height(self) -> int:
        """Rows that fit under the header."""
        return max(0, self.scrollable_content_region.height - 1)

    def _update_virtual_size(self) -> None:
        rows = self._displayed_count()
        extra = 1 if self.loading_more or not rows else 0
        size = Size(self._total_width, 1 + rows + extra)
        old = self.virtual_size
        if size == old:
            return
        if (size.width == old.width and self.show_vertical_scrollbar
                and min(size.height, old.height) > self.scrollable_content_region.height):
            # A long table got longer or shorter and stays long. Setting `virtual_size` would lay
            # out the whole screen (~4 ms a page, in the way of the frames keys are waiting for);
            # Textual itself only updates the scrollbars when no layout is due. Only the vertical
            # bar's proportions change, and most often not its drawing (see scrollbar_thumb).
            self.set_reactive(LazyTable.virtual_size, size)
            set_quietly(self.vertical_scrollbar, virtual_size=size.height)
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
            return
        self.virtual_size = size

    def _data_changed(self) -> None:
        """Rows, columns or styles changed: drop every rendered strip and repaint."""
        self._revision += 1
        self._header = None
        self._update_virtual_size()
        self.refresh()

    def _restyle(self) -> None:
        self._revision += 1
        self._header = None
        self.refresh()

    def _refresh_rows(self, index: int, count: int = 1) -> None:
        """Repaint rows ``index`` .. ``index + count - 1`` if they are on screen."""
        top = round(self.scroll_y)
        body = self._body_height()
        start, end = max(index, top), min(index + count, top + body)
        if start < end:
            self.refresh(Region(0, start - top + 1, self.size.width, end - start))

    def _scroll_to_cursor(self) -> None:
        """Scroll the least distance that shows the cursor's row."""
        body = self._body_height()
        if body <= 0 or not self._displayed_count():
            return
        index, top = self.cursor_row, round(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, force=True)
        elif index >= top + body:
            self.scroll_to(y=index - body + 1, animate=False, force=True)

    def _emit_highlight(self) -> None:
        packed = self._current_packed()
        if packed is not None and packed is not self._highlighted:
            self.post_message(self.RowHighlighted(self, unpack(packed), self.cursor_row))
        self._highlighted = packed

    def _check_need_more(self, auto: bool = False) -> None:
        """Post ``NeedMoreRows`` once if the cursor or the view is within two screens of the end.

        ``auto`` checks (after a page arrives, a resize or ``more_available``) are skipped while
        a quick filter hides rows, so a filter with few matches cannot walk the whole list
        without the user moving; a key press or scroll at the end still asks for the next page.
        """
        if self._need_more_posted or not self.more_available or self.loading_more or self.loading:
            return
        if auto and self._needle:
            return
        body = self._body_height()
        if body <= 0:
            return
        last = self._displayed_count() - 1
        bottom = round(self.scroll_y) + body - 1
        if last - self.cursor_row <= 2 * body or last - bottom <= 2 * body:
            self._need_more_posted = True
            self.post_message(self.NeedMoreRows(self))
