"""People, Companies and Opportunities: every record of one kind, paged, with Affinity's search
on ``/`` (``EntitySource`` says what the search matches)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType

from ..data.cursors import EntityKind
from ..data.session import AffinitySession
from ..data.sources import EntitySource
from ..widgets.lazy_table import LazyTable
from .table_screen import TableScreen


class EntitiesScreen(TableScreen):
    KEY_SECTION = "People, Companies, Opportunities"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "query", "Search", id="entities.search"),
        Binding("c", "columns", "Columns", id="entities.columns"),
        Binding("a", "add_to_list", "Add to a list", id="entities.add-to-list"),
    ]

    def __init__(self, session: AffinitySession, kind: EntityKind) -> None:
        super().__init__(session, EntitySource(session, kind), id=f"{kind}-screen")
        self.kind = kind

    @property
    def entities(self) -> EntitySource:
        assert isinstance(self.source, EntitySource)
        return self.source

    def search_for(self, term: str) -> None:
        """Run an Affinity search (from the command palette)."""
        self.use(self.entities.cleared() if not term.strip() else self.entities.searching(term))

    def action_columns(self) -> None:
        choices = self.entities.column_choices()
        if not choices:
            self.notify(f"{self.entities.title} have no fields outside their lists.", title="Columns")
            return
        self.pick_columns(f"Columns of {self.entities.title}", choices,
                          lambda values: self.use(self.entities.with_columns(values)))

    async def action_add_to_list(self) -> None:
        """``a``: put the person or company under the cursor on a list (or a pipeline)."""
        from .triage import add_to_list

        row = self.current_row()
        if row is None:
            return
        await add_to_list(self, self.session, row.entity_type, row.entity_id, row.cells[0] if row.cells else "")

    @on(LazyTable.RowSelected, "#table")
    def _open(self, event: LazyTable.RowSelected) -> None:
        from .detail import DetailScreen

        row = event.row
        self.app.push_screen(DetailScreen(self.session, row.entity_type, row.entity_id, title=row.cells[0]))
