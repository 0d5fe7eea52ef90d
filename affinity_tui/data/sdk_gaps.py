"""The few Affinity reads affinity-sdk 2.0.6 has no async call for, made through its own HTTP client.

PRIVATE SDK API, used here and nowhere else. ``client._http.get`` / ``get_url`` are the SDK's
own request methods, so retries, rate-limit handling, the write policy (``WritePolicy.DENY``
refuses anything but a read) and the same-host check on ``nextUrl`` all still apply. Replace a
function here when the SDK grows the call it stands in for.

=========================  =====================================================================
function                   why the SDK's public calls do not serve
=========================  =====================================================================
``saved_view_page``        No async read of ``GET /v2/lists/{id}/saved-views/{viewId}/list-entries``
                           (only the sync ``ListEntryService.from_saved_view``).
``all_lists_v1``           v1 ``GET /lists`` answers every list *with its size* in one request;
                           the SDK reads lists from v2 (no sizes) and sizes one list at a time
                           (``lists.get_size``: a request per list).
``filtered_entry_pages``   ``lists.entries(id).pages(filter=...)`` reads requests until it has
                           100 matches, with no point between two requests where the caller can
                           stop (a filter read on your computer over 100,000 entries is one
                           call); its own per-request generator (``_filter_pages``, private)
                           yields after every request.
``v1_relations``           v1 ``GET /persons|organizations|opportunities/{id}`` carries both
                           kinds of related ids; the SDK's ``get_associated_*_ids`` reads the
                           same record once per kind.
``seed_filter_planner``    Before a filtered read the SDK asks for the list's fields and each
                           tested dropdown's options again, one after the other (its planner's
                           own cache, ``_search_cache``, lives only as long as the client and
                           starts empty): two chained round trips before the search. The
                           session already has them (``FieldCatalog``, also across runs through
                           the on-disk cache); this hands them to the planner instead.
=========================  =====================================================================
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from affinity import AsyncAffinity
from affinity.filters import FilterExpression
from affinity.models.entities import FieldMetadata, ListEntryWithEntity
from affinity.types import AnyFieldId, ListId, SavedViewId, UserId

PAGE_SIZE = 100
SEARCH_INCLUDES = ("filterability", "sortability")
"""What the SDK's filter planner asks field metadata to carry (``affinity.services._search``)."""

V1_LIST_TYPES: Mapping[int, str] = {0: "person", 1: "company", 8: "opportunity"}
"""v1 ``type`` codes: 0 people, 1 organizations (companies), 8 opportunities."""


@dataclass(frozen=True, slots=True)
class V1List:
    """One row of v1 ``GET /lists``."""

    id: ListId
    name: str
    type: str
    """``"person" | "company" | "opportunity"``, or ``"unknown"`` for a type Affinity adds later."""
    is_public: bool
    owner_id: UserId | None
    size: int | None


async def all_lists_v1(client: AsyncAffinity) -> list[V1List]:
    """Every list the key can see, with its owner and size: one v1 ``GET /lists``.

    Raises the SDK's errors. Items that are not list records are skipped (Affinity may add
    kinds of rows; a malformed one must not cost the user every other list).
    """
    data = await client._http.get("/lists", v1=True)
    items = data.get("data")
    if not isinstance(items, list):  # the SDK wraps v1's top-level array as {"data": [...]}
        items = []
    out: list[V1List] = []
    for item in items:
        parsed = _v1_list(item)
        if parsed is not None:
            out.append(parsed)
    return out


def _v1_list(item: Any) -> V1List | None:
    if not isinstance(item, Mapping):
        return None
    ident, name = item.get("id"), item.get("name")
    if isinstance(ident, bool) or not isinstance(ident, int) or ident <= 0 or not isinstance(name, str):
        return None
    kind = item.get("type")
    owner = item.get("owner_id")
    size = item.get("list_size")
    return V1List(
        id=ListId(ident), name=name,
        type=V1_LIST_TYPES.get(kind, "unknown") if isinstance(kind, int) and not isinstance(kind, bool) else "unknown",
        is_public=bool(item.get("public")),
        owner_id=UserId(owner) if isinstance(owner, int) and not isinstance(owner, bool) and owner > 0 else None,
        size=size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None)


async def saved_view_page(client: AsyncAffinity, list_id: ListId, view_id: SavedViewId,
                          next_url: str | None = None, *, limit: int = PAGE_SIZE,
                          ) -> tuple[list[ListEntryWithEntity], str | None]:
    """One page of a saved view's entries (Affinity applies the view's filter and columns), and
    the next page's URL (None on the last page). Raises the SDK's errors."""
    http = client._http
    if next_url is None:
        data = await http.get(f"/lists/{int(list_id)}/saved-views/{int(view_id)}/list-entries",
                              params={"limit": limit})
    else:
        data = await http.get_url(next_url)
    models = [ListEntryWithEntity.model_validate(item) for item in data.get("data") or []]
    pagination = data.get("pagination") or {}
    next_page = pagination.get("nextUrl") if isinstance(pagination, dict) else None
    return models, next_page if isinstance(next_page, str) and next_page else None


FilteredPage = tuple[list[ListEntryWithEntity], int, str | None]
"""One request of a filtered read: the entries that matched, how many were read, and whether
there is more (a token, or None after the last)."""


def filtered_entry_pages(client: AsyncAffinity, list_id: ListId, expression: FilterExpression,
                         field_ids: Sequence[AnyFieldId], *, limit: int = PAGE_SIZE) -> AsyncIterator[FilteredPage]:
    """A list's entries matching ``expression``, one request at a time: through Affinity's search
    where part of the filter can go there, else every entry read and checked here (the SDK
    warns ``ClientSideFilterWarning`` first). The same reads as ``pages(filter=...)``.
    Raises the SDK's errors."""
    entries = client.lists.entries(list_id)
    pages: AsyncIterator[FilteredPage] = entries._filter_pages(
        expression, field_ids=list(field_ids) or None, field_types=None, limit=limit, server_filter=True)
    return pages


@dataclass(frozen=True, slots=True)
class V1Relations:
    """The related ids a v1 person, organization or opportunity record carries."""

    person_ids: tuple[int, ...] = ()
    company_ids: tuple[int, ...] = ()
    opportunity_ids: tuple[int, ...] = ()


V1_RECORD_PATHS: Mapping[str, str] = {"person": "/persons/{}", "company": "/organizations/{}",
                                      "opportunity": "/opportunities/{}"}


async def v1_relations(client: AsyncAffinity, kind: str, entity_id: int) -> V1Relations:
    """A record's people, companies and opportunities, by id: one v1 ``GET``. Raises the SDK's errors."""
    data = await client._http.get(V1_RECORD_PATHS[kind].format(int(entity_id)), v1=True)
    record = data if isinstance(data, Mapping) else {}

    def ids(*keys: str) -> tuple[int, ...]:
        for key in keys:
            found = record.get(key)
            if isinstance(found, list):
                return tuple(int(i) for i in found if isinstance(i, int) and not isinstance(i, bool))
        return ()

    return V1Relations(person_ids=ids("person_ids", "personIds"),
                       company_ids=ids("organization_ids", "organizationIds", "company_ids"),
                       opportunity_ids=ids("opportunity_ids", "opportunityIds"))


def seed_filter_planner(client: AsyncAffinity, list_id: ListId, fields: Sequence[FieldMetadata]) -> bool:
    """Give the SDK's filter planner the list's ``fields`` (read with ``SEARCH_INCLUDES``) and the
    dropdown options read into them, so a filtered read sends its search at once. Fields read
    without those includes are not handed over (the planner would take every field as not
    searchable and read the whole list here); neither are options that were never read.
    True when the fields were handed over."""
    if not fields or any(meta.is_filterable is None for meta in fields):
        return False
    cache = getattr(client.lists, "_search_cache", None)
    if cache is None or not callable(getattr(cache, "put", None)):
        return False  # an SDK without the planner's cache: it asks for them itself
    scope = str(int(list_id))
    cache.put(("fields", scope), list(fields))
    for meta in fields:
        if "dropdown_options" in meta.model_fields_set:
            cache.put(("options", scope, str(meta.id)), list(meta.dropdown_options))
    return True
