"""Writes: the few ways a client changes the tenant, with the API's validation rules.

Kept apart from the routes so that v1 and v2 share one set of rules (what a write body may
hold, how a ``{"type", "data"}`` write value becomes a compact store value) and so that every
change bumps `revision`, which invalidates cached search and saved-view results. The routes never
change the store themselves, deletes included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .store import ListEntry, Note, Reminder, TenantStore, FieldDef
from .wire import ApiError

_DISALLOWED_TAGS = re.compile(r"<\s*(img|script|iframe|style|blockquote|hr|s|pre|code|font)\b", re.I)
_DISALLOWED_ATTRS = re.compile(r"<[^>]+\s(style|class)\s*=", re.I)
ENTITY_KEYS = {"persons": "person", "companies": "company", "opportunities": "opportunity"}


class Writes:
    def __init__(self, store: TenantStore, now_iso: Callable[[], str]) -> None:
        self.store = store
        self.now_iso = now_iso
        self.revision = 0

    def _changed(self) -> None:
        self.revision += 1

    # ---- field values ------------------------------------------------------------------------
    def coerce(self, f: FieldDef, value: dict[str, Any]) -> Any:
        """A v2 write value (references: ``{"id"}``, ``{"dropdownOptionId"}``) -> compact value."""
        if f.kind in ("enriched", "relationship-intelligence"):
            raise ApiError(400, f"Field {f.id} ({f.name}) is read-only", param="value")
        vtype = value.get("type")
        if vtype != f.value_type:
            raise ApiError(400, f"Field {f.id} expects a {f.value_type} value, got {vtype}", param="value.type")
        data = value.get("data")
        if data is None:
            return None
        vt = f.value_type
        try:
            if vt in ("dropdown", "ranked-dropdown"):
                return self._option(f, data)
            if vt == "dropdown-multi":
                return [self._option(f, d) for d in _as_list(data)]
            if vt in ("person", "company"):
                return self._ref(vt, data)
            if vt in ("person-multi", "company-multi"):
                kind = vt.removesuffix("-multi")
                return [self._ref(kind, d) for d in _as_list(data)][:100]
            if vt in ("number",):
                if isinstance(data, bool) or not isinstance(data, (int, float)):
                    raise TypeError
                return data
            if vt == "number-multi":
                return [float(d) if isinstance(d, float) else int(d) for d in _as_list(data)]
            if vt in ("text", "filterable-text", "datetime"):
                if not isinstance(data, str):
                    raise TypeError
                return data
            if vt == "filterable-text-multi":
                return [str(d) for d in _as_list(data)]
            if vt == "location":
                return self._location(data)
            if vt == "location-multi":
                return [self._location(d) for d in _as_list(data)]
        except (TypeError, ValueError, KeyError):
            pass
        raise ApiError(400, f"Invalid data for a {vt} field", param="value.data")

    def _option(self, f: FieldDef, data: Any) -> int:
        oid = data.get("dropdownOptionId") if isinstance(data, dict) else data
        if not isinstance(oid, int) or f.option(oid) is None:
            raise ApiError(400, f"Unknown dropdown option {oid} for field {f.id}", param="value.data")
        return oid

    def _ref(self, kind: str, data: Any) -> int:
        ident = data.get("id") if isinstance(data, dict) else data
        pool = self.store.persons if kind == "person" else self.store.companies
        if not isinstance(ident, int) or ident not in pool:
            raise ApiError(400, f"Unknown {kind} {ident}", param="value.data")
        return ident

    def _location(self, data: Any) -> dict[str, Any]:
        keys = ("streetAddress", "city", "state", "country", "continent")
        if not isinstance(data, dict) or any(k not in data for k in keys):
            raise ValueError
        return {k: data[k] for k in keys}

    def set_entry_value(self, entry: ListEntry, f: FieldDef, value: dict[str, Any]) -> None:
        compact = self.coerce(f, value)
        if f.kind == "list":
            target = entry.values
        else:
            ent = self.store.entity(entry.entity_type, entry.entity_id)
            target = getattr(ent, "values")
        if compact is None or compact == []:
            target.pop(f.id, None)
        else:
            target[f.id] = compact
        self._changed()

    # ---- notes -------------------------------------------------------------------------------
    def _check_html(self, html: Any) -> str:
        if not isinstance(html, str) or not html.strip():
            raise ApiError(400, "content.html is required", param="content.html")
        if _DISALLOWED_TAGS.search(html) or _DISALLOWED_ATTRS.search(html):
            raise ApiError(400, "content.html holds a tag or attribute notes do not allow", param="content.html")
        return html

    def _refs(self, body: dict[str, Any], key: str) -> list[int]:
        kind = ENTITY_KEYS[key]
        out = []
        for item in body.get(key) or []:
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, int) or self.store.entity(kind, ident) is None:  # type: ignore[arg-type]
                raise ApiError(400, f"Unknown {kind} {ident}", param=key)
            out.append(ident)
        return out

    def create_note(self, body: Any) -> Note:
        if not isinstance(body, dict):
            raise ApiError(400, "The body must be a JSON object")
        ntype = body.get("type")
        content = body.get("content")
        html = self._check_html(content.get("html") if isinstance(content, dict) else None)
        creator = (body.get("creator") or {}).get("id") or self.store.current_user_id
        if ntype == "entities":
            persons, companies, opps = (self._refs(body, k) for k in ("persons", "companies", "opportunities"))
            if not (persons or companies or opps):
                raise ApiError(400, "An entities note needs at least one person, company or opportunity",
                               param="persons")
            parent = None
        elif ntype == "user-reply":
            parent_id = (body.get("parent") or {}).get("id")
            parent_note = self.store.notes.get(parent_id) if isinstance(parent_id, int) else None
            if parent_note is None or parent_note.parent_id is not None:
                raise ApiError(400, "parent.id must be a root note", param="parent.id")
            persons, companies, opps, parent = [], [], [], parent_note.id
        else:
            raise ApiError(400, "type must be entities or user-reply", param="type")
        mentions = [int(m) for m in re.findall(r'data-note-mention-person-id="(\d+)"', html)]
        note = Note(id=self.store.next_id("note"), type=ntype, html=html, creator_id=creator,
                    created_at=body.get("createdAt") or self.now_iso(), person_ids=persons,
                    company_ids=companies, opportunity_ids=opps, mention_ids=mentions, parent_id=parent)
        self.store.notes[note.id] = note
        self._changed()
        return note

    def update_note(self, note: Note, body: Any) -> None:
        if not isinstance(body, dict):
            raise ApiError(400, "The body must be a JSON object")
        if "content" in body:
            if note.mention_ids:
                raise ApiError(400, "A note with mentions cannot change its content", param="content")
            note.html = self._check_html((body.get("content") or {}).get("html"))
        for key, attr in (("persons", "person_ids"), ("companies", "company_ids"),
                          ("opportunities", "opportunity_ids")):
            if key in body:
                setattr(note, attr, self._refs(body, key))
        note.updated_at = self.now_iso()
        self._changed()

    def delete_note(self, note: Note) -> None:
        """A note and its replies (a reply never outlives its root note)."""
        doomed = {note.id} | {n.id for n in self.store.notes.values() if n.parent_id == note.id}
        for ident in doomed:
            del self.store.notes[ident]
        for it in self.store.interactions.values():
            if doomed.intersection(it.note_ids):
                it.note_ids = [i for i in it.note_ids if i not in doomed]
        self._changed()

    # ---- reminders ---------------------------------------------------------------------------
    def create_reminder(self, body: Any) -> Reminder:
        if not isinstance(body, dict):
            raise ApiError(400, "The body must be a JSON object")
        rtype = body.get("type")
        if rtype not in ("one-time", "recurring"):
            raise ApiError(400, "type must be one-time or recurring", param="type")
        owner = (body.get("owner") or {}).get("id")
        if not isinstance(owner, int) or self.store.persons.get(owner) is None \
                or self.store.persons[owner].type != "internal":
            raise ApiError(400, "owner.id must be an internal person", param="owner.id")
        entity = body.get("entity") or {}
        etype, eid = entity.get("type"), entity.get("id")
        if etype not in ("person", "company", "opportunity") or not isinstance(eid, int) \
                or self.store.entity(etype, eid) is None:
            raise ApiError(400, "entity must name an existing person, company or opportunity", param="entity")
        due = body.get("dueDate")
        recurrence = body.get("recurrence") if isinstance(body.get("recurrence"), dict) else None
        if rtype == "one-time" and not isinstance(due, str):
            raise ApiError(400, "dueDate is required for a one-time reminder", param="dueDate")
        if rtype == "recurring":
            if recurrence is None or not isinstance(recurrence.get("periodDays"), int) \
                    or not 1 <= recurrence["periodDays"] <= 3650:
                raise ApiError(400, "recurrence.periodDays (1..3650) is required", param="recurrence")
        now = self.now_iso()
        r = Reminder(id=self.store.next_id("reminder"), type=rtype, owner_id=owner,
                     creator_id=self.store.current_user_id, content=body.get("content"),
                     due_date=due if isinstance(due, str) else now, created_at=now,
                     person_id=eid if etype == "person" else None,
                     company_id=eid if etype == "company" else None,
                     opportunity_id=eid if etype == "opportunity" else None,
                     period_days=recurrence.get("periodDays") if recurrence else None,
                     reset_trigger=recurrence.get("resetTrigger") if recurrence else None)
        self.store.reminders[r.id] = r
        self._changed()
        return r

    def update_reminder(self, r: Reminder, body: Any) -> None:
        if not isinstance(body, dict):
            raise ApiError(400, "The body must be a JSON object")
        if "content" in body:
            r.content = body["content"]
        if "dueDate" in body:
            r.due_date = str(body["dueDate"])
        if "completedAt" in body:
            r.completed_at = body["completedAt"]
            r.completer_id = self.store.current_user_id if r.completed_at else None
        if isinstance(body.get("owner"), dict):
            r.owner_id = int(body["owner"]["id"])
        r.updated_at = self.now_iso()
        self._changed()

    def delete_reminder(self, r: Reminder) -> None:
        del self.store.reminders[r.id]
        self._changed()

    # ---- list membership (v1) ----------------------------------------------------------------
    def add_entry(self, list_id: int, body: Any) -> ListEntry:
        lst = self.store.lists[list_id]
        entity_id = body.get("entity_id") if isinstance(body, dict) else None
        if lst.type == "opportunity":
            raise ApiError(422, "Opportunities are added by creating an opportunity", param="entity_id")
        if not isinstance(entity_id, int) or self.store.entity(lst.type, entity_id) is None:
            raise ApiError(422, f"entity_id {entity_id} is not a {lst.type} of this instance", param="entity_id")
        creator = body.get("creator_id") or self.store.current_user_id
        entry = ListEntry(id=self.store.next_id("entry"), list_id=list_id, entity_type=lst.type,
                          entity_id=entity_id, creator_id=creator, created_at=self.now_iso())
        self.store.add_entry(entry)
        self._changed()
        return entry

    def remove_entry(self, entry: ListEntry) -> None:
        self.store.remove_entry(entry)
        if entry.entity_type == "opportunity":
            self.store.opportunities.pop(entry.entity_id, None)
        self._changed()


def _as_list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise TypeError
    return data
