"""People, Companies and Opportunities: every record of one kind, paged, with server search.

Affinity's v2 directory reads take no filter, so ``/`` here is a *search*: the term goes to
Affinity's v1 search (people by name or email, companies by name or domain, opportunities by
name) and the table shows what Affinity returns. The status line says which it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from ..data.cursors import EntityCursor, EntityKind
from ..data.fields import FieldSet
from ..data.rows import Column, Row, company_columns, company_rows, opportunity_columns, opportunity_rows, \
    person_columns, person_rows
from ..data.session import AffinitySession
from ..widgets.filter_bar import FilterBar
from ..widgets.lazy_table import LazyTable
from ..widgets.pickers import PickMany
from .table_screen import TableScreen

TITLES: dict[EntityKind, str] = {"person": "People", "company": "Companies", "opportunity": "Opportunities"}
SEARCH_HINTS: dict[EntityKind, str] = {
    "person": "Search people by name or email (Affinity search)",
    "company": "Search companies by name or domain (Affinity search)",
    "opportunity": "Search opportunities by name (Affinity search)",
}


class EntitiesScreen(TableScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="entities.search"),
        Binding("c", "columns", "Columns", id="entities.columns"),
        Binding("x", "clear", "Clear search", id="entities.clear"),
    ]

    def __init__(self, session: AffinitySession, kind: EntityKind) -> None:
        super().__init__(session, id=f"{kind}-screen")
        self.kind = kind
        self.what = TITLES[kind].lower()
        self.term: str | None = None
        self.fields: FieldSet | None = None
        self.chosen_field_ids: list[str] = []
        self.cursor: EntityCursor | None = None

    def compose_top(self) -> ComposeResult:
        bar = FilterBar(placeholder=SEARCH_HINTS[self.kind], id="filter-bar")
        bar.display = False
        yield bar

    @property
    def search_bar(self) -> FilterBar:
        return self.query_one("#filter-bar", FilterBar)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = TITLES[self.kind]
        self.table.empty_text = f"No {self.what}."
        self.reload()

    def _columns(self) -> list[Column]:
        chosen = [f for f in (self.fields.fields if self.fields else ()) if str(f.id) in self.chosen_field_ids]
        if self.kind == "person":
            return person_columns(chosen)
        if self.kind == "company":
            return company_columns(chosen)
        return opportunity_columns(chosen)

    def rows_of(self, models: Sequence[object], columns: Sequence[Column]) -> list[Row]:
        if self.kind == "person":
            return person_rows(models, columns)  # type: ignore[arg-type]
        if self.kind == "company":
            return company_rows(models, columns)  # type: ignore[arg-type]
        return opportunity_rows(models, columns)  # type: ignore[arg-type]

    def source_name(self) -> str:
        return TITLES[self.kind]

    async def open_cursor(self) -> EntityCursor:
        catalog = await self.session.catalog()
        async with self.session.reading() as client:
            self.fields = await catalog.for_entities(self.kind)
            return EntityCursor(client, self.kind, self.term,
                                field_ids=[] if self.term else self.chosen_field_ids)

    def columns_for(self, models: Sequence[object]) -> list[Column]:
        return self._columns()

    def after_find(self) -> None:
        self._report()

    def _report(self) -> None:
        loaded = len(self.table.loaded_rows)
        more = "+" if self.cursor is not None and not self.cursor.exhausted else ""
        parts = [TITLES[self.kind]]
        if self.term:
            parts.append(f"Affinity search “{self.term}”")
        parts.append(f"loaded {loaded:,}{more}")
        if self.table.quick_filter:
            parts.append(f"showing {len(self.table.rows):,} containing “{self.table.quick_filter}” (local)")
        self.say(" · ".join(parts))

    def action_refresh(self) -> None:
        self.reload()

    def search_for(self, term: str) -> None:
        """Run an Affinity search (from the command palette)."""
        self.term = term.strip() or None
        self.reload()

    def action_search(self) -> None:
        self.search_bar.open(self.term)

    @on(FilterBar.Submitted, "#filter-bar")
    def _searched(self, event: FilterBar.Submitted) -> None:
        self.term = event.text or None
        self.search_bar.display = False
        self.table.focus()
        self.reload()

    @on(FilterBar.Dismissed, "#filter-bar")
    def _dismissed(self) -> None:
        self.table.focus()

    def action_clear(self) -> None:
        if self.term:
            self.term = None
            self.reload()

    def action_columns(self) -> None:
        if self.fields is None or not self.fields.fields:
            self.notify(f"{TITLES[self.kind]} have no fields outside their lists.", title="Columns")
            return
        shown = set(self.chosen_field_ids)
        choices = [(f"{f.name}  ({f.type})", str(f.id), str(f.id) in shown) for f in self.fields.fields]

        def chosen(values: list[str] | None) -> None:
            if values is not None and set(values) != shown:
                self.chosen_field_ids = values
                self.reload()

        self.app.push_screen(PickMany(f"Columns of {TITLES[self.kind]}", choices), chosen)

    @on(LazyTable.RowSelected, "#table")
    def _open(self, event: LazyTable.RowSelected) -> None:
        from .detail import DetailScreen

        row = event.row
        self.app.push_screen(DetailScreen(self.session, row.entity_type, row.entity_id, title=row.cells[0]))
