"""What the detail screen shows for one person, company or opportunity, loaded in parts.

The detail screen opens on one entity and fills in as parts arrive; each part is one call here,
so the expensive ones (notes, interactions) run only for the entity in focus:

==================  ===========================================================  ===========
call                Affinity requests                                            count
==================  ===========================================================  ===========
``load_profile``    person/company: ``GET /v2/{persons|companies}/{id}`` with    3
                    the global, enriched and relationship-intelligence fields,
                    ``…/{id}/lists`` (names) and ``…/{id}/list-entries`` (every
                    field of every entry), concurrently.
                    opportunity: v1 ``GET /opportunities/{id}`` (its list        3
                    entry), ``GET /v2/lists/{id}`` (name) and the entry with
                    its list fields.
``load_notes``      ``GET /v2/{persons|companies|opportunities}/{id}/notes``     1 per 100
                    (v1 ``GET /notes`` if Affinity refuses v2 with 403, plus     notes
                    one request for the creators' names).
``load_reminders``  ``GET /v2/reminders?filter=person.id=…``, plus one           1 + 1
                    ``GET /v2/persons?ids=…`` for the owners' names not known
                    yet.
``load_interactions``  v1 ``GET /interactions`` for emails and for meetings of  2
                    the last 365 days, concurrently.
==================  ===========================================================  ===========

Paging is bounded (``MAX_PAGES``): a record with thousands of notes costs a few requests, not
hundreds. Everything returned is a frozen dataclass of display strings (no SDK model leaks
out); every string from Affinity went through ``values``/``note_text`` and is safe to print.

**Not fetched is not empty.** A field Affinity returned with no value shows ``—``; a group this
call did not ask for (``include=``) or could not reach (paging cap) has ``fetched=False`` and
shows "not fetched" — the screen must not pretend the entity has no such values.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Literal, TypeVar

from affinity import AsyncAffinity
from affinity import exceptions as sdk
from affinity.models.entities import (
    Company,
    FieldValues,
    ListEntry,
    ListSummary,
    Opportunity,
    Person,
    PersonSummary,
)
from affinity.models.pagination import PaginatedResponse
from affinity.models.secondary import Interaction, Note, NoteV2, Reminder
from affinity.types import (
    CompanyId,
    FieldType,
    InteractionType,
    ListEntryId,
    ListId,
    NoteId,
    OpportunityId,
    PersonId,
    ReminderIdType,
)

from .note_text import first_line, html_to_text, markdownish_to_text, terminal_safe
from .page_types import kept
from .values import EMPTY_TEXT, NOT_FETCHED_TEXT, format_datetime, format_value

EntityKind = Literal["person", "company", "opportunity"]
FieldKind = Literal["global", "enriched", "relationship-intelligence", "list"]
EntityIdType = PersonId | CompanyId | OpportunityId

ENTITY_FIELD_KINDS: tuple[FieldKind, ...] = ("global", "enriched", "relationship-intelligence")
"""Field types that belong to the person or company itself (the same on every list)."""
ALL_FIELD_KINDS: tuple[FieldKind, ...] = (*ENTITY_FIELD_KINDS, "list")
GROUP_TITLES: Mapping[str, str] = {"global": "Global fields", "enriched": "Enriched",
                                   "relationship-intelligence": "Relationship intelligence"}
_FIELD_TYPES = {"global": FieldType.GLOBAL, "enriched": FieldType.ENRICHED,
                "relationship-intelligence": FieldType.RELATIONSHIP_INTELLIGENCE}
_SOURCES = {"affinity-data": "Affinity Data", "dealroom": "Dealroom"}

MAX_PAGES = 5
"""Pages followed per paged read (lists, list entries, notes, reminders)."""
PAGE_SIZE = 100
NOTES_LIMIT = 20
INTERACTIONS_LIMIT = 20
INTERACTION_WINDOW = timedelta(days=365)
"""Affinity's v1 interactions accept at most one year per request."""
NAME_LOOKUP_MAX = 100
"""Owner/creator ids resolved in the one ``GET /v2/persons?ids=…`` request."""
HIDDEN_TEXT = "hidden"
"""A field of a restricted opportunity the key may not see (API 2026-07-15+)."""


# ---- what the screen gets ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FieldLine:
    """One field of the entity: its label and its value as text."""

    field_id: str
    name: str
    text: str
    """The value, or ``—`` when Affinity returned the field without a value."""
    empty: bool
    style: str | None = None
    """A Rich colour for coloured dropdown options."""
    value_type: str = ""
    source: str = ""
    """Who enriched it ("Affinity Data", "Dealroom"); "" for other fields."""


@dataclass(frozen=True, slots=True)
class FieldGroup:
    """The fields of one kind (global, enriched, relationship intelligence) or of one list entry."""

    kind: str
    """``global | enriched | relationship-intelligence | list`` (or a kind Affinity adds later)."""
    title: str
    """"Global fields", "Enriched", "Relationship intelligence", or the list's name."""
    fetched: bool
    """False when this load did not ask for the group (or could not reach it): "not fetched"."""
    fields: tuple[FieldLine, ...] = ()
    list_id: ListId | None = None
    entry_id: ListEntryId | None = None

    @property
    def status_text(self) -> str:
        """What to show instead of rows: "not fetched", "—" (no fields), or ""."""
        if not self.fetched:
            return NOT_FETCHED_TEXT
        return "" if self.fields else EMPTY_TEXT

    @property
    def filled(self) -> tuple[FieldLine, ...]:
        """Only the fields that have a value (for a compact view)."""
        return tuple(line for line in self.fields if not line.empty)


@dataclass(frozen=True, slots=True)
class ListMembership:
    """A list the entity is on (an entity may be on a list more than once)."""

    list_id: ListId
    name: str
    entry_ids: tuple[ListEntryId, ...] = ()


@dataclass(frozen=True, slots=True)
class EntityProfile:
    """Who or what the entity is, and all its field values, grouped."""

    kind: EntityKind
    entity_id: int
    name: str
    person_type: str = ""
    """``internal | external | collaborator`` for persons, else ""."""
    emails: tuple[str, ...] = ()
    """Persons: the primary email first."""
    domains: tuple[str, ...] = ()
    """Companies: the primary domain first."""
    groups: tuple[FieldGroup, ...] = ()
    """Entity groups in ``ALL_FIELD_KINDS`` order (persons, companies), then one per list entry."""
    lists: tuple[ListMembership, ...] = ()
    lists_complete: bool = True
    """False when the entity is on more lists than were read (paging cap)."""

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None

    @property
    def domain(self) -> str | None:
        return self.domains[0] if self.domains else None

    @property
    def url_path(self) -> str:
        """``/persons/1``: pass to ``links.url_for_path`` with the tenant's subdomain."""
        return f"/{_PLURAL[self.kind]}/{self.entity_id}"

    def group(self, kind: str, title: str | None = None) -> FieldGroup | None:
        """The first group of ``kind`` (and ``title``, for lists)."""
        return next((g for g in self.groups if g.kind == kind and (title is None or g.title == title)),
                    None)


@dataclass(frozen=True, slots=True)
class NoteView:
    """One note as the detail screen shows it: who wrote it, when, and its body as plain text."""

    id: NoteId
    creator_name: str
    created: str
    """``YYYY-MM-DD HH:MM`` in the local zone."""
    created_at: datetime
    text: str
    """Plain text, several lines (never markup)."""
    edited: bool = False
    note_type: str = ""
    """``entities | interaction | ai-notetaker | …`` (v2) or "" (v1)."""

    @property
    def preview(self) -> str:
        """The note's first non-blank line, cut to 120 characters (the folded note's line)."""
        return first_line(self.text)


ReminderState = Literal["overdue", "active", "completed"]


@dataclass(frozen=True, slots=True)
class ReminderView:
    """One reminder: when it is due, Affinity's status for it, what it says and whose it is."""

    id: ReminderIdType
    due: str
    due_at: datetime
    status: ReminderState
    content: str
    owner_id: int | None
    owner_name: str
    """The owner's name, or ``#id`` when it could not be looked up."""
    recurrence: str = ""
    """"every 90 days" for a recurring reminder, else ""."""
    completed: str = ""
    """When it was completed (``YYYY-MM-DD HH:MM``), else ""."""


InteractionKind = Literal["email", "meeting"]


@dataclass(frozen=True, slots=True)
class InteractionView:
    """One email or meeting: when, its subject or title, and who took part."""

    id: int
    kind: InteractionKind
    when: str
    at: datetime
    subject: str
    """The email subject or meeting title ("(no subject)" / "(no title)" when missing)."""
    participants: tuple[str, ...]
    direction: str = ""
    """Emails: "sent" or "received"; meetings: ""."""


_PLURAL: Mapping[str, str] = {"person": "persons", "company": "companies", "opportunity": "opportunities"}


# ---- small helpers -------------------------------------------------------------------------
T = TypeVar("T")


def _text(value: object) -> str:
    """An Affinity string, safe for one line of a terminal."""
    return terminal_safe(str(value), single_line=True).strip() if value not in (None, "") else ""


def _enum_text(value: object) -> str:
    return str(getattr(value, "value", value) or "")


def _person_name(first: str | None, last: str | None, email: str | None = None) -> str:
    name = " ".join(p for p in (first, last) if p).strip()
    return _text(name or email or "")


def _summary_name(person: PersonSummary) -> str:
    return _person_name(person.first_name, person.last_name, person.primary_email) or f"#{int(person.id)}"


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def _pages(first: Callable[[], Awaitable[PaginatedResponse[T]]],
                 more: Callable[[str], Awaitable[PaginatedResponse[T]]] | None,
                 max_pages: int = MAX_PAGES) -> tuple[list[T], bool]:
    """Items of up to ``max_pages`` pages, and whether that was all of them."""
    page = kept(await first())
    items = list(page.data)
    for _ in range(max_pages - 1):
        cursor = page.next_cursor
        if not cursor or more is None:
            break
        page = kept(await more(cursor))
        items.extend(page.data)
    return items, not page.next_cursor


def _field_lines(fields: FieldValues, kinds: Collection[str], tz: tzinfo | None) -> dict[str, list[FieldLine]]:
    """The field items of ``fields`` whose type is in ``kinds``, as lines grouped by type."""
    grouped: dict[str, list[FieldLine]] = {}
    for field_id, item in fields.data.items():
        if not isinstance(item, Mapping):
            continue
        kind = str(item.get("type") or "")
        if kind == "hidden":
            kind = "list"  # only restricted opportunity (list) fields are masked
        if kind not in kinds:
            continue
        name = _text(item.get("name")) or str(field_id)
        value = item.get("value")
        if str(item.get("type")) == "hidden":
            line = FieldLine(str(field_id), name, HIDDEN_TEXT, empty=False, value_type="hidden")
        else:
            shown = format_value(value if isinstance(value, Mapping) else None, field_name=name, tz=tz)
            value_type = str(value.get("type") or "") if isinstance(value, Mapping) else ""
            source = _SOURCES.get(str(item.get("enrichmentSource") or ""),
                                  _text(item.get("enrichmentSource")).replace("-", " ").title())
            line = FieldLine(str(field_id), name, shown.detail_text, empty=shown.state != "value",
                             style=shown.style, value_type=value_type, source=source)
        grouped.setdefault(kind, []).append(line)
    return grouped


def _entity_groups(fields: FieldValues, wanted: Sequence[FieldKind], tz: tzinfo | None) -> list[FieldGroup]:
    """One group per entity field kind: fetched (maybe with no fields) or not fetched."""
    lines = _field_lines(fields, set(ENTITY_FIELD_KINDS) | _unknown_kinds(fields), tz) \
        if fields.requested else {}
    groups = [FieldGroup(kind, GROUP_TITLES[kind], fetched=fields.requested and kind in wanted,
                         fields=tuple(lines.get(kind, ())) if kind in wanted else ())
              for kind in ENTITY_FIELD_KINDS]
    for kind in sorted(set(lines) - set(ENTITY_FIELD_KINDS)):  # a field type Affinity added later
        groups.append(FieldGroup(kind, kind.replace("-", " ").capitalize(), True, tuple(lines[kind])))
    return groups


def _unknown_kinds(fields: FieldValues) -> set[str]:
    known = {*ALL_FIELD_KINDS, "hidden"}
    return {str(item.get("type")) for item in fields.data.values()
            if isinstance(item, Mapping) and item.get("type") and str(item.get("type")) not in known}


def _list_groups(entries: Sequence[tuple[ListId, ListEntryId, FieldValues]], names: Mapping[int, str],
                 memberships: Sequence[ListMembership], tz: tzinfo | None) -> list[FieldGroup]:
    """One group per list entry, then "not fetched" groups for lists whose entries weren't read."""
    groups: list[FieldGroup] = []
    seen: set[int] = set()
    per_list: dict[int, int] = {}
    for list_id, _entry_id, _fields in entries:
        per_list[int(list_id)] = per_list.get(int(list_id), 0) + 1
    for list_id, entry_id, fields in entries:
        title = names.get(int(list_id)) or f"List {int(list_id)}"
        if per_list[int(list_id)] > 1:
            title = f"{title} (entry {int(entry_id)})"
        lines = _field_lines(fields, {"list"}, tz).get("list", [])
        groups.append(FieldGroup("list", title, fields.requested, tuple(lines) if fields.requested else (),
                                 list_id=list_id, entry_id=entry_id))
        seen.add(int(list_id))
    for membership in memberships:
        if int(membership.list_id) not in seen:
            groups.append(FieldGroup("list", membership.name, fetched=False, list_id=membership.list_id,
                                     entry_id=membership.entry_ids[0] if membership.entry_ids else None))
    return groups


def _memberships(lists: Iterable[ListSummary], entries: Iterable[ListEntry]) -> list[ListMembership]:
    by_list: dict[int, list[ListEntryId]] = {}
    for entry in entries:
        by_list.setdefault(int(entry.list_id), []).append(entry.id)
    out = [ListMembership(lst.id, _text(lst.name) or f"List {int(lst.id)}", tuple(by_list.get(int(lst.id), ())))
           for lst in lists]
    known = {int(m.list_id) for m in out}
    for entry in entries:  # an entry on a list that wasn't in the (capped) list of lists
        if int(entry.list_id) not in known:
            known.add(int(entry.list_id))
            name = _text(entry.list_name) or f"List {int(entry.list_id)}"
            out.append(ListMembership(entry.list_id, name, tuple(by_list[int(entry.list_id)])))
    return out


# ---- the profile ---------------------------------------------------------------------------
async def load_profile(client: AsyncAffinity, kind: EntityKind, entity_id: EntityIdType, *,
                       include: Collection[FieldKind] = ALL_FIELD_KINDS,
                       tz: tzinfo | None = None, entry: tuple[ListId, ListEntryId, str] | None = None,
                       details: Awaitable[Opportunity] | None = None) -> EntityProfile:
    """Name, emails or domains, and the field values in ``include``, grouped (3 requests, at once).

    ``include`` picks the groups to fetch; the others come back ``fetched=False``. ``tz`` is for
    tests (default: the local zone). ``entry`` (list id, entry id, list name) is the
    opportunity's list entry when the caller knows it (opened from a list): then its fields are
    one request instead of two in a row; ``details`` is the opportunity's v1 record when the
    caller reads it for other parts too (it is then read once). Raises the SDK's errors
    (``NotFoundError``, ...).
    """
    if kind == "opportunity":
        if entry is not None:
            return await _opportunity_from_entry(client, OpportunityId(int(entity_id)), entry, include, tz)
        return await _opportunity_profile(client, OpportunityId(int(entity_id)), include, tz, details)
    wanted = [k for k in ENTITY_FIELD_KINDS if k in include]
    field_types = [_FIELD_TYPES[k] for k in wanted] or None
    with_lists = "list" in include

    if kind == "person":
        pid = PersonId(int(entity_id))
        people = client.persons

        async def person_entries(cursor: str | None = None) -> PaginatedResponse[ListEntry]:
            if cursor is None:
                return await people.get_list_entries(pid, limit=PAGE_SIZE)
            return await people.get_list_entries(pid, cursor=cursor)

        entity_task: Awaitable[Person | Company] = people.get(pid, field_types=field_types)
        lists_task = _pages(lambda: people.get_lists(pid), None)
        entries_first: Callable[[], Awaitable[PaginatedResponse[ListEntry]]] = person_entries
        entries_more: Callable[[str], Awaitable[PaginatedResponse[ListEntry]]] = person_entries
    else:
        cid = CompanyId(int(entity_id))
        companies = client.companies

        async def company_lists(cursor: str | None = None) -> PaginatedResponse[ListSummary]:
            if cursor is None:
                return await companies.get_lists(cid, limit=PAGE_SIZE)
            return await companies.get_lists(cid, cursor=cursor)

        async def company_entries(cursor: str | None = None) -> PaginatedResponse[ListEntry]:
            if cursor is None:
                return await companies.get_list_entries(cid, limit=PAGE_SIZE)
            return await companies.get_list_entries(cid, cursor=cursor)

        entity_task = companies.get(cid, field_types=field_types)
        lists_task = _pages(company_lists, company_lists)
        entries_first, entries_more = company_entries, company_entries

    async def no_entries() -> tuple[list[ListEntry], bool]:
        return [], False

    entity, (lists, lists_complete), (entries, entries_complete) = await asyncio.gather(
        entity_task, lists_task, _pages(entries_first, entries_more) if with_lists else no_entries())

    memberships = _memberships(lists, entries)
    names = {int(m.list_id): m.name for m in memberships}
    groups = _entity_groups(entity.fields, wanted, tz)
    groups += _list_groups([(e.list_id, e.id, e.fields) for e in entries], names, memberships, tz)
    complete = lists_complete and (entries_complete or not with_lists)
    if isinstance(entity, Person):
        emails = [entity.primary_email] if entity.primary_email else []
        emails += [e for e in entity.emails if e and e not in emails]
        return EntityProfile("person", int(entity.id),
                             _person_name(entity.first_name, entity.last_name, entity.primary_email),
                             person_type=_enum_text(entity.type), emails=tuple(_text(e) for e in emails),
                             groups=tuple(groups), lists=tuple(memberships), lists_complete=complete)
    domains = [entity.domain] if entity.domain else []
    domains += [d for d in entity.domains if d and d not in domains]
    return EntityProfile("company", int(entity.id), _text(entity.name), domains=tuple(_text(d) for d in domains),
                         groups=tuple(groups), lists=tuple(memberships), lists_complete=complete)


async def _opportunity_from_entry(client: AsyncAffinity, opportunity_id: OpportunityId,
                                  entry: tuple[ListId, ListEntryId, str], include: Collection[FieldKind],
                                  tz: tzinfo | None) -> EntityProfile:
    """An opportunity whose list entry is known: the entry (with its list fields and the
    opportunity's name) is the one request."""
    list_id, entry_id, list_name = entry
    fields_wanted = "list" in include
    found = await client.lists.entries(list_id).get(entry_id, field_types=[FieldType.LIST] if fields_wanted else None)
    entity = found.entity
    name = _text(getattr(entity, "name", "")) if entity is not None else ""
    title = _text(list_name) or f"List {int(list_id)}"
    membership = ListMembership(list_id, title, (entry_id,))
    if not fields_wanted or entity is None:
        group = FieldGroup("list", title, fetched=False, list_id=list_id, entry_id=entry_id)
    else:
        fields = entity.fields
        lines = _field_lines(fields, {"list"}, tz).get("list", []) if fields.requested else []
        group = FieldGroup("list", title, fetched=fields.requested, fields=tuple(lines), list_id=list_id,
                           entry_id=entry_id)
    return EntityProfile("opportunity", int(opportunity_id), name, groups=(group,), lists=(membership,))


async def _opportunity_profile(client: AsyncAffinity, opportunity_id: OpportunityId,
                               include: Collection[FieldKind], tz: tzinfo | None,
                               details_read: Awaitable[Opportunity] | None = None) -> EntityProfile:
    """Opportunities have no fields of their own: everything is on their one list entry.

    v2 ``GET /opportunities/{id}`` doesn't say which entry that is, so the v1 record (which
    lists its entries) comes first, then the list's name and the entry's list fields.
    """
    details = await (details_read or client.opportunities.get_details(opportunity_id))
    entries = list(details.list_entries or [])
    list_id = details.list_id
    if list_id is None:  # v1 gave no entry: ask v2 which list the opportunity is on
        list_id = (await client.opportunities.get(opportunity_id)).list_id
    name = _text(details.name)
    if list_id is None:
        return EntityProfile("opportunity", int(opportunity_id), name)
    entry_ids = tuple(e.id for e in entries if int(e.list_id) == int(list_id))

    async def list_name() -> str:
        found = await client.lists.get(list_id)
        return _text(found.name)

    async def entry_fields() -> FieldValues | None:
        if "list" not in include or not entry_ids:
            return None
        entry = await client.lists.entries(list_id).get(entry_ids[0], field_types=[FieldType.LIST])
        return entry.entity.fields if entry.entity is not None else FieldValues(requested=True)

    title, fields = await asyncio.gather(list_name(), entry_fields())
    title = title or f"List {int(list_id)}"
    membership = ListMembership(list_id, title, entry_ids)
    if fields is None:
        group = FieldGroup("list", title, fetched=False, list_id=list_id,
                           entry_id=entry_ids[0] if entry_ids else None)
    else:
        lines = _field_lines(fields, {"list"}, tz).get("list", []) if fields.requested else []
        group = FieldGroup("list", title, fetched=fields.requested, fields=tuple(lines),
                           list_id=list_id, entry_id=entry_ids[0])
    return EntityProfile("opportunity", int(opportunity_id), name, groups=(group,), lists=(membership,))


# ---- names for ids -------------------------------------------------------------------------
async def _names_for(client: AsyncAffinity, ids: Iterable[int],
                     known: Mapping[int, str] | None) -> dict[int, str]:
    """Names of people by id: ``known`` ones, plus one ``GET /v2/persons?ids=…`` for the rest.

    A failed lookup is not an error for the caller: those people show as ``#id``.
    """
    names = {int(k): v for k, v in (known or {}).items()}
    missing = sorted({int(i) for i in ids} - set(names))[:NAME_LOOKUP_MAX]
    if missing:
        try:
            page = await client.persons.list(ids=[PersonId(i) for i in missing], limit=len(missing))
        except sdk.AffinityError:
            page = None
        for person in page.data if page is not None else ():
            names[int(person.id)] = _person_name(person.first_name, person.last_name, person.primary_email)
    return names


# ---- notes ---------------------------------------------------------------------------------
async def load_notes(client: AsyncAffinity, kind: EntityKind, entity_id: EntityIdType,
                     limit: int = NOTES_LIMIT, *, tz: tzinfo | None = None,
                     known_names: Mapping[int, str] | None = None) -> list[NoteView]:
    """The entity's newest ``limit`` notes (replies excluded), newest first, as plain text.

    Reads the v2 per-entity notes (1 request per 100 notes, at most ``MAX_PAGES``; Affinity
    documents no order, so the pages read are sorted here). If Affinity refuses them (403:
    beta endpoints, opportunity notes), falls back to v1 ``GET /notes``, whose creators are
    ids: their names cost one more request (``known_names`` can spare it). Raises the SDK's
    errors.
    """
    ident = int(entity_id)
    try:
        notes_v2 = await _v2_notes(client, kind, ident)
    except sdk.AuthorizationError:
        return await _v1_notes(client, kind, ident, limit, tz, known_names)
    views = [_note_view(n, tz) for n in notes_v2 if not n.parent]
    views.sort(key=lambda v: (v.created_at, int(v.id)), reverse=True)
    return views[: max(limit, 0)]


async def _v2_notes(client: AsyncAffinity, kind: EntityKind, ident: int) -> list[NoteV2]:
    async def first() -> PaginatedResponse[NoteV2]:
        if kind == "person":
            return await client.persons.list_notes(PersonId(ident), limit=PAGE_SIZE)
        if kind == "company":
            return await client.companies.list_notes(CompanyId(ident), limit=PAGE_SIZE)
        return await client.opportunities.list_notes(OpportunityId(ident), limit=PAGE_SIZE)

    async def more(cursor: str) -> PaginatedResponse[NoteV2]:
        if kind == "person":
            return await client.persons.list_notes(PersonId(ident), cursor=cursor)
        if kind == "company":
            return await client.companies.list_notes(CompanyId(ident), cursor=cursor)
        return await client.opportunities.list_notes(OpportunityId(ident), cursor=cursor)

    notes, _complete = await _pages(first, more)
    return notes


def _note_view(note: NoteV2, tz: tzinfo | None) -> NoteView:
    creator = _summary_name(note.creator) if note.creator is not None else "Unknown"
    created = _as_utc(note.created_at)
    return NoteView(note.id, creator, format_datetime(created, tz=tz), created,
                    html_to_text(note.content.html), edited=note.updated_at is not None,
                    note_type=_text(note.type))


async def _v1_notes(client: AsyncAffinity, kind: EntityKind, ident: int, limit: int, tz: tzinfo | None,
                    known_names: Mapping[int, str] | None) -> list[NoteView]:
    def page(token: str | None = None) -> Awaitable[PaginatedResponse[Note]]:
        if kind == "person":
            return client.notes.list(person_id=PersonId(ident), page_size=PAGE_SIZE, page_token=token)
        if kind == "company":
            return client.notes.list(company_id=CompanyId(ident), page_size=PAGE_SIZE, page_token=token)
        return client.notes.list(opportunity_id=OpportunityId(ident), page_size=PAGE_SIZE, page_token=token)

    notes, _complete = await _pages(page, page)
    notes = [n for n in notes if n.parent_id is None]
    notes.sort(key=lambda n: (_as_utc(n.created_at), int(n.id)), reverse=True)
    notes = notes[: max(limit, 0)]
    names = await _names_for(client, (int(n.creator_id) for n in notes), known_names)
    views = []
    for n in notes:
        created = _as_utc(n.created_at)
        views.append(NoteView(n.id, names.get(int(n.creator_id)) or f"#{int(n.creator_id)}",
                              format_datetime(created, tz=tz), created, markdownish_to_text(n.content),
                              edited=n.updated_at is not None))
    return views


# ---- reminders -----------------------------------------------------------------------------
_STATUS_ORDER = {"overdue": 0, "active": 1, "completed": 2}


async def load_reminders(client: AsyncAffinity, kind: EntityKind, entity_id: EntityIdType, *,
                         tz: tzinfo | None = None, known_names: Mapping[int, str] | None = None,
                         lookup_names: bool = True) -> list[ReminderView]:
    """The entity's reminders: overdue (oldest first), active (soonest first), completed
    (latest first). Status is Affinity's own. Owners' names cost one request for the ids not in
    ``known_names`` (none when all are known, or with ``lookup_names=False``: then unknown owners
    show as ``#id`` and `with_owner_names` can fill them in later). Raises the SDK's errors (a
    failed name lookup is not one)."""
    ident = int(entity_id)

    def first() -> Awaitable[PaginatedResponse[Reminder]]:
        if kind == "person":
            return client.reminders.list(person_id=PersonId(ident), limit=PAGE_SIZE)
        if kind == "company":
            return client.reminders.list(company_id=CompanyId(ident), limit=PAGE_SIZE)
        return client.reminders.list(opportunity_id=OpportunityId(ident), limit=PAGE_SIZE)

    def more(cursor: str) -> Awaitable[PaginatedResponse[Reminder]]:
        return client.reminders.list(cursor=cursor)

    reminders, _complete = await _pages(first, more)
    owner_ids = [int(r.owner.id) for r in reminders if r.owner is not None]
    if lookup_names and owner_ids:
        names = await _names_for(client, owner_ids, known_names)
    else:
        names = {int(k): v for k, v in (known_names or {}).items()}
    views = [_reminder_view(r, names, tz) for r in reminders]

    def order(view: ReminderView) -> tuple[int, float]:
        stamp = view.due_at.timestamp()
        return _STATUS_ORDER[view.status], -stamp if view.status == "completed" else stamp

    views.sort(key=order)
    return views


def unnamed_owners(views: Sequence[ReminderView]) -> list[int]:
    """Owners shown as ``#id`` (their names were not known)."""
    return sorted({v.owner_id for v in views if v.owner_id is not None and v.owner_name == f"#{v.owner_id}"})


async def person_names(client: AsyncAffinity, ids: Iterable[int]) -> dict[int, str]:
    """Names of people by id, in one ``GET /v2/persons?ids=…`` (at most ``NAME_LOOKUP_MAX``).
    A failed lookup gives no names rather than an error."""
    return await _names_for(client, ids, None)


def with_owner_names(views: Sequence[ReminderView], names: Mapping[int, str]) -> list[ReminderView]:
    """``views`` with the owners' names from ``names`` where they were shown as ``#id``."""
    from dataclasses import replace

    out = []
    for view in views:
        owner = view.owner_id
        name = names.get(owner) if owner is not None and view.owner_name == f"#{owner}" else None
        out.append(replace(view, owner_name=name) if name else view)
    return out


def _reminder_view(r: Reminder, names: Mapping[int, str], tz: tzinfo | None) -> ReminderView:
    status = _enum_text(r.status)
    state: ReminderState = ("overdue" if status == "overdue" else
                            "completed" if status == "completed" else "active")
    due = _as_utc(r.due_date)
    owner_id = int(r.owner.id) if r.owner is not None else None
    owner = (names.get(owner_id) or f"#{owner_id}") if owner_id is not None else ""
    recurrence = f"every {r.recurrence.period_days} days" if r.recurrence is not None else ""
    completed = format_datetime(_as_utc(r.completed_at), tz=tz) if r.completed_at else ""
    return ReminderView(r.id, format_datetime(due, tz=tz), due, state, _text(r.content), owner_id, owner,
                        recurrence=recurrence, completed=completed)


# ---- interactions --------------------------------------------------------------------------
async def load_interactions(client: AsyncAffinity, kind: EntityKind, entity_id: EntityIdType,
                            now: datetime, *, limit: int = INTERACTIONS_LIMIT,
                            tz: tzinfo | None = None) -> list[InteractionView]:
    """Emails and meetings of the 365 days before ``now``, newest first, at most ``limit``.

    Two v1 requests (one per type, 100 each, concurrently). Affinity refuses an internal
    person (its people are external only): that gives an empty list, not an error. Raises
    the SDK's other errors.
    """
    end = _as_utc(now).replace(microsecond=0)
    start = end - INTERACTION_WINDOW
    ident = int(entity_id)

    async def of_type(kind_code: InteractionType) -> list[Interaction]:
        window: dict[str, Any] = {"type": kind_code, "start_time": start, "end_time": end,
                                  "page_size": PAGE_SIZE}
        if kind == "person":
            page = await client.interactions.list(person_id=PersonId(ident), **window)
        elif kind == "company":
            page = await client.interactions.list(company_id=CompanyId(ident), **window)
        else:
            page = await client.interactions.list(opportunity_id=OpportunityId(ident), **window)
        return list(page.data)

    try:
        emails, meetings = await asyncio.gather(of_type(InteractionType.EMAIL), of_type(InteractionType.MEETING))
    except sdk.ValidationError:
        if kind == "person":  # an internal person (Affinity: "person_id must be external")
            return []
        raise
    views = [_interaction_view(i, "email", tz) for i in emails]
    views += [_interaction_view(i, "meeting", tz) for i in meetings]
    views = [v for v in views if start <= v.at < end]
    views.sort(key=lambda v: (v.at, v.id), reverse=True)
    return views[: max(limit, 0)]


def _interaction_view(item: Interaction, kind: InteractionKind, tz: tzinfo | None) -> InteractionView:
    at = _as_utc(item.start_time or item.date) if kind == "meeting" else _as_utc(item.date)
    topic = _text(item.subject if kind == "email" else (item.title or item.subject))
    subject = topic or ("(no subject)" if kind == "email" else "(no title)")
    people = tuple(_summary_name(p) for p in item.persons)
    direction = ""
    if kind == "email" and item.direction is not None:
        direction = "sent" if int(item.direction) == 0 else "received"
    return InteractionView(int(item.id), kind, format_datetime(at, tz=tz), at, subject, people, direction)
