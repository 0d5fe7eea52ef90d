"""People, Companies and Opportunities: every record of one kind, paged, with Affinity's search
on ``/`` (``EntitySource`` says what the search matches)."""

from __future__ import annotations

from typing import ClassVar

import asyncio

from textual import on, work
from textual.binding import Binding, BindingType
from textual.widgets import Input

from ..data.cursors import EntityKind
from ..data.session import AffinitySession
from ..data.sources import EntitySource, TableSource
from ..widgets.lazy_table import LazyTable
from .table_screen import TableScreen

SEARCH_PAUSE_SECONDS = 0.6
"""Typing that pauses this long asks Affinity's search (the local matches show at every key)."""


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

    def use(self, source: TableSource) -> None:
        current = self.source
        if isinstance(source, EntitySource) and isinstance(current, EntitySource) and source.term \
                and not source.local_only and not current.local_only and source.term == current.term \
                and source.chosen_field_ids == current.chosen_field_ids:
            return  # that search is on screen already (typing paused, then enter)
        super().use(source)

    # ---- as you type: the matches seen before, then Affinity's ----------------------------
    _typed = 0

    @on(Input.Changed, "#filter-input")
    def _typing(self, event: Input.Changed) -> None:
        """Each key shows the local matches (no request); a pause asks Affinity too."""
        text = event.value.strip()
        if self.session.cache is None or not self.filter_bar.display or text == (self.entities.term or ""):
            return
        self.use(self.entities.typing(text) if text else self.entities.cleared())
        self._typed += 1
        if text:
            self._search_after_pause(text, self._typed)

    @work(group="search-pause", exit_on_error=False)
    async def _search_after_pause(self, text: str, typed: int) -> None:
        await asyncio.sleep(SEARCH_PAUSE_SECONDS)
        source = self.entities
        if typed == self._typed and source.local_only and source.term == text:
            self.use(source.searching(text))

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
