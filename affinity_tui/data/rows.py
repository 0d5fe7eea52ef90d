"""The compact row every table shows: SDK models in, plain strings and sort keys out.

Tables hold tens of thousands of rows, so a row is formatted once, when its page arrives:
each cell keeps its display text, its style and its sort key side by side. Sorting and quick
filtering then run over these tuples without touching an SDK model again, and a table widget
never needs to know what a field value type is.

Column kinds: ``"name"`` is a property of the record itself (its name, email or domain); the
others are Affinity field types (``list``, ``global``, ``enriched``,
``relationship-intelligence``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from affinity.models.entities import (
    Company,
    FieldMetadata,
    FieldValues,
    ListEntryWithEntity,
    Opportunity,
    Person,
)

from .values import NUMERIC_TYPES, Display, format_field, plain

MIN_WIDTH = 6
MAX_WIDTH = 40
NAME_KEY = "name"
EMAIL_KEY = "email"
DOMAIN_KEY = "domain"


@dataclass(frozen=True, slots=True)
class Column:
    """One table column: the record's name or one field."""

    key: str
    """``"name"`` (or ``"email"`` / ``"domain"``) for the record's own properties, else the field id."""
    title: str
    value_type: str
    """The v2 value type, or ``"name"`` for the record's own properties."""
    kind: str
    """``"name" | "list" | "global" | "enriched" | "relationship-intelligence"``."""
    width: int
    """Display cells, from the title and the first page only (``size_columns``), 6..40."""
    numeric: bool = False
    """Right-aligned."""


@dataclass(frozen=True, slots=True)
class Row:
    """One table row, formatted once."""

    key: int
    """The list entry id (entries tables) or the entity id (entity tables)."""
    entity_type: str
    """``"person" | "company" | "opportunity"``."""
    entity_id: int
    cells: tuple[str, ...]
    styles: tuple[str | None, ...]
    sort_keys: tuple[Any, ...]
    extra: Mapping[str, str] = field(default_factory=dict)
    """Copyable bits, when the record has them: ``email``, ``domain``."""
    search_text: str = ""
    """Every cell, case-folded, built once when the page arrives (the quick filter's haystack)."""

    @property
    def url_path(self) -> str:
        """The record's page in Affinity's web app (``/companies/123``), derived, not stored."""
        segment = URL_SEGMENTS.get(self.entity_type)
        return f"/{segment}/{self.entity_id}" if segment and self.entity_id > 0 else ""


URL_SEGMENTS = {"person": "persons", "company": "companies", "opportunity": "opportunities", "list": "lists"}
SEARCH_SEPARATOR = "\x1f"
"""Between cells in ``search_text``: no cell contains it, so a word never spans two cells."""
_NO_EXTRA: Mapping[str, str] = {}


class _Shared:
    """Identical cell values share one object across rows (statuses, owners, amounts repeat
    thousands of times in a big list): 100,000 rows then cost a fraction of the memory."""

    LIMIT = 500_000

    def __init__(self) -> None:
        self._cells: dict[tuple[str, str], tuple[str, Any]] = {}
        self._styles: dict[tuple[str | None, ...], tuple[str | None, ...]] = {}

    def cell(self, column: str, text: str, sort_key: Any) -> tuple[str, Any]:
        key = (column, text)
        hit = self._cells.get(key)
        if hit is None:
            if len(self._cells) >= self.LIMIT:
                self._cells.clear()
            hit = self._cells[key] = (text, sort_key)
        return hit

    def styles(self, styles: tuple[str | None, ...]) -> tuple[str | None, ...]:
        return self._styles.setdefault(styles, styles)


_SHARED = _Shared()


# ---- columns --------------------------------------------------------------------------------
def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide (CJK, most emoji) count 2, combining marks 0."""
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _clamp(width: int) -> int:
    return max(MIN_WIDTH, min(MAX_WIDTH, width))


def name_column(title: str = "Name") -> Column:
    """The column of the record's own name, as wide as its title until ``size_columns``."""
    return Column(NAME_KEY, title, "name", "name", _clamp(cell_width(title)))


def field_column(meta: FieldMetadata) -> Column:
    """The column for one field (its width is the title's until ``size_columns``)."""
    value_type = str(getattr(meta.value_type, "value", meta.value_type))
    return Column(str(meta.id), meta.name, value_type, meta.type or "global",
                  _clamp(cell_width(meta.name)), numeric=value_type in NUMERIC_TYPES)


def entry_columns(fields: Sequence[FieldMetadata]) -> list[Column]:
    """Name, then the chosen fields (see ``FieldSet.default_columns``)."""
    return [name_column(), *(field_column(f) for f in fields)]


def person_columns(fields: Sequence[FieldMetadata] = ()) -> list[Column]:
    """Name, Email, then one column per field in ``fields``."""
    return [name_column(), Column(EMAIL_KEY, "Email", "name", "name", 24), *map(field_column, fields)]


def company_columns(fields: Sequence[FieldMetadata] = ()) -> list[Column]:
    """Name, Domain, then one column per field in ``fields``."""
    return [name_column(), Column(DOMAIN_KEY, "Domain", "name", "name", 18), *map(field_column, fields)]


def opportunity_columns(fields: Sequence[FieldMetadata] = ()) -> list[Column]:
    """Name, then one column per field in ``fields``."""
    return [name_column(), *map(field_column, fields)]


def size_columns(columns: Sequence[Column], rows: Sequence[Row]) -> list[Column]:
    """Widths from the titles and ``rows`` (pass the first page: later pages don't reflow)."""
    sized = []
    for index, column in enumerate(columns):
        widest = max((cell_width(row.cells[index]) for row in rows), default=0)
        sized.append(replace(column, width=_clamp(max(cell_width(column.title), widest))))
    return sized


# ---- rows -----------------------------------------------------------------------------------
def entity_name(entity: Person | Company | Opportunity | None) -> str:
    """"First Last" for a person (else the email), the name of a company or opportunity."""
    if isinstance(entity, Person):
        name = " ".join(p for p in (entity.first_name, entity.last_name) if p).strip()
        return name or entity.primary_email or ""
    if entity is None:
        return ""
    return entity.name or ""


def _entity_type(entity: Person | Company | Opportunity) -> str:
    if isinstance(entity, Person):
        return "person"
    return "company" if isinstance(entity, Company) else "opportunity"


def _extra(entity: Person | Company | Opportunity | None) -> Mapping[str, str]:
    if isinstance(entity, Person) and entity.primary_email:
        return {"email": entity.primary_email}
    if isinstance(entity, Company) and entity.domain:
        return {"domain": entity.domain}
    return _NO_EXTRA


def _cell_getters(columns: Sequence[Column]) -> list[Callable[[Person | Company | Opportunity | None,
                                                                FieldValues], Display]]:
    """One function per column, chosen once per page rather than once per cell."""
    getters: list[Callable[[Person | Company | Opportunity | None, FieldValues], Display]] = []
    for column in columns:
        if column.key == NAME_KEY:
            getters.append(lambda entity, fields: plain(entity_name(entity)))
        elif column.key == EMAIL_KEY:
            getters.append(lambda entity, fields: plain(entity.primary_email
                                                        if isinstance(entity, Person) else None))
        elif column.key == DOMAIN_KEY:
            getters.append(lambda entity, fields: plain(entity.domain
                                                        if isinstance(entity, Company) else None))
        else:
            def by_field(entity: Person | Company | Opportunity | None, fields: FieldValues,
                         key: str = column.key, title: str = column.title) -> Display:
                return format_field(fields, key, field_name=title)
            getters.append(by_field)
    return getters


def _row(key: int, entity_type: str, entity: Person | Company | Opportunity | None,
         getters: Sequence[Callable[[Person | Company | Opportunity | None, FieldValues], Display]],
         extra: Mapping[str, str], column_keys: Sequence[str] = ()) -> Row:
    fields = entity.fields if entity is not None else FieldValues()
    shown = [get(entity, fields) for get in getters]
    if column_keys:
        shared = [_SHARED.cell(col, d.text, d.sort_key) if col else (d.text, d.sort_key)
                  for col, d in zip(column_keys, shown, strict=True)]
        cells = tuple(text for text, _ in shared)
        sort_keys = tuple(sort_key for _, sort_key in shared)
    else:
        cells = tuple(d.text for d in shown)
        sort_keys = tuple(d.sort_key for d in shown)
    return Row(key=key, entity_type=entity_type, entity_id=int(entity.id) if entity is not None else 0,
               cells=cells, styles=_SHARED.styles(tuple(d.style for d in shown)), sort_keys=sort_keys,
               extra=extra, search_text=SEARCH_SEPARATOR.join(cells).casefold())


def _shared_keys(columns: Sequence[Column]) -> list[str]:
    """Which columns' values are worth sharing: all but the record's own name/email/domain."""
    return [c.key if c.kind != "name" else "" for c in columns]


def entry_rows(entries: Sequence[ListEntryWithEntity], columns: Sequence[Column]) -> list[Row]:
    """Rows of a list's entries, keyed by entry id (field values live on ``entry.entity``)."""
    getters = _cell_getters(columns)
    keys = _shared_keys(columns)
    return [_row(int(entry.id), entry.type, entry.entity, getters, _extra(entry.entity), keys)
            for entry in entries]


def _entity_rows(entities: Sequence[Person | Company | Opportunity], columns: Sequence[Column]) -> list[Row]:
    getters = _cell_getters(columns)
    keys = _shared_keys(columns)
    return [_row(int(e.id), _entity_type(e), e, getters, _extra(e), keys) for e in entities]


def person_rows(persons: Sequence[Person], columns: Sequence[Column]) -> list[Row]:
    """Rows of people, keyed by person id (columns: ``person_columns``)."""
    return _entity_rows(persons, columns)


def company_rows(companies: Sequence[Company], columns: Sequence[Column]) -> list[Row]:
    """Rows of companies, keyed by company id (columns: ``company_columns``)."""
    return _entity_rows(companies, columns)


def opportunity_rows(opportunities: Sequence[Opportunity], columns: Sequence[Column]) -> list[Row]:
    """Rows of opportunities, keyed by opportunity id (columns: ``opportunity_columns``)."""
    return _entity_rows(opportunities, columns)
