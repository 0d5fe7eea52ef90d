"""One list's entries: the entity and the list's fields as columns, loaded a page at a time.

The whole list, one of its saved views, or the entries matching a filter typed in the filter
bar (``/``); ``EntriesSource`` decides what each costs and how it pages. Every new query is a
new source, so a stale load is dropped.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType

from collections.abc import Callable

from ..data.scan import ScanPaused
from ..data.session import AffinitySession
from ..data.sources import EntriesSource, ListSummary, TableSource
from ..widgets.lazy_table import LazyTable
from ..widgets.pickers import PickOne
from .cost_prompt import confirm_cost, needs_asking
from .table_screen import TableScreen


class ListEntriesScreen(TableScreen):
    KEY_SECTION = "List entries"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "query", "Filter", id="entries.filter"),
        Binding("v", "saved_view", "Saved view", id="entries.saved-view"),
        Binding("c", "columns", "Columns", id="entries.columns"),
    ]

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

    # ---- the request budget: a filter read on this machine asks first --------------------------
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

        confirm_cost(self, "Filter on this machine?",
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

        confirm_cost(self, "Keep filtering on this machine?",
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
