"""What every table screen shares: the lazy table, the status line, and the table actions.

Lists, list entries, people, companies and opportunities are all "a table of rows loaded page
by page"; this base class owns the keys that mean the same everywhere (export, open in the
browser, copy, local sort, refresh, back) and leaves the loading to each screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header

from ..data.export import export_csv
from ..data.links import copy_text, url_for_path
from ..data.cursors import PageCursor
from ..data.rows import Column, Row, size_columns
from ..data.session import AffinitySession
from ..widgets.lazy_table import LazyTable
from ..widgets.pickers import PickOne
from ..widgets.prompt import TextPrompt
from ..widgets.status_line import StatusLine
from .notices import notify_failure

ROWS_PER_STEP = 25
"""Rows formatted between two chances for the event loop to paint (see `_rows_in_steps`)."""


async def _let_input_through() -> None:
    """Pause background work so that a key pressed meanwhile is handled and painted first.

    Not ``sleep(0)``: a key travels app → screen → widget, one hop per turn of the event loop,
    and ``sleep(0)`` would run the next slice of background work between every two hops (a key
    waited behind all four slices of a page). A timer lets every hop that is ready go first."""
    await asyncio.sleep(0.001)


class TableScreen(Screen[None]):
    """A screen whose body is one `LazyTable` (``#table``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="screen.back"),
        Binding("R", "refresh", "Refresh", show=False, id="screen.refresh"),
        Binding("s", "sort", "Sort", id="screen.sort"),
        Binding("f", "find", "Find in loaded", id="screen.find"),
        Binding("e", "export", "Export CSV", show=False, id="screen.export"),
        Binding("o", "open_in_browser", "Open in Affinity", show=False, id="screen.open-web"),
        Binding("y", "copy", "Copy", show=False, id="screen.copy"),
    ]

    what: str = "rows"
    """Names the rows in messages and file names ("deals", "people")."""

    def __init__(self, session: AffinitySession, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.session = session

    # ---- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_top()
        yield LazyTable(id="table")
        yield StatusLine(self.session.rate, id="status")
        yield Footer()

    def compose_top(self) -> ComposeResult:
        """Widgets above the table (the filter bar on filterable screens)."""
        return iter(())

    @property
    def table(self) -> LazyTable:
        return self.query_one("#table", LazyTable)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    def on_mount(self) -> None:
        self.table.focus()

    def say(self, message: str) -> None:
        """The status line's left part: what this table shows right now."""
        status = self.status
        if status.message != message:
            status.message = message

    def failed(self, error: BaseException) -> None:
        notify_failure(self, error)

    # ---- shared actions --------------------------------------------------------------------
    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        """Reload from Affinity (subclasses override to drop their caches first)."""

    def action_sort(self) -> None:
        table = self.table
        if not table.columns:
            return
        choices = [(c.title, str(i)) for i, c in enumerate(table.columns)]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            table.sort_by(int(value))
            column = table.columns[int(value)]
            arrow = "descending" if table.sort_reverse else "ascending"
            self.notify(f"Sorted the {len(table.rows):,} loaded {self.what} by {column.title} ({arrow}); "
                        "rows loaded later are placed in order too.", title="Local sort", markup=False)

        self.app.push_screen(PickOne("Sort the loaded rows by…", choices), chosen)

    def action_find(self) -> None:
        """Narrow the rows already loaded (no request): every word must appear in the row."""
        table = self.table

        def found(text: str | None) -> None:
            if text is None:
                return
            table.apply_quick_filter(text)
            if text:
                self.notify(f"{len(table.rows):,} of the {len(table.loaded_rows):,} loaded {self.what} "
                            f"contain “{text}” (searched on this machine; f then enter clears).",
                            title="Find in loaded rows", markup=False)
            self.after_find()

        self.app.push_screen(TextPrompt("Find in the loaded rows", value=table.quick_filter,
                                        placeholder="words that must all appear in a row",
                                        hint="Only rows already loaded are searched; nothing is sent to Affinity."),
                             found)

    def after_find(self) -> None:
        """Screens refresh their status line after the quick filter changes."""

    def action_export(self) -> None:
        table = self.table
        if not table.rows:
            self.notify("Nothing is loaded yet.", title="Export", severity="warning")
            return
        self._export(list(table.columns), list(table.rows))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, columns: list[object], rows: list[Row]) -> None:
        try:
            path = export_csv(columns, rows, what=self.export_name())  # type: ignore[arg-type]
        except OSError as error:
            self.app.call_from_thread(self.notify, f"Could not write the file: {error.strerror}",
                                      title="Export failed", severity="error")
            return
        self.app.call_from_thread(self.notify, f"{len(rows):,} loaded {self.what} written to {path}",
                                  title="Exported CSV", markup=False)

    def export_name(self) -> str:
        """Names the CSV file: what this table shows (a list and its view, "people")."""
        return self.what

    def current_row(self) -> Row | None:
        return self.table.current_row

    def action_open_in_browser(self) -> None:
        row = self.current_row()
        url = self.url_for(row)
        if url is None:
            self.notify("Nothing to open here.", severity="warning")
            return
        self.app.open_url(url)
        self.notify(url, title="Opened in your browser", markup=False)

    def action_copy(self) -> None:
        row = self.current_row()
        url = self.url_for(row)
        if row is None or url is None:
            self.notify("Nothing to copy here.", severity="warning")
            return
        text = copy_text(row.entity_type, url, email=row.extra.get("email"), domain=row.extra.get("domain"))
        self.app.copy_to_clipboard(text)
        self.notify(text, title="Copied", markup=False)

    def url_for(self, row: Row | None) -> str | None:
        if row is None:
            return None
        path = row.url_path
        subdomain = getattr(self.app, "subdomain", "")
        if not path or not subdomain:
            return None
        try:
            return url_for_path(subdomain, path)
        except ValueError:  # a subdomain or path that isn't Affinity's: never open it
            return None

    @on(LazyTable.NeedMoreRows, "#table")
    def _need_more(self) -> None:
        self.load_more()

    # ---- paging (screens set ``cursor`` and implement ``rows_of``) --------------------------
    cursor: PageCursor[Any] | None = None
    """Where the next page comes from; replaced (and closed) by each new first load."""

    def rows_of(self, models: Sequence[Any], columns: Sequence[Column]) -> list[Row]:
        """Table rows for one page of SDK models."""
        raise NotImplementedError

    def _report(self) -> None:
        """Refresh the status line after rows changed."""

    def source_name(self) -> str:
        """What the table shows, for "Loading …" and "… could not load"."""
        return self.what

    async def open_cursor(self) -> PageCursor[Any]:
        """A new cursor over the screen's current source (fetching any metadata it needs)."""
        raise NotImplementedError

    def columns_for(self, models: Sequence[Any]) -> list[Column]:
        """The columns to show, decided with the first page in hand."""
        raise NotImplementedError

    def reload(self) -> None:
        """Start over from the first page with the current source."""
        self.table.clear()
        self.table.more_available = False
        self.load_first()

    @work(exclusive=True, group="table-first", exit_on_error=False)
    async def load_first(self) -> None:
        """Replace the rows with the first page of a new cursor (the old one is closed)."""
        table = self.table
        table.loading_more = True
        self.say(f"Loading {self.source_name()}…")
        old, self.cursor = self.cursor, None
        try:
            if old is not None:
                await old.aclose()
            cursor = await self.open_cursor()
            self.cursor = cursor
            async with self.session.reading():
                page = await cursor.next_page()
        except Exception as error:  # noqa: BLE001 - shown as a notification, never a crash
            table.loading_more = False
            self.failed(error)
            self.say(f"{self.source_name()}: could not load")
            return
        columns = self.columns_for(page.models)
        rows = self.rows_of(page.models, columns)
        table.set_columns(size_columns(columns, rows))
        table.set_rows(rows)
        self._page_done(page.has_more)

    def _page_done(self, has_more: bool) -> None:
        table = self.table
        table.loading_more = False
        table.more_available = has_more
        self._report()

    def load_more(self) -> None:
        if self.cursor is not None and not self.cursor.exhausted:
            self._load_next()

    @work(exclusive=True, group="table-more", exit_on_error=False)
    async def _load_next(self) -> None:
        """The next page, appended: one request, never a page twice (the cursor sees to it)."""
        cursor = self.cursor
        if cursor is None or cursor.exhausted:
            return
        table = self.table
        table.loading_more = True
        try:
            async with self.session.reading():
                page = await cursor.next_page()
        except Exception as error:  # noqa: BLE001 - shown as a notification, never a crash
            table.loading_more = False
            self.failed(error)
            self._report()
            return
        if cursor is not self.cursor:  # a newer load replaced this cursor meanwhile
            return
        rows = await self._rows_in_steps(page.models, table.columns)
        if cursor is not self.cursor:
            return
        table.append_rows(rows)
        has_more = page.has_more
        await _let_input_through()
        if cursor is self.cursor:
            self._page_done(has_more)

    async def _rows_in_steps(self, models: Sequence[Any], columns: Sequence[Column]) -> list[Row]:
        """`rows_of` a page, a few rows at a time, letting the event loop paint in between.

        Formatting a page of 100 rich entries takes ~10 ms of Python; done in one go it held up
        the frame a key was waiting for, and added to the loop's longest stalls while a list
        streams in (benchmarks/key_latency.py, memory.py)."""
        rows: list[Row] = []
        for start in range(0, len(models), ROWS_PER_STEP):
            if start:
                await _let_input_through()
            rows.extend(self.rows_of(models[start:start + ROWS_PER_STEP], columns))
        return rows
