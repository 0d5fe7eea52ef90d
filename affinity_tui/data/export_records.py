"""Records for a CSV export, as shown or as raw values, from the SDK's models.

An export of what is loaded, as shown, needs no models: it writes the table's rows
(``export.export_csv``). Everything else the export dialog offers is read again from Affinity
(``sources/exporting.py``) and turned into records here:

* **as shown**: each cell as the table shows it (``$12,000,000``, ``2026-05-31``, ``A, B``);
* **raw**: numbers as numbers (``12000000``), dates as ISO 8601 in UTC
  (``2026-05-31T12:00:00Z``), dropdowns as their option text, people and companies by name,
  multi-values joined with ``; ``; then the entity id, the list entry id (entries) and the
  record's Affinity URL, so a spreadsheet can be joined back to Affinity.

Text keeps its content but never control characters (``values.clean_text``), and the CSV
writer still defuses formula-like cells (``export.defuse_formula``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC
from typing import Any

from affinity.models.entities import Company, FieldValues, ListEntryWithEntity, Opportunity, Person

from .links import record_link
from .rows import DOMAIN_KEY, EMAIL_KEY, NAME_KEY, Column, Row, entity_name
from .values import (
    clean_text,
    company_name,
    interaction_moment,
    location_text,
    parse_datetime,
    person_name,
)

RAW_SEPARATOR = "; "
"""Between the items of a multi-value, in raw exports."""
ID_HEADERS = ("Entity ID", "Entry ID", "Affinity URL")
"""Extra columns of a raw export of list entries (records without an entry drop the middle one)."""

Cell = str | int | float
Entity = Person | Company | Opportunity


def raw_value(value: Mapping[str, Any] | None) -> Cell:
    """One field value ``{"type", "data"}`` as a spreadsheet wants it ("" when empty)."""
    if not isinstance(value, Mapping):
        return ""
    data = value.get("data")
    if data is None or data == [] or data == "":
        return ""
    kind = str(value.get("type") or "")
    if isinstance(data, list):
        items = [_raw_one(kind.removesuffix("-multi"), item) for item in data if item is not None]
        return RAW_SEPARATOR.join(str(item) for item in items if item != "")
    return _raw_one(kind, data)


def _raw_one(kind: str, data: Any) -> Cell:
    if kind in ("number", "formula-number"):
        number = data.get("calculatedValue") if isinstance(data, Mapping) else data
        if isinstance(number, bool) or not isinstance(number, int | float):
            return clean_text(str(number)) if number is not None else ""
        return int(number) if isinstance(number, float) and number.is_integer() else number
    if kind == "datetime":
        moment = parse_datetime(data)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else clean_text(str(data))
    if isinstance(data, Mapping):
        if kind in ("dropdown", "ranked-dropdown") or "dropdownOptionId" in data:
            return clean_text(str(data.get("text") or ""))
        if kind == "person" or "firstName" in data:
            return clean_text(person_name(data))
        if kind == "company" or ("name" in data and "id" in data):
            return clean_text(company_name(data))
        if kind == "location":
            return clean_text(location_text(data))
        if kind == "interaction":
            moment = interaction_moment(data)
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else ""
        return clean_text(str(data.get("text") or data.get("name") or ""))
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, int | float):
        return data
    return clean_text(str(data))


def _field_value(fields: FieldValues, key: str) -> Mapping[str, Any] | None:
    item = fields.data.get(key) if fields.requested else None
    value = item.get("value") if isinstance(item, Mapping) else None
    return value if isinstance(value, Mapping) else None


def raw_cells(entity: Entity | None, columns: Sequence[Column]) -> list[Cell]:
    """The raw value of each column for one record."""
    fields = entity.fields if entity is not None else FieldValues()
    out: list[Cell] = []
    for column in columns:
        if column.key == NAME_KEY:
            out.append(clean_text(entity_name(entity)))
        elif column.key == EMAIL_KEY:
            out.append(clean_text(entity.primary_email or "") if isinstance(entity, Person) else "")
        elif column.key == DOMAIN_KEY:
            out.append(clean_text(entity.domain or "") if isinstance(entity, Company) else "")
        else:
            out.append(raw_value(_field_value(fields, column.key)))
    return out


def _url(subdomain: str, entity_type: str, entity_id: int) -> str:
    link = record_link(subdomain, entity_type, entity_id) if subdomain and entity_id > 0 else None
    return link.url if link is not None else ""


def header(columns: Sequence[Column], *, raw: bool, entries: bool) -> list[str]:
    """Column titles, then the id columns of a raw export."""
    titles = [column.title for column in columns]
    if not raw:
        return titles
    ids = list(ID_HEADERS) if entries else [ID_HEADERS[0], ID_HEADERS[2]]
    return titles + ids


def entry_records(entries: Sequence[ListEntryWithEntity], columns: Sequence[Column], *, raw: bool,
                  subdomain: str, shown: Callable[[Sequence[ListEntryWithEntity], Sequence[Column]], list[Row]]
                  ) -> list[list[Cell]]:
    """List entries as export records: the cells as shown (``shown`` makes the table's rows), or
    raw values plus the entity id, entry id and URL."""
    if not raw:
        return [list(row.cells) for row in shown(entries, columns)]
    records: list[list[Cell]] = []
    for entry in entries:
        entity = entry.entity
        entity_id = int(entity.id) if entity is not None else 0
        records.append([*raw_cells(entity, columns), entity_id, int(entry.id),
                        _url(subdomain, str(entry.type), entity_id)])
    return records


def entity_records(entities: Sequence[Entity], columns: Sequence[Column], kind: str, *, raw: bool,
                   subdomain: str, shown: Callable[[Sequence[Any], Sequence[Column]], list[Row]]) -> list[list[Cell]]:
    """People, companies or opportunities as export records (see `entry_records`; no entry id)."""
    if not raw:
        return [list(row.cells) for row in shown(entities, columns)]
    return [[*raw_cells(entity, columns), int(entity.id), _url(subdomain, kind, int(entity.id))]
            for entity in entities]
