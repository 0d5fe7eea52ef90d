"""Writes: the ways a client changes the tenant, with the API's validation rules.

Kept apart from the routes so that v1 and v2 share one set of rules and so that every change
bumps `revision`, which invalidates cached search and saved-view results. The routes never
change the store themselves, deletes included. Every write checks the whole request before it
changes anything: a refused write (400 on v2, 422 on v1) leaves the tenant as it was.

What Affinity does beyond storing the value, the emulator does too: an association field
(``companies``/``persons`` on a list entry) changes the record's associations, seen from both
sides; deleting an opportunity's list entry deletes the opportunity (and its reminders);
deleting a note deletes its replies; completing a recurring reminder starts its period again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from . import write_values
from .store import Company, EntityType, FieldDef, ListEntry, Note, Opportunity, Person, Reminder, TenantStore
from .wire import ApiError

_DISALLOWED_TAGS = re.compile(r"<\s*(img|script|iframe|style|blockquote|hr|s|pre|code|font)\b", re.I)
_DISALLOWED_ATTRS = re.compile(r"<[^>]+\s(style|class)\s*=", re.I)
_MENTION = re.compile(r'data-note-mention-person-id="(\d+)"')
ENTITY_KEYS: dict[str, EntityType] = {"persons": "person", "companies": "company", "opportunities": "opportunity"}
ASSOCIATION_FIELDS = {"companies": "company_ids", "persons": "person_ids"}
"""List fields that are a record's associations (``Organizations``/``People`` columns)."""
RESET_TRIGGERS = ("interaction", "email", "event")
V1_RESET_TRIGGERS = {0: "interaction", 1: "email", 2: "event"}
MAX_PERIOD_DAYS = 3650


class Writes:
    def __init__(self, store: TenantStore, now_iso: Callable[[], str]) -> None:
        self.store = store
        self.now_iso = now_iso
        self.revision = 0

    def _changed(self) -> None:
        self.revision += 1

    # ---- field values ------------------------------------------------------------------------
    def set_entry_value(self, entry: ListEntry, f: FieldDef, value: Any) -> None:
        """``POST .../fields/{fieldId}``: one v2 value."""
        self.put_value(entry.entity_type, entry.entity_id, entry, f, write_values.from_v2(self.store, f, value))

    def set_entry_values(self, entry: ListEntry, updates: list[tuple[FieldDef, Any]]) -> None:
        """``PATCH .../fields``: all or nothing, every value checked before any is stored."""
        compact = [(f, write_values.from_v2(self.store, f, value)) for f, value in updates]
        for f, c in compact:
            self.put_value(entry.entity_type, entry.entity_id, entry, f, c)

    def put_value(self, entity_type: EntityType, entity_id: int, entry: ListEntry | None, f: FieldDef,
                  compact: Any) -> None:
        """Store one field's checked compact value (``None`` or ``[]`` clears it): a list field
        on `entry`, any other on the entity."""
        values = self._values_of(entity_type, entity_id, entry, f)
        _put(values, f.id, compact)
        if f.kind == "list" and f.id in ASSOCIATION_FIELDS:
            self._associate(entity_type, entity_id, f.id, list(compact or []))
        self._changed()

    def _values_of(self, entity_type: EntityType, entity_id: int, entry: ListEntry | None,
                   f: FieldDef) -> dict[str, Any]:
        if f.kind == "list":
            if entry is None:
                raise ApiError(422, f"Field {f.v1_id} is a list field: list_entry_id is required",
                               param="list_entry_id")
            return entry.values
        ent = self.store.entity(entity_type, entity_id)
        if not isinstance(ent, (Person, Company)):
            raise ApiError(422, f"{entity_type} {entity_id} has no field {f.id}", param="entity_id")
        return ent.values

    def _associate(self, entity_type: EntityType, entity_id: int, field_id: str, ids: list[int]) -> None:
        """An association field was written: the record's associations follow, and so do the
        other side's (a person's companies are the companies' persons) and every list entry
        that shows them."""
        s = self.store
        ent = s.entity(entity_type, entity_id)
        attr = ASSOCIATION_FIELDS[field_id]
        if ent is None or not hasattr(ent, attr):
            return
        old = set(getattr(ent, attr))
        setattr(ent, attr, list(ids))
        self._mirror(entity_type, entity_id, field_id, ids)
        if isinstance(ent, (Person, Company)):
            other_kind: EntityType = "company" if isinstance(ent, Person) else "person"
            back_attr, back_field = (("person_ids", "persons") if isinstance(ent, Person)
                                     else ("company_ids", "companies"))
            for other_id in old ^ set(ids):
                other = s.entity(other_kind, other_id)
                links: list[int] = getattr(other, back_attr)
                if other_id in ids and entity_id not in links:
                    links.append(entity_id)
                elif other_id not in ids and entity_id in links:
                    links.remove(entity_id)
                self._mirror(other_kind, other_id, back_field, links)

    def _mirror(self, entity_type: EntityType, entity_id: int, field_id: str, ids: list[int]) -> None:
        for entry in self.store.entries_of(entity_type, entity_id):
            if (entity_type, entry.list_id, field_id) in self.store.fields:
                _put(entry.values, field_id, list(ids))

    # ---- notes -------------------------------------------------------------------------------
    def _check_html(self, html: Any) -> str:
        if not isinstance(html, str) or not html.strip():
            raise ApiError(400, "content.html is required", param="content.html")
        if _DISALLOWED_TAGS.search(html) or _DISALLOWED_ATTRS.search(html):
            raise ApiError(400, "content.html holds a tag or attribute notes do not allow", param="content.html")
        return html

    def _refs(self, body: dict[str, Any], key: str) -> list[int]:
        kind = ENTITY_KEYS[key]
        items = body.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            raise ApiError(400, f"{key} must be a list of {{id}}", param=key)
        out = []
        for item in items:
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, int) or self.store.entity(kind, ident) is None:
                raise ApiError(400, f"Unknown {kind} {ident}", param=key)
            out.append(ident)
        return out

    def create_note(self, body: Any) -> Note:
        body = _object(body, 400)
        ntype = body.get("type")
        content = body.get("content")
        html = self._check_html(content.get("html") if isinstance(content, dict) else None)
        creator = self._internal_person(body.get("creator"), "creator.id", default=self.store.current_user_id)
        created = body.get("createdAt")
        created_at = write_values.normalize_datetime(created) if created is not None else self.now_iso()
        if created_at is None:
            raise ApiError(400, "createdAt must be an ISO 8601 date-time", param="createdAt")
        persons, companies, opps = (self._refs(body, k) for k in ENTITY_KEYS)
        parent: int | None = None
        interaction: tuple[int, str] | None = None
        if ntype == "entities":
            if not (persons or companies or opps):
                raise ApiError(400, "An entities note needs at least one person, company or opportunity",
                               param="persons")
        elif ntype == "user-reply":
            parent_id = (body.get("parent") or {}).get("id") if isinstance(body.get("parent"), dict) else None
            parent_note = self.store.notes.get(parent_id) if isinstance(parent_id, int) else None
            if parent_note is None or parent_note.parent_id is not None:
                raise ApiError(400, "parent.id must be a root note", param="parent.id")
            if persons or companies or opps:
                raise ApiError(400, "A reply has no persons, companies or opportunities of its own",
                               param="persons")
            parent = parent_note.id
        elif ntype == "interaction":
            ref = body.get("interaction") if isinstance(body.get("interaction"), dict) else {}
            it_id = ref.get("id")
            it = self.store.interactions.get(it_id) if isinstance(it_id, int) else None
            if it is None or it.kind != ref.get("type"):
                raise ApiError(400, "interaction must name an existing {type, id}", param="interaction")
            interaction = (it.id, it.kind)
        else:
            raise ApiError(400, "type must be entities, interaction or user-reply", param="type")
        note = Note(id=self.store.next_id("note"), type=ntype, html=html, creator_id=creator,
                    created_at=created_at, person_ids=persons, company_ids=companies, opportunity_ids=opps,
                    mention_ids=[int(m) for m in _MENTION.findall(html)], parent_id=parent,
                    interaction_id=interaction[0] if interaction else None,
                    interaction_type=interaction[1] if interaction else None)
        self.store.notes[note.id] = note
        if interaction:
            self.store.interactions[interaction[0]].note_ids.append(note.id)
        self._changed()
        return note

    def update_note(self, note: Note, body: Any) -> None:
        """Content and attachments (each list replaces that kind; a root note keeps at least
        one attachment, a reply has none)."""
        body = _object(body, 400)
        html = None
        if "content" in body:
            if note.mention_ids:
                raise ApiError(400, "A note with mentions cannot change its content", param="content")
            content = body.get("content")
            html = self._check_html(content.get("html") if isinstance(content, dict) else None)
        attached = {key: self._refs(body, key) for key in ENTITY_KEYS if key in body}
        if attached and note.parent_id is not None:
            raise ApiError(400, "A reply has no persons, companies or opportunities of its own", param="persons")
        after = {key: attached.get(key, getattr(note, f"{ENTITY_KEYS[key]}_ids")) for key in ENTITY_KEYS}
        if attached and note.type == "entities" and not any(after.values()):
            raise ApiError(400, "An entities note needs at least one person, company or opportunity",
                           param="persons")
        if html is not None:
            note.html = html
        for key, ids in attached.items():
            setattr(note, f"{ENTITY_KEYS[key]}_ids", ids)
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
    def _internal_person(self, ref: Any, param: str, *, default: int | None = None, status: int = 400) -> int:
        if ref is None and default is not None:
            return default
        ident = ref.get("id") if isinstance(ref, dict) else ref
        person = self.store.persons.get(ident) if isinstance(ident, int) else None
        if person is None or person.type != "internal":
            raise ApiError(status, f"{param} must be an internal person (a user of this team)", param=param)
        return person.id

    def _when(self, raw: Any, param: str, *, status: int = 400, v1: bool = False) -> str:
        when = write_values.normalize_datetime(raw, v1=v1)
        if when is None:
            raise ApiError(status, f"{param} must be an ISO 8601 date-time", param=param)
        return when

    def create_reminder(self, body: Any) -> Reminder:
        body = _object(body, 400)
        rtype = body.get("type")
        if rtype not in ("one-time", "recurring"):
            raise ApiError(400, "type must be one-time or recurring", param="type")
        owner = self._internal_person(body.get("owner"), "owner.id")
        entity = body.get("entity") if isinstance(body.get("entity"), dict) else {}
        etype: EntityType | None = next((k for k in ENTITY_KEYS.values() if k == entity.get("type")), None)
        eid = entity.get("id")
        if etype is None or not isinstance(eid, int) or self.store.entity(etype, eid) is None:
            raise ApiError(400, "entity must name an existing person, company or opportunity", param="entity")
        content = body.get("content")
        if content is not None and not isinstance(content, str):
            raise ApiError(400, "content must be text", param="content")
        due = self._when(body["dueDate"], "dueDate") if body.get("dueDate") is not None else None
        period, trigger = None, None
        if rtype == "one-time" and due is None:
            raise ApiError(400, "dueDate is required for a one-time reminder", param="dueDate")
        if rtype == "recurring":
            period, trigger = self._recurrence(body.get("recurrence"), required=True)
        now = self.now_iso()
        r = Reminder(id=self.store.next_id("reminder"), type=rtype, owner_id=owner,
                     creator_id=self.store.current_user_id, content=content,
                     due_date=due or _plus_days(now, period or 0), created_at=now,
                     person_id=eid if etype == "person" else None,
                     company_id=eid if etype == "company" else None,
                     opportunity_id=eid if etype == "opportunity" else None,
                     period_days=period, reset_trigger=trigger)
        self.store.reminders[r.id] = r
        self._changed()
        return r

    def _recurrence(self, raw: Any, *, required: bool) -> tuple[int | None, str | None]:
        if not isinstance(raw, dict):
            if required:
                raise ApiError(400, "recurrence {periodDays, resetTrigger} is required", param="recurrence")
            return None, None
        period, trigger = raw.get("periodDays"), raw.get("resetTrigger")
        if (required or period is not None) and not (isinstance(period, int) and 1 <= period <= MAX_PERIOD_DAYS):
            raise ApiError(400, f"recurrence.periodDays must be 1..{MAX_PERIOD_DAYS}", param="recurrence.periodDays")
        if (required or trigger is not None) and trigger not in RESET_TRIGGERS:
            raise ApiError(400, f"recurrence.resetTrigger must be one of {', '.join(RESET_TRIGGERS)}",
                           param="recurrence.resetTrigger")
        return period, trigger

    def _may_change(self, r: Reminder) -> None:
        """On v2 only a reminder's creator or owner may change or delete it."""
        me = self.store.current_user_id
        if me not in (r.creator_id, r.owner_id):
            raise ApiError(403, "Only the reminder's creator or owner may change it", code="authorization")

    def update_reminder(self, r: Reminder, body: Any) -> None:
        """``POST /v2/reminders/{id}``: owner, content (null clears), dueDate, recurrence and
        completedAt (a time completes it, null reopens a one-time reminder)."""
        self._may_change(r)
        body = _object(body, 400)
        owner = self._internal_person(body["owner"], "owner.id") if "owner" in body else None
        if "content" in body and body["content"] is not None and not isinstance(body["content"], str):
            raise ApiError(400, "content must be text or null", param="content")
        due = self._when(body["dueDate"], "dueDate") if "dueDate" in body else None
        period, trigger = None, None
        if "recurrence" in body:
            if r.type != "recurring":
                raise ApiError(400, "Only a recurring reminder has a recurrence", param="recurrence")
            period, trigger = self._recurrence(body["recurrence"], required=False)
        completed = body.get("completedAt")
        completed_at = self._when(completed, "completedAt") if completed is not None else None
        if owner is not None:
            r.owner_id = owner
        if "content" in body:
            r.content = body["content"]
        if due is not None:
            r.due_date = due
        r.period_days = period or r.period_days
        r.reset_trigger = trigger or r.reset_trigger
        if "completedAt" in body:
            self._complete(r, completed_at)
        r.updated_at = self.now_iso()
        self._changed()

    def update_reminder_v1(self, r: Reminder, body: Any) -> None:
        """v1 ``PUT /reminders/{id}`` (the SDK's way to change a reminder's type, and its retry
        when v2 refuses): type, owner_id, content, due_date, reset_type, reminder_days,
        is_completed. v1 states no creator-or-owner rule."""
        body = _object(body, 422)
        rtype = r.type
        if "type" in body:
            if body["type"] not in (0, 1):
                raise ApiError(422, "type must be 0 (one-time) or 1 (recurring)", param="type")
            rtype = "one-time" if body["type"] == 0 else "recurring"
        owner = (self._internal_person(body["owner_id"], "owner_id", status=422) if "owner_id" in body else None)
        content = body.get("content")
        if content is not None and not isinstance(content, str):
            raise ApiError(422, "content must be text", param="content")
        due = self._when(body["due_date"], "due_date", status=422, v1=True) if "due_date" in body else None
        trigger = r.reset_trigger
        if "reset_type" in body:
            if body["reset_type"] not in V1_RESET_TRIGGERS:
                raise ApiError(422, "reset_type must be 0, 1 or 2", param="reset_type")
            trigger = V1_RESET_TRIGGERS[body["reset_type"]]
        period = body.get("reminder_days", r.period_days)
        if rtype == "recurring":
            if not (isinstance(period, int) and 1 <= period <= MAX_PERIOD_DAYS):
                raise ApiError(422, f"reminder_days (1..{MAX_PERIOD_DAYS}) is required for a recurring reminder",
                               param="reminder_days")
            if trigger is None:
                raise ApiError(422, "reset_type is required for a recurring reminder", param="reset_type")
        completed = body.get("is_completed")
        if completed is not None and not isinstance(completed, bool):
            raise ApiError(422, "is_completed must be a boolean", param="is_completed")
        r.type = rtype
        r.period_days, r.reset_trigger = (period, trigger) if rtype == "recurring" else (None, None)
        if rtype == "recurring":
            r.completed_at, r.completer_id = None, None
        if owner is not None:
            r.owner_id = owner
        if content is not None:
            r.content = content
        if due is not None:
            r.due_date = due
        if completed is not None:
            self._complete(r, self.now_iso() if completed else None)
        r.updated_at = self.now_iso()
        self._changed()

    def _complete(self, r: Reminder, when: str | None) -> None:
        """A one-time reminder is completed (or reopened, ``None``); a recurring one is never
        completed: it starts its period again, due that many days after now."""
        if r.type == "one-time":
            r.completed_at = when
            r.completer_id = self.store.current_user_id if when else None
        elif when is not None:
            r.due_date = _plus_days(self.now_iso(), r.period_days or 1)

    def delete_reminder(self, r: Reminder, *, v1: bool = False) -> None:
        if not v1:
            self._may_change(r)
        del self.store.reminders[r.id]
        self._changed()

    # ---- list membership (v1) ----------------------------------------------------------------
    def add_entry(self, list_id: int, body: Any) -> ListEntry:
        """``POST /lists/{id}/list-entries``: an entity already on the list gets a second entry."""
        lst = self.store.lists[list_id]
        body = _object(body, 422)
        entity_id = body.get("entity_id")
        if lst.type == "opportunity":
            raise ApiError(422, "Opportunities are added by creating an opportunity", param="entity_id")
        if not isinstance(entity_id, int) or self.store.entity(lst.type, entity_id) is None:
            raise ApiError(422, f"entity_id {entity_id} is not a {lst.type} of this instance", param="entity_id")
        creator = (self._internal_person(body["creator_id"], "creator_id", status=422)
                   if body.get("creator_id") is not None else self.store.current_user_id)
        entry = ListEntry(id=self.store.next_id("entry"), list_id=list_id, entity_type=lst.type,
                          entity_id=entity_id, creator_id=creator, created_at=self.now_iso())
        self.store.add_entry(entry)
        self._changed()
        return entry

    def create_opportunity(self, body: Any) -> Opportunity:
        """v1 ``POST /opportunities``: a new opportunity on an opportunity list, with its list
        entry (the only way an opportunity gets onto a list), associated with the persons and
        organizations given; the association fields of its entry show them."""
        s = self.store
        body = _object(body, 422)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ApiError(422, "name is required", param="name")
        list_id = body.get("list_id")
        lst = s.lists.get(list_id) if isinstance(list_id, int) else None
        if lst is None or lst.type != "opportunity":
            raise ApiError(422, f"list_id {list_id} is not an opportunity list", param="list_id")
        refs: dict[str, list[int]] = {}
        kinds: tuple[tuple[str, EntityType], ...] = (("person_ids", "person"), ("organization_ids", "company"))
        for key, kind in kinds:
            ids = body.get(key, [])
            if not isinstance(ids, list) or not all(isinstance(i, int) and s.entity(kind, i) is not None
                                                    for i in ids):
                raise ApiError(422, f"{key} must name existing {kind} ids", param=key)
            refs[key] = list(dict.fromkeys(ids))
        now = self.now_iso()
        opp = Opportunity(id=s.next_id("opportunity"), name=name, list_id=lst.id, created_at=now)
        s.opportunities[opp.id] = opp
        entry = ListEntry(id=s.next_id("entry"), list_id=lst.id, entity_type="opportunity", entity_id=opp.id,
                          creator_id=s.current_user_id, created_at=now)
        s.add_entry(entry)
        for key, field_id in (("person_ids", "persons"), ("organization_ids", "companies")):
            opp_attr = ASSOCIATION_FIELDS[field_id]
            setattr(opp, opp_attr, refs[key])
            if (lst.type, lst.id, field_id) in s.fields:
                _put(entry.values, field_id, list(refs[key]))
        self._changed()
        return opp

    def remove_entry(self, entry: ListEntry) -> None:
        """The entry and its list field values; on an opportunity list the opportunity too,
        with its reminders, and notes no longer name it."""
        s = self.store
        s.remove_entry(entry)
        if entry.entity_type == "opportunity":
            opp = s.opportunities.pop(entry.entity_id, None)
            if isinstance(opp, Opportunity):
                for rid in [r.id for r in s.reminders.values() if r.opportunity_id == opp.id]:
                    del s.reminders[rid]
                for note in s.notes.values():
                    if opp.id in note.opportunity_ids:
                        note.opportunity_ids = [i for i in note.opportunity_ids if i != opp.id]
        self._changed()


def _object(body: Any, status: int) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(status, "The body must be a JSON object")
    return body


def _put(values: dict[str, Any], field_id: str, compact: Any) -> None:
    if compact is None or compact == []:
        values.pop(field_id, None)
    else:
        values[field_id] = compact


def _plus_days(iso_z: str, days: int) -> str:
    when = datetime.strptime(iso_z, "%Y-%m-%dT%H:%M:%SZ") + timedelta(days=days)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
