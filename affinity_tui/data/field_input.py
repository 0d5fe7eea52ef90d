"""What a person types into a field, turned into the value Affinity takes, or refused with why.

One parser per value type, all checked *before* anything is sent: a number that is not one, a
date that does not exist, a dropdown option the field does not have (with the closest ones), a
field Affinity fills in itself. The result carries both shapes of the value: what a v2 write
takes (``{"dropdownOptionId": 7}``, ``{"id": 42}``) and what a v2 read returns (the option's
text, rank and colour; the person's name), so a screen can show the new value at once without
reading it again, and so an undo can write an old value back exactly (``write_data``).

Numbers are read tolerantly: ``1,500.5``, ``1.500,5``, ``1 500``, ``1.5m``, ``250k``, ``-3``,
``(3)``; money fields take their currency's sign (``$250k``) and refuse another one.
Dates go through ``data.dates``, the one parser for every date typed in the app.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import Any, TypeAlias

from affinity.models.entities import DropdownOption, FieldMetadata

from .dates import DateProblem, parse_when
from .values import clean_text, format_value, is_money_field

READ_ONLY_KINDS = {
    "enriched": "it is enriched data that Affinity fills in from {source}",
    "relationship-intelligence": "Affinity works it out from your team's emails and meetings",
}
COMPUTED_TYPES = {
    "formula-number": "it is a formula: Affinity calculates it from other fields",
    "interaction": "Affinity works it out from your team's emails and meetings",
}
TEXT_TYPES = frozenset({"text", "filterable-text"})
DROPDOWN_TYPES = frozenset({"dropdown", "ranked-dropdown"})
REFERENCE_TYPES = frozenset({"person", "company"})
EDITABLE_BASE_TYPES = frozenset({*TEXT_TYPES, "number", "datetime", *DROPDOWN_TYPES, *REFERENCE_TYPES, "location"})
MAX_MULTI_VALUES = 100
MAX_TEXT_CHARS = 65_536
"""The longest text value sent: a longer paste is refused before anything is sent (a text of
ten thousand characters still saves)."""
MAX_TYPED_CHARS = 1_000
"""The longest number, date, location or option typed that is read at all: none is longer, and
a pasted page is refused at once instead of being read and quoted back."""
"""Affinity takes at most 100 values in a multi-value field (dropdowns have no cap)."""
CURRENCY = "$"
"""Affinity has no currency type; money fields (judged by name, ``values.is_money_field``) are
shown in dollars, so a typed amount may carry a ``$`` or ``USD`` and no other currency."""
OTHER_CURRENCIES = ("€", "£", "¥", "₹", "CHF", "EUR", "GBP", "JPY", "CAD", "AUD", "C$", "A$")
LOCATION_KEYS = ("streetAddress", "city", "state", "country", "continent")

FieldMeta: TypeAlias = FieldMetadata
"""A field's metadata (name, value type, dropdown options) as the editors and parsers here take
it: what screens name, so that only ``data/`` imports the SDK."""

_SUFFIXES = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12}
_NUMBER = re.compile(r"^([+-]?)([0-9][0-9.,' \u00a0\u202f]*)(?:\s*([a-z]{1,2}))?$")


@dataclass(frozen=True, slots=True)
class InputProblem:
    """Why the typed text is not a value of the field, in a sentence (nothing is sent)."""

    message: str
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewValue:
    """A checked value for one field, in the two shapes of the v2 API."""

    value_type: str
    data: Any
    """What a v2 write takes as ``value.data`` (``None`` clears the field)."""
    shown: Any
    """What a v2 read returns as ``value.data`` for it (for the screen, without a read)."""
    field_name: str = field(default="", compare=False)
    """The field's name (it tells money from other numbers when shown)."""

    @property
    def text(self) -> str:
        """How it reads ("IC Review", "$1,500,000", "—" for a cleared field)."""
        return format_value({"type": self.value_type, "data": self.shown}, field_name=self.field_name).detail_text

    @property
    def clears(self) -> bool:
        """True when saving it empties the field."""
        return self.data is None


def value_type_of(meta: FieldMetadata) -> str:
    """The field's v2 value type as a string (``"ranked-dropdown"``, ``"person-multi"``)."""
    return str(getattr(meta.value_type, "value", meta.value_type))


def base_type(value_type: str) -> str:
    """The value type without its ``-multi`` suffix (``"person-multi"`` → ``"person"``)."""
    return value_type.removesuffix("-multi")


def is_multi(value_type: str) -> bool:
    """True for a value type that holds several values (``…-multi``)."""
    return value_type.endswith("-multi")


def why_read_only(meta: FieldMetadata) -> str | None:
    """Why the field cannot be edited ("it is a formula: …"), or None when it can."""
    kind = meta.type or "global"
    if kind in READ_ONLY_KINDS:
        source = (meta.enrichment_source or "its data providers").replace("-", " ")
        return READ_ONLY_KINDS[kind].format(source=source)
    value_type = value_type_of(meta)
    if value_type in COMPUTED_TYPES:
        return COMPUTED_TYPES[value_type]
    if base_type(value_type) not in EDITABLE_BASE_TYPES:
        return f"affinity-tui cannot edit {value_type} values"
    return None


# ---- numbers ------------------------------------------------------------------------------
def parse_number(text: str, *, money: bool = False) -> float | int | InputProblem:
    """A number as people type it; ``int`` when it is whole (so ``1.5m`` is ``1500000``).

    Grouping and decimal marks are told apart by position: the last of ``.``/``,`` with other
    marks before it, or not followed by exactly three digits, is the decimal mark
    (``1,500.5``, ``1.500,5``, ``1,5``); ``1,500`` and ``1.500.000`` are grouped thousands.
    """
    raw = text.strip().replace("\u2212", "-")
    if not raw:
        return InputProblem("Type a number (e.g. 1500, 1.5m, 250k).")
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        raw, negative = raw[1:-1].strip(), True
    lowered = raw.lower()
    for other in OTHER_CURRENCIES:
        if other.lower() in lowered:
            return InputProblem(f"“{text.strip()}” is in another currency; this field is in dollars ({CURRENCY}).")
    if money or CURRENCY in raw or lowered.startswith("usd") or lowered.endswith("usd"):
        cleaned = raw.replace(CURRENCY, "")
        cleaned = re.sub(r"(?i)^\s*usd|usd\s*$", "", cleaned)
        if cleaned != raw and not money:
            return InputProblem(f"“{text.strip()}” is an amount of money; this field holds plain numbers.")
        raw = cleaned.strip()
        if raw.startswith("-") and raw[1:].startswith(CURRENCY):
            raw = "-" + raw[2:]
        raw = raw.replace("-" + CURRENCY, "-")
    match = _NUMBER.match(raw.strip().lower())
    if match is None:
        return InputProblem(f"“{text.strip()}” is not a number; try 1500, 1,500.5, 1.5m or 250k.")
    sign, digits, suffix = match.group(1), match.group(2).strip(), match.group(3)
    factor = 1.0
    if suffix:
        if suffix not in _SUFFIXES:
            return InputProblem(f"“{text.strip()}”: {suffix!r} is not a multiplier; use k, m or b (250k, 1.5m).")
        factor = _SUFFIXES[suffix]
    value = _plain_number(digits)
    if value is None:
        return InputProblem(f"“{text.strip()}” is not a number; try 1500, 1,500.5, 1.5m or 250k.")
    number = value * factor * (-1 if (sign == "-") != negative else 1)
    if abs(number) >= 1e15:
        return InputProblem(f"“{text.strip()}” is too large a number.")
    rounded = round(number, 6)
    return int(rounded) if float(rounded).is_integer() else rounded


def _plain_number(digits: str) -> float | None:
    compact = re.sub(r"[ '\u00a0\u202f]", "", digits)
    if not compact or not compact[0].isdigit():
        return None
    dots, commas = compact.count("."), compact.count(",")
    if dots and commas:  # the last mark is the decimal one: 1,500.5 / 1.500,5
        decimal = max(compact.rfind("."), compact.rfind(","))
        whole, fraction = compact[:decimal], compact[decimal + 1:]
        if not _grouped(whole):
            return None
        whole = whole.replace(".", "").replace(",", "")
    elif dots > 1 or commas > 1:  # 1.500.000 / 1,500,000
        if not _grouped(compact):
            return None
        whole, fraction = compact.replace(".", "").replace(",", ""), ""
    elif commas == 1:  # 1,500 (thousands) / 1,5 (decimal comma)
        whole, fraction = compact.split(",")
        if len(fraction) == 3:
            whole, fraction = whole + fraction, ""
    elif dots == 1:  # 1.5 / 1.500 (a decimal point, as Python reads it)
        whole, fraction = compact.split(".")
    else:
        whole, fraction = compact, ""
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return None
    return float(f"{whole}.{fraction}" if fraction else whole)


def _grouped(whole: str) -> bool:
    """``1,500,000`` / ``1.500`` / ``12``: digits in groups of three after the first."""
    return bool(re.fullmatch(r"\d{1,3}(?:[.,]\d{3})*|\d+", whole))


# ---- dropdowns ------------------------------------------------------------------------------
def ranked_options(meta: FieldMetadata) -> list[DropdownOption]:
    """The field's options in rank order (unranked ones keep Affinity's order, after)."""
    options = list(meta.dropdown_options)
    return sorted(options, key=lambda o: (o.rank is None, o.rank if o.rank is not None else 0))


def option_shown(option: DropdownOption, value_type: str) -> dict[str, Any]:
    """What a v2 read returns for an option of a ``value_type`` field."""
    shown: dict[str, Any] = {"dropdownOptionId": int(option.id), "text": option.text}
    if base_type(value_type) == "ranked-dropdown":
        shown["rank"] = option.rank
        shown["color"] = option.color
    return shown


def find_option(options: Sequence[DropdownOption], typed: str) -> DropdownOption | InputProblem:
    """The option called ``typed`` (any case), else the only one it starts, else why not."""
    wanted = " ".join(typed.split()).casefold()
    exact = [o for o in options if o.text.casefold() == wanted]
    if exact:
        return exact[0]
    starts = [o for o in options if o.text.casefold().startswith(wanted)] if wanted else []
    if len(starts) == 1:
        return starts[0]
    texts = [o.text for o in options]
    close = tuple(difflib.get_close_matches(typed.strip(), texts, n=3, cutoff=0.5)) or tuple(
        o.text for o in starts[:3])
    if close:
        hint = " or ".join(f"“{c}”" for c in close)
        return InputProblem(f"No option “{typed.strip()}”. Did you mean {hint}?", close)
    listed = ", ".join(texts[:12]) + (" …" if len(texts) > 12 else "")
    return InputProblem(f"No option “{typed.strip()}”. The options are: {listed}.")


def dropdown_value(meta: FieldMetadata, options: Sequence[DropdownOption]) -> NewValue:
    """The value of choosing ``options`` (none: clear) for a dropdown field of any kind."""
    value_type = value_type_of(meta)
    if is_multi(value_type):
        if not options:
            return NewValue(value_type, None, None, meta.name)
        return NewValue(value_type, [{"dropdownOptionId": int(o.id)} for o in options],
                        [option_shown(o, value_type) for o in options], meta.name)
    if not options:
        return NewValue(value_type, None, None, meta.name)
    return NewValue(value_type, {"dropdownOptionId": int(options[0].id)}, option_shown(options[0], value_type), meta.name)


# ---- references -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Reference:
    """A person or company found by a search, as a v2 read shows it."""

    kind: str
    """``"person"`` or ``"company"``."""
    id: int
    name: str
    detail: str = ""
    """An email or domain, to tell two of the same name apart."""
    shown: Mapping[str, Any] | None = None


def reference_value(meta: FieldMetadata, chosen: Sequence[Reference]) -> NewValue:
    """The value of choosing ``chosen`` people or companies for a reference field (none: clear;
    a single-value field takes the first). Never raises."""
    value_type = value_type_of(meta)
    shown = [dict(r.shown) if r.shown is not None else {"id": r.id} for r in chosen]
    if is_multi(value_type):
        if not chosen:
            return NewValue(value_type, None, None, meta.name)
        return NewValue(value_type, [{"id": r.id} for r in chosen], shown, meta.name)
    if not chosen:
        return NewValue(value_type, None, None, meta.name)
    return NewValue(value_type, {"id": chosen[0].id}, shown[0], meta.name)


# ---- one entry point per value type -----------------------------------------------------------
def parse_input(meta: FieldMetadata, text: str, *, now: datetime, tz: tzinfo | None = None) -> NewValue | InputProblem:
    """The value ``text`` means for the field, or why it is not one. Empty text clears it.

    Person and company fields are chosen from a search (``reference_value``), not parsed.
    Dropdown fields need their options (``FieldCatalog.with_options``)."""
    parsed = _parse_input(meta, text, now=now, tz=tz)
    return replace(parsed, field_name=meta.name) if isinstance(parsed, NewValue) else parsed


def _parse_input(meta: FieldMetadata, text: str, *, now: datetime, tz: tzinfo | None) -> NewValue | InputProblem:
    reason = why_read_only(meta)
    if reason is not None:
        return InputProblem(f"{meta.name} cannot be edited: {reason}.")
    value_type = value_type_of(meta)
    base = base_type(value_type)
    multi = is_multi(value_type)
    if not text.strip():
        return NewValue(value_type, None, None)
    limit = MAX_TEXT_CHARS if base in TEXT_TYPES else MAX_TYPED_CHARS
    if len(text) > limit:
        return InputProblem(f"That is {len(text):,} characters; {meta.name} takes at most {limit:,}. "
                            "Nothing was sent.")
    if base in REFERENCE_TYPES:
        return InputProblem(f"Search for a {base} to put in {meta.name}.")
    if base in TEXT_TYPES and not multi:
        return NewValue(value_type, text, text)
    parts = split_items(text) if multi else [text]
    if multi and len(parts) > MAX_MULTI_VALUES and base not in DROPDOWN_TYPES:
        return InputProblem(f"{meta.name} takes at most {MAX_MULTI_VALUES} values.")
    items: list[Any] = []
    shown: list[Any] = []
    for part in parts:
        one = _parse_one(meta, base, part, now=now, tz=tz)
        if isinstance(one, InputProblem):
            return one
        data, seen = one
        if data in items:
            continue
        items.append(data)
        shown.append(seen)
    if multi:
        return NewValue(value_type, items, shown)
    return NewValue(value_type, items[0], shown[0])


def _parse_one(meta: FieldMetadata, base: str, text: str, *, now: datetime,
               tz: tzinfo | None) -> tuple[Any, Any] | InputProblem:
    if base in TEXT_TYPES:
        return text, text
    if base == "number":
        number = parse_number(text, money=is_money_field(meta.name))
        if isinstance(number, InputProblem):
            return number
        return number, number
    if base == "datetime":
        when = parse_when(text, now, tz=tz)
        if isinstance(when, DateProblem):
            return InputProblem(when.message)
        stamp = f"{when.day.isoformat()}T12:00:00Z"  # noon UTC: the same calendar day everywhere
        return stamp, stamp
    if base in DROPDOWN_TYPES:
        if not meta.dropdown_options:
            return InputProblem(f"The options of {meta.name} could not be read; press R and try again.")
        option = find_option(ranked_options(meta), text)
        if isinstance(option, InputProblem):
            return option
        return {"dropdownOptionId": int(option.id)}, option_shown(option, base)
    if base == "location":
        place = parse_location(text)
        return place, place
    return InputProblem(f"{meta.name} cannot be edited here.")


def split_items(text: str) -> list[str]:
    """The items of a multi value typed as ``a, b; c`` (blanks dropped)."""
    return [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]


def parse_location(text: str) -> dict[str, Any]:
    """``City``, ``City, Country``, ``City, State, Country`` or ``Street, City, State, Country``,
    as the five parts a v2 location has (the ones not given are null)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    place: dict[str, Any] = dict.fromkeys(LOCATION_KEYS)
    if len(parts) == 1:
        place["city"] = parts[0]
    elif len(parts) == 2:
        place["city"], place["country"] = parts
    elif len(parts) == 3:
        place["city"], place["state"], place["country"] = parts
    else:
        place["streetAddress"] = ", ".join(parts[:-3])
        place["city"], place["state"], place["country"] = parts[-3:]
    return place


def parse_location_multi(text: str) -> list[dict[str, Any]]:
    """Several locations, one per ``;`` or line."""
    return [parse_location(part) for part in re.split(r"[;\n]", text) if part.strip()]


# ---- read shape → write shape ---------------------------------------------------------------
def write_data(value_type: str, read: Any) -> Any:
    """The v2 write ``data`` for a value as a v2 read returned it (for undo: exactly the old
    value). ``None`` (and an empty multi value) clears the field."""
    if read is None or read == []:
        return None
    base = base_type(value_type)
    if is_multi(value_type):
        items = read if isinstance(read, list) else [read]
        return [_write_item(base, item) for item in items if item is not None] or None
    return _write_item(base, read)


def _write_item(base: str, item: Any) -> Any:
    if base in DROPDOWN_TYPES and isinstance(item, Mapping):
        return {"dropdownOptionId": item.get("dropdownOptionId", item.get("id"))}
    if base in REFERENCE_TYPES and isinstance(item, Mapping):
        return {"id": item.get("id")}
    if base == "location" and isinstance(item, Mapping):
        return {key: item.get(key) for key in LOCATION_KEYS}
    return item


def same_value(value_type: str, left: Any, right: Any) -> bool:
    """Whether two v2 values (read or write shapes) mean the same (ids compared, order of a
    multi value ignored)."""
    a, b = write_data(value_type, left), write_data(value_type, right)
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(repr, a)) == sorted(map(repr, b))
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return bool(a == b)


async def search_references(client: Any, kind: str, term: str, *, limit: int = 20) -> list[Reference]:
    """People (by name or email) or companies (by name or domain) matching ``term``: one v1
    search on the read client. Raises the SDK's errors (read inside ``session.reading()``)."""
    if kind == "person":
        page = await client.persons.search(term, page_size=limit)
        found = []
        for p in page.data[:limit]:
            name = " ".join(x for x in (p.first_name, p.last_name) if x).strip() or (p.primary_email or f"#{p.id}")
            found.append(Reference("person", int(p.id), clean_text(name), clean_text(p.primary_email or ""), {
                "id": int(p.id), "firstName": p.first_name, "lastName": p.last_name,
                "primaryEmailAddress": p.primary_email, "type": str(getattr(p.type, "value", p.type) or "")}))
        return found
    page = await client.companies.search(term, page_size=limit)
    return [Reference("company", int(c.id), clean_text(c.name or c.domain or f"#{c.id}"), clean_text(c.domain or ""),
                      {"id": int(c.id), "name": c.name, "domain": c.domain}) for c in page.data[:limit]]


def references_in(value_type: str, read: Any) -> list[Reference]:
    """The people or companies a v2 read value names (the editor starts from them)."""
    from .values import company_name, person_name

    items = read if isinstance(read, list) else [read] if read is not None else []
    kind = base_type(value_type)
    out = []
    for item in items:
        if isinstance(item, Mapping) and item.get("id") is not None:
            name = person_name(item) if kind == "person" else company_name(item)
            out.append(Reference(kind, int(item["id"]), clean_text(name), "", dict(item)))
    return out
