"""The v2 API (``/v2/...``): every endpoint affinity-sdk 2.0.6 calls, and every path of the
published 2024-01-01 OpenAPI document, answered from the `TenantStore`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import filter_query, search_criteria
from .query_shared import SearchError
from .route_host import RouteHost
from .serialize import V2
from .store import (
    DROPDOWN_TYPES,
    Company,
    EntityType,
    FieldDef,
    ListEntry,
    Note,
    Person,
    Reminder,
    TenantStore,
)
from .wire import ApiError, Query, json_response, no_content, not_found, page_v2, paged_body, read_json

Handler = Callable[[Request], Awaitable[Response]]
T = TypeVar("T")

ENTITY_FIELD_TYPES = ("enriched", "global", "relationship-intelligence")
LIST_FIELD_TYPES = ("enriched", "global", "list", "relationship-intelligence")


def _int(raw: str, what: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, f"{what} must be an integer", param=what) from None


class V2Routes:
    """Route handlers bound to one emulator."""

    def __init__(self, emu: RouteHost) -> None:
        self.emu = emu

    @property
    def store(self) -> TenantStore:
        return self.emu.store

    def v2(self, request: Request) -> V2:
        version = request.headers.get("x-affinity-api-version", "")
        return V2(self.emu.store, modern=version.startswith("2026") or version == "current",
                  now_iso=self.emu.now_iso())

    # ---- field selection -------------------------------------------------------------------
    def select_fields(self, q: Query, available: list[FieldDef], allowed_types: Sequence[str]) -> list[FieldDef] | None:
        """``fieldIds``/``fieldTypes`` choose fields; with neither, no field data at all."""
        ids = q.getlist("fieldIds")
        types = q.getlist("fieldTypes")
        if not ids and not types:
            return None
        for t in types:
            if t not in allowed_types:
                raise ApiError(400, f"fieldTypes must be one of: {', '.join(allowed_types)}", param="fieldTypes")
        by_id = {f.id: f for f in available}
        wanted: set[str] = set()
        for raw in ids:
            fid = f"field-{raw}" if raw.isdigit() else raw
            if fid not in by_id:
                raise ApiError(400, f"Unknown field id {raw}", param="fieldIds")
            wanted.add(fid)
        return [f for f in available if f.id in wanted or f.kind in types]

    # ---- auth and limits -------------------------------------------------------------------
    async def whoami(self, request: Request) -> Response:
        s = self.store
        me = s.persons[s.current_user_id]
        return json_response({
            "tenant": {"id": s.tenant.id, "name": s.tenant.name, "subdomain": s.tenant.subdomain},
            "user": {"id": me.id, "firstName": me.first_name, "lastName": me.last_name,
                     "emailAddress": me.primary_email},
            "grant": {"type": "api-key", "scopes": ["api"], "createdAt": "2024-01-15T10:00:00Z"},
        })

    async def rate_limit(self, request: Request) -> Response:
        snap = self.emu.limits.snapshot(self.emu.key_of(request))
        return json_response({"callerPerMinute": snap["per_minute"], "orgPerMonth": snap["monthly"]})

    # ---- companies and persons -------------------------------------------------------------
    def _entity_kind(self, request: Request) -> EntityType:
        return "company" if request.url.path.startswith("/v2/companies") else "person"

    def _entity(self, kind: EntityType, raw: str) -> Person | Company:
        ident = _int(raw, f"{kind}Id")
        ent: Person | Company | None = (self.store.persons.get(ident) if kind == "person"
                                        else self.store.companies.get(ident))
        if ent is None:
            raise not_found("Company" if kind == "company" else "Person", ident)
        return ent

    def _render(self, ser: V2, ent: Person | Company, fields: list[FieldDef] | None) -> dict[str, Any]:
        return ser.person(ent, fields) if isinstance(ent, Person) else ser.company(ent, fields)

    async def entities(self, request: Request) -> Response:
        kind = self._entity_kind(request)
        q = Query.of(request)
        fields = self.select_fields(q, self.store.entity_fields(kind), ENTITY_FIELD_TYPES)
        pool: dict[int, Any] = self.store.persons if kind == "person" else self.store.companies
        ids = q.getlist("ids")
        items = [pool[_int(i, "ids")] for i in ids if _int(i, "ids") in pool] if ids else list(pool.values())
        page = page_v2(request, q, items)
        ser = self.v2(request)
        return json_response(paged_body(page, [self._render(ser, e, fields) for e in page.items]))

    async def entity(self, request: Request) -> Response:
        kind = self._entity_kind(request)
        ent = self._entity(kind, request.path_params["id"])
        q = Query.of(request)
        fields = self.select_fields(q, self.store.entity_fields(kind), ENTITY_FIELD_TYPES)
        return json_response(self._render(self.v2(request), ent, fields))

    async def entity_fields(self, request: Request) -> Response:
        kind = self._entity_kind(request)
        return self._fields_page(request, self.store.entity_fields(kind))

    def _fields_page(self, request: Request, available: list[FieldDef]) -> Response:
        q = Query.of(request)
        name_filter = q.get("filter")
        if name_filter:
            node = self._parse_filter(name_filter)
            available = [f for f in available if filter_query.evaluate_filter(node, _name_only(f))]
        page = page_v2(request, q, available)
        ser = self.v2(request)
        includes = q.getlist("includes")
        return json_response(paged_body(page, [ser.field_metadata(f, includes) for f in page.items]))

    async def entity_lists(self, request: Request) -> Response:
        kind = self._entity_kind(request)
        ent = self._entity(kind, request.path_params["id"])
        list_ids = sorted({e.list_id for e in self.store.entries_of(kind, ent.id)})
        q = Query.of(request)
        page = page_v2(request, q, [self.store.lists[i] for i in list_ids])
        ser = self.v2(request)
        return json_response(paged_body(page, [ser.list_record(lst, with_type=False) for lst in page.items]))

    async def entity_list_entries(self, request: Request) -> Response:
        kind = self._entity_kind(request)
        ent = self._entity(kind, request.path_params["id"])
        q = Query.of(request)
        page = page_v2(request, q, list(self.store.entries_of(kind, ent.id)))
        ser = self.v2(request)
        return json_response(paged_body(page, [ser.entity_entry(e) for e in page.items]))

    async def entity_search(self, request: Request) -> Response:
        """``POST /v2/companies/search`` and ``/v2/persons/search`` (201, beta)."""
        kind = self._entity_kind(request)
        body = read_json(await request.body())
        q = Query.of(request)
        available = self.store.entity_fields(kind)
        by_id = {f.id: f for f in available}
        pool: list[Any] = list((self.store.persons if kind == "person" else self.store.companies).values())

        def value_of(ent: Any) -> Callable[[str], tuple[str | None, Any]]:
            def get(fid: str) -> tuple[str | None, Any]:
                f = by_id.get(fid)
                return (f.value_type, ent.values.get(fid)) if f else (None, None)
            return get

        matched = self._search(body, pool, value_of, lambda e: _entity_texts(e))
        fields = self.select_fields(q, available, ENTITY_FIELD_TYPES)
        page = page_v2(request, q, matched)
        ser = self.v2(request)
        return json_response(paged_body(page, [self._render(ser, e, fields) for e in page.items],
                                        total_count=q.bool("totalCount")), status=201)

    def _search(self, body: Any, pool: list[Any], value_of: Callable[[Any], Callable[[str], tuple[str | None, Any]]],
                texts: Callable[[Any], list[str]]) -> list[Any]:
        if not isinstance(body, dict):
            raise ApiError(400, "The body must be a JSON object")
        filters = body.get("filters")
        term = (body.get("search") or {}).get("term") if isinstance(body.get("search"), dict) else None
        if term is not None and len(str(term).strip()) < 3:
            raise ApiError(400, "search.term must be at least 3 characters", param="search.term")
        now = self.emu.now()
        out = []
        try:
            criteria = search_criteria.compile_criteria(filters) if filters else None
            for item in pool:
                if term is not None and not search_criteria.matches_term(str(term), texts(item)):
                    continue
                if criteria is not None and not criteria.matches(value_of(item), now=now):
                    continue
                out.append(item)
            sorts = body.get("sorts") or []
            if sorts:
                out = search_criteria.apply_sorts(out, sorts, value_of, id_of=lambda r: r.id)
        except SearchError as exc:
            raise ApiError(400, exc.message, param=exc.param or "filters") from None
        return out

    def _parse_filter(self, text: str) -> filter_query.FilterNode:
        try:
            return filter_query.parse_filter(text)
        except filter_query.FilterSyntaxError as exc:
            raise ApiError(400, str(exc), param="filter") from None

    # ---- opportunities ---------------------------------------------------------------------
    async def opportunities(self, request: Request) -> Response:
        q = Query.of(request)
        pool = self.store.opportunities
        ids = q.getlist("ids")
        items = [pool[_int(i, "ids")] for i in ids if _int(i, "ids") in pool] if ids else list(pool.values())
        page = page_v2(request, q, items)
        ser = self.v2(request)
        return json_response(paged_body(page, [ser.opportunity(o) for o in page.items]))

    async def opportunity(self, request: Request) -> Response:
        ident = _int(request.path_params["id"], "opportunityId")
        opp = self.store.opportunities.get(ident)
        if opp is None:
            raise not_found("Opportunity", ident)
        return json_response(self.v2(request).opportunity(opp))

    # ---- lists -----------------------------------------------------------------------------
    def _list(self, request: Request) -> int:
        ident = _int(request.path_params["list_id"], "listId")
        if ident not in self.store.lists:
            raise not_found("List", ident)
        return ident

    async def lists(self, request: Request) -> Response:
        q = Query.of(request)
        items = list(self.store.lists.values())
        term = q.get("term")
        if term:
            items = [lst for lst in items if term.lower() in lst.name.lower()]
        page = page_v2(request, q, items)
        ser = self.v2(request)
        return json_response(paged_body(page, [ser.list_record(lst) for lst in page.items]))

    async def list_one(self, request: Request) -> Response:
        lst = self.store.lists[self._list(request)]
        return json_response(self.v2(request).list_record(lst))

    async def list_fields(self, request: Request) -> Response:
        return self._fields_page(request, self.store.list_fields(self._list(request)))

    async def dropdown_options(self, request: Request) -> Response:
        list_id = self._list(request)
        fid = request.path_params["field_id"]
        fid = f"field-{fid}" if fid.isdigit() else fid
        f = next((f for f in self.store.list_fields(list_id) if f.id == fid), None)
        if f is None:
            raise not_found("Field", fid)
        if f.value_type not in DROPDOWN_TYPES:
            raise ApiError(400, f"Field {fid} is not a dropdown field", param="fieldId")
        q = Query.of(request)
        page = page_v2(request, q, f.options)
        kind = "ranked-dropdown" if f.value_type == "ranked-dropdown" else "dropdown"
        data = []
        for o in page.items:
            item: dict[str, Any] = {"id": o.id, "text": o.text, "type": kind}
            if kind == "ranked-dropdown":
                item.update(rank=o.rank, color=o.color)
            data.append(item)
        return json_response(paged_body(page, data))

    def _entry(self, list_id: int, raw: str) -> ListEntry:
        ident = _int(raw, "listEntryId")
        entry = self.store.entries.get(ident)
        if entry is None or entry.list_id != list_id:
            raise not_found("List entry", ident)
        return entry

    async def list_entries(self, request: Request) -> Response:
        list_id = self._list(request)
        q = Query.of(request)
        fields = self.select_fields(q, self.store.list_fields(list_id), LIST_FIELD_TYPES)
        page = page_v2(request, q, self.store.list_entries(list_id))
        ser = self.v2(request)
        return json_response(paged_body(page, [ser.entry(e, fields) for e in page.items]))

    async def list_entry(self, request: Request) -> Response:
        list_id = self._list(request)
        entry = self._entry(list_id, request.path_params["entry_id"])
        q = Query.of(request)
        fields = self.select_fields(q, self.store.list_fields(list_id), LIST_FIELD_TYPES)
        return json_response(self.v2(request).entry(entry, fields))

    async def entry_fields(self, request: Request) -> Response:
        list_id = self._list(request)
        entry = self._entry(list_id, request.path_params["entry_id"])
        q = Query.of(request)
        fields = self.store.list_fields(list_id)
        ids = {f"field-{i}" if i.isdigit() else i for i in q.getlist("ids")}
        types = set(q.getlist("types"))
        chosen = [f for f in fields if (not ids or f.id in ids) and (not types or f.kind in types)]
        page = page_v2(request, q, chosen, default_limit=20)
        ser = self.v2(request)
        return json_response(paged_body(page, [ser.field(f, self.store.entry_value(entry, f.id))
                                               for f in page.items]))

    def _entry_field(self, list_id: int, entry: ListEntry, raw: str) -> FieldDef:
        fid = f"field-{raw}" if raw.isdigit() else raw
        f = next((f for f in self.store.list_fields(list_id) if f.id == fid), None)
        if f is None:
            raise not_found("Field", raw)
        return f

    async def entry_field(self, request: Request) -> Response:
        list_id = self._list(request)
        entry = self._entry(list_id, request.path_params["entry_id"])
        f = self._entry_field(list_id, entry, request.path_params["field_id"])
        return json_response(self.v2(request).field(f, self.store.entry_value(entry, f.id)))

    async def update_entry_field(self, request: Request) -> Response:
        list_id = self._list(request)
        entry = self._entry(list_id, request.path_params["entry_id"])
        f = self._entry_field(list_id, entry, request.path_params["field_id"])
        body = read_json(await request.body())
        value = body.get("value") if isinstance(body, dict) else None
        if not isinstance(value, dict):
            raise ApiError(400, "value is required", param="value")
        self.emu.writes.set_entry_value(entry, f, value)
        return no_content()

    async def batch_update_entry_fields(self, request: Request) -> Response:
        list_id = self._list(request)
        entry = self._entry(list_id, request.path_params["entry_id"])
        body = read_json(await request.body())
        if not isinstance(body, dict) or body.get("operation") != "update-fields":
            raise ApiError(400, "operation must be update-fields", param="operation")
        updates = body.get("updates")
        if not isinstance(updates, list) or not 1 <= len(updates) <= 100:
            raise ApiError(400, "updates must hold 1 to 100 items", param="updates")
        planned = []
        for u in updates:
            if not isinstance(u, dict) or not isinstance(u.get("value"), dict):
                raise ApiError(400, "each update needs id and value", param="updates")
            f = self._entry_field(list_id, entry, str(u.get("id")))
            planned.append((f, u["value"]))
        self.emu.writes.set_entry_values(entry, planned)
        return json_response({"operation": "update-fields"})

    async def entry_search(self, request: Request) -> Response:
        """``POST /v2/lists/{id}/list-entries/search``: the SDK's filter pushdown (201)."""
        list_id = self._list(request)
        body = read_json(await request.body())
        q = Query.of(request)
        available = self.store.list_fields(list_id)
        by_id = {f.id: f for f in available}
        s = self.store

        def value_of(entry: ListEntry) -> Callable[[str], tuple[str | None, Any]]:
            def get(fid: str) -> tuple[str | None, Any]:
                f = by_id.get(fid)
                return (f.value_type, s.entry_value(entry, fid)) if f else (None, None)
            return get

        def texts(entry: ListEntry) -> list[str]:
            ent = s.entity(entry.entity_type, entry.entity_id)
            return _entity_texts(ent) if ent is not None else []

        matched = self._search(body, s.list_entries(list_id), value_of, texts)
        fields = self.select_fields(q, available, LIST_FIELD_TYPES)
        page = page_v2(request, q, matched)
        ser = self.v2(request)
        return json_response(paged_body(page, [ser.entry(e, fields) for e in page.items],
                                        total_count=q.bool("totalCount")), status=201)

    # ---- saved views -----------------------------------------------------------------------
    async def saved_views(self, request: Request) -> Response:
        list_id = self._list(request)
        q = Query.of(request)
        views = [v for v in self.store.saved_views.values() if v.list_id == list_id]
        page = page_v2(request, q, views)
        ser = self.v2(request)
        return json_response(paged_body(page, [ser.saved_view(v) for v in page.items]))

    def _view(self, request: Request) -> Any:
        list_id = self._list(request)
        vid = _int(request.path_params["view_id"], "viewId")
        view = self.store.saved_views.get(vid)
        if view is None or view.list_id != list_id:
            raise not_found("Saved view", vid)
        return view

    async def saved_view(self, request: Request) -> Response:
        return json_response(self.v2(request).saved_view(self._view(request)))

    async def saved_view_entries(self, request: Request) -> Response:
        """Entries that pass the view's filters, with only the view's columns as fields."""
        view = self._view(request)
        if view.type != "sheet":
            raise ApiError(400, f"Saved view {view.id} is a {view.type} view; only sheet views can list entries",
                           code="bad-request")
        q = Query.of(request)
        s = self.store
        entries = s.list_entries(view.list_id)
        if view.filters:
            by_id = {f.id: f for f in s.list_fields(view.list_id)}
            now = self.emu.now()
            criteria = search_criteria.compile_criteria(view.filters)

            def keep(entry: ListEntry) -> bool:
                def get(fid: str) -> tuple[str | None, Any]:
                    f = by_id.get(fid)
                    return (f.value_type, s.entry_value(entry, fid)) if f else (None, None)
                return criteria.matches(get, now=now)

            entries = self.emu.view_cache(view, lambda: [e for e in entries if keep(e)])
        columns = [f for f in s.list_fields(view.list_id) if f.id in view.field_ids]
        page = page_v2(request, q, entries)
        ser = self.v2(request)
        return json_response(paged_body(page, [ser.entry(e, columns) for e in page.items]))

    # ---- notes -----------------------------------------------------------------------------
    def _filtered(self, q: Query, items: list[T], props: Callable[[T], dict[str, Any]]) -> list[T]:
        """The items that pass the request's ``filter`` (the v2 filter language), if it has one;
        ``props`` gives each item's filterable properties. A bad filter is a 400."""
        text = q.get("filter")
        if not text:
            return items
        node = self._parse_filter(text)
        try:
            return [item for item in items if filter_query.evaluate_filter(node, props(item).get)]
        except SearchError as exc:
            raise ApiError(400, exc.message, param="filter") from None

    def _note_filter(self, q: Query, notes: list[Note]) -> list[Note]:
        return self._filtered(q, notes, lambda n: {
            "id": n.id, "creator.id": n.creator_id, "createdAt": n.created_at,
            "updatedAt": n.updated_at, "type": n.type})

    def _notes_page(self, request: Request, notes: list[Note]) -> Response:
        q = Query.of(request)
        notes = self._note_filter(q, notes)
        page = page_v2(request, q, notes, default_limit=20, min_limit=0)
        ser = self.v2(request)
        includes = set(q.getlist("includes"))
        data = [self._note_item(ser, n, includes) for n in page.items]
        return json_response(paged_body(page, data, total_count=q.bool("totalCount")))

    def _note_item(self, ser: V2, n: Note, includes: set[str]) -> dict[str, Any]:
        """A note with what ``includes`` asks for: reply count and attachment previews."""
        item = ser.note(n)
        if "repliesCount" in includes:
            item["repliesCount"] = sum(1 for r in self.store.notes.values() if r.parent_id == n.id)
        for key, ids, render in (("companiesPreview", n.company_ids, ser.company_data),
                                 ("personsPreview", n.person_ids, ser.person_data),
                                 ("opportunitiesPreview", n.opportunity_ids,
                                  lambda i: ser.opportunity(self.store.opportunities[i]))):
            if key in includes:
                item[key] = {"data": [render(i) for i in ids[:20]], "totalCount": len(ids)}
        return item

    async def notes(self, request: Request) -> Response:
        roots = [n for n in self.store.notes.values() if n.parent_id is None]
        return self._notes_page(request, roots)

    async def entity_notes(self, request: Request) -> Response:
        path = request.url.path
        kind: EntityType = ("company" if path.startswith("/v2/companies") else
                            "person" if path.startswith("/v2/persons") else "opportunity")
        ident = _int(request.path_params["id"], f"{kind}Id")
        if self.store.entity(kind, ident) is None:
            raise not_found(kind.capitalize(), ident)
        return self._notes_page(request, self.store.notes_for(kind, ident))

    def _note(self, raw: str) -> Note:
        ident = _int(raw, "noteId")
        note = self.store.notes.get(ident)
        if note is None:
            raise not_found("Note", ident)
        return note

    async def note(self, request: Request) -> Response:
        note = self._note(request.path_params["note_id"])
        return json_response(self._note_item(self.v2(request), note, set(Query.of(request).getlist("includes"))))

    async def note_replies(self, request: Request) -> Response:
        note = self._note(request.path_params["note_id"])
        return self._notes_page(request, [n for n in self.store.notes.values() if n.parent_id == note.id])

    async def note_attached(self, request: Request) -> Response:
        note = self._note(request.path_params["note_id"])
        q = Query.of(request)
        ser = self.v2(request)
        what = request.url.path.rsplit("/", 1)[-1]
        data: list[Any]
        if what == "attached-companies":
            page = page_v2(request, q, note.company_ids)
            data = [ser.company_data(i) for i in page.items]
        elif what == "attached-persons":
            page = page_v2(request, q, note.person_ids)
            data = [ser.person_data(i) for i in page.items]
        else:
            page = page_v2(request, q, note.opportunity_ids)
            data = [ser.opportunity(self.store.opportunities[i]) for i in page.items]
        return json_response(paged_body(page, data, total_count=q.bool("totalCount")))

    async def create_note(self, request: Request) -> Response:
        note = self.emu.writes.create_note(read_json(await request.body()))
        return json_response(self.v2(request).note(note), status=201)

    async def update_note(self, request: Request) -> Response:
        note = self._note(request.path_params["note_id"])
        self.emu.writes.update_note(note, read_json(await request.body()))
        return no_content()

    async def delete_note(self, request: Request) -> Response:
        note = self._note(request.path_params["note_id"])
        self.emu.writes.delete_note(note)
        return no_content()

    # ---- users (the team: internal persons) ----------------------------------------------------
    def _user(self, p: Person) -> dict[str, Any]:
        return {"id": p.id, "firstName": p.first_name, "lastName": p.last_name,
                "primaryEmailAddress": p.primary_email, "photoUrl": None, "status": "active"}

    async def users(self, request: Request) -> Response:
        """``GET /v2/users``: the team (every internal person, all active), ``term`` matching a
        name or email, ``filter`` on ``id`` and ``status``."""
        q = Query.of(request)
        items = sorted((p for p in self.store.persons.values() if p.type == "internal"), key=lambda p: p.id)
        term = (q.get("term") or "").strip().casefold()
        if term:
            items = [p for p in items if any(term in text.casefold() for text in _entity_texts(p))]
        items = self._filtered(q, items, lambda p: {"id": p.id, "status": "active"})
        page = page_v2(request, q, items)
        return json_response(paged_body(page, [self._user(p) for p in page.items]))

    async def user(self, request: Request) -> Response:
        ident = _int(request.path_params["user_id"], "userId")
        p = self.store.persons.get(ident)
        if p is None or p.type != "internal":
            raise not_found("User", ident)
        return json_response(self._user(p))

    # ---- reminders -------------------------------------------------------------------------
    def _reminder_props(self, r: Reminder) -> dict[str, Any]:
        from .serialize import reminder_status

        values = {"id": r.id, "type": r.type, "status": reminder_status(r, self.emu.now_iso()),
                  "resetTrigger": r.reset_trigger, "dueDate": r.due_date, "completedAt": r.completed_at,
                  "createdAt": r.created_at, "updatedAt": r.updated_at, "owner.id": r.owner_id,
                  "creator.id": r.creator_id, "completer.id": r.completer_id, "company.id": r.company_id,
                  "person.id": r.person_id, "opportunity.id": r.opportunity_id}
        return values

    async def reminders(self, request: Request) -> Response:
        q = Query.of(request)
        items = sorted(self.store.reminders.values(), key=lambda r: (r.due_date, r.id))
        items = self._filtered(q, items, self._reminder_props)
        page = page_v2(request, q, items)
        ser = self.v2(request)
        return json_response(paged_body(page, [ser.reminder(r) for r in page.items],
                                        total_count=q.bool("totalCount")))

    def _reminder(self, raw: str) -> Reminder:
        ident = _int(raw, "reminderId")
        r = self.store.reminders.get(ident)
        if r is None:
            raise not_found("Reminder", ident)
        return r

    async def reminder(self, request: Request) -> Response:
        return json_response(self.v2(request).reminder(self._reminder(request.path_params["reminder_id"])))

    async def create_reminder(self, request: Request) -> Response:
        r = self.emu.writes.create_reminder(read_json(await request.body()))
        return json_response(self.v2(request).reminder(r), status=201)

    async def update_reminder(self, request: Request) -> Response:
        r = self._reminder(request.path_params["reminder_id"])
        self.emu.writes.update_reminder(r, read_json(await request.body()))
        return no_content()

    async def delete_reminder(self, request: Request) -> Response:
        r = self._reminder(request.path_params["reminder_id"])
        self.emu.writes.delete_reminder(r)
        return no_content()

    # ---- interactions (org-wide, read-only) ------------------------------------------------
    async def emails(self, request: Request) -> Response:
        return self._interactions(request, "email", "sentAt")

    async def meetings(self, request: Request) -> Response:
        return self._interactions(request, "meeting", "startTime")

    def _interactions(self, request: Request, kind: str, time_prop: str) -> Response:
        q = Query.of(request)
        items = sorted((i for i in self.store.interactions.values() if i.kind == kind), key=lambda i: (i.date, i.id))
        items = self._filtered(q, items, lambda i: {time_prop: i.date, "createdAt": i.created_at,
                                                    "id": i.id, "updatedAt": None})
        page = page_v2(request, q, items)
        ser = self.v2(request)
        render = ser.email if kind == "email" else ser.meeting
        return json_response(paged_body(page, [render(i) for i in page.items]))

    # ---- merges (this tenant has none) -----------------------------------------------------
    async def empty_page(self, request: Request) -> Response:
        q = Query.of(request)
        page = page_v2(request, q, [], default_limit=25)
        return json_response(paged_body(page, []))

    async def missing(self, request: Request) -> Response:
        raise not_found("Merge" if "merges" in request.url.path else "Task", request.path_params.get("id"))

    # ---- routing table ---------------------------------------------------------------------
    def routes(self) -> list[Route]:
        r = Route
        out = [
            r("/v2/auth/whoami", self.whoami),
            r("/v2/rate-limit", self.rate_limit),
            r("/v2/opportunities", self.opportunities),
            r("/v2/opportunities/{id}", self.opportunity),
            r("/v2/opportunities/{id}/notes", self.entity_notes),
            r("/v2/lists", self.lists),
            r("/v2/lists/{list_id}", self.list_one),
            r("/v2/lists/{list_id}/fields", self.list_fields),
            r("/v2/lists/{list_id}/fields/{field_id}/dropdown-options", self.dropdown_options),
            r("/v2/lists/{list_id}/list-entries", self.list_entries),
            r("/v2/lists/{list_id}/list-entries/search", self.entry_search, methods=["POST"]),
            r("/v2/lists/{list_id}/list-entries/{entry_id}", self.list_entry),
            r("/v2/lists/{list_id}/list-entries/{entry_id}/fields", self.entry_fields),
            r("/v2/lists/{list_id}/list-entries/{entry_id}/fields", self.batch_update_entry_fields,
              methods=["PATCH"]),
            r("/v2/lists/{list_id}/list-entries/{entry_id}/fields/{field_id}", self.entry_field),
            r("/v2/lists/{list_id}/list-entries/{entry_id}/fields/{field_id}", self.update_entry_field,
              methods=["POST"]),
            r("/v2/lists/{list_id}/saved-views", self.saved_views),
            r("/v2/lists/{list_id}/saved-views/{view_id}", self.saved_view),
            r("/v2/lists/{list_id}/saved-views/{view_id}/list-entries", self.saved_view_entries),
            r("/v2/notes", self.notes),
            r("/v2/notes", self.create_note, methods=["POST"]),
            r("/v2/notes/{note_id}", self.note),
            r("/v2/notes/{note_id}", self.update_note, methods=["POST"]),
            r("/v2/notes/{note_id}", self.delete_note, methods=["DELETE"]),
            r("/v2/notes/{note_id}/replies", self.note_replies),
            r("/v2/notes/{note_id}/attached-companies", self.note_attached),
            r("/v2/notes/{note_id}/attached-persons", self.note_attached),
            r("/v2/notes/{note_id}/attached-opportunities", self.note_attached),
            r("/v2/reminders", self.reminders),
            r("/v2/reminders", self.create_reminder, methods=["POST"]),
            r("/v2/reminders/{reminder_id}", self.reminder),
            r("/v2/reminders/{reminder_id}", self.update_reminder, methods=["POST"]),
            r("/v2/reminders/{reminder_id}", self.delete_reminder, methods=["DELETE"]),
            r("/v2/emails", self.emails),
            r("/v2/users", self.users),
            r("/v2/users/{user_id}", self.user),
            r("/v2/meetings", self.meetings),
        ]
        for base in ("/v2/companies", "/v2/persons"):
            out += [
                r(base, self.entities),
                r(f"{base}/fields", self.entity_fields),
                r(f"{base}/search", self.entity_search, methods=["POST"]),
                r(base + "/{id}", self.entity),
                r(base + "/{id}/lists", self.entity_lists),
                r(base + "/{id}/list-entries", self.entity_list_entries),
                r(base + "/{id}/notes", self.entity_notes),
            ]
        for base in ("/v2/company-merges", "/v2/person-merges", "/v2/tasks/company-merges",
                     "/v2/tasks/person-merges"):
            out += [r(base, self.empty_page), r(base + "/{id}", self.missing)]
        return out


def _name_only(f: FieldDef) -> Callable[[str], Any]:
    """Field listings filter by ``name`` only (2026 ``filter=name=~...``)."""
    return lambda prop: f.name if prop == "name" else None


def _entity_texts(ent: Any) -> list[str]:
    if isinstance(ent, Person):
        return [ent.first_name, ent.last_name or "", ent.full_name, *ent.emails]
    if isinstance(ent, Company):
        return [ent.name, *(ent.domains or [])]
    return [getattr(ent, "name", "")]
