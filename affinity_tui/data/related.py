"""A record's related records for the detail screen: a company's people and opportunities, a
person's companies and opportunities, an opportunity's people and companies — each with the list
entries that hold it (the list, and the entry's Status).

Affinity has no read that returns a record's relations with names, so they take two round trips,
both sent alongside the detail's other parts (the screen paints its fields after the first):

====================  ==========================================================  ============
round trip            requests (all at once)                                      count
====================  ==========================================================  ============
1: who                the v1 record (``GET /persons|organizations/{id}``;          1
                      an opportunity's ``GET /opportunities/{id}`` is the one
                      its profile reads, shared) — the related ids;
                      a person's or company's opportunities *with* their entry    1 per
                      and Status: ``POST /v2/lists/{id}/list-entries/search``     opportunity
                      on each opportunity list, by its Organizations / People     list (≤ 10)
                      association field
2: names and lists    ``GET /v2/persons?ids=…`` and ``GET /v2/companies?ids=…``   ≤ 2
                      (batches, never one request per record);
                      the list entries of each person and company shown           ≤ 2 × limit
                      (``GET /v2/{persons|companies}/{id}/list-entries``: no
                      batch read answers several records' lists);
                      ``GET /v2/opportunities?ids=…`` only when the search        ≤ 1
                      could not be used (then a deal's Status is not known)
====================  ==========================================================  ============

At most ``RELATED_LIMIT`` records of each kind are shown; the rest are counted ("… 3 more not
shown"). A part that fails costs only itself: names show as ``#id``, lists as "lists not read".
Everything returned is a frozen dataclass of display strings (no SDK model leaks out).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from affinity import AsyncAffinity
from affinity import exceptions as sdk
from affinity.criteria import Condition, SearchCriteria
from affinity.models.entities import FieldValues, ListEntry, ListEntryWithEntity, Opportunity
from affinity.types import CompanyId, FieldType, ListId, OpportunityId, PersonId

from .note_text import terminal_safe
from .sdk_gaps import V1Relations, v1_relations
from .values import format_value, person_name

EntityKind = Literal["person", "company", "opportunity"]

RELATED_LIMIT = 5
"""Records of each kind shown (and whose lists are read)."""
SEARCHED_LISTS_MAX = 10
"""Opportunity lists searched for a record's deals; with more, deals come from the batch read."""
ASSOCIATION_FIELDS: Mapping[str, tuple[str, str]] = {"company": ("companies", "company-multi"),
                                                     "person": ("persons", "person-multi")}
"""The association field of an opportunity list that names a deal's companies / people."""
KIND_TITLES: Mapping[str, tuple[str, str]] = {"person": ("person", "people"), "company": ("company", "companies"),
                                              "opportunity": ("opportunity", "opportunities")}
RELATED_KINDS: Mapping[str, tuple[EntityKind, EntityKind]] = {
    "company": ("person", "opportunity"), "person": ("company", "opportunity"),
    "opportunity": ("person", "company")}


@dataclass(frozen=True, slots=True)
class Holding:
    """A list entry that holds a related record: the list, and the entry's Status if it has one."""

    list_id: int
    list_name: str
    entry_id: int | None = None
    status: str = ""
    """The entry's Status (its list's field called Status, else its first ranked dropdown)."""
    style: str | None = None
    """The Status option's colour (a Rich style)."""


@dataclass(frozen=True, slots=True)
class RelatedRecord:
    """One related person, company or opportunity."""

    kind: EntityKind
    entity_id: int
    name: str
    holdings: tuple[Holding, ...] = ()
    holdings_known: bool = True
    """False when its lists could not be read."""


@dataclass(frozen=True, slots=True)
class RelatedGroup:
    """The related records of one kind, the first ``RELATED_LIMIT`` of ``total``."""

    kind: EntityKind
    records: tuple[RelatedRecord, ...]
    total: int

    @property
    def title(self) -> str:
        """"People", "Companies" or "Opportunities"."""
        return KIND_TITLES[self.kind][1].capitalize()

    @property
    def more(self) -> int:
        """Related records of this kind not shown."""
        return max(0, self.total - len(self.records))

    def count_text(self) -> str:
        """"2 people", "1 opportunity"."""
        one, many = KIND_TITLES[self.kind]
        return f"{self.total:,} {one if self.total == 1 else many}"


@dataclass(frozen=True, slots=True)
class Related:
    """A record's related records: two groups, in the order the screen shows them."""

    groups: tuple[RelatedGroup, ...]

    @property
    def empty(self) -> bool:
        """True when the record has no related people, companies or opportunities."""
        return not any(group.total for group in self.groups)


def _text(value: object) -> str:
    return terminal_safe(str(value), single_line=True).strip() if value not in (None, "") else ""


# ---- Status of a list entry -------------------------------------------------------------------------
def entry_status(fields: FieldValues) -> tuple[str, str | None]:
    """The entry's Status and its colour: the list field called Status, else its first ranked
    dropdown; ("", None) when it has neither (or no value)."""
    if not fields.requested:
        return "", None
    items = [item for item in fields.data.values()
             if isinstance(item, Mapping) and str(item.get("type") or "") == "list"]
    chosen = next((i for i in items if str(i.get("name") or "").strip().casefold() == "status"), None)
    if chosen is None:
        chosen = next((i for i in items if isinstance(i.get("value"), Mapping)
                       and str(i["value"].get("type") or "") == "ranked-dropdown"), None)
    if chosen is None:
        return "", None
    shown = format_value(chosen.get("value") if isinstance(chosen.get("value"), Mapping) else None)
    return shown.text, shown.style


# ---- the reads --------------------------------------------------------------------------------------
async def load_related(client: AsyncAffinity, kind: EntityKind, entity_id: int, *,
                       opportunity_lists: Sequence[int] = (), list_names: Mapping[int, str] | None = None,
                       opportunity: Awaitable[Opportunity] | None = None,
                       limit: int = RELATED_LIMIT) -> Related:
    """The record's related records (see the module docstring for the requests).

    ``opportunity_lists`` are the ids of the tenant's opportunity lists (searched for a person's
    or company's deals); ``list_names`` names lists by id; ``opportunity`` is the opportunity's v1
    record when the caller already asked for it. Raises the SDK's errors when the record
    itself cannot be read."""
    names = dict(list_names or {})
    deals: tuple[list[RelatedRecord], int] | None = None
    if kind == "opportunity":
        record = await (opportunity or client.opportunities.get_details(OpportunityId(int(entity_id))))
        ids = V1Relations(person_ids=tuple(int(i) for i in record.person_ids),
                          company_ids=tuple(int(i) for i in record.company_ids))
    else:
        ids, deals = await asyncio.gather(
            v1_relations(client, kind, entity_id),
            _deals_from_search(client, kind, entity_id, opportunity_lists, names, limit))
    first, second = RELATED_KINDS[kind]
    groups = await asyncio.gather(*(_group(client, other, ids, deals, names, limit) for other in (first, second)))
    return Related(tuple(groups))


def _ids_of(kind: EntityKind, ids: V1Relations) -> tuple[int, ...]:
    return {"person": ids.person_ids, "company": ids.company_ids, "opportunity": ids.opportunity_ids}[kind]


async def _group(client: AsyncAffinity, kind: EntityKind, ids: V1Relations,
                 deals: tuple[list[RelatedRecord], int] | None, list_names: Mapping[int, str],
                 limit: int) -> RelatedGroup:
    all_ids = _ids_of(kind, ids)
    if kind == "opportunity":
        if deals is not None:
            found, total = deals
            return RelatedGroup(kind, tuple(found[:limit]), max(total, len(found)))
        by_id = await _opportunities_by_id(client, all_ids[:limit], list_names)
        return RelatedGroup(kind, tuple(by_id), len(all_ids))
    shown = all_ids[:limit]
    found_names, holdings = await asyncio.gather(
        _names(client, kind, shown), asyncio.gather(*(_holdings(client, kind, i, list_names) for i in shown)))
    records = tuple(RelatedRecord(kind, i, found_names.get(i) or f"#{i}", held or (), held is not None)
                    for i, held in zip(shown, holdings, strict=True))
    return RelatedGroup(kind, records, len(all_ids))


async def _deals_from_search(client: AsyncAffinity, kind: EntityKind, entity_id: int, lists: Sequence[int],
                             list_names: Mapping[int, str], limit: int) -> tuple[list[RelatedRecord], int] | None:
    """A person's or company's opportunities with their entry and Status: one search per
    opportunity list, by the list's association field. None when that is not possible (no
    list known, too many lists, a search refused)."""
    if not lists or len(lists) > SEARCHED_LISTS_MAX:
        return None
    field, value_type = ASSOCIATION_FIELDS[kind]
    body = SearchCriteria(where=Condition(field, "has-any-of", [int(entity_id)], value_type=value_type)).to_body()

    async def one(list_id: int) -> tuple[list[RelatedRecord], int]:
        page = await client.lists.entries(ListId(list_id)).find_body(
            body, field_types=[FieldType.LIST], limit=limit, total_count=True)
        records = [_deal(entry, list_id, list_names) for entry in page.data]
        total = page.total_count
        return records, int(total) if total is not None else len(records)

    try:
        found = await asyncio.gather(*(one(list_id) for list_id in lists))
    except sdk.AffinityError:
        return None
    records = [record for part, _ in found for record in part]
    return records, sum(total for _, total in found)


def _deal(entry: ListEntryWithEntity, list_id: int, list_names: Mapping[int, str]) -> RelatedRecord:
    entity = entry.entity
    name = _text(getattr(entity, "name", "")) if entity is not None else ""
    fields = entity.fields if entity is not None else FieldValues()
    status, style = entry_status(fields)
    holding = Holding(list_id, list_names.get(list_id) or f"List {list_id}", int(entry.id), status, style)
    entity_id = int(entity.id) if entity is not None else 0
    return RelatedRecord("opportunity", entity_id, name or f"#{entity_id}", (holding,))


async def _opportunities_by_id(client: AsyncAffinity, ids: Sequence[int],
                               list_names: Mapping[int, str]) -> list[RelatedRecord]:
    """Opportunities by id in one batch read: names and lists, not their Status."""
    if not ids:
        return []
    try:
        page = await client.opportunities.list(ids=[OpportunityId(i) for i in ids], limit=len(ids))
    except sdk.AffinityError:
        return [RelatedRecord("opportunity", i, f"#{i}", holdings_known=False) for i in ids]
    by_id = {int(o.id): o for o in page.data}
    out = []
    for i in ids:
        found = by_id.get(i)
        if found is None:
            out.append(RelatedRecord("opportunity", i, f"#{i}", holdings_known=False))
            continue
        list_id = int(found.list_id) if found.list_id is not None else None
        held = (Holding(list_id, list_names.get(list_id) or _text(found.list_name) or f"List {list_id}"),) \
            if list_id is not None else ()
        out.append(RelatedRecord("opportunity", i, _text(found.name) or f"#{i}", held))
    return out


async def _names(client: AsyncAffinity, kind: EntityKind, ids: Sequence[int]) -> dict[int, str]:
    """Names of people or companies by id, in one batch read (none when it fails)."""
    if not ids:
        return {}
    try:
        if kind == "person":
            people = await client.persons.list(ids=[PersonId(i) for i in ids], limit=len(ids))
            return {int(p.id): _text(person_name({"firstName": p.first_name, "lastName": p.last_name,
                                                  "primaryEmailAddress": p.primary_email, "id": int(p.id)}))
                    for p in people.data}
        companies = await client.companies.list(ids=[CompanyId(i) for i in ids], limit=len(ids))
        return {int(c.id): _text(c.name) for c in companies.data}
    except sdk.AffinityError:
        return {}


async def _holdings(client: AsyncAffinity, kind: EntityKind, entity_id: int,
                    list_names: Mapping[int, str]) -> tuple[Holding, ...] | None:
    """The list entries holding a person or company (first page: 100), or None when they
    could not be read."""
    try:
        page: Any
        if kind == "person":
            page = await client.persons.get_list_entries(PersonId(entity_id), limit=100)
        else:
            page = await client.companies.get_list_entries(CompanyId(entity_id), limit=100)
    except sdk.AffinityError:
        return None
    out = []
    for entry in page.data:
        assert isinstance(entry, ListEntry)
        list_id = int(entry.list_id)
        status, style = entry_status(entry.fields)
        name = list_names.get(list_id) or _text(getattr(entry, "list_name", None)) or f"List {list_id}"
        out.append(Holding(list_id, name, int(entry.id), status, style))
    return tuple(out)
