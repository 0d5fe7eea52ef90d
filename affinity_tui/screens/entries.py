"""One list's entries: the entity and the list's fields as columns, loaded a page at a time.

The whole list, one of its saved views, or the entries matching a filter typed in the filter
bar (``/``); ``EntriesSource`` decides what each costs and how it pages. Every new query is a
new source, so a stale load is dropped.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType

from ..data.session import AffinitySession
from ..data.sources import EntriesSource, ListSummary, TableSource
from ..widgets.lazy_table import LazyTable
from ..widgets.pickers import PickOne
from .notices import notify_failure
from .table_screen import TableScreen


class ListEntriesScreen(TableScreen):
    KEY_SECTION = "List entries"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "query", "Filter", id="entries.filter"),
        Binding("v", "saved_view", "Saved view", id="entries.saved-view"),
        Binding("c", "columns", "Columns", id="entries.columns"),
    ]

    open_entry_on_load: int | None = None
    """An entry whose detail opens once the list is shown (a list entry's link)."""

    def __init__(self, session: AffinitySession, source: EntriesSource) -> None:
        super().__init__(session, source)

    @property
    def entries(self) -> EntriesSource:
        assert isinstance(self.source, EntriesSource)
        return self.source

    @property
    def lst(self) -> ListSummary:
        """The list shown."""
        return self.entries.lst

    def on_mount(self) -> None:
        super().on_mount()
        self.table.empty_text = "No entries."

    def adopt(self, source: TableSource) -> None:
        if isinstance(source, EntriesSource):
            source.on_progress = self.report

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
        sheets = [v for v in views if v.type == "sheet"]
        if not sheets:
            self.notify(f"{lst.name} has no sheet views.", title="Saved views", markup=False)
            return
        choices = [("All entries (no view)", "")] + [(v.name, str(int(v.id))) for v in sheets]

        def chosen(value: str | None) -> None:
            if value is not None:
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
