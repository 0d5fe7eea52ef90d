"""Field metadata (the columns of a list, the fields of people and companies), read once.

Field definitions change rarely, and the SDK doesn't cache them by default
(``enable_cache=False``), yet every screen needs them: column headers, the filter bar's
names and completion, the detail view's labels. ``FieldCatalog`` asks Affinity once per
list (and once per entity kind) per session and keeps the answer until ``refresh()``.

Which fields a table shows by default: list-specific fields first (the columns the team made
for this list, in Affinity's order), then global fields. Enriched fields (Affinity Data,
Dealroom) and relationship-intelligence fields (first/last email, next meeting) are many and
mostly noise in a table, so they are opt-in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from affinity import AsyncAffinity
from affinity.models.entities import FieldMetadata
from affinity.types import ListId

from .sdk_gaps import SEARCH_INCLUDES

if TYPE_CHECKING:
    from .cache import TenantCache

DEFAULT_KINDS = ("list", "global")
"""Field types shown by default, in this order."""
OPT_IN_KINDS = ("enriched", "relationship-intelligence")
"""Field types a user adds to a table on purpose."""
_NAME_PREFERENCE = {"list": 0, "global": 1, "enriched": 2, "relationship-intelligence": 3}
"""When two fields share a name, the filter bar means the most specific one."""

EntityKind = Literal["person", "company", "opportunity"]
DROPDOWN_TYPES = frozenset({"dropdown", "ranked-dropdown", "dropdown-multi"})


def _value_type(meta: FieldMetadata) -> str:
    return str(getattr(meta.value_type, "value", meta.value_type))


@dataclass(frozen=True)
class FieldSet:
    """The fields of one list (or one entity kind), in Affinity's order."""

    fields: tuple[FieldMetadata, ...]
    _by_name: dict[str, FieldMetadata] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, FieldMetadata] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, FieldMetadata] = {}
        for meta in sorted(self.fields, key=lambda m: _NAME_PREFERENCE.get(m.type or "", 9)):
            by_name.setdefault(meta.name.casefold(), meta)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_by_id", {str(m.id): m for m in self.fields})

    def named(self, name: str) -> FieldMetadata | None:
        """The field called ``name``, ignoring case (a list field wins over a global one)."""
        return self._by_name.get(name.strip().casefold())

    def by_id(self, field_id: str) -> FieldMetadata | None:
        """The field with this id (``field-12``, ``affinity-data-…``), or None."""
        return self._by_id.get(str(field_id))

    @property
    def names(self) -> list[str]:
        """Every field name once, in Affinity's order (for completion and suggestions)."""
        seen: set[str] = set()
        out = []
        for meta in self.fields:
            if meta.name.casefold() not in seen:
                seen.add(meta.name.casefold())
                out.append(meta.name)
        return out

    def of_kind(self, *kinds: str) -> list[FieldMetadata]:
        """The fields of these types, grouped in the order of ``kinds``, Affinity's order within."""
        return [meta for kind in kinds for meta in self.fields if (meta.type or "global") == kind]

    def default_columns(self) -> list[FieldMetadata]:
        """List-specific fields, then global ones; enriched and relationship-intelligence are opt-in."""
        return self.of_kind(*DEFAULT_KINDS)

    def opt_in_columns(self) -> list[FieldMetadata]:
        """Enriched, then relationship-intelligence fields: offered by the columns picker only."""
        return self.of_kind(*OPT_IN_KINDS)

    def ids(self, fields: Iterable[FieldMetadata] | None = None) -> list[str]:
        """Field ids to request (all fields of the set by default)."""
        return [str(m.id) for m in (self.fields if fields is None else fields)]


EMPTY_FIELDS = FieldSet(())

PERSON_DEFAULT_IDS = ("affinity-data-current-organization", "affinity-data-current-job-title", "last-contact")
"""Affinity's own ids of a person's company, job title and last contact: People shows them."""


def person_default_columns(fields: FieldSet) -> list[FieldMetadata]:
    """A person's company, job title and last contact: Affinity's fields where the tenant has
    them, else a global company field, a field named like a title, a field named Last Contact."""
    company = fields.by_id(PERSON_DEFAULT_IDS[0]) or next(
        (f for f in fields.fields if _value_type(f) == "company" and (f.type or "global") in DEFAULT_KINDS + OPT_IN_KINDS),
        None)
    title = fields.by_id(PERSON_DEFAULT_IDS[1]) or next(
        (f for f in fields.fields if "title" in f.name.casefold() and _value_type(f).endswith("text")), None)
    contact = fields.by_id(PERSON_DEFAULT_IDS[2]) or fields.named("Last Contact")
    return [f for f in (company, title, contact) if f is not None]


class FieldCatalog:
    """Per-session cache of field metadata, one request per list or entity kind.

    Concurrent first requests for the same key wait for one another instead of asking twice.
    ``cached_list`` answers synchronously (for the filter bar) once a list's fields are known.
    """

    def __init__(self, client: AsyncAffinity, *, cache: TenantCache | None = None) -> None:
        self._client = client
        self._cache = cache
        self._lists: dict[int, FieldSet] = {}
        self._with_options: dict[int, FieldSet] = {}
        self._entities: dict[str, FieldSet] = {}
        self._locks: dict[tuple[str, int | str], asyncio.Lock] = {}

    async def for_list(self, list_id: ListId) -> FieldSet:
        """Every field a list's entries carry: its own, then the entity's (as Affinity orders them).
        One request the first time, none after. Raises the SDK's errors."""
        key = int(list_id)
        if key in self._lists:
            return self._lists[key]
        async with self._lock(("list", key)):
            if key not in self._lists:
                # With what the SDK's filter planner needs, so a filter's search goes at once
                # (sdk_gaps.seed_filter_planner); kept under names of their own in the cache.
                self._lists[key] = FieldSet(tuple(await self._kept(
                    f"list:{key}:searchable",
                    lambda: self._client.lists.get_fields(ListId(key), includes=SEARCH_INCLUDES))))
            return self._lists[key]

    async def for_entities(self, kind: EntityKind) -> FieldSet:
        """Global, enriched and relationship-intelligence fields of people or companies.

        Opportunities have no fields outside their list: the answer is empty, with no request.
        One request per kind the first time, none after. Raises the SDK's errors.
        """
        if kind == "opportunity":
            return EMPTY_FIELDS
        if kind in self._entities:
            return self._entities[kind]
        async with self._lock(("entity", kind)):
            if kind not in self._entities:
                service = self._client.persons if kind == "person" else self._client.companies
                self._entities[kind] = FieldSet(tuple(await self._kept(f"entity:{kind}", service.get_fields)))
            return self._entities[kind]

    def cached_list(self, list_id: ListId) -> FieldSet | None:
        """A list's fields if already fetched (no request), with their dropdown options once
        ``with_options`` read them."""
        key = int(list_id)
        return self._with_options.get(key) or self._lists.get(key)

    async def with_options(self, list_id: ListId) -> FieldSet:
        """A list's fields with every dropdown's options filled in (the filter bar checks values
        against them, the Status picker shows them).

        Affinity's field listing carries no options: each dropdown field costs one request,
        all sent at once, once per session. A field whose options cannot be read keeps none
        (its values are then not checked). Raises the SDK's errors for the field listing.
        """
        key = int(list_id)
        if key in self._with_options:
            return self._with_options[key]
        fields = await self.for_list(list_id)
        async with self._lock(("options", key)):
            if key not in self._with_options:
                dropdowns = [m for m in fields.fields if _value_type(m) in DROPDOWN_TYPES]

                async def options(meta: FieldMetadata) -> FieldMetadata:
                    try:
                        found = await self._client.lists.get_field_dropdown_options(ListId(key), meta.id)
                    except Exception:  # noqa: BLE001 - the field just goes unchecked
                        return meta
                    return meta.model_copy(update={"dropdown_options": found})

                async def all_options() -> list[FieldMetadata]:
                    filled = {str(m.id): m for m in await asyncio.gather(*(options(m) for m in dropdowns))}
                    return [filled.get(str(m.id), m) for m in fields.fields]

                self._with_options[key] = FieldSet(tuple(await self._kept(f"options:{key}:searchable", all_options)))
            return self._with_options[key]

    def cached_entities(self, kind: EntityKind) -> FieldSet | None:
        """A kind's fields if already fetched (no request; opportunities have none)."""
        return EMPTY_FIELDS if kind == "opportunity" else self._entities.get(kind)

    def refresh(self) -> None:
        """Forget everything: the next call asks Affinity again (after a field was added)."""
        self._lists.clear()
        self._with_options.clear()
        self._entities.clear()
        self._forced = True

    _forced = False

    async def _kept(self, name: str, fetch: Callable[[], Awaitable[list[FieldMetadata]]]) -> list[FieldMetadata]:
        """Field metadata from the cache while it is fresh (``metadata_minutes``), else from
        Affinity (kept for next time); the stale copy when Affinity cannot be reached."""
        cache = self._cache
        cached = await cache.fields(name) if cache is not None else None
        if cache is not None and not self._forced and cache.metadata_fresh(cached) and cached is not None:
            return cached.value
        try:
            found = list(await fetch())
        except Exception as error:  # noqa: BLE001 - re-raised unless the cache can stand in
            from .connectivity import is_unreachable

            if cached is not None and is_unreachable(error):
                return cached.value
            raise
        if cache is not None:
            cache.save_fields(name, found)
        return found

    def _lock(self, key: tuple[str, int | str]) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())
