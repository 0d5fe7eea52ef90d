"""A table row as the table stores it: a plain tuple of a ``Row``'s fields, in order.

Why: CPython's garbage collector untracks a tuple that holds only strings, numbers and other
such tuples, so 100,000 loaded rows stored this way are never walked by a collection. ``Row``
instances (like instances of any class) stay tracked, and every full collection walks them all:
without a freeze, full collections reached 190 ms while 100,000 rows loaded (150 loop stalls
over 50 ms; benchmarks/memory.py). Freezing them out of the collector with ``gc.freeze()``
after each page instead would also freeze whatever short-lived cycles are alive at that moment
(Textual's ``Strip`` caches itself, a finished worker is a cycle), leaking them for good: 50 MB
at 100,000 rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from types import MappingProxyType
from typing import Any, Final

from affinity_tui.data.rows import SEARCH_SEPARATOR, Row

__all__ = ["CELLS", "KEY", "SORT_KEYS", "STYLES", "Packed", "haystack", "pack", "unpack"]

Packed = tuple[int, str, int, tuple[str, ...], tuple[str | None, ...], tuple[Any, ...], tuple[tuple[str, str], ...], str]
"""``Row``'s fields in declaration order, ``extra`` as its items: the collector keeps tracking a
tuple that holds a dict, even an empty one (only tuples inside are checked for being untracked)."""

_FIELDS = ("key", "entity_type", "entity_id", "cells", "styles", "sort_keys", "extra", "search_text")
if tuple(field.name for field in fields(Row)) != _FIELDS:  # Row changed: update Packed and the indices
    raise ImportError(f"Row's fields are not {_FIELDS}")
KEY: Final = 0
CELLS: Final = 3
STYLES: Final = 4
SORT_KEYS: Final = 5
SEARCH_TEXT: Final = 7

_NO_EXTRA: Mapping[str, str] = MappingProxyType({})


def pack(row: Row) -> Packed:
    """``row`` as a plain tuple of plain values."""
    return (row.key, row.entity_type, row.entity_id, row.cells, row.styles, row.sort_keys,
            tuple(row.extra.items()) if row.extra else (), row.search_text)


def unpack(packed: Packed) -> Row:
    """The ``Row`` again (a new object each time, equal to the one packed)."""
    key, entity_type, entity_id, cells, styles, sort_keys, extra, search_text = packed
    return Row(key, entity_type, entity_id, cells, styles, sort_keys, dict(extra) if extra else _NO_EXTRA,
               search_text)


def haystack(packed: Packed) -> str:
    """The text the quick filter searches in: every cell, case-folded (built with the row)."""
    return packed[SEARCH_TEXT] or SEARCH_SEPARATOR.join(packed[CELLS]).casefold()
