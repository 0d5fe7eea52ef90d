"""The Opportunities table with each deal's pipeline and stage, in one request per page.

Affinity's opportunity directory (``GET /v2/opportunities``) says only a deal's name and list
id; its stage is a field of its list entry, which that read does not carry. Every opportunity
is the entry of exactly one opportunity list, so the table reads the opportunity lists' entries
instead, list after list (``GET /v2/lists/{id}/list-entries?fieldTypes=list``): the same deals,
grouped by pipeline, each with its Status, at one request per page of 100 — the first page
after one round trip, as before. The pipelines' names come from the lists the session already
read (``ListDirectory``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from affinity import AsyncAffinity
from affinity.models.entities import ListEntryWithEntity, Opportunity
from affinity.types import FieldType, ListId

from .cursors import PAGE_SIZE, PageCursor, _Fetched
from .page_types import kept
from .related import entry_status
from .rows import NAME_KEY, Column, Row, name_column
from .values import plain, text_key

PIPELINE_KEY = "pipeline"
STAGE_KEY = "stage"


def opportunity_columns() -> list[Column]:
    """Name, Pipeline (the deal's list), Stage (its Status on that list)."""
    return [name_column(), Column(PIPELINE_KEY, "Pipeline", "name", "name", 16),
            Column(STAGE_KEY, "Stage", "name", "name", 12)]


@dataclass(slots=True)
class _ListsFetched(_Fetched[ListEntryWithEntity]):
    position: tuple[int, str | None] = field(default=(0, None))


class OpportunityEntriesCursor(PageCursor[ListEntryWithEntity]):
    """Every opportunity, as the entries (with their list fields) of ``list_ids``, in order."""

    def __init__(self, client: AsyncAffinity, list_ids: Sequence[int], *, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self._client = client
        self._lists = [ListId(int(i)) for i in list_ids]
        self._page_size = page_size
        self._position: tuple[int, str | None] = (0, None)

    async def _fetch(self) -> _Fetched[ListEntryWithEntity]:
        index, url = self._position
        while index < len(self._lists):
            entries = self._client.lists.entries(self._lists[index])
            page = kept(await (entries.list(cursor=url) if url else
                               entries.list(field_types=[FieldType.LIST], limit=self._page_size)))
            next_url = page.next_cursor if page.next_cursor and page.next_cursor != url else None
            if page.data or next_url:
                position = (index, next_url) if next_url else (index + 1, None)
                return _ListsFetched(list(page.data), next_url is not None or position[0] < len(self._lists),
                                     position=position)
            index, url = index + 1, None  # an empty list: on to the next one
        return _ListsFetched([], False, position=(index, None))

    def _advance(self, fetched: _Fetched[ListEntryWithEntity]) -> None:
        if isinstance(fetched, _ListsFetched):
            self._position = fetched.position


def _row(entity_id: int, name: str, pipeline: str, stage: str, style: str | None) -> Row:
    cells = (plain(name).text, plain(pipeline).text, stage)
    return Row(key=entity_id, entity_type="opportunity", entity_id=entity_id, cells=cells,
               styles=(None, None, style), sort_keys=tuple(text_key(c) if c else None for c in cells),
               search_text="\x1f".join(cells).casefold())


def opportunity_entry_rows(entries: Sequence[ListEntryWithEntity], list_names: Mapping[int, str]) -> list[Row]:
    """Rows of deals read as list entries: name, pipeline, stage (keyed by opportunity id)."""
    rows = []
    for entry in entries:
        entity = entry.entity
        if entity is None:
            continue
        stage, style = entry_status(entity.fields)
        list_id = int(entry.list_id)
        rows.append(_row(int(entity.id), str(getattr(entity, "name", "") or ""),
                         list_names.get(list_id) or f"List {list_id}", stage, style))
    return rows


def opportunity_search_rows(opportunities: Sequence[Opportunity], list_names: Mapping[int, str]) -> list[Row]:
    """Rows of deals Affinity's search found: name and pipeline (the search does not say the stage)."""
    rows = []
    for opportunity in opportunities:
        list_id = opportunity.list_id
        if list_id is None and opportunity.list_entries:
            list_id = opportunity.list_entries[0].list_id
        pipeline = (list_names.get(int(list_id)) or f"List {int(list_id)}") if list_id is not None else ""
        rows.append(_row(int(opportunity.id), opportunity.name or "", pipeline, "", None))
    return rows


__all__ = ["NAME_KEY", "OpportunityEntriesCursor", "opportunity_columns", "opportunity_entry_rows",
           "opportunity_search_rows"]
