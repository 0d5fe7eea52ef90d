"""One list's entries: the entity and the list's fields as columns, loaded a page at a time.

Three sources fill the table, one at a time: the whole list (plain pages), a saved view
(Affinity applies its filter), or a filter typed in the filter bar (the SDK pushes what it can
to Affinity's search and checks the rest here, with a live scanned/matched count). Each load
is an exclusive worker, so a new filter or view cancels a stale load.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from affinity.types import ListId, SavedViewId
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from ..data import ListSummary
from ..data.cursors import EntriesCursor, FilteredEntriesCursor, PageCursor, SavedViewCursor
from ..data.fields import FieldSet
from ..data.query import FilterProblem, completions, parse_filter
from ..data.recent import RecentFilters
from ..data.rows import Column, Row, entry_columns, entry_rows
from ..widgets.filter_bar import FilterBar
from ..widgets.lazy_table import LazyTable
from ..widgets.pickers import PickMany, PickOne
from .table_screen import TableScreen

FILTER_HELP = 'e.g.  Status = "Diligence" & Amount > 1000000   ·   Owners = *   ·   Sector =~ "Fin"'


class ListEntriesScreen(TableScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="entries.filter"),
        Binding("v", "saved_view", "Saved view", id="entries.saved-view"),
        Binding("c", "columns", "Columns", id="entries.columns"),
        Binding("x", "clear", "Clear filter/view", show=False, id="entries.clear"),
    ]
    what = "entries"

    def __init__(self, session: object, lst: ListSummary, *, view_id: int | None = None) -> None:
        super().__init__(session)  # type: ignore[arg-type]
        self.lst = lst
        self.view_id = view_id
        self.filter_text: str | None = None
        self.fields: FieldSet | None = None
        self.chosen_field_ids: list[str] | None = None
        self.cursor: PageCursor[object] | None = None
        self.recent = RecentFilters()

    def compose_top(self) -> ComposeResult:
        bar = FilterBar(placeholder=f"Filter {self.lst.name}:  {FILTER_HELP}", id="filter-bar")
        bar.display = False
        yield bar

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter-bar", FilterBar)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = self.lst.name
        self.table.empty_text = "No entries."
        self.reload()

    # ---- loading (TableScreen.load_first / load_more drive these) ----------------------------
    def source_name(self) -> str:
        return self.lst.name

    async def open_cursor(self) -> PageCursor[object]:
        catalog = await self.session.catalog()
        async with self.session.reading():
            self.fields = await catalog.for_list(ListId(int(self.lst.id)))
        self.filter_bar.configure(complete=lambda text: completions(text, self.fields.names if self.fields else []),
                                  recent=self.recent.for_list(int(self.lst.id)))
        return await self._open_cursor()

    async def _open_cursor(self) -> PageCursor[object]:
        list_id = ListId(int(self.lst.id))
        async with self.session.reading() as client:
            if self.filter_text:
                parsed = parse_filter(self.filter_text, self.fields.names if self.fields else None)
                assert not isinstance(parsed, FilterProblem)
                return FilteredEntriesCursor(client, list_id, parsed.expression, self._field_ids(),  # type: ignore[return-value]
                                             on_progress=self._progress)
            if self.view_id is not None:
                return SavedViewCursor(client, list_id, SavedViewId(self.view_id))  # type: ignore[return-value]
            return EntriesCursor(client, list_id, self._field_ids())  # type: ignore[return-value]

    def _field_ids(self) -> list[str]:
        if self.chosen_field_ids is not None:
            return list(self.chosen_field_ids)
        return self.fields.ids(self.fields.default_columns()) if self.fields else []

    def columns_for(self, models: Sequence[object]) -> list[Column]:
        fields = self.fields
        if fields is None:
            return entry_columns([])
        # The list's own fields first, then global ones, then the opt-in kinds (fields.py).
        ordered = [*fields.default_columns(), *fields.opt_in_columns()]
        if self.view_id is not None and not self.filter_text:
            # A saved view returns only its own columns: show those, in the list's field order.
            present: set[str] = set()
            for entry in models:
                present.update(getattr(getattr(getattr(entry, "entity", None), "fields", None), "data", {}) or {})
            return entry_columns([f for f in ordered if str(f.id) in present])
        wanted = set(self._field_ids())
        return entry_columns([f for f in ordered if str(f.id) in wanted])

    def _progress(self, scanned: int, matched: int) -> None:
        self.say(self._describe(scanned=scanned, matched=matched))

    def export_name(self) -> str:
        view = next((v.name for v in self.lst.views if self.view_id is not None and int(v.id) == self.view_id), "")
        return f"{self.lst.name} {view}" if view and not self.filter_text else self.lst.name

    def rows_of(self, models: Sequence[object], columns: Sequence[Column]) -> list[Row]:
        return entry_rows(models, columns)  # type: ignore[arg-type]

    def after_find(self) -> None:
        self._report()

    def _report(self) -> None:
        source = self._source()
        if self.sub_title != source:  # the header re-renders on every assignment
            self.sub_title = source
        self.say(self._describe())

    def _source(self) -> str:
        """The header names what the table shows: the list, and its view or filter."""
        if self.filter_text:
            return f"{self.lst.name} · filter: {self.filter_text}"
        if self.view_id is not None:
            view = next((v for v in self.lst.views if int(v.id) == self.view_id), None)
            return f"{self.lst.name} · view: {view.name if view else self.view_id}"
        return self.lst.name

    def _describe(self, *, scanned: int | None = None, matched: int | None = None) -> str:
        cursor = self.cursor
        table = self.table
        loaded = len(table.loaded_rows)
        parts: list[str] = []
        if self.view_id is not None and not self.filter_text:
            parts.append("view filtered by Affinity")
        if isinstance(cursor, FilteredEntriesCursor):
            scanned = cursor.scanned if scanned is None else scanned
            matched = cursor.matched if matched is None else matched
            parts.append(f"scanned {scanned:,} · matched {matched:,}")
            if cursor.local_fallback:
                parts.append("filtered on this machine")
        total = cursor.total if cursor is not None else None
        if total is not None and not isinstance(cursor, FilteredEntriesCursor):
            parts.append(f"loaded {loaded:,} of {total:,}")
        else:
            more = "+" if cursor is not None and not cursor.exhausted else ""
            parts.append(f"loaded {loaded:,}{more}")
        if table.quick_filter:
            parts.append(f"showing {len(table.rows):,} containing “{table.quick_filter}” (local)")
        return " · ".join(parts)

    # ---- actions ---------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.run_worker(self._refresh(), exclusive=True, group="entries-refresh", exit_on_error=False)

    async def _refresh(self) -> None:
        (await self.session.catalog()).refresh()
        self.reload()

    def action_filter(self) -> None:
        self.filter_bar.open(self.filter_text)

    @on(FilterBar.Submitted, "#filter-bar")
    def _filter_submitted(self, event: FilterBar.Submitted) -> None:
        text = event.text
        if not text:
            self.action_clear()
            return
        parsed = parse_filter(text, self.fields.names if self.fields else None)
        if isinstance(parsed, FilterProblem):
            self.filter_bar.show_problem(parsed.message, parsed.position)
            return  # nothing is sent; the text stays in the bar
        self.filter_text = text
        self.recent.remember(int(self.lst.id), text)
        self.filter_bar.configure(recent=self.recent.for_list(int(self.lst.id)))
        self.filter_bar.display = False
        self.table.focus()
        self.reload()

    @on(FilterBar.Dismissed, "#filter-bar")
    def _filter_dismissed(self) -> None:
        self.table.focus()

    def action_clear(self) -> None:
        if self.filter_text is None and self.view_id is None:
            return
        self.filter_text = None
        self.view_id = None
        self.filter_bar.display = False
        self.table.focus()
        self.reload()

    def action_saved_view(self) -> None:
        sheets = [v for v in self.lst.views if v.type == "sheet"]
        if not sheets:
            self.notify(f"{self.lst.name} has no sheet views.", title="Saved views", markup=False)
            return
        choices = [("All entries (no view)", "")] + [(v.name, str(int(v.id))) for v in sheets]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            self.view_id = int(value) if value else None
            self.filter_text = None
            self.reload()

        self.app.push_screen(PickOne(f"Saved views of {self.lst.name}", choices,
                                     current=str(self.view_id) if self.view_id else ""), chosen)

    def action_columns(self) -> None:
        fields = self.fields
        if fields is None:
            return
        shown = set(self._field_ids())
        choices = [(f"{f.name}  ({f.type})", str(f.id), str(f.id) in shown)
                   for f in [*fields.default_columns(), *fields.opt_in_columns()]]

        def chosen(values: list[str] | None) -> None:
            if values is None or set(values) == shown:
                return
            self.chosen_field_ids = values
            self.notify("Reloading with the chosen columns (their values must be fetched).",
                        title="Columns", markup=False)
            self.reload()

        self.app.push_screen(PickMany(f"Columns of {self.lst.name} (enriched and relationship "
                                      "columns are opt-in)", choices), chosen)

    @on(LazyTable.RowSelected, "#table")
    def _open(self, event: LazyTable.RowSelected) -> None:
        from .detail import DetailScreen

        row = event.row
        self.app.push_screen(DetailScreen(self.session, row.entity_type, row.entity_id, title=row.cells[0]))
