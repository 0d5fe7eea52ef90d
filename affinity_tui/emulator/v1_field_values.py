"""v1 field values (``/field-values``): one row per value, each with an id a client can update
or delete later.

The store keeps one compact value per field (a list for multi-valued fields); v1 shows every
value of a multi-valued cell as its own row. `FieldValueIds` names each row (field, entity,
entry, value) with a stable id the first time it is shown or created, so that ``PUT`` and
``DELETE /field-values/{id}`` find it again, and keeps the id when ``PUT`` changes the value, as
Affinity does. Creating a value of a single-valued field replaces the one it had; of a
multi-valued field, adds one (a value it already holds is not added twice).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import write_values
from .serialize import V1
from .store import Company, EntityType, FieldDef, ListEntry, Person, TenantStore
from .wire import ApiError, not_found
from .writes import Writes

FieldKey = tuple[str, int | None, str]
ENTITY_PARAMS: dict[str, EntityType] = {"person_id": "person", "organization_id": "company",
                                        "opportunity_id": "opportunity"}


@dataclass(frozen=True)
class Row:
    """What one v1 field value id names."""

    field: FieldKey
    entity_id: int
    entry_id: int | None
    item: str
    """The value, as canonical JSON (rows are told apart by value)."""


class FieldValueIds:
    """Stable ids for v1 field-value rows, handed out on first sight."""

    FIRST = 20_400_001

    def __init__(self) -> None:
        self._ids: dict[Row, int] = {}
        self._rows: dict[int, Row] = {}

    def id_of(self, row: Row) -> int:
        ident = self._ids.get(row)
        if ident is None:
            ident = self.FIRST + len(self._rows)
            self._ids[row] = ident
            self._rows[ident] = row
        return ident

    def row(self, ident: int) -> Row | None:
        return self._rows.get(ident)

    def rebind(self, ident: int, row: Row) -> None:
        """The value under `ident` changed: the id now names `row`."""
        old = self._rows.get(ident)
        if old is not None and self._ids.get(old) == ident:
            del self._ids[old]
        self._ids[row] = ident
        self._rows[ident] = row


def _canon(item: Any) -> str:
    return json.dumps(item, sort_keys=True)


class V1FieldValues:
    """``GET``, ``POST /field-values`` and ``PUT``/``DELETE /field-values/{id}``."""

    def __init__(self, store: TenantStore, writes: Writes) -> None:
        self.store = store
        self.writes = writes
        self.ids = FieldValueIds()

    # ---- reading -----------------------------------------------------------------------------
    def rows(self, key: str, ident: int) -> list[dict[str, Any]]:
        """The rows of one entity (global and enriched values, and every list entry's) or of one
        list entry (``key`` is ``list_entry_id``)."""
        s = self.store
        if key == "list_entry_id":
            entry = s.entries.get(ident)
            if entry is None:
                raise not_found("List entry", ident)
            return [row for fid in list(entry.values) for row in self._rows(
                s.fields[(entry.entity_type, entry.list_id, fid)], entry.entity_id, entry)]
        kind = ENTITY_PARAMS[key]
        ent = s.entity(kind, ident)
        if ent is None:
            raise not_found(kind.capitalize(), ident)
        rows: list[dict[str, Any]] = []
        if isinstance(ent, (Person, Company)):
            for fid in list(ent.values):
                f = s.fields[(kind, None, fid)]
                if f.kind in ("global", "enriched"):
                    rows += self._rows(f, ident, None)
        for entry in s.entries_of(kind, ident):
            for fid in list(entry.values):
                rows += self._rows(s.fields[(kind, entry.list_id, fid)], ident, entry)
        return rows

    def _values(self, f: FieldDef, entity_id: int, entry: ListEntry | None) -> dict[str, Any]:
        if f.kind == "list":
            assert entry is not None
            return entry.values
        ent = self.store.entity(f.entity_type, entity_id)
        return ent.values if isinstance(ent, (Person, Company)) else {}

    def _items(self, f: FieldDef, entity_id: int, entry: ListEntry | None) -> list[Any]:
        compact = self._values(f, entity_id, entry).get(f.id)
        if compact is None:
            return []
        return list(compact) if f.is_multi else [compact]

    def _row_key(self, f: FieldDef, entity_id: int, entry: ListEntry | None, item: Any) -> Row:
        return Row((f.entity_type, f.list_id, f.id), entity_id, entry.id if entry and f.kind == "list" else None,
                   _canon(item))

    def _rows(self, f: FieldDef, entity_id: int, entry: ListEntry | None) -> Iterator[dict[str, Any]]:
        for item in self._items(f, entity_id, entry):
            yield self._render(f, entity_id, entry, item)

    def _render(self, f: FieldDef, entity_id: int, entry: ListEntry | None, item: Any) -> dict[str, Any]:
        row = self._row_key(f, entity_id, entry, item)
        return V1(self.store).field_value(f, item, entity_id, row.entry_id, self.ids.id_of(row))

    # ---- writing -----------------------------------------------------------------------------
    def create(self, body: Any) -> dict[str, Any]:
        """``POST /field-values`` ``{field_id, entity_id, value, list_entry_id?}``."""
        if not isinstance(body, dict):
            raise ApiError(422, "The body must be a JSON object")
        f = self._field(body.get("field_id"))
        entity_id = body.get("entity_id")
        if not isinstance(entity_id, int) or self.store.entity(f.entity_type, entity_id) is None:
            raise ApiError(422, f"entity_id {entity_id!r} is not a {f.entity_type} of this instance",
                           param="entity_id")
        entry = self._entry(f, entity_id, body.get("list_entry_id"))
        item = write_values.from_v1(self.store, f, body.get("value"))
        items = self._items(f, entity_id, entry)
        if f.is_multi:
            if item not in items:
                self._store(f, entity_id, entry, [*items, item])
        else:
            self._store(f, entity_id, entry, item)
        return self._render(f, entity_id, entry, item)

    def update(self, ident: int, body: Any) -> dict[str, Any]:
        """``PUT /field-values/{id}`` ``{value}``: the row keeps its id."""
        f, entity_id, entry, old = self._find(ident)
        if not isinstance(body, dict) or "value" not in body:
            raise ApiError(422, "value is required", param="value")
        item = write_values.from_v1(self.store, f, body["value"])
        if f.is_multi:
            items = self._items(f, entity_id, entry)
            items[items.index(old)] = item
            self._store(f, entity_id, entry, items)
        else:
            self._store(f, entity_id, entry, item)
        self.ids.rebind(ident, self._row_key(f, entity_id, entry, item))
        return self._render(f, entity_id, entry, item)

    def delete(self, ident: int) -> None:
        f, entity_id, entry, old = self._find(ident)
        write_values.check_writable(f, 422, "field_value_id")
        if f.is_multi:
            items = self._items(f, entity_id, entry)
            items.remove(old)
            self._store(f, entity_id, entry, items)
        else:
            self._store(f, entity_id, entry, None)

    def _store(self, f: FieldDef, entity_id: int, entry: ListEntry | None, compact: Any) -> None:
        self.writes.put_value(f.entity_type, entity_id, entry, f, compact)

    def _find(self, ident: int) -> tuple[FieldDef, int, ListEntry | None, Any]:
        """The field, entity, entry and current value a row id names; 404 when it is gone."""
        row = self.ids.row(ident)
        f = self.store.fields.get(row.field) if row else None
        entry = self.store.entries.get(row.entry_id) if row and row.entry_id is not None else None
        if row is None or f is None or (row.entry_id is not None and entry is None):
            raise not_found("Field value", ident)
        old = json.loads(row.item)
        if old not in self._items(f, row.entity_id, entry):
            raise not_found("Field value", ident)
        return f, row.entity_id, entry, old

    def _field(self, raw: Any) -> FieldDef:
        """A field by its v1 id (custom fields only: ``field_id`` is an integer)."""
        if isinstance(raw, int) and not isinstance(raw, bool):
            for f in self.store.fields.values():
                if f.v1_id == raw:
                    return f
        raise ApiError(422, f"field_id {raw!r} is not a field of this instance", param="field_id")

    def _entry(self, f: FieldDef, entity_id: int, raw: Any) -> ListEntry | None:
        if f.kind != "list":
            return None
        entry = self.store.entries.get(raw) if isinstance(raw, int) else None
        if entry is None or entry.list_id != f.list_id or entry.entity_id != entity_id:
            raise ApiError(422, f"Field {f.v1_id} is a field of list {f.list_id}: list_entry_id must be an entry "
                                f"of entity {entity_id} on that list", param="list_entry_id")
        return entry
