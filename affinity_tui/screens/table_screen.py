"""What every table screen shares: the lazy table, the filter bar, the status line, and the keys
that mean the same everywhere (find, sort, export, refresh, back).

A table screen is wired to one `TableSource` (``data/sources``): it asks the source for the first
page, the next page when the table wants more, the status text and the record's link, and
replaces the source when the user types a new filter or search. It never talks to Affinity.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header

from ..data.entity_ref import KINDS, EntityRef, as_kind
from ..data.export import export_csv
from ..data.links import RecordLink
from ..data.rows import Column, Row
from ..data.scan import ScanPaused
from ..data.session import AffinitySession
from ..data.sources import ListsSource, QueryProblem, TableSource
from ..data.sources.exporting import ExportChoice
from ..data.sources.revision import Revision, splice_page
from ..widgets.filter_bar import FilterBar
from ..widgets.key_footer import KeyFooter
from ..widgets.lazy_table import LazyTable
from ..widgets.pickers import PickMany, PickOne
from ..widgets.prompt import TextPrompt
from ..widgets.status_line import StatusLine
from .load_all import offer_load_all, read_all_into
from .notices import AUTO_RESUME_SECONDS, notify_failure, resume_delay
from .progress import ProgressScreen
from .record_actions import RecordActions


REVALIDATE_AFTER_SECONDS = 0.6
"""How long scrolling through cached rows must pause before the pages in view are asked again."""
PAINT_WAIT_SECONDS = 0.5
"""A refresh callback handed to a dialog that closes at once is lost: wait no longer than this."""
FRAME_OUT_SECONDS = 0.03
"""After the first paint, this long idle lets the frame reach the terminal before the work it
releases (benchmarks/warm_start.py)."""


class TableScreen(RecordActions):
    """A screen whose body is one `LazyTable` (``#table``) filled from ``self.source``."""

    KEY_SECTION = "Any table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="screen.back"),
        Binding("R", "refresh", "Refresh", show=False, id="screen.refresh"),
        Binding("S", "sort", "Sort", id="screen.sort"),
        Binding("f", "find", "Find in loaded", id="screen.find"),
        Binding("x", "clear", "Clear filter/find", show=False, id="screen.clear"),
        Binding("e", "export", "Export CSV", show=False, id="screen.export"),
        Binding("n", "new_note", "Note", id="screen.note"),
        Binding("r", "new_reminder", "Reminder", id="screen.reminder"),
    ]

    under_start = False
    """True for the screen a start opens another one on top of: it loads after that one's paint."""

    compose_after_start = False
    """True for a screen a start covers at once (the lists under a resumed or linked list): its
    widgets are made after the first paint, or as soon as it is uncovered, whichever comes
    first. Composing, styling and laying out a screen nobody sees cost ~15 ms of a warm start
    (benchmarks/warm_start.py)."""

    names_source_in_header = True
    """False where the header keeps the app's subtitle (the signed-in user) instead."""

    def __init__(self, session: AffinitySession, source: TableSource, *, name: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.session = session
        self.source = source
        self._previous: TableSource | None = None
        """The source shown before ``use`` replaced it, kept (open) until the new one's first
        page arrives: if that fails, the table goes back to it, rows and all."""
        self._empty_text: str | None = None
        """The table's own empty text while a failure's text stands in for it."""
        self._deferred = False
        """Composed empty (``compose_after_start``): the widgets are still to be made."""
        self._covered = False
        """Another screen was opened on top of this one since it was mounted."""

    @property
    def what(self) -> str:
        return self.source.what

    # ---- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        if self.compose_after_start and not self.session.painted.is_set():
            self._deferred = True
            return
        yield Header()
        if self.source.query_hint is not None:
            bar = FilterBar(placeholder=self.source.query_hint, id="filter-bar")
            bar.display = False
            yield bar
        yield LazyTable(id="table")
        yield StatusLine(self.session.rate, id="status")
        # The footer comes after the first paint (``painted``): its keys cost ~30 ms per screen
        # at start-up, a tenth of a warm start (benchmarks/warm_start.py).

    @property
    def table(self) -> LazyTable:
        return self.query_one("#table", LazyTable)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter-bar", FilterBar)

    def empty_message(self) -> str:
        """What the table says when it has no rows (and loaded without error)."""
        return f"No {self.what}."

    def on_mount(self) -> None:
        # Textual calls this after a subclass's own on_mount (a handler per class in the MRO):
        # subclasses do not call it again.
        if self._deferred:
            self.run_worker(self._compose_after_first_paint(), group="table-compose", exit_on_error=False)
            return
        self._show_source()

    def _show_source(self) -> None:
        table = self.table
        table.focus()
        table.empty_text = self.empty_message()
        self.adopt(self.source)
        self.reload()

    async def _compose_after_first_paint(self) -> None:
        await self.session.first_paint()
        await self._compose_now()

    async def _compose_now(self) -> None:
        """Make the widgets ``compose`` left out, then load as a screen composed at once would."""
        if not self._deferred or not self.is_attached:
            return
        self._deferred = False
        await self.recompose()
        self._show_source()

    def on_screen_suspend(self) -> None:
        self._covered = True

    def on_screen_resume(self) -> None:
        if self._deferred and self._covered:
            # Back on this screen before the one on top was painted: it goes now, and nothing
            # else waits any longer for the first paint.
            self.session.painted.set()
            self.run_worker(self._compose_now(), group="table-compose", exit_on_error=False)

    def current_key(self) -> int | None:
        """The key of the row the cursor is on (where a screen still to be composed will put it)."""
        if self._deferred:
            return self.source.restore_key
        row = self.table.current_row if self.is_mounted else None
        return row.key if row is not None else None

    def adopt(self, source: TableSource) -> None:
        """Wire a source that is about to be shown (screens subscribe to its progress)."""

    def say(self, message: str) -> None:
        """The status line's left part: what this table shows right now."""
        status = self.status
        if status.message != message:
            status.message = message

    def report(self) -> None:
        """Bring the header and the status line in step with the table."""
        source, table = self.source, self.table
        if self.names_source_in_header and self.sub_title != source.title:  # every assignment re-renders
            self.sub_title = source.title
        self.say(source.status_text(loaded=len(table.loaded_rows), shown=len(table.rows),
                                    quick_filter=table.quick_filter))

    def failed(self, error: BaseException, *, retry: Callable[[], object] | None = None) -> None:
        """Say what went wrong; after a short rate-limit wait, ``retry`` runs by itself (and the
        notification says so)."""
        wait = resume_delay(error, AUTO_RESUME_SECONDS) if retry is not None else None
        if retry is None or wait is None:
            notify_failure(self, error)
            return
        notify_failure(self, error, resumes_in=wait)
        self.set_timer(wait + 0.25, retry)

    # ---- the source ------------------------------------------------------------------------
    def use(self, source: TableSource) -> None:
        """Show ``source`` instead of the current one (a new filter, search, view or columns).
        The rows shown stay until its first page arrives; if that fails, the table goes back
        to the previous source and what the user typed is kept (``load_first``)."""
        self.adopt(source)
        old, self.source = self.source, source
        if old is not source:
            if self._previous is None and self.table.loaded_rows:
                self._previous = old  # the rows on screen are old's
            elif old is not self._previous:
                self._close(old)  # it never showed a row (the rows on screen are _previous's)
        self.reload()

    def _close(self, source: TableSource) -> None:
        self.run_worker(source.close(), group="table-close", exit_on_error=False)

    def reload(self) -> None:
        """Start over from the first page of the current source (the rows shown stay until it
        arrives)."""
        table = self.table
        table.more_available = False
        self.load_first()

    @work(exclusive=True, group="table-first", exit_on_error=False)
    async def load_first(self) -> None:
        """Replace the rows with the source's first page, then let it fill in the rest."""
        source, table = self.source, self.table
        kept = bool(table.loaded_rows)
        table.loading_more = not kept  # "Loading…" in an empty table; kept rows stay as they are
        self.say(source.loading_text)
        if (self.app.screen is not self or self.under_start) and not self.session.painted.is_set():
            # Under the screen a start opens on top (a resumed list, a link): that one first.
            await self.session.first_paint()
        try:
            page = await source.take_first_page()
        except Exception as error:  # noqa: BLE001 - shown as a notification, never a crash
            if source is self.source:
                table.loading_more = False
                self._first_page_failed(source, error, kept)
            if self.app.screen is self:
                self.session.painted.set()  # what it says instead of rows is its first paint
            await self._mount_footer()
            return
        if source is not self.source:
            return
        previous, self._previous = self._previous, None
        if previous is not None and previous is not source:
            self._close(previous)
            table.clear()  # a new query starts at its top, unmarked
        if self._empty_text is not None:
            table.empty_text, self._empty_text = self._empty_text, None
        if self.names_source_in_header:
            self.sub_title = source.title
        table.set_columns(page.columns or ())
        table.set_rows(page.rows)
        if source.restore_key is not None:
            self._restore_cursor(source.restore_key)
            source.restore_key = None
        self._page_done(page.has_more)
        self.first_page_shown()
        await source.fill_in(self._rows_changed)
        await self.painted()
        await source.revalidate(lambda revision: self._revised(source, revision))

    async def painted(self) -> None:
        """Wait until the screen has been painted, and until the app's first screen has: reads
        in the background wait for the first paint (a screen under the one resumed on top waits
        for that one)."""
        done = asyncio.Event()
        if self.table.rows:
            self.table.when_rows_drawn(done.set)  # after the frame that shows rows …
        else:
            self.call_after_refresh(done.set)  # … or the top screen's next refresh
        try:
            async with asyncio.timeout(PAINT_WAIT_SECONDS):  # … unless that screen went first
                await done.wait()
        except TimeoutError:
            pass
        if self.app.screen is self and not self.session.painted.is_set():
            # The frame is on its way to the terminal on Textual's writer thread: a moment idle
            # lets it out before the work the first paint releases (~70 ms sooner on screen).
            await asyncio.sleep(FRAME_OUT_SECONDS)
            self.session.painted.set()
        await self._mount_footer()
        await self.session.first_paint()

    async def _mount_footer(self) -> None:
        """The keys' footer, once (see ``compose``)."""
        if self.is_mounted and not self.query(KeyFooter):
            await self.mount(KeyFooter())
            self.refresh_bindings()  # a footer shows its keys when the screen's bindings are announced

    def revalidate(self) -> None:
        """Ask Affinity again for what is shown from the cache (when it is reachable again)."""
        self._revalidate_soon(0.0)

    _revalidations = 0

    @work(group="table-revalidate", exit_on_error=False)
    async def _revalidate_soon(self, delay: float = REVALIDATE_AFTER_SECONDS) -> None:
        """Pages scrolled to from the cache are asked for again once scrolling pauses, so rows
        flown past cost no request (a later call within ``delay`` supersedes this one)."""
        self._revalidations += 1
        mine = self._revalidations
        await asyncio.sleep(delay)
        if mine != self._revalidations:
            return
        source = self.source
        await source.revalidate(lambda revision: self._revised(source, revision))

    def _revised(self, source: TableSource, revision: Revision) -> None:
        """What revalidation found: cells redrawn in place, or rows that came or went spliced in."""
        if source is not self.source or not self.is_mounted:
            return
        table = self.table
        if revision.columns is not None:
            table.set_columns(revision.columns)
        if revision.rows is not None:
            table.set_rows(revision.rows)
        elif revision.page is not None:
            table.set_rows(splice_page(table.loaded_rows, *revision.page))
        elif revision.changed:
            table.replace_rows(revision.changed)
        if revision.has_more is not None:
            table.more_available = revision.has_more
        self.report()

    def _restore_cursor(self, key: int) -> None:
        """Put the cursor back on the row it was on (resume), when that row is loaded."""
        table = self.table
        index = next((i for i, row in enumerate(table.rows) if row.key == key), None)
        if index is not None:
            table.move_cursor(index)

    def _first_page_failed(self, source: TableSource, error: BaseException, kept: bool) -> None:
        """Say so, and keep what was on screen: the rows (and, for a new query that failed, the
        source they came from, with the typed text back in the filter bar)."""
        previous, table = self._previous, self.table
        if isinstance(error, ScanPaused):  # not a failure: the new query's read waits for an answer
            self._previous = None
            if previous is not None and previous is not source:
                self._close(previous)
                table.clear()
            self.failed(error, retry=lambda: self.reload() if self.source is source else None)
            return
        if previous is not None and previous is not source and kept:
            self._previous = None
            self.adopt(previous)
            self.source = previous  # the rows on screen are its rows
            self.failed(error, retry=lambda: self.use(source) if self.source is previous else None)
            self._close(source)
            table.more_available = not previous.exhausted
            self.report()
            typed = source.query_text
            if typed is not None and typed != previous.query_text and resume_delay(error, AUTO_RESUME_SECONDS) is None \
                    and previous.query_hint is not None:
                bar = self.filter_bar
                bar.configure(complete=lambda text: self.source.complete(text), recent=previous.recent_queries())
                bar.open(typed)
                bar.show_problem(f"{getattr(error, 'title', 'It could not be loaded')}: nothing changed. "
                                 "Press enter to try again.")
            return
        self.failed(error, retry=lambda: self.reload() if self.source is source else None)
        if kept:
            self.say(f"{source.failed_text}: showing what was loaded before (R tries again)")
            return
        if self._empty_text is None:
            self._empty_text = table.empty_text
        table.empty_text = f"{source.failed_text}: press R to try again."
        self.say(source.failed_text)

    def first_page_shown(self) -> None:
        """Screens react to their first rows (the lists screen puts the cursor back)."""

    def _rows_changed(self, rows: list[Row]) -> None:
        """Rows the source filled in after the first page (the same keys, new cells)."""
        self.table.replace_rows(rows)
        self.report()

    def _page_done(self, has_more: bool) -> None:
        table = self.table
        table.loading_more = False
        table.more_available = has_more
        self.report()

    @on(LazyTable.NeedMoreRows, "#table")
    def _need_more(self) -> None:
        if not self.source.exhausted and not self.loading_all:
            self._load_next()

    # ---- every row (screens/load_all.py) ------------------------------------------------------
    loading_all = False
    """True while every remaining page is being read (``G`` twice at the end)."""

    @on(LazyTable.BottomAsked, "#table")
    def _bottom_asked(self, event: LazyTable.BottomAsked) -> None:
        offer_load_all(self, again=event.again)

    @work(exclusive=True, group="table-more", exit_on_error=False)
    async def load_everything(self, progress: ProgressScreen) -> None:
        await read_all_into(self, progress)

    def page_done(self, has_more: bool) -> None:
        """A page was appended: the table and the status line follow."""
        self._page_done(has_more)

    @work(exclusive=True, group="table-more", exit_on_error=False)
    async def _load_next(self) -> None:
        """The next page, appended: one request, never a page twice (the source sees to it)."""
        source, table = self.source, self.table
        if source.exhausted:
            return
        table.loading_more = True
        try:
            page = await source.next_page()
        except Exception as error:  # noqa: BLE001 - shown as a notification, never a crash
            if source is self.source:
                table.loading_more = False
                self.failed(error, retry=lambda: self._load_next() if self.source is source else None)
                self.report()
            return
        if source is not self.source:  # a newer query replaced this one meanwhile
            return
        table.append_rows(page.rows)
        self._page_done(page.has_more)
        if source.revalidation_due:
            self._revalidate_soon()

    # ---- the filter bar --------------------------------------------------------------------
    def action_query(self) -> None:
        """Open the filter bar (``/``) with the current filter or search."""
        if self.source.query_hint is None:
            return
        bar = self.filter_bar
        source = self.source
        bar.configure(complete=lambda text: self.source.complete(text), recent=source.recent_queries())
        bar.open(source.query_text)
        self.run_worker(source.prepare_query(), group="query-prepare", exclusive=True, exit_on_error=False)

    @on(FilterBar.Submitted, "#filter-bar")
    async def _query_submitted(self, event: FilterBar.Submitted) -> None:
        source = self.source
        try:
            result = await source.with_query(event.text)
        except Exception as error:  # noqa: BLE001 - the text stays in the bar
            self.failed(error)
            if source is self.source:
                self.filter_bar.show_problem(f"{getattr(error, 'title', 'It could not be checked')}: "
                                             "nothing was sent. Press enter to try again.")
            return
        if source is not self.source:
            return
        if isinstance(result, QueryProblem):
            self.filter_bar.show_problem(result.message, result.position)
            return  # nothing is sent; the text stays in the bar
        self.filter_bar.display = False
        self.table.focus()
        self.use_query(result)

    def use_query(self, source: TableSource) -> None:
        """Show what a filter or search typed in the bar asks for (a screen may ask first)."""
        self.use(source)

    @on(FilterBar.Dismissed, "#filter-bar")
    def _query_dismissed(self) -> None:
        self.table.focus()

    def action_clear(self) -> None:
        """``x``: clear everything that narrows the table (filter, search, view, find)."""
        table = self.table
        had_find = bool(table.quick_filter)
        if had_find:
            table.apply_quick_filter("")
        if self.source.query_hint is not None and self.filter_bar.display:
            self.filter_bar.display = False
            table.focus()
        if self.source.narrowed:
            self.use(self.source.cleared())
        elif had_find:
            self.report()

    # ---- shared actions --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``escape`` is offered only where there is somewhere to go back to; ``n`` and ``r`` only
        where rows are people, companies or opportunities (not lists)."""
        if action == "back":
            return len(self.app.screen_stack) > 1
        if action in ("new_note", "new_reminder"):
            return not isinstance(self.source, ListsSource)
        return True

    def row_entity(self) -> EntityRef | None:
        """The person, company or opportunity of the row under the cursor (a list entry's entity)."""
        row = self.table.current_row
        if row is None or row.entity_type not in KINDS or row.entity_id <= 0:
            return None
        return EntityRef(as_kind(row.entity_type), row.entity_id, self.row_title(row))

    def row_title(self, row: Row) -> str:
        """The row's entity as named in the table (the first column)."""
        return row.cells[0] if row.cells else ""

    def action_new_note(self) -> None:
        """``n``: write a note on the row's entity."""
        from .composer import open_composer

        entity = self.row_entity()
        if entity is None:
            self.notify("Put the cursor on a person, company, opportunity or list entry first.", timeout=4)
            return
        open_composer(self, self.session, entity.kind, entity.entity_id, entity.title)

    def action_new_reminder(self) -> None:
        """``r``: set a reminder on the row's entity."""
        from .reminder_dialog import open_reminder_dialog

        entity = self.row_entity()
        if entity is None:
            self.notify("Put the cursor on a person, company, opportunity or list entry first.", timeout=4)
            return
        open_reminder_dialog(self, self.session, entity.kind, entity.entity_id, entity.title)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        """Reload from Affinity (not from the cache)."""
        self.source.from_affinity = True
        self.reload()

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
                            f"contain “{_short(text)}” (searched on your computer; x clears).",
                            title="Find in loaded rows", markup=False)
            self.report()

        self.app.push_screen(TextPrompt("Find in the loaded rows", value=table.quick_filter,
                                        placeholder="words that must all appear in a row",
                                        hint="Only rows already loaded are searched; nothing is sent to Affinity."),
                             found)

    def pick_columns(self, title: str, choices: list[tuple[str, str, bool]], apply: object) -> None:
        """The columns picker: ``apply`` gets the chosen field ids when they changed."""
        shown = {value for _, value, on_ in choices if on_}

        def chosen(values: list[str] | None) -> None:
            if values is not None and set(values) != shown and callable(apply):
                apply(values)

        self.app.push_screen(PickMany(title, choices), chosen)

    def action_export(self) -> None:
        """``e``: the export dialog (screens/export_flow.py, imported when first asked for)."""
        from .export_flow import open_export

        open_export(self)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_rows(self, columns: list[Column], rows: list[Row], name: str) -> None:
        """Write the loaded rows as shown (no request)."""
        from .export_flow import written

        try:
            path = export_csv(columns, rows, what=name)
        except OSError as error:
            self.app.call_from_thread(self.notify, f"Could not write the file: {error.strerror}",
                                      title="Export failed", severity="error")
            return
        self.app.call_from_thread(written, self, len(rows), f"loaded {self.what}", path)

    @work(exclusive=True, group="export", exit_on_error=False)
    async def export_read(self, choice: ExportChoice, loaded: int, columns: list[Column],
                          progress: ProgressScreen) -> None:
        """Read an export from Affinity and write it (screens/export_flow.py)."""
        from .export_flow import read_and_write

        await read_and_write(self, choice, loaded, columns, progress)

    def current_row(self) -> Row | None:
        return self.table.current_row

    def record_link(self) -> RecordLink | None:
        return self.source.link(self.current_row())


def _short(text: str, limit: int = 60) -> str:
    """Long user text cut for a notification (a pasted page would fill the screen)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
