"""What a table can export besides its loaded rows as shown, and the reads that produce it.

The export dialog (``e``) offers three choices: the loaded rows or all of them, the visible
columns or all of the list's, the values as shown or raw (``export_records``). The loaded rows
as shown are written from the table itself, with no request. Any other choice is read again
from Affinity through a fresh cursor for the same query (the table's own cursor and rows stay
as they are): all rows is the whole list (or filter, or view); the loaded rows is that many
from the start. ``export_cost`` says what that read costs, so the dialog can show it and the
request-budget guard can ask first (``data/costs.py``).

Saved views answer with their own columns only, and Affinity's search (People, Companies,
Opportunities) with no field values: there "all columns" is not offered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from affinity.types import SavedViewId

from ..costs import Cost, pages_for
from ..cursors import EntityCursor, EntriesCursor, FilteredEntriesCursor, PageCursor, SavedViewCursor
from ..errors import UserFacingError
from ..export_records import Cell, entity_records, entry_records, header
from ..query import FilterProblem, parse_filter
from ..rows import Column, company_columns, entry_columns, entry_rows, opportunity_columns, person_columns

if TYPE_CHECKING:
    from .entities import EntitySource
    from .entries import EntriesSource


@dataclass(frozen=True, slots=True)
class ExportChoice:
    """What the user chose in the export dialog."""

    all_rows: bool = False
    all_columns: bool = False
    raw: bool = False

    @property
    def from_table(self) -> bool:
        """True when the table's loaded rows, as shown, are the export (no request)."""
        return not (self.all_rows or self.all_columns or self.raw)


@dataclass(frozen=True, slots=True)
class ExportOffer:
    """What a table can export, for the dialog."""

    what: str
    """"entries", "people"…"""
    loaded: int
    total: int | None
    """All the rows there are, when known."""
    visible_columns: int
    all_columns: int | None
    """None: "all columns" is not offered here."""
    all_rows: bool
    """"All rows" is offered."""
    raw: bool = True
    """Raw values are offered (the rows come from records Affinity can be asked for again)."""


@dataclass(frozen=True, slots=True)
class ExportBatch:
    """Records read for an export, with the column titles."""

    titles: list[str]
    records: list[list[Cell]]


# ---- list entries ---------------------------------------------------------------------------------
def entries_offer(source: EntriesSource, loaded: int, visible: Sequence[Column]) -> ExportOffer:
    """What a list's entries can export: all rows, and all of its columns (but a saved view's)."""
    fields = source.fields
    every = None if fields is None or source.view_id is not None else \
        1 + len(fields.default_columns()) + len(fields.opt_in_columns())
    total = source.lst.size if not source.filter_text and source.view_id is None else None
    return ExportOffer("entries", loaded, total, len(visible), every, all_rows=True)


def entries_cost(source: EntriesSource, choice: ExportChoice, loaded: int) -> Cost | None:
    """Pages of 100: the whole list for all rows (at most that for a search or a view); for the
    loaded rows, as many pages again (a filter read here: the pages it took to find them)."""
    if choice.from_table:
        return None
    status, size = source.session.rate.status, source.lst.size
    if choice.all_rows:
        if size is None:
            return None
        exact = not source.filter_text and source.view_id is None or source.scan_reasons is not None
        return Cost.of(pages_for(size), status, at_most=not exact)
    scanned, _, _ = source.scan_progress()
    if source.filter_text and scanned and (source.scan_reasons is not None or source.filtered_locally):
        return Cost.of(pages_for(scanned), status)
    return Cost.of(pages_for(loaded), status)


async def read_entries(source: EntriesSource, choice: ExportChoice, loaded: int,
                       visible: Sequence[Column]) -> AsyncIterator[ExportBatch]:
    """The records of the chosen export, a page at a time (the titles with each batch). Raises
    ``UserFacingError``."""
    session = source.session
    catalog = await session.catalog()
    async with session.reading():
        fields = await (catalog.with_options(source.list_id) if source.filter_text else catalog.for_list(source.list_id))
    if choice.all_columns and source.view_id is None:
        columns = entry_columns([*fields.default_columns(), *fields.opt_in_columns()])
    else:
        columns = list(visible)
    field_ids = [c.key for c in columns if c.kind != "name"]
    limit = None if choice.all_rows else loaded
    titles = header(columns, raw=choice.raw, entries=True)
    async with session.reading() as client:
        cursor: PageCursor[Any]
        if source.filter_text:
            parsed = parse_filter(source.filter_text, fields)
            if isinstance(parsed, FilterProblem):
                raise UserFacingError("The filter no longer fits this list", f"{parsed.message}. Nothing was exported.")
            cursor = FilteredEntriesCursor(client, source.list_id, parsed.expression, field_ids,
                                           known_total=source.lst.size)
        elif source.view_id is not None:
            cursor = SavedViewCursor(client, source.list_id, SavedViewId(source.view_id))
        else:
            cursor = EntriesCursor(client, source.list_id, field_ids, known_total=source.lst.size)
    async for records in _read(source, cursor, limit, lambda models: entry_records(
            models, columns, raw=choice.raw, subdomain=session.subdomain, shown=entry_rows)):
        yield ExportBatch(titles, records)


# ---- people, companies, opportunities ---------------------------------------------------------------
def entities_offer(source: EntitySource, loaded: int, visible: Sequence[Column]) -> ExportOffer:
    """What People or Companies can export: the loaded rows, with all of the kind's columns
    outside a search; Opportunities only as shown."""
    fields = source.fields
    every = None if fields is None or source.term or source.kind == "opportunity" else 2 + len(fields.fields)
    # A deal's pipeline and stage come from its list entry: only the loaded rows, as shown.
    return ExportOffer(source.what, loaded, None, len(visible), every, all_rows=False,
                       raw=source.kind != "opportunity")


def entities_cost(source: EntitySource, choice: ExportChoice, loaded: int) -> Cost | None:
    """The loaded rows read again: a request per 100 (None when nothing is read)."""
    if choice.from_table or choice.all_rows:
        return None
    return Cost.of(pages_for(loaded), source.session.rate.status)


async def read_entities(source: EntitySource, choice: ExportChoice, loaded: int,
                        visible: Sequence[Column]) -> AsyncIterator[ExportBatch]:
    """The records of the chosen export of People or Companies, a page at a time. Raises
    ``UserFacingError``."""
    session = source.session
    catalog = await session.catalog()
    async with session.reading():
        fields = await catalog.for_entities(source.kind)
    if choice.all_columns and not source.term:
        make = {"person": person_columns, "company": company_columns, "opportunity": opportunity_columns}[source.kind]
        columns = make(list(fields.fields))
    else:
        columns = list(visible)
    field_ids = [c.key for c in columns if c.kind != "name"]
    titles = header(columns, raw=choice.raw, entries=False)
    async with session.reading() as client:
        cursor = EntityCursor(client, source.kind, source.term, field_ids=[] if source.term else field_ids)
    from .entities import _rows

    async for records in _read(source, cursor, loaded, lambda models: entity_records(
            models, columns, source.kind, raw=choice.raw, subdomain=session.subdomain, shown=_rows(source.kind))):
        yield ExportBatch(titles, records)


# ---- shared -------------------------------------------------------------------------------------------
async def _read(source: EntriesSource | EntitySource, cursor: PageCursor[Any], limit: int | None,
                to_records: Any) -> AsyncIterator[list[list[Cell]]]:
    """Pages of ``cursor`` as records, up to ``limit`` models; the cursor is closed after."""
    count = 0
    try:
        while not cursor.exhausted and (limit is None or count < limit):
            async with source.session.reading():
                page = await cursor.next_page()
            models = list(page.models) if limit is None else list(page.models[: limit - count])
            count += len(models)
            if models:
                yield to_records(models)
            if not page.has_more:
                break
    finally:
        await cursor.aclose()
