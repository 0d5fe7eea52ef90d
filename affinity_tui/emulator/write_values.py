"""Field values as clients write them, checked and turned into the store's compact values.

Two wire forms reach the emulator: v2's ``{"type", "data"}`` (``POST .../fields/{fieldId}`` and
``PATCH .../fields``, whose reference shapes the 2024-01-01 OpenAPI document fixes: ``{"id"}``,
``{"dropdownOptionId"}``, five-key locations, ISO date-times), and v1's bare value, one per
row (``POST``/``PUT /field-values``: ids, a dropdown's text, snake_case locations). A value the
API would refuse is refused the same way, v2 with 400 ``validation`` and v1 with 422, naming
the field, before anything changes: a client bug shows up against the emulator.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .store import MULTI_TYPES, FieldDef, TenantStore
from .wire import ApiError

READ_ONLY_KINDS = frozenset({"enriched", "relationship-intelligence"})
CALCULATED_TYPES = frozenset({"formula-number", "interaction"})
MAX_MULTI_VALUES = 100
CAPPED_MULTI_TYPES = frozenset({"company-multi", "person-multi", "number-multi", "filterable-text-multi",
                                "location-multi"})
"""Multi types whose v2 write schema says ``maxItems: 100`` (dropdown-multi has no cap)."""
LOCATION_KEYS = ("streetAddress", "city", "state", "country", "continent")
V1_LOCATION_KEYS = {"street_address": "streetAddress", "city": "city", "state": "state", "country": "country",
                    "continent": "continent"}
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Invalid(Exception):
    """A value of the wrong shape; the caller turns it into the API's error."""


def check_writable(f: FieldDef, status: int, param: str) -> None:
    if f.kind in READ_ONLY_KINDS:
        raise ApiError(status, f"Field {f.id} ({f.name}) is {f.kind} data and read-only", param=param)
    if f.value_type in CALCULATED_TYPES:
        raise ApiError(status, f"Field {f.id} ({f.name}) is calculated ({f.value_type}) and read-only",
                       param=param)


def from_v2(store: TenantStore, f: FieldDef, value: Any) -> Any:
    """The compact value of a v2 write value (``None`` clears the field). 400 when invalid."""
    check_writable(f, 400, "value")
    if not isinstance(value, Mapping) or "type" not in value or "data" not in value:
        raise ApiError(400, "value must be {type, data} (data null clears the field)", param="value")
    if value["type"] != f.value_type:
        raise ApiError(400, f"Field {f.id} ({f.name}) takes {f.value_type} values, not {value['type']}",
                       param="value.type")
    data = value["data"]
    if data is None:
        return None
    try:
        if f.value_type in MULTI_TYPES:
            if not isinstance(data, list):
                raise _Invalid("expects a list (or null)")
            if f.value_type in CAPPED_MULTI_TYPES and len(data) > MAX_MULTI_VALUES:
                raise _Invalid(f"takes at most {MAX_MULTI_VALUES} values")
            base = _base_type(f.value_type)
            return [_item(store, f, base, item, v1=False) for item in data] or None
        return _item(store, f, f.value_type, data, v1=False)
    except _Invalid as exc:
        raise ApiError(400, f"Field {f.id} ({f.name}) {exc}", param="value.data") from None


def from_v1(store: TenantStore, f: FieldDef, raw: Any) -> Any:
    """One compact item of a v1 write (a multi-valued field takes one item per row). 422 when
    invalid."""
    check_writable(f, 422, "value")
    if raw is None:
        raise ApiError(422, "value is required", param="value")
    try:
        return _item(store, f, _base_type(f.value_type), raw, v1=True)
    except _Invalid as exc:
        raise ApiError(422, f"Field {f.v1_id} ({f.name}) {exc}", param="value") from None


def _base_type(value_type: str) -> str:
    return value_type.removesuffix("-multi")


def _item(store: TenantStore, f: FieldDef, vt: str, data: Any, *, v1: bool) -> Any:
    if vt in ("dropdown", "ranked-dropdown"):
        return _option(f, vt, data, v1)
    if vt in ("person", "company"):
        ident = data if v1 else _reference(data, "id")
        pool: Mapping[int, Any] = store.persons if vt == "person" else store.companies
        if not _is_int(ident) or ident not in pool:
            raise _Invalid(f"has no {vt} {ident!r}")
        return ident
    if vt == "number":
        if not _is_number(data):
            raise _Invalid(f"takes numbers, not {data!r}")
        return data
    if vt in ("text", "filterable-text"):
        if not isinstance(data, str):
            raise _Invalid(f"takes text, not {data!r}")
        return data
    if vt == "datetime":
        return _instant(data, v1)
    if vt == "location":
        return _location(data, v1)
    raise _Invalid(f"can't be written ({vt})")


def _option(f: FieldDef, vt: str, data: Any, v1: bool) -> int:
    """v2 sends ``{"dropdownOptionId"}``; v1 sends a dropdown option's text, or the option id
    (a ranked dropdown takes only the id)."""
    if not v1:
        oid = _reference(data, "dropdownOptionId")
    elif isinstance(data, str) and vt == "dropdown":
        option = f.option_by_text(data)
        if option is None:
            raise _Invalid(f"has no option {data!r}")
        return option.id
    else:
        oid = data
    if not _is_int(oid) or f.option(oid) is None:
        raise _Invalid(f"has no dropdown option {oid!r}")
    return int(oid)


def _reference(data: Any, key: str) -> Any:
    if not isinstance(data, Mapping) or set(data) != {key}:
        raise _Invalid(f"takes {{{key!r}: <id>}}, not {data!r}")
    return data[key]


def normalize_datetime(data: Any, *, v1: bool = False) -> str | None:
    """An ISO 8601 date-time (any offset) as the store's ``YYYY-MM-DDTHH:MM:SSZ``, or ``None``
    when `data` is not one. v1 also takes a bare date, kept as noon UTC so that the calendar day
    is the same in every time zone."""
    if isinstance(data, str) and v1 and _DATE.fullmatch(data):
        data = f"{data}T12:00:00Z"
    if not isinstance(data, str) or not _DATETIME.fullmatch(data):
        return None
    try:
        when = datetime.fromisoformat(data.replace("z", "Z"))
    except ValueError:
        return None
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _instant(data: Any, v1: bool) -> str:
    when = normalize_datetime(data, v1=v1)
    if when is None:
        raise _Invalid(f"takes an ISO 8601 date-time such as 2026-01-31T12:00:00Z, not {data!r}")
    return when


def _location(data: Any, v1: bool) -> dict[str, Any]:
    """v2 requires all five keys; v1 takes its snake_case keys, any of them."""
    if not isinstance(data, Mapping):
        raise _Invalid(f"takes a location object, not {data!r}")
    if v1:
        unknown = set(data) - set(V1_LOCATION_KEYS)
        parts = {V1_LOCATION_KEYS[k]: v for k, v in data.items() if k in V1_LOCATION_KEYS}
        out = {k: parts.get(k) for k in LOCATION_KEYS}
    else:
        unknown = set(data) - set(LOCATION_KEYS)
        if set(LOCATION_KEYS) - set(data):
            raise _Invalid(f"takes a location with all of {', '.join(LOCATION_KEYS)}")
        out = {k: data[k] for k in LOCATION_KEYS}
    if unknown:
        raise _Invalid(f"takes no location part {', '.join(sorted(unknown))}")
    if not all(v is None or isinstance(v, str) for v in out.values()):
        raise _Invalid("takes location parts that are text or null")
    return out


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
