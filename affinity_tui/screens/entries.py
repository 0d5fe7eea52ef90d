"""One list's entries: the entity and the list's fields as columns, loaded a page at a time.

The whole list, one of its saved views, or the entries matching a filter typed in the filter
bar (``/``); ``EntriesSource`` decides what each costs and how it pages. Every new query is a
new source, so a stale load is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType

from ..data.rows import SEARCH_SEPARATOR, Row
from ..data.scan import ScanPaused
from ..data.session import AffinitySession
from ..data.sources import EntriesSource, ListSummary, TableSource
from ..data.values import format_value
from ..data.writes import WriteDone
from ..widgets.lazy_table import LazyTable
from ..widgets.pickers import PickOne
from .cost_prompt import confirm_cost, needs_asking
from .notices import notify_failure
from .table_screen import TableScreen

if TYPE_CHECKING:
    from ..data.writes.entries import EntryChanged
    from .triage import EntryPick


class ListEntriesScreen(TableScreen):
    KEY_SECTION = "List entries"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "query", "Filter", id="entries.filter"),
        Binding("v", "saved_view", "Saved view", id="entries.saved-view"),
        Binding("c", "columns", "Columns", id="entries.columns"),
        Binding("s", "status", "Status", id="entries.status"),
        Binding("E", "edit_field", "Edit a field", id="entries.edit-field"),
        Binding("b", "board", "Board", id="entries.board"),
    ]

    open_entry_on_load: int | None = None
    """An entry whose detail opens once the list is shown (a list entry's link)."""

    def __init__(self, session: AffinitySession, source: EntriesSource) -> None:
        super().__init__(session, source)
        self._leaving: set[int] = set()
        """Entries a write took out of the active filter: they leave when the cursor moves."""
        self._unsubscribe: Callable[[], None] | None = None
        self._unsubscribe_lists: Callable[[], None] | None = None

    @property
    def entries(self) -> EntriesSource:
        assert isinstance(self.source, EntriesSource)
        return self.source

    @property
    def lst(self) -> ListSummary:
        """The list shown."""
        return self.entries.lst

    def empty_message(self) -> str:
        return "No entries."

    def on_mount(self) -> None:
        self._unsubscribe = self.session.changes.subscribe(self._changed)
        self._unsubscribe_lists = self.session.lists.subscribe(self._lists_read)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._unsubscribe_lists is not None:
            self._unsubscribe_lists()

    def _lists_read(self) -> None:
        """The lists were read: a list opened by id from a link shows its name (``report``)."""
        if self.is_mounted and self.table.loaded_rows:
            self.report()

    @property
    def marked(self) -> frozenset[int]:
        """Entry ids of the marked rows (``space`` marks rows in the table)."""
        return self.table.marked_keys

    def use(self, source: TableSource) -> None:
        self._leaving.clear()
        super().use(source)  # a new query starts from an empty table: no marks

    def report(self) -> None:
        super().report()
        marked = len(self.table.marked_keys)
        if marked:
            self.say(f"{self.status.message} · {marked:,} marked (space)")

    @on(LazyTable.MarksChanged, "#table")
    def _marks_changed(self) -> None:
        self.report()

    # ---- triage: Status, fields, marks, board ------------------------------------------------
    def _picks(self) -> list[EntryPick]:
        """The marked entries, else the one under the cursor."""
        from .triage import EntryPick

        marked = self.table.marked_rows()
        if marked:
            return [EntryPick(row.key, _name(row)) for row in marked]
        row = self.current_row()
        return [] if row is None else [EntryPick(row.key, _name(row))]

    async def action_status(self) -> None:
        """``s``: move the marked entries (or this one) to another Status."""
        from .triage import change_status

        await change_status(self, self.session, int(self.lst.id), self._picks(), entity_type=self.lst.type,
                            extra_field_ids=self.entries.filter_field_ids(), on_done=self._written)

    async def action_edit_field(self) -> None:
        """``E``: choose a field, then set it on the marked entries (or this one)."""
        picks = self._picks()
        columns = [c for c in self.table.columns if c.kind not in ("name",)]
        if not picks or not columns:
            return

        async def chosen_field(field_id: str) -> None:
            from .triage import edit_field

            await edit_field(self, self.session, int(self.lst.id), field_id, picks,
                             extra_field_ids=self.entries.filter_field_ids(), on_done=self._written)

        def chosen(value: str | None) -> None:
            if value is not None:
                self.run_worker(chosen_field(value), group="triage-edit", exit_on_error=False)

        who = picks[0].name if len(picks) == 1 else f"{len(picks):,} marked entries"
        self.app.push_screen(PickOne(f"Edit which field of {who}?", [(c.title, c.key) for c in columns]), chosen)

    def action_board(self) -> None:
        """``b``: the list as a board, one column per Status stage."""
        from .board import BoardScreen

        self.app.push_screen(BoardScreen(self.session, self.lst))

    def _written(self, done: WriteDone) -> None:
        """After a write of the marked rows: the marks are done with."""
        from ..data.writes.entries import EntryChanged

        if any(isinstance(e, EntryChanged) for e in done.effects):
            self.table.clear_marks()
        self.report()

    # ---- rows changed anywhere in the app ------------------------------------------------------
    def _changed(self, effect: object) -> None:
        # Imported here: a start that only browses never loads the writes (an effect means one ran).
        from ..data.writes.entries import EntryAdded, EntryChanged, EntryRemoved

        list_id = int(self.lst.id)
        if isinstance(effect, EntryChanged) and effect.list_id == list_id:
            self._apply(effect)
        elif isinstance(effect, EntryAdded) and effect.list_id == list_id:
            self.entries.entry_added()
            self._show_added(effect.entry_id)
        elif isinstance(effect, EntryRemoved) and effect.list_id == list_id:
            self.entries.entry_added(-1)
            self._drop({effect.entry_id})

    def _apply(self, effect: EntryChanged) -> None:
        """Redraw the entry's row in place with the values Affinity confirmed."""
        row = self.table.loaded_row(effect.entry_id)
        if row is None:
            return
        cells, styles, keys = list(row.cells), list(row.styles), list(row.sort_keys)
        for index, column in enumerate(self.table.columns):
            value = effect.values.get(column.key)
            if value is None or index >= len(cells):
                continue
            shown = format_value(value, field_name=column.title)
            cells[index], styles[index], keys[index] = shown.text, shown.style, shown.sort_key
        self.table.replace_rows([replace(row, cells=tuple(cells), styles=tuple(styles), sort_keys=tuple(keys),
                                         search_text=SEARCH_SEPARATOR.join(cells).casefold())])
        if self.entries.still_matches(effect.snapshot) is False:
            self._leaving.add(effect.entry_id)
            self.notify(f"{effect.snapshot.name} no longer matches the filter: it leaves the table when you "
                        "move on.", title="Filter", markup=False, timeout=6)
        self.report()

    @on(LazyTable.RowHighlighted, "#table")
    def _moved(self, event: LazyTable.RowHighlighted) -> None:
        leaving = {key for key in self._leaving if key != event.row.key}
        if leaving:
            self._leaving -= leaving
            self._drop(leaving)

    def _drop(self, keys: set[int]) -> None:
        self.table.remove_rows(keys)
        self.report()

    @work(group="entries-added", exit_on_error=False)
    async def _show_added(self, entry_id: int) -> None:
        try:
            row = await self.entries.row_for(entry_id)
        except Exception as error:  # noqa: BLE001 - the count is still right; R shows the row
            self.failed(error)
            row = None
        if row is not None and self.table.loaded_row(entry_id) is None:
            self.table.append_rows([row])
        self.report()

    def adopt(self, source: TableSource) -> None:
        if isinstance(source, EntriesSource):
            source.on_progress = self.report

    # ---- the request budget: a filter read on your computer asks first --------------------------
    def use_query(self, source: TableSource) -> None:
        """A filter Affinity's search cannot answer reads every entry: say what it costs and ask."""
        cost = source.start_cost() if isinstance(source, EntriesSource) else None
        if not isinstance(source, EntriesSource) or cost is None or not needs_asking(self, cost):
            self.use(source)
            return
        size = f"{source.lst.size:,} " if source.lst.size else ""
        why = "; ".join(source.scan_reasons or ())

        def answered(yes: bool) -> None:
            if yes:
                self.use(source.approved())
                return
            self.action_query()
            self.filter_bar.show_problem("Not run: Affinity's search cannot answer it, so every entry would be "
                                         "read. Add a condition on a list field (Status, Amount…) to narrow it.")

        confirm_cost(self, "Filter on your computer?",
                     f"Affinity's search cannot answer this filter ({why}), so all {size}entries of "
                     f"{source.lst.name} would be read and checked here.", cost, answered,
                     yes="Read them all", no="Change the filter")

    def failed(self, error: BaseException, *, retry: Callable[[], object] | None = None) -> None:
        if isinstance(error, ScanPaused) and isinstance(self.source, EntriesSource):
            self.report()
            self._ask_to_go_on(self.source)
            return
        super().failed(error, retry=retry)

    def _ask_to_go_on(self, source: EntriesSource) -> None:
        """A read of every entry the app did not expect reached the request budget: go on?"""
        if getattr(self, "_asking", False):
            return
        self._asking = True
        scanned, total, why = source.scan_progress()
        of = f" of {total:,}" if total is not None else ""

        def answered(yes: bool) -> None:
            self._asking = False
            if source is not self.source:
                return
            if yes:
                first = source.paused_before_first_page
                source.continue_scan()
                self.table.loading_more = True
                if first:
                    self.load_first()
                else:
                    self._load_next()
            else:
                self.run_worker(self._stop(source), group="scan-stop", exit_on_error=False)

        confirm_cost(self, "Keep filtering on your computer?",
                     f"{why}\n{scanned:,}{of} entries read so far. The rest:", source.rest_of_scan_cost(),
                     answered, yes="Continue", no="Stop here")

    async def _stop(self, source: EntriesSource) -> None:
        first = source.paused_before_first_page
        await source.stop_scan()
        if first:
            self.table.set_columns(())
        table = self.table
        table.loading_more = False
        table.more_available = False
        if not table.loaded_rows:
            scanned, _, _ = source.scan_progress()
            table.empty_text = f"Stopped after reading {scanned:,} entries. R starts again, x clears the filter."
        self.report()

    async def action_saved_view(self) -> None:
        entries = self.entries
        lst = entries.lst
        known = self.session.lists.get(int(lst.id))
        views = (known.views if known is not None else None) or lst.views
        if views is None:
            try:
                views = await self.session.lists.saved_views(int(lst.id))
            except Exception as error:  # noqa: BLE001
                self.failed(error)
                return
        openable = [v for v in views if v.type in ("sheet", "board")]
        if not openable:
            self.notify(f"{lst.name} has no sheet or board views.", title="Saved views", markup=False)
            return
        boards = {str(int(v.id)) for v in openable if v.type == "board"}
        choices = [("All entries (no view)", "")] + [(v.label, str(int(v.id))) for v in openable]

        def chosen(value: str | None) -> None:
            if value in boards:
                from .board import BoardScreen

                self.app.push_screen(BoardScreen(self.session, lst))
            elif value is not None:
                self.use(self.entries.with_view(int(value) if value else None))

        self.app.push_screen(PickOne(f"Saved views of {lst.name}", choices,
                                     current=str(entries.view_id) if entries.view_id else ""), chosen)

    def action_columns(self) -> None:
        entries = self.entries
        choices = entries.column_choices()
        if not choices:
            return

        def apply(values: list[str]) -> None:
            self.notify("Reloading with the chosen columns (their values must be fetched).",
                        title="Columns", markup=False)
            self.use(self.entries.with_columns(values))

        self.pick_columns(f"Columns of {entries.lst.name} (enriched and relationship columns are opt-in)",
                          choices, apply)

    @on(LazyTable.RowSelected, "#table")
    def _open(self, event: LazyTable.RowSelected) -> None:
        from .detail import DetailScreen

        row = event.row
        self.app.push_screen(DetailScreen(self.session, row.entity_type, row.entity_id, title=row.cells[0],
                                          list_id=int(self.lst.id), entry_id=row.key))

    def first_page_shown(self) -> None:
        key, self.open_entry_on_load = self.open_entry_on_load, None
        if key is not None:
            self._open_entry(key)

    @work(group="open-entry", exit_on_error=False)
    async def _open_entry(self, entry_id: int) -> None:
        """The detail of one entry: its row when loaded, else the entry read from Affinity."""
        from .detail import DetailScreen

        row = next((r for r in self.table.loaded_rows if r.key == entry_id), None)
        try:
            kind, entity_id, title = (row.entity_type, row.entity_id, row.cells[0]) if row is not None \
                else await self.entries.entry_record(entry_id)
        except Exception as error:  # noqa: BLE001
            notify_failure(self, error)
            return
        if self.is_current:
            self.app.push_screen(DetailScreen(self.session, kind, entity_id, title=title, list_id=int(self.lst.id),
                                              entry_id=entry_id))


def _name(row: Row) -> str:
    """The entry's name as its row shows it."""
    return row.cells[0] if row.cells else ""
