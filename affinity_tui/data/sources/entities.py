"""People, companies or opportunities: every record of one kind, paged, or Affinity's search.

Affinity's v2 directory reads take no filter, so the filter bar here is a *search*: the term goes
to Affinity's v1 search (people by name or email, companies by name or domain, opportunities by
name) and the table shows what Affinity returns. The status line says which it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..cursors import EntityCursor, EntityKind
from ..fields import FieldSet
from ..rows import (
    Column,
    Row,
    company_columns,
    company_rows,
    opportunity_columns,
    opportunity_rows,
    person_columns,
    person_rows,
    size_columns,
)
from ..together import together
from .base import QueryProblem, TablePage, TableSource, rows_in_slices

if TYPE_CHECKING:
    from ..session import AffinitySession

TITLES: dict[EntityKind, str] = {"person": "People", "company": "Companies", "opportunity": "Opportunities"}
SEARCH_HINTS: dict[EntityKind, str] = {
    "person": "Search people by name or email (Affinity search)",
    "company": "Search companies by name or domain (Affinity search)",
    "opportunity": "Search opportunities by name (Affinity search)",
}
MAX_SEARCH_CHARS = 200
"""The longest search term sent to Affinity (names, emails and domains are short): a pasted
page is refused before anything is sent."""


def _rows(kind: EntityKind) -> Any:
    return {"person": person_rows, "company": company_rows, "opportunity": opportunity_rows}[kind]


class EntitySource(TableSource):
    """Every person, company or opportunity (``term`` None), or those Affinity finds for ``term``."""

    def __init__(self, session: AffinitySession, kind: EntityKind, *, term: str | None = None,
                 chosen_field_ids: Sequence[str] = ()) -> None:
        super().__init__(session)
        self.kind = kind
        self.term = (term or "").strip() or None
        self.chosen_field_ids = list(chosen_field_ids)
        self.what = TITLES[kind].lower()
        self.query_hint = SEARCH_HINTS[kind]
        self._cursor: EntityCursor | None = None
        self._columns: tuple[Column, ...] | None = None

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def query_text(self) -> str | None:
        return self.term

    @property
    def exhausted(self) -> bool:
        return self._cursor is not None and self._cursor.exhausted

    @property
    def fields(self) -> FieldSet | None:
        """The kind's global, enriched and relationship-intelligence fields, once known."""
        catalog = self.session.catalog_now
        return catalog.cached_entities(self.kind) if catalog is not None else None

    def counts(self, loaded: int) -> list[str]:
        parts = [TITLES[self.kind]]
        if self.term:
            parts.append(f"Affinity search “{self.term}”")
        more = "+" if self._cursor is not None and not self._cursor.exhausted else ""
        parts.append(f"loaded {loaded:,}{more}")
        return parts

    # ---- new queries -----------------------------------------------------------------------
    async def with_query(self, text: str) -> EntitySource | QueryProblem:
        term = text.strip()
        if len(term) > MAX_SEARCH_CHARS:
            return QueryProblem(f"Affinity searches names, emails and domains: at most {MAX_SEARCH_CHARS} "
                                f"characters (this has {len(term):,}). Nothing was sent.")
        return self.searching(text)

    def searching(self, text: str) -> EntitySource:
        """The same table showing Affinity's search for ``text`` (no check needed)."""
        return EntitySource(self.session, self.kind, term=text, chosen_field_ids=self.chosen_field_ids)

    def cleared(self) -> EntitySource:
        return EntitySource(self.session, self.kind, chosen_field_ids=self.chosen_field_ids)

    def with_columns(self, field_ids: Sequence[str]) -> EntitySource:
        """The same query with these fields as columns (ids from ``column_choices``)."""
        return EntitySource(self.session, self.kind, term=self.term, chosen_field_ids=field_ids)

    def column_choices(self) -> list[tuple[str, str, bool]]:
        """(label, field id, shown) for the columns picker; empty when the kind has no fields."""
        fields = self.fields
        shown = set(self.chosen_field_ids)
        return [(f"{f.name}  ({f.type})", str(f.id), str(f.id) in shown) for f in (fields.fields if fields else ())]

    def _column_list(self, fields: FieldSet) -> list[Column]:
        chosen = [f for f in fields.fields if str(f.id) in self.chosen_field_ids]
        if self.kind == "person":
            return person_columns(chosen)
        if self.kind == "company":
            return company_columns(chosen)
        return opportunity_columns(chosen)

    # ---- paging ----------------------------------------------------------------------------
    async def first_page(self) -> TablePage:
        await self.close()
        catalog = await self.session.catalog()
        async with self.session.reading() as client:
            self._cursor = cursor = EntityCursor(client, self.kind, self.term,
                                                 field_ids=[] if self.term else self.chosen_field_ids)
            # The kind's fields (for the columns picker) and the first page in one round trip.
            fields, page = await together(catalog.for_entities(self.kind), cursor.next_page())
        columns = self._column_list(fields)
        rows = await rows_in_slices(page.models, columns, _rows(self.kind))
        self._columns = tuple(size_columns(columns, rows))
        return TablePage(rows, page.has_more, self._columns)

    async def next_page(self) -> TablePage:
        cursor = self._cursor
        if cursor is None or cursor.exhausted or self._columns is None:
            return TablePage([], False)
        async with self.session.reading():
            page = await cursor.next_page()
        rows: list[Row] = await rows_in_slices(page.models, self._columns, _rows(self.kind))
        return TablePage(rows, page.has_more)

    async def close(self) -> None:
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            await cursor.aclose()
