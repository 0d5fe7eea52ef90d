"""The v1 API (root paths such as ``/persons``): term searches, the v2-404 fallbacks, list
sizes, list membership, notes, reminders, interactions, fields, field values and relationship
strengths, in v1's snake_case shapes with page tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .route_host import RouteHost
from .serialize import V1, reminder_status
from .store import Company, EntityType, Interaction, ListEntry, Person, Reminder
from .v1_field_values import ENTITY_PARAMS, V1FieldValues
from .wire import ApiError, Query, json_response, not_found, page_v1, read_json

V1_INTERACTION_TYPES = {0: "meeting", 1: "call", 2: "chat-message", 3: "email"}
V1_INTERACTION_KEYS = {0: "events", 1: "events", 2: "chat_messages", 3: "emails"}


def _int(raw: str | None, what: str, status: int = 422) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise ApiError(status, f"{what} must be an integer", param=what) from None


def _parse_time(raw: str | None, what: str) -> datetime:
    if not raw:
        raise ApiError(422, f"{what} is required", param=what)
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise ApiError(422, f"{what} must be an ISO 8601 time", param=what) from None


class V1Routes:
    def __init__(self, emu: RouteHost) -> None:
        self.emu = emu
        self.field_values_v1 = V1FieldValues(emu.store, emu.writes)

    @property
    def v1(self) -> V1:
        return V1(self.emu.store)

    # ---- auth and limits -------------------------------------------------------------------
    async def whoami(self, request: Request) -> Response:
        s = self.emu.store
        me = s.persons[s.current_user_id]
        return json_response({
            "tenant": {"id": s.tenant.id, "name": s.tenant.name, "subdomain": s.tenant.subdomain},
            "user": {"id": me.id, "firstName": me.first_name, "lastName": me.last_name, "email": me.primary_email},
            "grant": {"type": "api_key", "scope": "external_api", "createdAt": "2024-01-15T10:00:00.000+00:00"},
        })

    async def rate_limit(self, request: Request) -> Response:
        snap = self.emu.limits.snapshot(self.emu.key_of(request))
        return json_response({"rate": {"org_monthly": snap["monthly"], "api_key_per_minute": snap["per_minute"]}})

    # ---- persons and organizations ---------------------------------------------------------
    def _interaction_dates(self, kind: EntityType, ent: Person | Company) -> dict[str, Any]:
        values = ent.values

        def when(fid: str) -> str | None:
            v = values.get(fid)
            if not isinstance(v, dict):
                return None
            return str(v.get("sentAt") or v.get("startTime"))

        return {"first_email_date": when("first-email"), "last_email_date": when("last-email"),
                "last_event_date": when("last-event"), "next_event_date": when("next-event"),
                "first_event_date": None, "last_chat_message_date": None,
                "last_interaction_date": when("last-contact")}

    def _search(self, request: Request, kind: Literal["person", "company"]) -> Response:
        q = Query.of(request)
        s = self.emu.store
        term = (q.get("term") or "").strip().lower()
        with_dates = q.bool("with_interaction_dates")
        pool: list[Any] = list((s.persons if kind == "person" else s.companies).values())
        if term:
            def hit(e: Any) -> bool:
                texts = ([e.full_name, *e.emails] if isinstance(e, Person) else [e.name, *e.domains])
                return any(term in t.lower() for t in texts if t)
            pool = [e for e in pool if hit(e)]
        if with_dates:
            pool = [e for e in pool if "last-contact" in e.values]
        chunk, token = page_v1(q, pool)
        deals = s.opportunity_ids_by(kind) if q.bool("with_opportunities") else None
        items = []
        for e in chunk:
            item = self.v1.person(e) if isinstance(e, Person) else self.v1.organization(e)
            if with_dates:
                item["interaction_dates"] = self._interaction_dates(kind, e)
            if isinstance(e, Person) and q.bool("with_current_organizations"):
                item["current_organization_ids"] = list(e.company_ids)
            if deals is not None:
                item["opportunity_ids"] = deals.get(e.id, [])
            items.append(item)
        key = "persons" if kind == "person" else "organizations"
        return json_response({key: items, "next_page_token": token})

    async def persons(self, request: Request) -> Response:
        return self._search(request, "person")

    async def organizations(self, request: Request) -> Response:
        return self._search(request, "company")

    async def person(self, request: Request) -> Response:
        ident = _int(request.path_params["id"], "person_id", 404)
        p = self.emu.store.persons.get(ident)
        if p is None:
            raise not_found("Person", ident)
        item = self.v1.person(p, full=True)
        if Query.of(request).bool("with_interaction_dates"):
            item["interaction_dates"] = self._interaction_dates("person", p)
        return json_response(item)

    async def organization(self, request: Request) -> Response:
        ident = _int(request.path_params["id"], "organization_id", 404)
        c = self.emu.store.companies.get(ident)
        if c is None:
            raise not_found("Organization", ident)
        item = self.v1.organization(c, full=True)
        if Query.of(request).bool("with_interaction_dates"):
            item["interaction_dates"] = self._interaction_dates("company", c)
        return json_response(item)

    async def opportunities(self, request: Request) -> Response:
        q = Query.of(request)
        term = (q.get("term") or "").strip().lower()
        pool = [o for o in self.emu.store.opportunities.values() if not term or term in o.name.lower()]
        chunk, token = page_v1(q, pool)
        return json_response({"opportunities": [self.v1.opportunity(o) for o in chunk], "next_page_token": token})

    async def opportunity(self, request: Request) -> Response:
        ident = _int(request.path_params["id"], "opportunity_id", 404)
        o = self.emu.store.opportunities.get(ident)
        if o is None:
            raise not_found("Opportunity", ident)
        return json_response(self.v1.opportunity(o))

    async def create_opportunity(self, request: Request) -> Response:
        opp = self.emu.writes.create_opportunity(read_json(await request.body()))
        return json_response(self.v1.opportunity(opp))

    async def entity_fields(self, request: Request) -> Response:
        kind: EntityType = "person" if request.url.path.startswith("/persons") else "company"
        return json_response([self.v1.field(f) for f in self.emu.store.entity_fields(kind) if f.kind == "global"])

    # ---- lists -----------------------------------------------------------------------------
    def _list_id(self, request: Request) -> int:
        ident = _int(request.path_params["list_id"], "list_id", 404)
        if ident not in self.emu.store.lists:
            raise not_found("List", ident)
        return ident

    async def lists(self, request: Request) -> Response:
        return json_response([self.v1.list_record(lst) for lst in self.emu.store.lists.values()])

    async def list_one(self, request: Request) -> Response:
        return json_response(self.v1.list_record(self.emu.store.lists[self._list_id(request)], full=True))

    async def list_entries(self, request: Request) -> Response:
        list_id = self._list_id(request)
        q = Query.of(request)
        entries = self.emu.store.list_entries(list_id)
        if q.get("page_size") is None and q.get("page_token") is None:
            return json_response([self.v1.entry(e) for e in entries])
        chunk, token = page_v1(q, entries)
        return json_response({"list_entries": [self.v1.entry(e) for e in chunk], "next_page_token": token})

    def _entry(self, list_id: int, raw: str) -> ListEntry:
        ident = _int(raw, "list_entry_id", 404)
        entry = self.emu.store.entries.get(ident)
        if entry is None or entry.list_id != list_id:
            raise not_found("List entry", ident)
        return entry

    async def list_entry(self, request: Request) -> Response:
        list_id = self._list_id(request)
        return json_response(self.v1.entry(self._entry(list_id, request.path_params["entry_id"])))

    async def add_list_entry(self, request: Request) -> Response:
        list_id = self._list_id(request)
        entry = self.emu.writes.add_entry(list_id, read_json(await request.body()))
        return json_response(self.v1.entry(entry))

    async def delete_list_entry(self, request: Request) -> Response:
        list_id = self._list_id(request)
        self.emu.writes.remove_entry(self._entry(list_id, request.path_params["entry_id"]))
        return json_response({"success": True})

    # ---- fields and field values -----------------------------------------------------------
    async def fields(self, request: Request) -> Response:
        q = Query.of(request)
        s = self.emu.store
        out = [f for f in s.fields.values() if f.kind in ("global", "list")]
        list_id = q.get("list_id")
        if list_id:
            out = [f for f in out if f.list_id == _int(list_id, "list_id")]
        etype = q.get("entity_type")
        if etype:
            want = {"0": "person", "1": "company", "8": "opportunity"}.get(etype)
            out = [f for f in out if f.entity_type == want]
        return json_response([self.v1.field(f) for f in out])

    async def field_values(self, request: Request) -> Response:
        q = Query.of(request)
        given = [(k, q.get(k)) for k in ("person_id", "organization_id", "opportunity_id", "list_entry_id")
                 if q.get(k)]
        if len(given) != 1:
            raise ApiError(422, "Exactly one of person_id, organization_id, opportunity_id or list_entry_id "
                                "is required", param="person_id")
        key, raw = given[0]
        return json_response(self.field_values_v1.rows(key, _int(raw, key)))

    async def create_field_value(self, request: Request) -> Response:
        return json_response(self.field_values_v1.create(read_json(await request.body())))

    async def update_field_value(self, request: Request) -> Response:
        ident = _int(request.path_params["field_value_id"], "field_value_id", 404)
        return json_response(self.field_values_v1.update(ident, read_json(await request.body())))

    async def delete_field_value(self, request: Request) -> Response:
        self.field_values_v1.delete(_int(request.path_params["field_value_id"], "field_value_id", 404))
        return json_response({"success": True})

    # ---- notes, reminders, interactions, relationship strengths ----------------------------
    async def notes(self, request: Request) -> Response:
        q = Query.of(request)
        s = self.emu.store
        notes = [n for n in s.notes.values() if n.parent_id is None]
        for key, kind in ENTITY_PARAMS.items():
            raw = q.get(key)
            if raw:
                ids = {n.id for n in s.notes_for(kind, _int(raw, key))}
                notes = [n for n in notes if n.id in ids]
        creator = q.get("creator_id")
        if creator:
            notes = [n for n in notes if n.creator_id == _int(creator, "creator_id")]
        chunk, token = page_v1(q, notes)
        return json_response({"notes": [self.v1.note(n) for n in chunk], "next_page_token": token})

    async def note(self, request: Request) -> Response:
        ident = _int(request.path_params["note_id"], "note_id", 404)
        n = self.emu.store.notes.get(ident)
        if n is None:
            raise not_found("Note", ident)
        return json_response(self.v1.note(n))

    async def reminders(self, request: Request) -> Response:
        q = Query.of(request)
        s = self.emu.store
        items = sorted(s.reminders.values(), key=lambda r: (r.due_date, r.id))
        now = self.emu.now_iso()
        filters = {"person_id": "person_id", "organization_id": "company_id", "opportunity_id": "opportunity_id",
                   "creator_id": "creator_id", "owner_id": "owner_id", "completer_id": "completer_id"}
        for param, attr in filters.items():
            raw = q.get(param)
            if raw:
                want = _int(raw, param)
                items = [r for r in items if getattr(r, attr) == want]
        status = q.get("status")
        if status:
            word = {"0": "completed", "1": "active", "2": "overdue"}.get(status)
            items = [r for r in items if reminder_status(r, now) == word]
        chunk, token = page_v1(q, items)
        return json_response({"reminders": [self.v1.reminder(r, now) for r in chunk], "next_page_token": token})

    def _reminder(self, request: Request) -> Reminder:
        ident = _int(request.path_params["reminder_id"], "reminder_id", 404)
        r = self.emu.store.reminders.get(ident)
        if r is None:
            raise not_found("Reminder", ident)
        return r

    async def reminder(self, request: Request) -> Response:
        return json_response(self.v1.reminder(self._reminder(request), self.emu.now_iso()))

    async def update_reminder(self, request: Request) -> Response:
        r = self._reminder(request)
        self.emu.writes.update_reminder_v1(r, read_json(await request.body()))
        return json_response(self.v1.reminder(r, self.emu.now_iso()))

    async def delete_reminder(self, request: Request) -> Response:
        self.emu.writes.delete_reminder(self._reminder(request), v1=True)
        return json_response({"success": True})

    async def interactions(self, request: Request) -> Response:
        """``GET /interactions``: type, start_time and end_time (<= 1 year) and one entity."""
        q = Query.of(request)
        s = self.emu.store
        kind_code = q.get("type")
        if kind_code is None or kind_code not in ("0", "1", "2", "3"):
            raise ApiError(422, "type is required (0 meeting, 1 call, 2 chat message, 3 email)", param="type")
        start = _parse_time(q.get("start_time"), "start_time")
        end = _parse_time(q.get("end_time"), "end_time")
        if end <= start:
            raise ApiError(422, "start_time must be before end_time", param="start_time")
        if end - start > timedelta(days=366):
            raise ApiError(422, "The time window may span at most one year", param="end_time")
        given = [(k, q.get(k)) for k in ENTITY_PARAMS if q.get(k)]
        if len(given) != 1:
            raise ApiError(422, "Exactly one of person_id, organization_id or opportunity_id is required",
                           param="person_id")
        key, raw = given[0]
        ident = _int(raw, key)
        kind = ENTITY_PARAMS[key]
        if kind == "person":
            person = s.persons.get(ident)
            if person is not None and person.type == "internal":
                raise ApiError(422, "person_id must be an external person", param="person_id")
            people = {ident}
        elif kind == "company":
            company = s.companies.get(ident)
            people = set(company.person_ids) if company else set()
        else:
            opp = s.opportunities.get(ident)
            people = set(opp.person_ids) if opp else set()
        want = V1_INTERACTION_TYPES[int(kind_code)]
        if start.tzinfo is None or end.tzinfo is None:
            raise ApiError(422, "start_time and end_time need a UTC offset", param="start_time")

        def in_window(it: Interaction) -> bool:
            # Compare instants, not strings: the request may use any UTC offset.
            when = datetime.fromisoformat(it.date.replace("Z", "+00:00"))
            return start <= when < end

        items = sorted((it for it in s.interactions.values()
                        if it.kind == want and people.intersection(it.person_ids) and in_window(it)),
                       key=lambda it: (it.date, it.id), reverse=True)
        chunk, token = page_v1(q, items, default_size=100, max_size=100)
        return json_response({V1_INTERACTION_KEYS[int(kind_code)]: [self.v1.interaction(i) for i in chunk],
                              "next_page_token": token})

    async def relationship_strengths(self, request: Request) -> Response:
        q = Query.of(request)
        external = _int(q.get("external_id"), "external_id")
        internal = q.get("internal_id")
        out = [{"internal_id": i, "external_id": e, "strength": v}
               for (i, e), v in self.emu.store.relationship_strengths.items()
               if e == external and (internal is None or i == _int(internal, "internal_id"))]
        return json_response(out)

    def routes(self) -> list[Route]:
        r = Route
        return [
            r("/auth/whoami", self.whoami),
            r("/rate-limit", self.rate_limit),
            r("/persons", self.persons),
            r("/persons/fields", self.entity_fields),
            r("/persons/{id}", self.person),
            r("/organizations", self.organizations),
            r("/organizations/fields", self.entity_fields),
            r("/organizations/{id}", self.organization),
            r("/opportunities", self.opportunities),
            r("/opportunities", self.create_opportunity, methods=["POST"]),
            r("/opportunities/{id}", self.opportunity),
            r("/lists", self.lists),
            r("/lists/{list_id}", self.list_one),
            r("/lists/{list_id}/list-entries", self.list_entries),
            r("/lists/{list_id}/list-entries", self.add_list_entry, methods=["POST"]),
            r("/lists/{list_id}/list-entries/{entry_id}", self.list_entry),
            r("/lists/{list_id}/list-entries/{entry_id}", self.delete_list_entry, methods=["DELETE"]),
            r("/fields", self.fields),
            r("/field-values", self.field_values),
            r("/field-values", self.create_field_value, methods=["POST"]),
            r("/field-values/{field_value_id}", self.update_field_value, methods=["PUT"]),
            r("/field-values/{field_value_id}", self.delete_field_value, methods=["DELETE"]),
            r("/notes", self.notes),
            r("/notes/{note_id}", self.note),
            r("/reminders", self.reminders),
            r("/reminders/{reminder_id}", self.reminder),
            r("/reminders/{reminder_id}", self.update_reminder, methods=["PUT"]),
            r("/reminders/{reminder_id}", self.delete_reminder, methods=["DELETE"]),
            r("/interactions", self.interactions),
            r("/relationships-strengths", self.relationship_strengths),
        ]
