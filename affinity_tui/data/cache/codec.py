"""What the cache stores, as bytes: the table's compact rows, columns, lists, field metadata and
the detail screen's parts, each turned into JSON (compressed where it is bulky) and back.

Rows are stored as the table shows them (``rows.Row``: display text, styles, sort keys), not as
SDK models, so a page read back is painted without formatting anything again. A row's sort keys
are mostly the casefolded UTF-8 of its own cell text (``values.text_key``); those are stored as
a marker and rebuilt. Read back, identical cell values are shared between rows
(``rows.shared_cell``) exactly as for rows formatted from a page, so a list painted from the
cache costs the same memory as one read from Affinity.

Nothing here unpickles: a damaged or hostile file can only fail to decode (``CacheFormatError``),
never run code.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from affinity.models.entities import FieldMetadata
from affinity.types import ListId, SavedViewId, TenantId, UserId

from ..rows import SEARCH_SEPARATOR, Column, Row, shared_cell, shared_styles
from ..values import text_key

T = TypeVar("T")
_SAME_AS_TEXT = ["="]
"""A sort key equal to ``text_key`` of its cell (most text cells)."""
_NO_EXTRA: dict[str, str] = {}


class CacheFormatError(ValueError):
    """Stored bytes that do not decode to what was expected (damaged, or another version)."""


# ---- JSON helpers ----------------------------------------------------------------------------
def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _loads(blob: bytes) -> Any:
    try:
        return json.loads(blob.decode("utf-8", "surrogatepass"))
    except (ValueError, UnicodeDecodeError) as error:
        raise CacheFormatError(str(error)) from None


def pack(value: Any) -> bytes:
    """JSON, compressed (level 1: a page of 100 rows in well under a millisecond)."""
    return zlib.compress(_dumps(value), 1)


def unpack(blob: bytes) -> Any:
    """The value ``pack`` stored; ``CacheFormatError`` when the bytes are not that."""
    try:
        return _loads(zlib.decompress(blob))
    except zlib.error as error:
        raise CacheFormatError(str(error)) from None


# ---- sort keys ---------------------------------------------------------------------------------
def _encode_key(key: Any, text: str) -> Any:
    if key is None or isinstance(key, bool | int | float | str):
        return key
    if isinstance(key, bytes):
        if key == text_key(text):
            return _SAME_AS_TEXT
        return ["b", key.decode("utf-8", "surrogatepass")]
    if isinstance(key, datetime):
        return ["d", key.isoformat()]
    if isinstance(key, tuple):
        return ["t", *(_encode_key(item, "") for item in key)]
    raise TypeError(f"cannot store a sort key of type {type(key).__name__}")


def _decode_key(raw: Any, text: str) -> Any:
    if not isinstance(raw, list):
        return raw
    if not raw:
        raise CacheFormatError("empty tagged value")
    tag = raw[0]
    if tag == "=":
        return text_key(text)
    if tag == "b":
        return str(raw[1]).encode("utf-8", "surrogatepass")
    if tag == "d":
        return datetime.fromisoformat(str(raw[1]))
    if tag == "t":
        return tuple(_decode_key(item, "") for item in raw[1:])
    raise CacheFormatError(f"unknown tag {tag!r}")


# ---- rows and columns ------------------------------------------------------------------------
def encode_columns(columns: Sequence[Column]) -> list[Any]:
    """Columns as JSON-ready lists (key, title, value type, kind, width, numeric)."""
    return [[c.key, c.title, c.value_type, c.kind, c.width, c.numeric] for c in columns]


def decode_columns(raw: Any) -> tuple[Column, ...]:
    """Columns from ``encode_columns``; raises ``CacheFormatError``."""
    try:
        return tuple(Column(str(k), str(t), str(v), str(kind), int(w), bool(n)) for k, t, v, kind, w, n in raw)
    except (TypeError, ValueError, IndexError) as error:
        raise CacheFormatError(f"columns: {error}") from None


def encode_rows(rows: Sequence[Row]) -> bytes:
    """A page of rows, compressed. Raises ``TypeError`` for a sort key it cannot store."""
    out = []
    for row in rows:
        styles: Any = list(row.styles) if any(s is not None for s in row.styles) else 0
        keys = [_encode_key(key, text) for key, text in zip(row.sort_keys, row.cells, strict=True)]
        out.append([row.key, row.entity_type, row.entity_id, list(row.cells), styles, keys,
                    dict(row.extra) if row.extra else 0])
    return pack(out)


def decode_rows(blob: bytes, columns: Sequence[Column]) -> list[Row]:
    """Rows stored by ``encode_rows``, their values shared per column (see the module docstring)."""
    shared = [c.key if c.kind != "name" else "" for c in columns]
    width = len(columns)
    rows: list[Row] = []
    try:
        for key, entity_type, entity_id, cells, styles, keys, extra in unpack(blob):
            if len(cells) != width or len(keys) != width:
                raise CacheFormatError("a row does not fit its columns")
            texts: list[str] = []
            sort_keys: list[Any] = []
            for column, text, raw in zip(shared, cells, keys, strict=True):
                text = str(text)
                sort_key = _decode_key(raw, text)
                if column:
                    text, sort_key = shared_cell(column, text, sort_key)
                texts.append(text)
                sort_keys.append(sort_key)
            cell_tuple = tuple(texts)
            style_tuple = shared_styles(tuple(styles) if styles else (None,) * width)
            rows.append(Row(int(key), str(entity_type), int(entity_id), cell_tuple, style_tuple,
                            tuple(sort_keys), {str(k): str(v) for k, v in extra.items()} if extra else _NO_EXTRA,
                            SEARCH_SEPARATOR.join(cell_tuple).casefold()))
    except CacheFormatError:
        raise
    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as error:
        raise CacheFormatError(f"rows: {error}") from None
    return rows


# ---- lists, tenant, field metadata -----------------------------------------------------------
def encode_lists(lists: Sequence[Any]) -> bytes:
    """``ListSummary`` values (the lists screen's rows, views and owners' names included)."""
    return pack([{"id": int(lst.id), "name": lst.name, "type": lst.type,
                  "owner_id": int(lst.owner_id) if lst.owner_id is not None else None,
                  "is_public": lst.is_public, "size": lst.size, "owner_name": lst.owner_name,
                  "views": None if lst.views is None else
                  [[int(v.id), v.name, v.type] for v in lst.views]} for lst in lists])


def decode_lists(blob: bytes) -> list[Any]:
    """``ListSummary`` values from ``encode_lists``; raises ``CacheFormatError``."""
    from ..sources.lists import ListSummary, SavedViewSummary

    try:
        return [ListSummary(
            id=ListId(int(d["id"])), name=str(d["name"]), type=str(d["type"]),
            owner_id=UserId(int(d["owner_id"])) if d.get("owner_id") is not None else None,
            is_public=bool(d["is_public"]), size=int(d["size"]) if d.get("size") is not None else None,
            owner_name=str(d["owner_name"]) if d.get("owner_name") is not None else None,
            views=None if d.get("views") is None else
            tuple(SavedViewSummary(SavedViewId(int(i)), str(n), str(t)) for i, n, t in d["views"]))
            for d in unpack(blob)]
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise CacheFormatError(f"lists: {error}") from None


def encode_tenant(tenant: Any) -> bytes:
    """Who is signed in (``TenantInfo``), compressed."""
    return pack({"tenant_id": int(tenant.tenant_id), "tenant_name": tenant.tenant_name,
                 "subdomain": tenant.subdomain, "user_id": int(tenant.user_id), "user_name": tenant.user_name,
                 "user_email": tenant.user_email})


def decode_tenant(blob: bytes) -> Any:
    """The ``TenantInfo`` from ``encode_tenant``; raises ``CacheFormatError``."""
    from ..session import TenantInfo

    try:
        d = unpack(blob)
        return TenantInfo(tenant_id=TenantId(int(d["tenant_id"])), tenant_name=str(d["tenant_name"]),
                          subdomain=str(d["subdomain"]), user_id=UserId(int(d["user_id"])),
                          user_name=str(d["user_name"]), user_email=str(d["user_email"]))
    except (KeyError, TypeError, ValueError) as error:
        raise CacheFormatError(f"tenant: {error}") from None


def encode_fields(fields: Sequence[FieldMetadata]) -> bytes:
    """Field metadata as Affinity's own JSON shape, compressed: only the keys Affinity gave (or
    the app read into it), so what was never asked for stays unknown when read back (the SDK
    tells "not filterable" from "not asked" by the keys present)."""
    return pack([meta.model_dump(mode="json", by_alias=True, exclude_unset=True) for meta in fields])


def decode_fields(blob: bytes) -> list[FieldMetadata]:
    """``FieldMetadata`` from ``encode_fields``; raises ``CacheFormatError``."""
    from pydantic import ValidationError

    try:
        return [FieldMetadata.model_validate(item) for item in unpack(blob)]
    except (ValidationError, TypeError) as error:
        raise CacheFormatError(f"fields: {error}") from None


# ---- the detail screen's parts ----------------------------------------------------------------
@cache
def _adapter(kind: str) -> Any:
    """A pydantic adapter for one part's type, built on first use (~2 ms each)."""
    from pydantic import TypeAdapter

    from ..detail import EntityProfile, InteractionView, NoteView, ReminderView
    from ..related import Related

    types: dict[str, Any] = {"profile": EntityProfile, "notes": list[NoteView], "reminders": list[ReminderView],
                             "interactions": list[InteractionView], "related": Related}
    return TypeAdapter(types[kind])


DETAIL_PARTS = ("profile", "notes", "reminders", "interactions", "related")


def encode_detail(part: str, value: Any) -> bytes:
    """One part of the detail screen (``DETAIL_PARTS``) as compressed JSON."""
    return zlib.compress(_adapter(part).dump_json(value), 1)


def decode_detail(part: str, blob: bytes) -> Any:
    """A part from ``encode_detail``; raises ``CacheFormatError``."""
    from pydantic import ValidationError

    try:
        return _adapter(part).validate_json(zlib.decompress(blob))
    except (ValidationError, zlib.error) as error:
        raise CacheFormatError(f"{part}: {error}") from None
