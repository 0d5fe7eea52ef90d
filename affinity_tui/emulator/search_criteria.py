"""Search criteria: the JSON bodies clients send to filter and sort records.

The body of ``POST /v2/companies/search``, ``/v2/persons/search`` and
``/v2/lists/{id}/list-entries/search``, and the ``filters`` of saved views, answered as pure
functions (`compile_criteria`, `evaluate_criteria`, `matches_term`, `apply_sorts`) so the HTTP
layer only has to pick the records and turn `SearchError` into a 400 ``validation`` answer. The
bodies are those ``affinity.criteria.SearchCriteria.to_body()`` writes (the SDK's filter
pushdown, ``affinity/_filtering/pushdown.py``). Record values are read in the *compact* form of
`affinity_tui.emulator.store`.

This side deliberately mirrors the field metadata the emulator advertises
(`serialize.filterability`): a field is filterable exactly when
``affinity.criteria.filter_value_type`` gives it a filter value type, and no field is filtered by
attribute. Anything else is refused with `SearchError`, as the real API refuses it with 400,
so a client bug shows up against the emulator instead of silently matching nothing.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from .query_shared import SearchError, parse_instant

__all__ = [
    "OPERATORS",
    "Criteria",
    "SearchError",
    "ValueOf",
    "apply_sorts",
    "compile_criteria",
    "evaluate_criteria",
    "field_filter_type",
    "matches_term",
]

ValueOf = Callable[[str], tuple[str | None, Any]]
"""``value_of(field_id) -> (field value type or None when unknown, compact value or None)``."""

R = TypeVar("R")


# The operators per filter value type. A copy of ``affinity.criteria.OPERATORS`` (the tests check
# they agree): the emulator answers what the API accepts, and must not change silently when the
# SDK is upgraded.
_REF_OPS = ("is-any-of", "is-none-of")
_MULTI_OPS = ("has-any-of", "has-all-of", "has-none-of")
_EMPTY_OPS = ("is-empty", "is-not-empty")
_DATE_ONE = ("is-on", "is-not-on", "is-before", "is-after", "is-on-or-before", "is-on-or-after")
_DATE_WINDOW = (
    "is-within-the-last",
    "is-not-within-the-last",
    "is-within-the-next",
    "is-not-within-the-next",
)
_DATE_DURATION = (
    "is-exactly-relative",
    "is-not-exactly-relative",
    "is-less-than-relative",
    "is-less-than-or-equal-to-relative",
    "is-more-than-relative",
    "is-more-than-or-equal-to-relative",
)
_NUMBER_ONE = (
    "is-equal-to",
    "is-not-equal-to",
    "is-greater-than",
    "is-greater-than-or-equal-to",
    "is-less-than",
    "is-less-than-or-equal-to",
)
OPERATORS: dict[str, tuple[str, ...]] = {
    "company": _REF_OPS + _EMPTY_OPS,
    "company-multi": _MULTI_OPS + _EMPTY_OPS,
    "person": _REF_OPS + _EMPTY_OPS,
    "person-multi": _MULTI_OPS + _EMPTY_OPS,
    "list-multi": _MULTI_OPS + _EMPTY_OPS,
    "dropdown": _REF_OPS + _EMPTY_OPS,
    "dropdown-multi": _MULTI_OPS + _EMPTY_OPS,
    "ranked-dropdown": _REF_OPS + _EMPTY_OPS,
    "location": _REF_OPS + _EMPTY_OPS,
    "location-multi": _MULTI_OPS + _EMPTY_OPS,
    "filterable-text": _REF_OPS + _EMPTY_OPS,
    "filterable-text-multi": _MULTI_OPS + _EMPTY_OPS,
    "text": ("contains", "does-not-contain", "starts-with", "ends-with", *_EMPTY_OPS),
    "number": (*_NUMBER_ONE, "is-between", *_EMPTY_OPS),
    "date": (
        *_DATE_ONE,
        "is-between",
        "is-between-relative",
        *_DATE_WINDOW,
        *_DATE_DURATION,
        *_EMPTY_OPS,
    ),
}

_ID_TYPES = frozenset({"company", "company-multi", "person", "person-multi", "list-multi"})
_DROPDOWN_TYPES = frozenset({"dropdown", "dropdown-multi", "ranked-dropdown"})
_LOCATION_TYPES = frozenset({"location", "location-multi"})
_FTEXT_TYPES = frozenset({"filterable-text", "filterable-text-multi"})
_LOCATION_PARTS = ("streetAddress", "city", "state", "country", "continent")
_UNITS = ("minute", "hour", "day", "week", "month", "quarter", "year")
# Negative operators are exactly the complement of a positive one, so they also match records
# with no value (the SDK's pushdown relies on that: "is-none-of ... keeps empty values").
_NEGATIONS = {
    "is-none-of": "is-any-of",
    "has-none-of": "has-any-of",
    "does-not-contain": "contains",
    "is-not-equal-to": "is-equal-to",
    "is-not-on": "is-on",
    "is-not-within-the-last": "is-within-the-last",
    "is-not-within-the-next": "is-within-the-next",
    "is-not-exactly-relative": "is-exactly-relative",
    "is-not-empty": "is-empty",
}
MAX_GROUP_ITEMS = 50
MAX_VALUES = 100
MAX_SORTS = 5


def field_filter_type(field_value_type: str) -> str | None:
    """The filter value type a field of this (store) value type is searched by, or ``None`` when
    it can't be filtered (``interaction``, ``formula-number``, ``number-multi``).

    Same rule as ``affinity.criteria.filter_value_type``, which is what the emulator's field
    metadata advertises as ``filterability``: a search must agree with the metadata."""
    vt = "date" if field_value_type == "datetime" else field_value_type
    return vt if vt in OPERATORS else None


def _is_empty(value: Any) -> bool:
    """Empty for ``is-empty``: no value, an empty string or an empty list (stores may keep any
    of the three for "nothing")."""
    return value is None or value == "" or value == [] or value == {}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shift(t: datetime, amount: int, unit: str) -> datetime:
    """``t`` moved by ``amount`` units; months, quarters and years move on the calendar (the
    day is clamped, 31 March - 1 month = 28/29 February) because that is what "last 3 months"
    means to a user."""
    if unit == "minute":
        return t + timedelta(minutes=amount)
    if unit == "hour":
        return t + timedelta(hours=amount)
    if unit == "day":
        return t + timedelta(days=amount)
    if unit == "week":
        return t + timedelta(weeks=amount)
    months = amount * {"month": 1, "quarter": 3, "year": 12}[unit]
    year, month0 = divmod(t.year * 12 + t.month - 1 + months, 12)
    day = min(t.day, calendar.monthrange(year, month0 + 1)[1])
    return t.replace(year=year, month=month0 + 1, day=day)


@dataclass(frozen=True)
class _Location:
    """A location in a filter: the parts it names, casefolded. Parts it leaves out match
    anything, so ``{"country": "United States"}`` matches every US location."""

    parts: tuple[tuple[str, str], ...]

    def matches(self, record: Any) -> bool:
        if not isinstance(record, Mapping):
            return False
        return all(str(record.get(k) or "").casefold() == v for k, v in self.parts)


@dataclass(frozen=True)
class _Condition:
    """One validated ValueFilter; `value` is already normalized for evaluation."""

    field_id: str
    value_type: str
    operator: str
    value: Any
    path: str

    def __call__(self, value_of: ValueOf, now: datetime) -> bool:
        field_type, raw = value_of(self.field_id)
        if field_type is None:
            raise SearchError(f"Unknown field {self.field_id!r}", f"{self.path}.fieldId")
        expected = field_filter_type(field_type)
        if expected is None:
            raise SearchError(
                f"Field {self.field_id!r} ({field_type}) can't be filtered in a search",
                f"{self.path}.fieldId",
            )
        if expected != self.value_type:
            raise SearchError(
                f"Field {self.field_id!r} is filtered as {expected!r}, not {self.value_type!r}",
                f"{self.path}.valueType",
            )
        positive = _NEGATIONS.get(self.operator)
        if positive is not None:
            return not self._test(positive, raw, now)
        return self._test(self.operator, raw, now)

    def _test(self, op: str, raw: Any, now: datetime) -> bool:
        if op == "is-empty":
            if self.value_type == "date":
                return _is_empty(raw) or parse_instant(raw) is None
            return _is_empty(raw)
        if _is_empty(raw):
            return False
        vt = self.value_type
        if vt == "text":
            return _text_test(op, str(raw), self.value)
        if vt == "number":
            return _number_test(op, raw, self.value)
        if vt == "date":
            t = parse_instant(raw)
            return t is not None and _date_test(op, t, self.value, now)
        items = raw if isinstance(raw, list) else [raw]
        if op == "is-any-of" or op == "has-any-of":
            return any(self._match(item, want) for want in self.value for item in items)
        if op == "has-all-of":
            return all(any(self._match(item, want) for item in items) for want in self.value)
        raise AssertionError(f"unhandled operator {op}")  # pragma: no cover - validated earlier

    def _match(self, item: Any, want: Any) -> bool:
        """One record element against one filter value: ids by number, filterable text by
        case-insensitive equality, locations part by part."""
        if isinstance(want, _Location):
            return want.matches(item)
        if isinstance(want, str):
            return isinstance(item, str) and item.casefold() == want
        return _is_int(item) and item == want


def _text_test(op: str, text: str, needle: str) -> bool:
    """``text`` operators are case-insensitive, like Affinity's search: the SDK sends every
    local text test (equals, starts with, ...) as ``contains`` and relies on that."""
    folded = text.casefold()
    if op == "contains":
        return needle in folded
    if op == "starts-with":
        return folded.startswith(needle)
    return folded.endswith(needle)  # ends-with


def _number_test(op: str, raw: Any, want: Any) -> bool:
    if not _is_number(raw):
        return False
    if op == "is-between":
        low, high = want
        return bool(low <= raw <= high)
    return bool(
        {
            "is-equal-to": raw == want,
            "is-greater-than": raw > want,
            "is-greater-than-or-equal-to": raw >= want,
            "is-less-than": raw < want,
            "is-less-than-or-equal-to": raw <= want,
        }[op]
    )


def _date_test(op: str, t: datetime, want: Any, now: datetime) -> bool:
    """Dates: fixed days compare the record's UTC calendar day (the API takes whole days,
    ``YYYY-MM-DD``); relative operators compare instants against ``now``.

    Relative durations ("is more than 3 months ago") count *whole units elapsed* since the value
    (``e``), so they partition the past: exactly n ⇔ e == n, less than n ⇔ e < n, and so on.
    A value in the future has elapsed nothing and matches none of them (only the negation).
    ``is-between-relative`` (a, b) means a ≤ e ≤ b, i.e. "between a and b units ago"."""
    if op in _DATE_ONE or op == "is-between":
        day = t.date()
        if op == "is-between":
            start, end = want
            return bool(start <= day <= end)
        return bool(
            {
                "is-on": day == want,
                "is-before": day < want,
                "is-after": day > want,
                "is-on-or-before": day <= want,
                "is-on-or-after": day >= want,
            }[op]
        )
    amount, unit = want
    if op == "is-within-the-last":
        return _shift(now, -amount, unit) <= t <= now
    if op == "is-within-the-next":
        return now <= t <= _shift(now, amount, unit)
    if t > now:
        return False
    if op == "is-between-relative":
        a, b = amount
        return _shift(now, -(b + 1), unit) < t <= _shift(now, -a, unit)
    back = _shift(now, -amount, unit)
    back_more = _shift(now, -(amount + 1), unit)
    return bool(
        {
            "is-exactly-relative": back_more < t <= back,
            "is-less-than-relative": back < t,
            "is-less-than-or-equal-to-relative": back_more < t,
            "is-more-than-relative": t <= back_more,
            "is-more-than-or-equal-to-relative": t <= back,
        }[op]
    )


@dataclass(frozen=True)
class _Group:
    operator: str
    items: tuple[_Condition | _Group, ...]

    def __call__(self, value_of: ValueOf, now: datetime) -> bool:
        # Every item is evaluated (no short-circuit) so that a bad field id in a later branch is
        # reported for every record, not only for records that happen to reach it.
        results = [item(value_of, now) for item in self.items]
        return all(results) if self.operator == "and" else any(results)


@dataclass(frozen=True)
class Criteria:
    """A validated ``filters`` group, ready to test records (compile once, test many)."""

    root: _Group

    def matches(self, value_of: ValueOf, *, now: datetime) -> bool:
        """True when the record whose values `value_of` reads passes the filters."""
        return self.root(value_of, now if now.tzinfo is not None else now.replace(tzinfo=UTC))


def compile_criteria(filters: Mapping[str, Any] | None) -> Criteria:
    """Validate a search body's ``filters`` group (operators, value shapes, limits) without
    looking at any record; `SearchError` names the offending part."""
    if filters is None:
        return Criteria(_Group("and", ()))
    return Criteria(_compile_group(filters, "filters"))


def evaluate_criteria(
    filters: Mapping[str, Any] | None, value_of: ValueOf, *, now: datetime
) -> bool:
    """True when one record passes a v2 search body's ``filters`` group.

    ``value_of(field_id)`` gives the field's store value type (``None`` for an unknown field)
    and the record's compact value. ``now`` anchors the relative date operators (the emulator's
    clock, not the machine's, so tests are reproducible). ``None`` filters match everything.
    Raises `SearchError` for an unknown field, a field that isn't filterable or whose type
    differs from ``valueType``, an unknown operator, or a value of the wrong shape.
    """
    return compile_criteria(filters).matches(value_of, now=now)


def _compile_group(group: Any, path: str) -> _Group:
    if not isinstance(group, Mapping) or "filters" not in group:
        raise SearchError("A filter group is {operator: 'and'|'or', filters: [...]}", path)
    operator = group.get("operator")
    if operator not in ("and", "or"):
        raise SearchError(f"Group operator must be 'and' or 'or', got {operator!r}", f"{path}.operator")
    items = group["filters"]
    if not isinstance(items, list):
        raise SearchError("'filters' must be a list", f"{path}.filters")
    if len(items) > MAX_GROUP_ITEMS:
        raise SearchError(f"A filter group takes at most {MAX_GROUP_ITEMS} items", f"{path}.filters")
    compiled: list[_Condition | _Group] = []
    for i, item in enumerate(items):
        item_path = f"{path}.filters[{i}]"
        if isinstance(item, Mapping) and "filters" in item and "fieldId" not in item:
            compiled.append(_compile_group(item, item_path))
        else:
            compiled.append(_compile_condition(item, item_path))
    return _Group(str(operator), tuple(compiled))


def _compile_condition(item: Any, path: str) -> _Condition:
    if not isinstance(item, Mapping):
        raise SearchError("A filter is {fieldId, valueType, operator, value?}", path)
    field_id = item.get("fieldId")
    if not isinstance(field_id, str) or not field_id:
        raise SearchError("'fieldId' must be a field id string", f"{path}.fieldId")
    value_type = item.get("valueType")
    if value_type not in OPERATORS:
        raise SearchError(
            f"Unknown valueType {value_type!r}; valid: {', '.join(OPERATORS)}", f"{path}.valueType"
        )
    operator = item.get("operator")
    if operator not in OPERATORS[value_type]:
        raise SearchError(
            f"Operator {operator!r} isn't valid for {value_type} filters; "
            f"valid: {', '.join(OPERATORS[value_type])}",
            f"{path}.operator",
        )
    if item.get("attributeId") is not None:
        raise SearchError(
            f"Field {field_id!r} isn't filtered by attribute; remove 'attributeId'",
            f"{path}.attributeId",
        )
    value = item.get("value")
    if operator in _EMPTY_OPS:
        if value is not None:
            raise SearchError(f"Operator {operator!r} takes no value", f"{path}.value")
        return _Condition(field_id, value_type, operator, None, path)
    if value is None:
        raise SearchError(f"Operator {operator!r} needs a value", f"{path}.value")
    normalized = _normalize_value(value_type, operator, value, f"{path}.value")
    return _Condition(field_id, value_type, operator, normalized, path)


def _value_list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise SearchError("Expected a non-empty list of values", path)
    if len(value) > MAX_VALUES:
        raise SearchError(f"At most {MAX_VALUES} values per filter", path)
    return value


def _ref(item: Any, key: str, path: str) -> int:
    """An id in a filter value: ``{key: n}`` as the SDK writes it, or a bare ``n``."""
    raw: Any = item.get(key) if isinstance(item, Mapping) else item
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise SearchError(f"Expected {{{key!r}: <integer>}}, got {item!r}", path)
    return raw


def _location(item: Any, path: str) -> _Location:
    if not isinstance(item, Mapping):
        raise SearchError(f"A location is an object ({', '.join(_LOCATION_PARTS)}), got {item!r}", path)
    unknown = sorted(set(item) - set(_LOCATION_PARTS))
    if unknown:
        raise SearchError(f"Unknown location part(s): {', '.join(unknown)}", path)
    parts: list[tuple[str, str]] = []
    for key in _LOCATION_PARTS:
        part = item.get(key)
        if part is None or part == "":
            continue
        if not isinstance(part, str):
            raise SearchError(f"Location {key} must be a string, got {part!r}", path)
        parts.append((key, part.casefold()))
    if not parts:
        raise SearchError("A location filter needs at least one part (country, city, ...)", path)
    return _Location(tuple(parts))


def _day(value: Any, path: str) -> date:
    """Fixed date filters take whole days (``YYYY-MM-DD``), as the SDK writes them."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise SearchError(f"Expected a date 'YYYY-MM-DD', got {value!r}", path)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SearchError(f"Not a valid date: {value!r}", path) from None


def _relative(value: Any, operator: str, path: str) -> tuple[Any, str]:
    """Relative date values. The SDK writes three shapes: windows ``{"amount": [n], "unit"}``,
    ``is-between-relative`` ``{"amount": [a, b], "unit"}`` and durations ``{"amount": n,
    "unit"}`` (a bare integer)."""
    if not isinstance(value, Mapping) or set(value) != {"amount", "unit"}:
        raise SearchError(f"{operator} takes {{amount, unit}}, got {value!r}", path)
    unit = value["unit"]
    if unit not in _UNITS:
        raise SearchError(f"Unit must be one of: {', '.join(_UNITS)}", f"{path}.unit")
    amount = value["amount"]
    if operator in _DATE_WINDOW:
        if not (isinstance(amount, list) and len(amount) == 1 and _is_int(amount[0]) and amount[0] >= 1):
            raise SearchError(f"{operator} takes amount [n] with n >= 1, got {amount!r}", f"{path}.amount")
        return int(amount[0]), str(unit)
    if operator == "is-between-relative":
        if not (
            isinstance(amount, list)
            and len(amount) == 2
            and all(_is_int(a) for a in amount)
            and 1 <= amount[0] <= amount[1]
        ):
            raise SearchError(
                f"is-between-relative takes amount [start, end] with 1 <= start <= end, got {amount!r}",
                f"{path}.amount",
            )
        return (int(amount[0]), int(amount[1])), str(unit)
    if not _is_int(amount) or amount < 0:
        raise SearchError(f"{operator} takes an amount of 0 or more, got {amount!r}", f"{path}.amount")
    return int(amount), str(unit)


def _normalize_value(value_type: str, operator: str, value: Any, path: str) -> Any:
    if value_type in _ID_TYPES:
        return tuple(_ref(v, "id", path) for v in _value_list(value, path))
    if value_type in _DROPDOWN_TYPES:
        return tuple(_ref(v, "dropdownOptionId", path) for v in _value_list(value, path))
    if value_type in _LOCATION_TYPES:
        return tuple(_location(v, path) for v in _value_list(value, path))
    if value_type in _FTEXT_TYPES:
        items = _value_list(value, path)
        if not all(isinstance(v, str) for v in items):
            raise SearchError("filterable-text filters take a list of strings", path)
        return tuple(v.casefold() for v in items)
    if value_type == "text":
        if not isinstance(value, str) or not value:
            raise SearchError(f"Text filters take one non-empty string, got {value!r}", path)
        return value.casefold()
    if value_type == "number":
        if operator == "is-between":
            if not (isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)):
                raise SearchError(f"is-between takes [low, high], got {value!r}", path)
            if value[0] > value[1]:
                raise SearchError("is-between needs low <= high", path)
            return value[0], value[1]
        if not _is_number(value):
            raise SearchError(f"Number filters take a number, got {value!r}", path)
        return value
    # date
    if operator in _DATE_ONE:
        return _day(value, path)
    if operator == "is-between":
        if not isinstance(value, list) or len(value) != 2:
            raise SearchError(f"is-between takes [start, end], got {value!r}", path)
        start, end = _day(value[0], path), _day(value[1], path)
        if start > end:
            raise SearchError("is-between needs start <= end", path)
        return start, end
    return _relative(value, operator, path)


# ---- term and sorts ------------------------------------------------------------------------


def matches_term(term: str, texts: Iterable[str | None]) -> bool:
    """The ``search.term`` part of a body: the term occurs in one of the record's names, domains
    or email addresses, case-insensitively (a superset of the SDK's "a word starts with"
    local check, which is all the emulator has to guarantee)."""
    needle = term.strip().casefold()
    return any(needle in text.casefold() for text in texts if text)


def _sort_key(field_type: str, raw: Any) -> Any:
    """A comparable key for one compact value. Text sorts case-insensitively. Dropdowns sort by option id and persons or
    companies by entity id: option ids follow the options' order in the emulator's data, and
    names are not available here."""
    if field_type == "datetime":
        return parse_instant(raw)
    if field_type in _LOCATION_TYPES:
        locations = raw if isinstance(raw, list) else [raw]
        return tuple(
            tuple(str(loc.get(k) or "").casefold() for k in ("country", "state", "city", "streetAddress"))
            for loc in locations
            if isinstance(loc, Mapping)
        )
    if isinstance(raw, list):
        return tuple(sorted(_sort_key(field_type.removesuffix("-multi"), v) for v in raw))
    if isinstance(raw, str):
        return raw.casefold()  # "a" and "A" tie, so the next sort (or the id) decides
    return raw


def apply_sorts(
    records: Iterable[R],
    sorts: Any,
    value_of: Callable[[R], ValueOf],
    *,
    id_of: Callable[[R], Any] | None = None,
) -> list[R]:
    """Records ordered by a body's ``sorts`` (``[{fieldId, direction}]``, applied in order).

    Empty values come last in both directions and ties are ordered by id, as the SDK documents
    for the API (``affinity.criteria.Sort``). ``id_of`` defaults to the record's ``id``.
    """
    if not isinstance(sorts, list) or len(sorts) > MAX_SORTS:
        raise SearchError(f"'sorts' must be a list of at most {MAX_SORTS} sorts", "sorts")
    get_id: Callable[[R], Any] = id_of if id_of is not None else (lambda r: getattr(r, "id"))
    specs: list[tuple[str, bool, str]] = []
    for i, spec in enumerate(sorts):
        path = f"sorts[{i}]"
        if not isinstance(spec, Mapping):
            raise SearchError("A sort is {fieldId, direction}", path)
        field_id = spec.get("fieldId")
        if not isinstance(field_id, str) or not field_id:
            raise SearchError("'fieldId' must be a field id string", f"{path}.fieldId")
        direction = spec.get("direction", "asc")
        if direction not in ("asc", "desc"):
            raise SearchError(f"Sort direction must be 'asc' or 'desc', got {direction!r}", f"{path}.direction")
        if spec.get("attributeId") is not None:
            raise SearchError(f"Field {field_id!r} isn't sorted by attribute", f"{path}.attributeId")
        specs.append((field_id, direction == "desc", path))

    out = sorted(records, key=get_id)
    # Stable sorts from the last key to the first give the lexicographic order; each pass keeps
    # empties after the values so they stay last whatever the direction.
    for field_id, descending, path in reversed(specs):
        keyed: list[tuple[Any, R]] = []
        empty: list[R] = []
        for record in out:
            field_type, raw = value_of(record)(field_id)
            if field_type is None:
                raise SearchError(f"Unknown field {field_id!r}", f"{path}.fieldId")
            if field_type == "interaction":
                raise SearchError(f"Field {field_id!r} can't be sorted", f"{path}.fieldId")
            key = None if _is_empty(raw) else _sort_key(field_type, raw)
            if key is None or key == ():
                empty.append(record)
            else:
                keyed.append((key, record))
        try:
            keyed.sort(key=lambda pair: pair[0], reverse=descending)
        except TypeError:
            raise SearchError(f"Field {field_id!r} holds values that can't be ordered", f"{path}.fieldId") from None
        out = [record for _, record in keyed] + empty
    return out
