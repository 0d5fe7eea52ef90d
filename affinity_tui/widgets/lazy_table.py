"""``LazyTable``: a read-only table for 100,000+ rows that arrive page by page.

Built on Textual's Line API (``ScrollView.render_line``), the technique of toolong's
``LogLines``: the widget sets ``virtual_size`` to the number of rows and formats only the lines
on screen, caching the formatted ``Strip``s in an ``LRUCache``. The built-in ``DataTable``
measures every cell of every new row and blocks the event loop for seconds at this size; this
widget never measures cells (column widths come from ``Column.width``, fitted to the view by
``column_layout``) and appending a page is O(page).

The rows themselves, their sort order and the quick filter live in a ``RowIndex``
(``row_index``), as toolong keeps its ``LogFile`` apart from its ``LogLines`` widget; this
module draws them, handles keys and the mouse, and asks the screen for pages.

Layout of the virtual canvas: line 0 is the header, which ``render_line`` always draws at the
top (it scrolls horizontally with the body, never vertically); line ``i + 1`` is row ``i`` of the
displayed rows; one more line shows "Loading more…" or the empty text when needed. So
``scroll_offset.y`` is the index of the first row on screen. Horizontally, column 0 (the name)
stays in place and the other columns scroll under it (``column_layout``).

Messages: ``NeedMoreRows`` (the screen should fetch the next page), ``RowHighlighted`` (the
cursor is on a different row), ``RowSelected`` (enter or double-click). The screen owns paging:
on ``NeedMoreRows`` it sets ``loading_more = True``, appends the page, then sets
``loading_more = False`` and ``more_available`` from the API cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
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
from affinity_tui.widgets.cell_text import Run, clean, cut, fit, parsed_style
from affinity_tui.widgets.column_layout import CELL_PADDING, ColumnLayout, LineLayout
from affinity_tui.widgets.packed_rows import CELLS, KEY, STYLES, Packed, unpack
from affinity_tui.widgets.row_index import RowIndex
from affinity_tui.widgets.scrollbar_thumb import set_quietly

__all__ = ["LazyTable"]

SORT_ASCENDING = "▲"
SORT_DESCENDING = "▼"


class LazyTable(ScrollView, can_focus=True, inherit_bindings=False):
    """A read-only, keyboard-first table rendered line by line, fed page by page."""

    ALLOW_SELECT = False  # as DataTable: a double-click selects the row, not the screen's text

    DEFAULT_CSS = """
    LazyTable {
        height: 1fr;
        background: $surface;
        color: $foreground;

        & > .lazy-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .lazy-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }

        & > .lazy-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .lazy-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }

        & > .lazy-table--marked {
            color: $warning;
            text-style: bold;
        }

        & > .lazy-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .lazy-table--even-row {
            background: $surface-darken-1 40%;
        }

        & > .lazy-table--loading {
            color: $text-muted;
            text-style: italic;
        }

        & > .lazy-table--empty {
            color: $text-muted;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lazy-table--header",
        "lazy-table--cursor",
        "lazy-table--marked",
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
        Binding("space", "toggle_mark", "Mark row", show=False, id="table.mark"),
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

    class MarksChanged(_TableMessage):
        """Rows were marked or unmarked (``marked_keys``)."""

    class BottomAsked(_TableMessage):
        """``G``/``end``: the cursor went to the last loaded row (``again``: it was already there),
        so the screen can offer to load the rest."""

        def __init__(self, table: LazyTable, again: bool) -> None:
            super().__init__(table)
            self.again = again

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
        self._layout = ColumnLayout((), 0)
        self._index = RowIndex()
        self._revision = 0
        self._strips: LRUCache[tuple[int, bool, int, int, int], Strip] = LRUCache(256)
        self._warm_pending = False
        self._header: tuple[tuple[int, int, int], Strip] | None = None
        self._need_more_posted = False
        self._retry_on_move = False
        self._highlighted: Packed | None = None
        self._bottom_row: int | None = None
        self._marked: set[int] = set()
        self._row_styles: tuple[int, Style, Style, Style, Style] | None = None
        self._on_rows_drawn: list[Callable[[], object]] = []
        self.set_reactive(LazyTable.empty_text, empty_text)
        self.set_columns(columns)

    # ------------------------------------------------------------------ public API

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns as set (their measured widths; ``column_layout`` fits them to the view)."""
        return self._columns

    @property
    def rows(self) -> Sequence[Row]:
        """The displayed rows (sorted and quick-filtered), live and read-only."""
        return self._index.displayed

    @property
    def loaded_rows(self) -> Sequence[Row]:
        """Every loaded row in arrival order, live and read-only."""
        return self._index.loaded

    @property
    def current_row(self) -> Row | None:
        """The row under the cursor, or ``None`` when no row is displayed."""
        packed = self._index.get(self.cursor_row)
        return None if packed is None else unpack(packed)

    @property
    def cursor_key(self) -> int | None:
        """``Row.key`` of the row under the cursor."""
        packed = self._index.get(self.cursor_row)
        return None if packed is None else packed[KEY]

    @property
    def sort_column(self) -> int | None:
        """Index of the column the loaded rows are sorted by (``None``: arrival order)."""
        return self._index.sort_column

    @property
    def sort_reverse(self) -> bool:
        return self._index.sort_reverse

    @property
    def quick_filter(self) -> str:
        return self._index.filter_text

    def set_columns(self, columns: Iterable[Column]) -> None:
        """Set the columns; a different set of columns drops the sort and scrolls home."""
        columns = tuple(columns)
        changed = tuple(c.key for c in columns) != tuple(c.key for c in self._columns)
        self._columns = columns
        self._layout = ColumnLayout(columns, self._view_width())
        if changed:
            self._put_cursor(self._index.set_width(len(columns), self.cursor_row))
        if changed and self.is_mounted:
            self.scroll_to(x=0, animate=False, force=True)
        self._data_changed()

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row; keeps the sort, the quick filter, the cursor's row key if present and
        the marks of rows still there."""
        self._put_cursor(self._index.replace(rows, self.cursor_row))
        self._forget_marks_of_missing_rows()
        self._need_more_posted = False
        self._data_changed()
        self._scroll_to_cursor()
        self._emit_highlight()
        self._check_need_more(auto=True)

    def clear(self) -> None:
        """Remove every row and its mark (the sort and the quick filter stay)."""
        self.set_rows(())

    def loaded_row(self, key: int) -> Row | None:
        """The loaded row with this ``Row.key`` (displayed or not), or ``None``."""
        return self._index.find(key)

    def remove_rows(self, keys: Iterable[int]) -> None:
        """Take the rows with these keys out (and their marks); the sort, the quick filter and
        the cursor's row stay (when the cursor's row goes, the cursor goes to the next one)."""
        keys = frozenset(keys)
        cursor = self._index.remove(keys, self.cursor_row)
        if cursor is None:
            return
        self._put_cursor(cursor)
        self._forget_marks_of_missing_rows()
        self._data_changed()
        self._scroll_to_cursor()
        self._emit_highlight()
        self._check_need_more(auto=True)

    def replace_rows(self, rows: Iterable[Row]) -> None:
        """Rows changed in place (matched by ``Row.key``); the others and the cursor stay put.

        A changed row keeps its place until the next sort or find, even if it would now sort
        elsewhere or no longer match: it must not jump from under the cursor."""
        changed = self._index.update(rows)
        if not changed:
            return
        self._revision += 1
        self.refresh()
        if self.cursor_row in changed:
            self._emit_highlight()

    # ---- marks: several rows chosen for one action -----------------------------------------
    @property
    def marked_keys(self) -> frozenset[int]:
        """``Row.key`` of every marked row (marks survive sorting, finding and new pages)."""
        return frozenset(self._marked)

    def marked_rows(self) -> list[Row]:
        """The marked rows, in arrival order."""
        return self._index.with_keys(self._marked)

    def action_toggle_mark(self) -> None:
        """Mark or unmark the row under the cursor, then move down (space, space, space …)."""
        key = self.cursor_key
        if key is None:
            return
        self._marked.symmetric_difference_update({key})
        self._revision += 1
        self.refresh()
        self.post_message(self.MarksChanged(self))
        self.action_cursor_down()

    def clear_marks(self) -> None:
        """Unmark every row (posts ``MarksChanged`` when some were marked)."""
        if self._marked:
            self._marked.clear()
            self._revision += 1
            self.refresh()
            self.post_message(self.MarksChanged(self))

    def _forget_marks_of_missing_rows(self) -> None:
        """Marks are of loaded rows only: a row taken out takes its mark with it."""
        if not self._marked:
            return
        kept = {row.key for row in self._index.with_keys(self._marked)}
        if kept != self._marked:
            self._marked = kept
            self.post_message(self.MarksChanged(self))

    def append_rows(self, rows: Iterable[Row]) -> None:
        """Add a page of rows: O(page) unsorted, O(page · log n) inserts while sorted."""
        index = self._index
        self._need_more_posted = False
        old_count, old_loaded = len(index), index.loaded_count
        cursor = index.append(rows, self.cursor_row)
        if index.loaded_count == old_loaded:
            self._update_virtual_size()
            return
        self.set_reactive(LazyTable.cursor_row, cursor)
        self._update_virtual_size()
        if index.sorted and len(index) != old_count:
            self._revision += 1  # rows moved under existing indices
            self.refresh()
            self._scroll_to_cursor()
        else:
            self._refresh_rows(old_count, len(index) - old_count + 1)
        if old_count == 0 or index.sorted:
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
        index = self._index
        if reverse is None:
            reverse = column_index == index.sort_column and not index.sort_reverse
        self._put_cursor(index.sort_by(column_index, bool(reverse), self.cursor_row))
        self._data_changed()
        self._scroll_to_cursor()
        self._emit_highlight()

    def apply_quick_filter(self, text: str) -> None:
        """Show only loaded rows holding every word of ``text``, each in any one cell
        (case-insensitive); ``""`` shows all."""
        self._put_cursor(self._index.filter(text, self.cursor_row))
        self._need_more_posted = False
        self._data_changed()
        self._scroll_to_cursor()
        self._emit_highlight()

    def _put_cursor(self, index: int) -> None:
        """Move the cursor without its watcher (the caller repaints and scrolls)."""
        self.set_reactive(LazyTable.cursor_row, self.validate_cursor_row(index))

    # ------------------------------------------------------------------ reactives

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self._index) - 1))

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

    def watch_show_vertical_scrollbar(self) -> None:
        # The bar takes its cells from the view without a resize event.
        self.call_later(self._fit_view)

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
        self._fit_view()
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
        # Again: still on the last loaded row, or on the row the last G left it on (the
        # read-ahead page may have arrived since).
        again = len(self._index) > 0 and (self.cursor_row >= len(self._index) - 1
                                          or self.cursor_row == self._bottom_row)
        self._moving_down()
        self.move_cursor(len(self._index) - 1)
        self._bottom_row = self.cursor_row
        if self.more_available or self.loading_more:
            self.post_message(self.BottomAsked(self, again))

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
        target = next((stop for stop in self._layout.stops() if stop > x), x)
        self.scroll_to(x=min(target, self.max_scroll_x), animate=False, force=True)

    def action_scroll_column_left(self) -> None:
        x = round(self.scroll_x)
        target = max((stop for stop in self._layout.stops() if stop < x), default=0)
        self.scroll_to(x=target, animate=False, force=True)

    def action_select_row(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.RowSelected(self, row, self.cursor_row))

    def _move_page(self, delta: int) -> None:
        """Move the cursor ``delta`` rows and scroll the view with it."""
        if not len(self._index):
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
            column = self._layout.column_at(offset.x, round(self.scroll_x))
            if column is not None:
                self.sort_by(column)
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self._index):
            self.move_cursor(index)
            if event.chain >= 2:
                self.action_select_row()

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            return self._header_strip(scroll_x, width)
        index = scroll_y + y - 1
        count = len(self._index)
        if index < count:
            if self._on_rows_drawn:
                self._rows_drawn()
            return self._row_strip(index, index == self.cursor_row, width)
        if index == count:
            if self.loading_more:
                text = "Loading more…" if count else "Loading…"
                return self._message_strip(text, "lazy-table--loading", width)
            if not count:
                if self._index.filtering:
                    typed = self.quick_filter if len(self.quick_filter) <= 60 else self.quick_filter[:59] + "…"
                    text = f"No loaded rows match “{typed}”."
                else:
                    text = self.empty_text
                return self._message_strip(text, "lazy-table--empty", width)
        return Strip.blank(width, self.rich_style)

    def when_rows_drawn(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once a frame showing rows has been drawn (after that refresh). The
        table is repainted for it: rows drawn before the call would otherwise wait for a change."""
        self._on_rows_drawn.append(callback)
        self.refresh()

    def _rows_drawn(self) -> None:
        callbacks, self._on_rows_drawn = self._on_rows_drawn, []
        for callback in callbacks:
            self.call_after_refresh(callback)

    def _line_layout(self, scroll_x: int, width: int) -> LineLayout:
        """The cells every line shows at this horizontal scroll (worked out once for them all)."""
        return self._layout.line(scroll_x, self._layout.view_width or width, width)

    def _row_strip(self, index: int, cursor: bool, width: int) -> Strip:
        """Row ``index`` drawn as seen (cached until rows, columns, styles or the scroll change)."""
        x = round(self.scroll_x)
        key = (index, cursor, self._revision, width, x)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(index, self._index.packed(index), cursor, self._line_layout(x, width))
            self._strips[key] = strip
        return strip

    def _warm_next_screenful(self) -> None:
        """Draw the rows a page-down would show next, after the frame that's just been painted.

        A page-down paints a screenful of rows never drawn before: drawing them ahead, while the
        user reads, takes that work (about half of such a frame) off the next key's path."""
        width = self.size.width
        top, body, count = round(self.scroll_y), self._body_height(), len(self._index)
        for index in range(top + body, min(top + 2 * body, count)):
            if index != self.cursor_row:
                self._row_strip(index, False, width)

    def _row_style(self, index: int, cursor: bool, marked: bool = False) -> Style:
        """The row's base style; looked up once per revision (``rich_style`` walks the DOM for
        the background: ~25 µs, once per row drawn)."""
        styles = self._row_styles
        if styles is None or styles[0] != self._revision:
            styles = self._row_styles = (self._revision, self.rich_style,
                                         self.get_component_rich_style("lazy-table--cursor"),
                                         self.get_component_rich_style("lazy-table--even-row"),
                                         self.get_component_rich_style("lazy-table--marked"))
        if cursor:
            return styles[2] + styles[4] if marked else styles[2]
        if marked:
            return styles[1] + styles[4]
        if self.zebra_stripes and index % 2 == 0:
            return styles[3]
        return styles[1]

    def _render_row(self, index: int, row: Packed, cursor: bool, line: LineLayout) -> Strip:
        """One row as ``line`` lays it out, as segments built directly: a cell is one segment
        with its padding, and consecutive unstyled cells share one (a rich ``Text`` per row cost
        4× as much, on every frame that scrolls). Only the columns in view are drawn."""
        base = self._row_style(index, cursor, bool(self._marked) and row[KEY] in self._marked)
        # The cursor's colours win over the cells' own.
        over = Style(color=base.color, bgcolor=base.bgcolor) if cursor else None
        pad = " " * CELL_PADDING
        cells, styles = row[CELLS], row[STYLES]
        n_cells, n_styles = len(cells), len(styles)
        segments: list[Segment] = []
        for piece in line.pieces:
            runs: list[Run] = []  # (text, style, cells): every width is known
            plain: list[str] = []  # consecutive cells in the row's own style, joined into one run
            plain_cells = 0
            for i, width, right, blank, _ in piece.cells:
                if blank:
                    plain.append(blank)
                    plain_cells += len(blank)
                    continue
                cell = fit(clean(cells[i]) if i < n_cells else "", width, right)
                cell_style = parsed_style(styles[i]) if i < n_styles else None
                if cell_style is None:
                    plain.append(pad + cell + pad)
                    plain_cells += width + 2 * CELL_PADDING
                    continue
                style = base + cell_style
                if over is not None:
                    style += over
                plain.append(pad)
                runs.append(("".join(plain), base, plain_cells + CELL_PADDING))
                plain, plain_cells = [pad], CELL_PADDING
                runs.append((cell, style, width))
            plain.append(piece.filler)  # so the cursor's colour reaches the right edge
            runs.append(("".join(plain), base, plain_cells + len(piece.filler)))
            segments += cut(runs, piece.start, piece.end)
        return Strip(segments, line.width)

    def _header_strip(self, scroll_x: int, width: int) -> Strip:
        key = (self._revision, scroll_x, width)
        if self._header is not None and self._header[0] == key:
            return self._header[1]
        style = self.get_component_rich_style("lazy-table--header")
        sort_column = self._index.sort_column
        arrow = SORT_DESCENDING if self._index.sort_reverse else SORT_ASCENDING
        pad = " " * CELL_PADDING
        segments: list[Segment] = []
        for piece in self._line_layout(scroll_x, width).pieces:
            parts: list[str] = []
            length = len(piece.filler)
            for i, cell_width, right, blank, titled in piece.cells:
                title = clean(self._columns[i].title)
                if not titled:
                    parts.append(blank)
                    length += len(blank)
                    continue
                if i == sort_column and cell_width >= 3:
                    if cell_len(title) + 2 <= cell_width:
                        label = fit(f"{title} {arrow}", cell_width, right)
                    else:
                        label = fit(title, cell_width - 2) + " " + arrow
                else:
                    label = fit(title, cell_width, right)
                parts.append(pad + label + pad)
                length += cell_width + 2 * CELL_PADDING
            parts.append(piece.filler)
            segments += cut([("".join(parts), style, length)], piece.start, piece.end)
        strip = Strip(segments, width)
        self._header = (key, strip)
        return strip

    def _message_strip(self, text: str, component: str, width: int) -> Strip:
        style = self.get_component_rich_style(component)
        line = " " * CELL_PADDING + clean(text)
        return Strip([Segment(line, style)]).adjust_cell_length(width, self.rich_style)

    # ------------------------------------------------------------------ housekeeping

    def _view_width(self) -> int:
        """Cells of a line the user sees (a vertical scrollbar covers the rest); 0 unmounted."""
        return self.scrollable_content_region.width if self.is_mounted else 0

    def _fit_view(self) -> None:
        """Fit the columns to the view again if its width changed."""
        width = self._view_width()
        if width != self._layout.view_width:
            self._layout = ColumnLayout(self._columns, width)
            self._data_changed()

    def _body_height(self) -> int:
        """Rows that fit under the header."""
        return max(0, self.scrollable_content_region.height - 1)

    def _update_virtual_size(self) -> None:
        rows = len(self._index)
        extra = 1 if self.loading_more or not rows else 0
        size = Size(self._layout.total, 1 + rows + extra)
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
        if body <= 0 or not len(self._index):
            return
        index, top = self.cursor_row, round(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, force=True)
        elif index >= top + body:
            self.scroll_to(y=index - body + 1, animate=False, force=True)

    def _emit_highlight(self) -> None:
        packed = self._index.get(self.cursor_row)
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
        if auto and self._index.filtering:
            return
        body = self._body_height()
        if body <= 0:
            return
        last = len(self._index) - 1
        bottom = round(self.scroll_y) + body - 1
        if last - self.cursor_row <= 2 * body or last - bottom <= 2 * body:
            self._need_more_posted = True
            self.post_message(self.NeedMoreRows(self))
