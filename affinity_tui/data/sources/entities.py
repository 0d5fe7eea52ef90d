"""People, companies or opportunities: every record of one kind, paged, or Affinity's search.

Affinity's v2 directory reads take no filter, so the filter bar here is a *search*: the term goes
to Affinity's v1 search (people by name or email, companies by name or domain, opportunities by
name) and the table shows what Affinity returns. The status line says which it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from affinity.types import CompanyId, FieldType, PersonId

from ..column_prefs import ColumnChoices
from ..costs import Cost
from ..cursors import Entity, EntityCursor, EntityKind, Page, PageCursor, as_field_ids
from ..fields import FieldSet, person_default_columns
from ..opportunity_entries import OpportunityEntriesCursor, opportunity_entry_rows, opportunity_search_rows
from ..opportunity_entries import opportunity_columns as directory_columns
from ..rows import (
    Column,
    Row,
    company_columns,
    company_rows,
    opportunity_rows,
    person_columns,
    person_rows,
    size_columns,
)
from ..together import together
from .base import QueryProblem, TablePage, TableSource, rows_in_slices
from .cached_pages import query_key
from .exporting import ExportBatch, ExportChoice, ExportOffer, entities_cost, entities_offer, read_entities
from .local_first import LocalFirstSearch

if TYPE_CHECKING:
    from affinity import AsyncAffinity

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


DEFAULT_PERSON_TYPES = (FieldType.GLOBAL, FieldType.ENRICHED, FieldType.RELATIONSHIP_INTELLIGENCE)
"""Field types a person's default columns are among (company, job title, last contact)."""


def _rows(kind: EntityKind) -> Any:
    return {"person": person_rows, "company": company_rows, "opportunity": opportunity_rows}[kind]


class EntitySource(LocalFirstSearch, TableSource):
    """Every person, company or opportunity (``term`` None), or those Affinity finds for ``term``
    (every one of a kind is kept in the cache: ``CachedPages``; a search shows those seen
    before first: ``LocalFirstSearch``)."""

    def __init__(self, session: AffinitySession, kind: EntityKind, *, term: str | None = None,
                 chosen_field_ids: Sequence[str] | None = None) -> None:
        super().__init__(session)
        self.kind = kind
        self.term = (term or "").strip() or None
        remembered = chosen_field_ids is None and kind != "opportunity"
        if remembered:  # the columns chosen on an earlier visit, if any
            chosen_field_ids = ColumnChoices().get(kind)
        self._columns_remembered = remembered and chosen_field_ids is not None
        self.chosen_field_ids: list[str] | None = list(chosen_field_ids) if chosen_field_ids is not None else None
        """The columns the user chose (``c``); None: the defaults (a person's company, job title
        and last contact; a deal's pipeline and stage)."""
        self.what = TITLES[kind].lower()
        self.query_hint = SEARCH_HINTS[kind]
        self._cursor: PageCursor[Any] | None = None
        self._unformatted: Page[Any] | None = None
        self._columns: tuple[Column, ...] | None = None
        self._first_found: list[Entity] = []
        self._list_names: dict[int, str] = {}

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def query_text(self) -> str | None:
        return self.term

    @property
    def exhausted(self) -> bool:
        return self._cursor is not None and self._cursor.exhausted and self._unformatted is None

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
        """The same query with these fields as columns (ids from ``column_choices``), which are
        kept for the next visit too."""
        ColumnChoices().remember(self.kind, list(field_ids))
        return EntitySource(self.session, self.kind, term=self.term, chosen_field_ids=field_ids)

    def export_offer(self, loaded: int, visible: Sequence[Column]) -> ExportOffer | None:
        return entities_offer(self, loaded, visible)

    def export_cost(self, choice: ExportChoice, loaded: int) -> Cost | None:
        return entities_cost(self, choice, loaded)

    def export_batches(self, choice: ExportChoice, loaded: int,
                       visible: Sequence[Column]) -> AsyncIterator[ExportBatch]:
        return read_entities(self, choice, loaded, visible)

    def column_choices(self) -> list[tuple[str, str, bool]]:
        """(label, field id, shown) for the columns picker; empty when the kind has no fields."""
        fields = self.fields
        shown = set(self._wanted_ids(fields))
        return [(f"{f.name}  ({f.type})", str(f.id), str(f.id) in shown) for f in (fields.fields if fields else ())]

    def _wanted_ids(self, fields: FieldSet | None) -> list[str]:
        """The field ids of the columns shown besides the name (and email or domain)."""
        if self.chosen_field_ids is not None:  # a field deleted since it was chosen is left out
            return [i for i in self.chosen_field_ids if fields is None or fields.by_id(i) is not None]
        if self.kind == "person" and fields is not None:
            return fields.ids(person_default_columns(fields))
        return []

    def _column_list(self, fields: FieldSet) -> list[Column]:
        if self.kind == "opportunity":
            return directory_columns()
        wanted = self._wanted_ids(fields)
        if self.chosen_field_ids is None:  # the defaults, in their own order
            chosen = [m for m in (fields.by_id(i) for i in wanted) if m is not None]
        else:
            chosen = [f for f in fields.fields if str(f.id) in wanted]
        if self.kind == "person":
            return person_columns(chosen)
        return company_columns(chosen)

    async def _rows_of(self, models: Sequence[Any], columns: Sequence[Column]) -> list[Row]:
        if self.kind == "opportunity":
            if isinstance(self._cursor, OpportunityEntriesCursor):
                return opportunity_entry_rows(models, self._list_names)
            return opportunity_search_rows(models, self._list_names)
        rows: list[Row] = await rows_in_slices(models, columns, _rows(self.kind))
        return rows

    async def _with_fields(self, found: Sequence[Entity]) -> list[Entity]:
        """Affinity's search results with the shown columns' values: one batch read for the
        page (the search itself carries no field values)."""
        wanted = self._wanted_ids(self.fields)
        if not found or not wanted or self.kind == "opportunity":
            return list(found)
        ids = [int(e.id) for e in found]
        async with self.session.reading() as client:
            page: Any
            if self.kind == "person":
                page = await client.persons.list(ids=[PersonId(i) for i in ids], field_ids=as_field_ids(wanted),
                                                 limit=len(ids))
            else:
                page = await client.companies.list(ids=[CompanyId(i) for i in ids], field_ids=as_field_ids(wanted),
                                                   limit=len(ids))
        by_id = {int(e.id): e for e in page.data}
        return [by_id.get(int(e.id), e) for e in found]

    # ---- the cache -------------------------------------------------------------------------
    @property
    def cache_key(self) -> str | None:
        """Every person or company, with the columns chosen; a search is not kept as pages, nor
        the opportunities (read list by list, with no cursor to ask a page again from)."""
        if self.term or self.kind == "opportunity":
            return None
        columns = "default" if self.chosen_field_ids is None else ",".join(self.chosen_field_ids)
        return query_key("entities", self.kind, columns)

    async def _cursor_at(self, client: AsyncAffinity, position: str | None) -> PageCursor[Any]:
        shown = [c.key for c in self._columns or () if c.kind != "name"]  # the values the rows show
        cursor = EntityCursor(client, self.kind, None, field_ids=shown)
        cursor.resume_from(position)
        return cursor

    async def _fresh_fields(self) -> FieldSet:
        catalog = await self.session.catalog()
        return await catalog.for_entities(self.kind)

    def _columns_for(self, fields: FieldSet, models: Sequence[Any]) -> list[Column]:
        return self._column_list(fields)

    async def _format(self, models: Sequence[Any], columns: Sequence[Column]) -> list[Row]:
        return await self._rows_of(models, columns)

    def _use_columns(self, columns: tuple[Column, ...]) -> None:
        self._columns = columns

    def _base_status(self, loaded: int, shown: int, quick_filter: str) -> str:
        return TableSource.status_text(self, loaded=loaded, shown=shown, quick_filter=quick_filter)

    # ---- paging ----------------------------------------------------------------------------
    async def _network_first_page(self) -> TablePage:
        await self.close()
        session = self.session
        catalog = await session.catalog()
        deal_lists: list[int] = []
        if self.kind == "opportunity":
            known = session.lists.known or await session.lists.load()
            self._list_names = {int(lst.id): lst.name for lst in known}
            deal_lists = [int(lst.id) for lst in known if lst.type == "opportunity"]
        cached = catalog.cached_entities(self.kind)
        # A person's default columns are picked from the fields' metadata: before it is known,
        # every field of those types comes with the first page (still one round trip).
        by_type = (self.kind == "person" and self.chosen_field_ids is None) or self._columns_remembered
        types = DEFAULT_PERSON_TYPES if by_type and cached is None and not self.term else ()
        async with session.reading() as client:
            cursor: PageCursor[Any]
            if deal_lists and not self.term:
                cursor = OpportunityEntriesCursor(client, deal_lists)
            else:
                cursor = EntityCursor(client, self.kind, self.term, field_types=types,
                                      field_ids=[] if self.term or types else self._wanted_ids(cached))
            self._cursor = cursor
            # The kind's fields (for the columns picker) and the first page in one round trip.
            first: Page[Any]
            fields, first = await together(catalog.for_entities(self.kind), cursor.next_page())
        columns = self._column_list(fields)
        page = first
        rows = await self._rows_of(page.models, columns)
        self._columns = tuple(size_columns(columns, rows))
        if self.term:
            self._first_found = list(page.models)
        return TablePage(rows, page.has_more, self._columns)

    async def fill_in(self, on_rows: Callable[[list[Row]], None]) -> None:
        """Search results: the shown columns' values, read for the first page's people or
        companies in one batch, fill in their cells."""
        found, self._first_found = self._first_found, []
        columns = self._columns
        if not found or columns is None or not self._wanted_ids(self.fields):
            return
        try:
            filled = await self._with_fields(found)
        except Exception:  # noqa: BLE001 - the cells stay as the search left them
            return
        on_rows(await self._rows_of(filled, columns))

    async def _network_next_page(self) -> TablePage:
        cursor = self._cursor
        if cursor is None or self._columns is None:
            return TablePage([], False)
        page = self._unformatted
        if page is None:
            if cursor.exhausted:
                return TablePage([], False)
            async with self.session.reading():
                page = await cursor.next_page()
            if self.term:  # search results: their column values, for the rows to show them
                page = replace(page, models=tuple(await self._with_fields(page.models)))
            self._unformatted = page  # until its rows are handed over (see EntriesSource.next_page)
        rows = await self._rows_of(page.models, self._columns)
        self._unformatted = None
        return TablePage(rows, page.has_more)

    async def close(self) -> None:
        self._unformatted = None
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            await cursor.aclose()
