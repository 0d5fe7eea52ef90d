"""The emulated Affinity tenant, held in memory.

Everything the HTTP layer serves is read from (and written to) a `TenantStore`. Values are kept
in one *compact* form per field value type, independent of v1 or v2 wire shapes, so that the
serializers (`serialize.V2`, `serialize.V1`) and the search evaluator (`search_criteria`) agree on a
single source of truth:

============================  ==============================================================
value type                    compact value
============================  ==============================================================
text, filterable-text         ``str``
filterable-text-multi         ``list[str]``
number, formula-number        ``int | float``
number-multi                  ``list[int | float]``
datetime                      ``str`` ISO 8601 in UTC, ``YYYY-MM-DDTHH:MM:SSZ``
dropdown, ranked-dropdown     ``int`` dropdown option id
dropdown-multi                ``list[int]`` option ids
person / company              ``int`` entity id
person-multi / company-multi  ``list[int]`` entity ids
location                      ``dict`` with streetAddress, city, state, country, continent
location-multi                ``list[dict]``
interaction                   ``dict`` already in the v2 interaction shape
============================  ==============================================================

A field with no value is simply absent from an entity's ``values`` dict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

EntityType = Literal["person", "company", "opportunity"]
FieldKind = Literal["enriched", "global", "list", "relationship-intelligence"]

MULTI_TYPES = frozenset(
    {
        "filterable-text-multi",
        "number-multi",
        "dropdown-multi",
        "person-multi",
        "company-multi",
        "location-multi",
    }
)
DROPDOWN_TYPES = frozenset({"dropdown", "ranked-dropdown", "dropdown-multi"})

# v1 integer enums.
V1_LIST_TYPE = {"person": 0, "company": 1, "opportunity": 8}
V1_VALUE_TYPE = {
    "person": 0,
    "person-multi": 0,
    "company": 1,
    "company-multi": 1,
    "dropdown": 2,
    "dropdown-multi": 2,
    "number": 3,
    "number-multi": 3,
    "formula-number": 3,
    "datetime": 4,
    "location": 5,
    "location-multi": 5,
    "text": 6,
    "filterable-text": 6,
    "filterable-text-multi": 6,
    "ranked-dropdown": 7,
    "interaction": 6,
}


@dataclass
class DropdownOption:
    id: int
    text: str
    rank: int | None = None
    color: str | None = None


@dataclass
class FieldDef:
    """Metadata of one field: global, enriched, relationship-intelligence or list-specific."""

    id: str
    name: str
    kind: FieldKind
    value_type: str
    entity_type: EntityType
    list_id: int | None = None
    enrichment_source: str | None = None
    options: list[DropdownOption] = field(default_factory=list)
    created_at: str = "2023-01-01T00:00:00Z"
    track_changes: bool = False

    @property
    def is_multi(self) -> bool:
        return self.value_type in MULTI_TYPES

    @property
    def v1_id(self) -> int | str:
        """v1 uses bare integer ids for custom fields; enriched ids stay strings."""
        if self.id.startswith("field-"):
            return int(self.id.removeprefix("field-"))
        return self.id

    def option(self, option_id: int) -> DropdownOption | None:
        for opt in self.options:
            if opt.id == option_id:
                return opt
        return None

    def option_by_text(self, text: str) -> DropdownOption | None:
        for opt in self.options:
            if opt.text == text:
                return opt
        return None


@dataclass
class Person:
    id: int
    first_name: str
    last_name: str | None
    emails: list[str]
    type: Literal["internal", "external", "collaborator"] = "external"
    company_ids: list[int] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    created_at: str = "2023-01-01T00:00:00Z"

    @property
    def primary_email(self) -> str | None:
        return self.emails[0] if self.emails else None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() if self.last_name else self.first_name


@dataclass
class Company:
    id: int
    name: str
    domain: str | None
    domains: list[str]
    is_global: bool = False
    person_ids: list[int] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    created_at: str = "2023-01-01T00:00:00Z"


@dataclass
class Opportunity:
    id: int
    name: str
    list_id: int
    person_ids: list[int] = field(default_factory=list)
    company_ids: list[int] = field(default_factory=list)
    created_at: str = "2023-01-01T00:00:00Z"


@dataclass
class AffinityList:
    id: int
    name: str
    type: EntityType
    owner_id: int
    creator_id: int
    is_public: bool = True
    created_at: str = "2023-01-01T00:00:00Z"
    additional_permissions: list[dict[str, int]] = field(default_factory=list)


@dataclass
class ListEntry:
    id: int
    list_id: int
    entity_type: EntityType
    entity_id: int
    creator_id: int | None
    created_at: str
    values: dict[str, Any] = field(default_factory=dict)
    """List-specific field values of this entry (field id -> compact value)."""


@dataclass
class SavedView:
    """A sheet (or board) view of a list: its filter and the columns it shows."""

    id: int
    list_id: int
    name: str
    type: Literal["sheet", "board", "dashboard"]
    created_at: str
    filters: dict[str, Any] | None = None
    """A search-criteria ``filters`` group (the body shape of ``POST .../search``)."""
    field_ids: list[str] = field(default_factory=list)
    """The columns the view shows: only these come back as ``entity.fields``."""


@dataclass
class Note:
    id: int
    type: Literal["entities", "interaction", "ai-notetaker", "user-reply", "ai-notetaker-reply"]
    html: str
    creator_id: int
    created_at: str
    updated_at: str | None = None
    person_ids: list[int] = field(default_factory=list)
    company_ids: list[int] = field(default_factory=list)
    opportunity_ids: list[int] = field(default_factory=list)
    mention_ids: list[int] = field(default_factory=list)
    parent_id: int | None = None
    interaction_id: int | None = None
    interaction_type: str | None = None


@dataclass
class Reminder:
    id: int
    type: Literal["one-time", "recurring"]
    owner_id: int
    creator_id: int
    content: str | None
    due_date: str
    created_at: str
    person_id: int | None = None
    company_id: int | None = None
    opportunity_id: int | None = None
    completed_at: str | None = None
    completer_id: int | None = None
    updated_at: str | None = None
    period_days: int | None = None
    reset_trigger: str | None = None


@dataclass
class Interaction:
    """An email, meeting, call or chat message, as logged against persons."""

    id: int
    kind: Literal["email", "meeting", "call", "chat-message"]
    date: str
    person_ids: list[int]
    """Every participant (internal and external)."""
    title: str | None = None
    """The email subject or the meeting title."""
    end_time: str | None = None
    direction: Literal["sent", "received"] | None = None
    from_person_id: int | None = None
    logging_type: Literal["automated", "manual"] = "automated"
    manual_creator_id: int | None = None
    note_ids: list[int] = field(default_factory=list)
    created_at: str = "2023-01-01T00:00:00Z"


@dataclass
class Tenant:
    id: int
    name: str
    subdomain: str


class TenantStore:
    """All records of one tenant, with the indexes the routes need.

    The store is plain data: no HTTP, no wire shapes. `next_id` hands out ids for writes.
    """

    def __init__(self, tenant: Tenant, current_user_id: int) -> None:
        self.tenant = tenant
        self.current_user_id = current_user_id
        self.persons: dict[int, Person] = {}
        self.companies: dict[int, Company] = {}
        self.opportunities: dict[int, Opportunity] = {}
        self.lists: dict[int, AffinityList] = {}
        self.fields: dict[tuple[str, int | None, str], FieldDef] = {}
        """(entity type, list id or None, field id) -> field. Enriched and relationship-
        intelligence ids (``affinity-data-location``, ``last-email``) repeat across entity types."""
        self.entries: dict[int, ListEntry] = {}
        self.entries_by_list: dict[int, list[ListEntry]] = {}
        self.saved_views: dict[int, SavedView] = {}
        self.notes: dict[int, Note] = {}
        self.reminders: dict[int, Reminder] = {}
        self.interactions: dict[int, Interaction] = {}
        self.relationship_strengths: dict[tuple[int, int], float] = {}
        """(internal person id, external person id) -> strength in 0..1."""
        self._ids: dict[str, int] = {}
        self._deferred: list[Callable[[], None]] = []

    # ---- deferred generation ---------------------------------------------------------------
    def defer(self, generate: Callable[[], None]) -> None:
        """Keep part of the generation (emails and meetings) for the first request that needs
        it: the demo's first screen then appears sooner (see `Emulator`'s use of `settle`)."""
        self._deferred.append(generate)

    @property
    def settled(self) -> bool:
        return not self._deferred

    def settle(self) -> None:
        """Run whatever generation was deferred; the data is the same as if it had run at once."""
        while self._deferred:
            self._deferred.pop(0)()

    # ---- ids -------------------------------------------------------------------------------
    def next_id(self, kind: str) -> int:
        """A fresh id for a new record of `kind`, above every id the generator used."""
        current = self._ids.get(kind)
        if current is None:
            pools: dict[str, dict[int, Any]] = {
                "note": self.notes,
                "reminder": self.reminders,
                "entry": self.entries,
                "person": self.persons,
                "company": self.companies,
                "opportunity": self.opportunities,
                "interaction": self.interactions,
            }
            current = max(pools.get(kind, {}), default=0)
        self._ids[kind] = current + 1
        return current + 1

    # ---- adding (used by the generator and by writes) ----------------------------------------
    def add_field(self, f: FieldDef) -> FieldDef:
        self.fields[(f.entity_type, f.list_id, f.id)] = f
        return f

    def entity_field(self, entity_type: EntityType, field_id: str) -> FieldDef | None:
        """A global, enriched or relationship-intelligence field of an entity type."""
        return self.fields.get((entity_type, None, field_id))

    def list_field(self, list_id: int, field_id: str) -> FieldDef | None:
        """A field as seen on a list's entries: the list's own, else the entity's."""
        lst = self.lists[list_id]
        return self.fields.get((lst.type, list_id, field_id)) or self.entity_field(lst.type, field_id)

    def add_entry(self, entry: ListEntry) -> ListEntry:
        self.entries[entry.id] = entry
        self.entries_by_list.setdefault(entry.list_id, []).append(entry)
        return entry

    def remove_entry(self, entry: ListEntry) -> None:
        del self.entries[entry.id]
        self.entries_by_list[entry.list_id].remove(entry)

    # ---- reading -----------------------------------------------------------------------------
    def entity(self, entity_type: EntityType, entity_id: int) -> Person | Company | Opportunity | None:
        if entity_type == "person":
            return self.persons.get(entity_id)
        if entity_type == "company":
            return self.companies.get(entity_id)
        return self.opportunities.get(entity_id)

    def entity_fields(self, entity_type: EntityType) -> list[FieldDef]:
        """Global, enriched and relationship-intelligence fields of an entity type."""
        return [f for f in self.fields.values() if f.entity_type == entity_type and f.kind != "list"]

    def list_fields(self, list_id: int) -> list[FieldDef]:
        """Every field a list's entries carry: the entity's non-list fields plus the list's own."""
        lst = self.lists[list_id]
        own = [f for f in self.fields.values() if f.list_id == list_id]
        if lst.type == "opportunity":
            return own
        return self.entity_fields(lst.type) + own

    def list_entries(self, list_id: int) -> list[ListEntry]:
        return self.entries_by_list.get(list_id, [])

    def entries_of(self, entity_type: EntityType, entity_id: int) -> Iterator[ListEntry]:
        for entry in self.entries.values():
            if entry.entity_type == entity_type and entry.entity_id == entity_id:
                yield entry

    def entry_value(self, entry: ListEntry, field_id: str) -> Any:
        """The compact value of `field_id` as seen on a list entry (list or entity field)."""
        if field_id in entry.values:
            return entry.values[field_id]
        ent = self.entity(entry.entity_type, entry.entity_id)
        if isinstance(ent, (Person, Company)):
            return ent.values.get(field_id)
        return None

    def opportunity_ids_by(self, entity_type: Literal["person", "company"]) -> dict[int, list[int]]:
        """The ids of the opportunities each person (or company) is associated with, in one
        pass over the opportunities (v1 searches ask for them a page of records at a time)."""
        out: dict[int, list[int]] = {}
        for o in self.opportunities.values():
            for ident in (o.person_ids if entity_type == "person" else o.company_ids):
                out.setdefault(ident, []).append(o.id)
        return out

    def entity_name(self, entity_type: EntityType, entity_id: int) -> str:
        ent = self.entity(entity_type, entity_id)
        if isinstance(ent, Person):
            return ent.full_name
        if ent is None:
            return ""
        return ent.name

    def notes_for(self, entity_type: EntityType, entity_id: int) -> list[Note]:
        """Root notes attached to an entity (for persons also those that mention them)."""
        out: list[Note] = []
        for note in self.notes.values():
            if note.parent_id is not None:
                continue
            if entity_type == "person":
                hit = entity_id in note.person_ids or entity_id in note.mention_ids
            elif entity_type == "company":
                hit = entity_id in note.company_ids
            else:
                hit = entity_id in note.opportunity_ids
            if hit:
                out.append(note)
        return out

    def list_size(self, list_id: int) -> int:
        return len(self.entries_by_list.get(list_id, []))
