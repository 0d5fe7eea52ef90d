"""Wire shapes: turn store records into the JSON the real Affinity API returns.

Two families live here because the API has two generations with different conventions:
v2 (camelCase, kebab-case enums, ``{"type", "data"}`` values, multi types ``null`` when empty)
and v1 (snake_case, integer enums, bare values). Shapes follow the 2024-01-01 OpenAPI document,
whose schemas forbid extra properties, so 2026 additions are added only when the request asked
for a 2026 API version (`modern=True`).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from typing import Any

from .store import (
    V1_LIST_TYPE,
    V1_VALUE_TYPE,
    AffinityList,
    Company,
    FieldDef,
    Interaction,
    ListEntry,
    Note,
    Opportunity,
    Person,
    Reminder,
    SavedView,
    TenantStore,
)


class V2:
    """v2 shapes, bound to a store (references expand to PersonData/CompanyData)."""

    def __init__(self, store: TenantStore, *, modern: bool = False, now_iso: str = "") -> None:
        self.store = store
        self.modern = modern
        self.now_iso = now_iso
        """The emulator's "now", which decides whether a reminder is overdue."""

    # ---- references ------------------------------------------------------------------------
    def person_data(self, pid: int) -> dict[str, Any] | None:
        p = self.store.persons.get(pid)
        if p is None:
            return None
        return {"id": p.id, "firstName": p.first_name, "lastName": p.last_name,
                "primaryEmailAddress": p.primary_email, "type": p.type}

    def company_data(self, cid: int) -> dict[str, Any] | None:
        c = self.store.companies.get(cid)
        if c is None:
            return None
        return {"id": c.id, "name": c.name, "domain": c.domain}

    # ---- field values ----------------------------------------------------------------------
    def value(self, f: FieldDef, compact: Any) -> dict[str, Any]:
        """The ``{"type", "data"}`` value of a field; multi types with no data are ``null``."""
        vt = f.value_type
        if compact is None or (isinstance(compact, list) and not compact):
            return {"type": vt, "data": None}
        data: Any
        if vt in ("dropdown", "ranked-dropdown"):
            data = self._option(f, compact)
        elif vt == "dropdown-multi":
            data = [self._option(f, o) for o in compact]
        elif vt == "person":
            data = self.person_data(compact)
        elif vt == "person-multi":
            data = [d for d in (self.person_data(p) for p in compact) if d is not None]
        elif vt == "company":
            data = self.company_data(compact)
        elif vt == "company-multi":
            data = [d for d in (self.company_data(c) for c in compact) if d is not None]
        elif vt == "formula-number":
            data = {"calculatedValue": compact}
        else:
            data = compact
        return {"type": vt, "data": data}

    def _option(self, f: FieldDef, option_id: int) -> dict[str, Any]:
        opt = f.option(option_id)
        if opt is None:
            return {"dropdownOptionId": option_id, "text": ""}
        if f.value_type == "ranked-dropdown":
            return {"dropdownOptionId": opt.id, "text": opt.text, "rank": opt.rank, "color": opt.color}
        return {"dropdownOptionId": opt.id, "text": opt.text}

    def field(self, f: FieldDef, compact: Any) -> dict[str, Any]:
        return {"id": f.id, "name": f.name, "type": f.kind, "enrichmentSource": f.enrichment_source,
                "value": self.value(f, compact)}

    def field_metadata(self, f: FieldDef, includes: Iterable[str] = ()) -> dict[str, Any]:
        out: dict[str, Any] = {"id": f.id, "name": f.name, "type": f.kind,
                               "enrichmentSource": f.enrichment_source, "valueType": f.value_type}
        inc = set(includes)
        if "filterability" in inc:
            out["filterability"] = filterability(f)
        if "sortability" in inc:
            out["sortability"] = {"sortable": f.value_type != "interaction"}
        return out

    # ---- entities --------------------------------------------------------------------------
    def person(self, p: Person, fields: list[FieldDef] | None) -> dict[str, Any]:
        out: dict[str, Any] = {"id": p.id, "firstName": p.first_name, "lastName": p.last_name,
                               "primaryEmailAddress": p.primary_email, "emailAddresses": list(p.emails),
                               "type": p.type}
        if fields is not None:
            out["fields"] = [self.field(f, p.values.get(f.id)) for f in fields]
        return out

    def company(self, c: Company, fields: list[FieldDef] | None) -> dict[str, Any]:
        out: dict[str, Any] = {"id": c.id, "name": c.name, "domain": c.domain, "domains": list(c.domains),
                               "isGlobal": c.is_global}
        if fields is not None:
            out["fields"] = [self.field(f, c.values.get(f.id)) for f in fields]
        return out

    def opportunity(self, o: Opportunity) -> dict[str, Any]:
        return {"id": o.id, "name": o.name, "listId": o.list_id}

    def list_record(self, lst: AffinityList, *, with_type: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"id": lst.id, "name": lst.name, "creatorId": lst.creator_id,
                               "ownerId": lst.owner_id, "isPublic": lst.is_public}
        if with_type:
            out["type"] = lst.type
        if self.modern:
            out["createdAt"] = lst.created_at
        return out

    def entry(self, e: ListEntry, fields: list[FieldDef] | None) -> dict[str, Any]:
        """A ``ListEntryWithEntity``: every field value sits in ``entity.fields``."""
        s = self.store
        entity: dict[str, Any]
        if e.entity_type == "opportunity":
            entity = self.opportunity(s.opportunities[e.entity_id])
            if fields is not None:
                entity["fields"] = [self.field(f, s.entry_value(e, f.id)) for f in fields]
        else:
            ent = s.entity(e.entity_type, e.entity_id)
            entity = (self.person(ent, None) if isinstance(ent, Person) else
                      self.company(ent, None) if isinstance(ent, Company) else {})
            if fields is not None:
                entity["fields"] = [self.field(f, s.entry_value(e, f.id)) for f in fields]
        return {"id": e.id, "listId": e.list_id, "type": e.entity_type, "createdAt": e.created_at,
                "creatorId": e.creator_id, "entity": entity}

    def entity_entry(self, e: ListEntry) -> dict[str, Any]:
        """A ``ListEntry`` as listed under ``/companies/{id}/list-entries`` (all fields, no entity)."""
        fields = self.store.list_fields(e.list_id)
        out: dict[str, Any] = {"id": e.id, "listId": e.list_id, "createdAt": e.created_at,
                               "creatorId": e.creator_id,
                               "fields": [self.field(f, self.store.entry_value(e, f.id)) for f in fields]}
        if self.modern:
            out["listName"] = self.store.lists[e.list_id].name
        return out

    def saved_view(self, v: SavedView) -> dict[str, Any]:
        return {"id": v.id, "name": v.name, "type": v.type, "createdAt": v.created_at}

    # ---- notes, reminders, interactions ----------------------------------------------------
    def note(self, n: Note) -> dict[str, Any]:
        creator = self.person_data(n.creator_id)
        out: dict[str, Any] = {
            "id": n.id, "type": n.type, "content": {"html": n.html}, "creator": creator,
            "mentions": [{"id": i + 1, "type": "person", "person": self.person_data(pid)}
                         for i, pid in enumerate(n.mention_ids)],
            "createdAt": n.created_at, "updatedAt": n.updated_at,
        }
        if n.parent_id is not None:
            out["parent"] = {"id": n.parent_id}
        if n.type in ("interaction", "ai-notetaker") and n.interaction_id is not None:
            out["interaction"] = {"id": n.interaction_id, "type": n.interaction_type or "meeting"}
        return out

    def reminder(self, r: Reminder) -> dict[str, Any]:
        def ref(i: int | None) -> dict[str, int] | None:
            return {"id": i} if i is not None else None

        return {
            "id": r.id, "type": r.type, "status": reminder_status(r, self.now_iso),
            "content": r.content, "dueDate": r.due_date,
            "recurrence": ({"periodDays": r.period_days, "resetTrigger": r.reset_trigger}
                           if r.type == "recurring" else None),
            "creator": {"id": r.creator_id}, "owner": {"id": r.owner_id},
            "completer": ref(r.completer_id), "person": ref(r.person_id),
            "company": ref(r.company_id), "opportunity": ref(r.opportunity_id),
            "createdAt": r.created_at, "updatedAt": r.updated_at, "completedAt": r.completed_at,
        }

    def attendee(self, pid: int) -> dict[str, Any]:
        p = self.store.persons.get(pid)
        return {"emailAddress": p.primary_email if p else None, "person": self.person_data(pid)}

    def email(self, it: Interaction) -> dict[str, Any]:
        sender = it.from_person_id or it.person_ids[0]
        to = [self.attendee(p) for p in it.person_ids if p != sender]
        return {"id": it.id, "sentAt": it.date, "loggingType": it.logging_type,
                "direction": it.direction or "sent", "subject": it.title, "createdAt": it.created_at,
                "updatedAt": None, "from": self.attendee(sender),
                "toParticipantsPreview": {"data": to, "totalCount": len(to)},
                "ccParticipantsPreview": {"data": [], "totalCount": 0}}

    def meeting(self, it: Interaction) -> dict[str, Any]:
        attendees = [self.attendee(p) for p in it.person_ids]
        organizer = self.attendee(it.person_ids[0]) if it.person_ids else None
        return {"id": it.id, "loggingType": it.logging_type, "title": it.title, "startTime": it.date,
                "endTime": it.end_time, "allDay": False, "creator": organizer, "organizer": organizer,
                "createdAt": it.created_at, "updatedAt": None,
                "attendeesPreview": {"data": attendees, "totalCount": len(attendees)}}


def reminder_status(r: Reminder, now_iso: str) -> str:
    if r.completed_at is not None and r.type == "one-time":
        return "completed"
    return "overdue" if now_iso and r.due_date < now_iso else "active"


_TEXT_FILTER_OPS = ["contains", "does-not-contain", "starts-with", "ends-with", "is-empty", "is-not-empty"]


def filterability(f: FieldDef) -> dict[str, Any] | None:
    """What the search endpoints let a client filter this field by (2026 ``includes``)."""
    from affinity.criteria import OPERATORS, filter_value_type

    ftype = filter_value_type(f.value_type)
    if ftype is None:
        return None
    return {"filterableFieldType": "value", "valueType": ftype,
            "operators": [{"id": op} for op in OPERATORS[ftype]]}


# ---- v1 ------------------------------------------------------------------------------------
V1_PERSON_TYPE = {"external": 0, "internal": 1, "collaborator": 2}


class V1:
    """v1 shapes: snake_case, integer enums, offset timestamps."""

    def __init__(self, store: TenantStore) -> None:
        self.store = store

    def person(self, p: Person, *, full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"id": p.id, "type": V1_PERSON_TYPE[p.type], "first_name": p.first_name,
                               "last_name": p.last_name, "primary_email": p.primary_email,
                               "emails": list(p.emails)}
        if full:
            s = self.store
            out["organization_ids"] = list(p.company_ids)
            out["current_organization_ids"] = list(p.company_ids)
            out["opportunity_ids"] = [o.id for o in s.opportunities.values() if p.id in o.person_ids]
            out["list_entries"] = [self.entry(e, with_entity=False) for e in s.entries_of("person", p.id)]
        return out

    def organization(self, c: Company, *, full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"id": c.id, "name": c.name, "domain": c.domain, "domains": list(c.domains),
                               "global": c.is_global}
        if full:
            s = self.store
            out["person_ids"] = list(c.person_ids)
            out["opportunity_ids"] = [o.id for o in s.opportunities.values() if c.id in o.company_ids]
            out["list_entries"] = [self.entry(e, with_entity=False) for e in s.entries_of("company", c.id)]
        return out

    def opportunity(self, o: Opportunity) -> dict[str, Any]:
        s = self.store
        return {"id": o.id, "name": o.name, "person_ids": list(o.person_ids),
                "organization_ids": list(o.company_ids),
                "list_entries": [self.entry(e, with_entity=False) for e in s.entries_of("opportunity", o.id)]}

    def entity(self, entity_type: str, entity_id: int) -> dict[str, Any]:
        s = self.store
        if entity_type == "person":
            return self.person(s.persons[entity_id])
        if entity_type == "company":
            return self.organization(s.companies[entity_id])
        o = s.opportunities[entity_id]
        return {"id": o.id, "name": o.name}

    def list_record(self, lst: AffinityList, *, full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"id": lst.id, "type": V1_LIST_TYPE[lst.type], "name": lst.name,
                               "public": lst.is_public, "owner_id": lst.owner_id,
                               "creator_id": lst.creator_id, "list_size": self.store.list_size(lst.id)}
        if full:
            out["additional_permissions"] = list(lst.additional_permissions)
            out["fields"] = [self.field(f) for f in self.store.fields.values() if f.list_id == lst.id]
        return out

    def entry(self, e: ListEntry, *, with_entity: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"id": e.id, "list_id": e.list_id, "creator_id": e.creator_id,
                               "entity_id": e.entity_id, "entity_type": V1_LIST_TYPE[e.entity_type],
                               "created_at": v1_time(e.created_at)}
        if with_entity:
            out["entity"] = self.entity(e.entity_type, e.entity_id)
        return out

    def field(self, f: FieldDef) -> dict[str, Any]:
        return {"id": f.v1_id, "name": f.name, "list_id": f.list_id,
                "enrichment_source": f.enrichment_source or "none",
                "value_type": V1_VALUE_TYPE.get(f.value_type, 6), "allows_multiple": f.is_multi,
                "track_changes": f.track_changes,
                "dropdown_options": [{"id": o.id, "text": o.text, "rank": o.rank, "color": _v1_color(o.color)}
                                     for o in f.options]}

    def field_value(self, f: FieldDef, item: Any, entity_id: int, entry_id: int | None,
                    ident: int) -> dict[str, Any]:
        """One v1 field-value row: one value (a multi-valued cell is several rows)."""
        value: Any = item
        if f.value_type in ("dropdown", "dropdown-multi"):
            opt = f.option(item)
            value = opt.text if opt else None
        elif f.value_type == "ranked-dropdown":
            opt = f.option(item)
            value = ({"id": opt.id, "text": opt.text, "rank": opt.rank, "color": _v1_color(opt.color)}
                     if opt else None)
        elif f.value_type == "datetime":
            value = v1_time(item)
        elif f.value_type in ("location", "location-multi") and isinstance(item, dict):
            value = {"street_address": item.get("streetAddress"), "city": item.get("city"),
                     "state": item.get("state"), "country": item.get("country"), "continent": item.get("continent")}
        return {"id": ident, "field_id": f.v1_id, "list_entry_id": entry_id, "entity_id": entity_id,
                "value_type": V1_VALUE_TYPE.get(f.value_type, 6),
                "created_at": "2023-01-01T00:00:00.000-08:00", "updated_at": None, "value": value}

    def note(self, n: Note) -> dict[str, Any]:
        return {"id": n.id, "creator_id": n.creator_id,
                "person_ids": sorted(set(n.person_ids) | set(n.mention_ids)),
                "associated_person_ids": list(n.person_ids), "interaction_person_ids": [],
                "interaction_id": n.interaction_id, "interaction_type": None, "is_meeting": False,
                "mentioned_person_ids": list(n.mention_ids), "organization_ids": list(n.company_ids),
                "opportunity_ids": list(n.opportunity_ids), "parent_id": n.parent_id,
                "content": html_to_markdownish(n.html), "type": 2,
                "created_at": v1_time(n.created_at), "updated_at": v1_time(n.updated_at) if n.updated_at else None}

    def reminder(self, r: Reminder, now_iso: str) -> dict[str, Any]:
        s = self.store
        status = {"completed": 0, "active": 1, "overdue": 2}[reminder_status(r, now_iso)]

        def person(pid: int | None) -> dict[str, Any] | None:
            return self.person(s.persons[pid]) if pid is not None and pid in s.persons else None

        return {"id": r.id, "type": 0 if r.type == "one-time" else 1, "created_at": v1_time(r.created_at),
                "completed_at": v1_time(r.completed_at) if r.completed_at else None,
                "content": r.content, "due_date": v1_time(r.due_date),
                "reset_type": {"interaction": 0, "email": 1, "event": 2}.get(r.reset_trigger or "", None),
                "reminder_days": r.period_days, "status": status,
                "creator": person(r.creator_id), "owner": person(r.owner_id), "completer": person(r.completer_id),
                "person": person(r.person_id),
                "organization": self.organization(s.companies[r.company_id]) if r.company_id else None,
                "opportunity": ({"id": r.opportunity_id, "name": s.opportunities[r.opportunity_id].name}
                                if r.opportunity_id else None)}

    def interaction(self, it: Interaction) -> dict[str, Any]:
        s = self.store
        persons = [self.person(s.persons[p]) for p in it.person_ids if p in s.persons]
        if it.kind == "email":
            sender = it.from_person_id or it.person_ids[0]
            return {"id": it.id, "type": 3, "date": v1_time(it.date), "subject": it.title,
                    "from": self.person(s.persons[sender]),
                    "to": [self.person(s.persons[p]) for p in it.person_ids if p != sender],
                    "cc": [], "direction": 0 if it.direction == "sent" else 1, "persons": persons,
                    "notes": list(it.note_ids)}
        kind = {"meeting": 0, "call": 1, "chat-message": 2}[it.kind]
        return {"id": it.id, "type": kind, "date": v1_time(it.date), "start_time": v1_time(it.date),
                "end_time": v1_time(it.end_time) if it.end_time else None, "updated_at": None,
                "manual_creator_id": it.manual_creator_id, "title": it.title,
                "attendees": [p["primary_email"] for p in persons if p["primary_email"]],
                "notes": list(it.note_ids), "persons": persons}


def v1_time(iso_z: str) -> str:
    """v1 timestamps carry milliseconds and an offset: ``2023-01-01T00:00:00.000+00:00``."""
    if iso_z.endswith("Z"):
        return iso_z[:-1] + ".000+00:00"
    return iso_z


def _v1_color(color: str | None) -> int | None:
    palette = ["gray", "blue", "green", "yellow", "orange", "red", "purple", "pink"]
    return palette.index(color) if color in palette else None


_TAG = re.compile(r"<[^>]+>")


def html_to_markdownish(html: str) -> str:
    """v1 returns HTML notes as Markdown-ish text (``**bold**``, ``* item``), as Affinity does."""
    text = html
    text = re.sub(r"</?(strong|b)>", "**", text)
    text = re.sub(r"</?(em|i)>", "*", text)
    text = re.sub(r"<li>", "\n* ", text)
    text = re.sub(r'<a href="([^"]*)">([^<]*)</a>', r"[\2](\1)", text)
    text = re.sub(r"</p>", "\n\n", text)
    text = re.sub(r"<br ?/?>", "\n", text)
    text = _TAG.sub("", text)
    return html_lib.unescape(text).strip()
