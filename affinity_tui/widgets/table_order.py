"""The loaded rows' sort keys, kept column by column, and the sort orders built from them.

Why columns: sorting 100,000 loaded rows by reading each row's ``sort_keys`` tuple spent ~50 ms
on cache misses (rows are scattered over the heap) before a single comparison. Gathering each
column's keys while the page is still hot in the cache costs ~0.2 ms per page and 8 bytes per
row and column, and the sort then starts at once (benchmarks/local_ops.py).

Each column is kept as one tuple per page, not one long list: the garbage collector stops
tracking a tuple of plain values, while a full collection visits every item of every list (a
dozen 100,000-item lists cost ~30 ms a collection on a synthetic heap). A column is flattened
into a list when sorted by (~1 ms at 100k), and only the last one asked for is kept flat.

Keys are stored ready to compare: a missing value (``None``, ``""``) is ``None``, so "is it
missing" is an identity test that never touches the key; text is UTF-8 ``bytes``, which sorts in
the same order as the ``str`` (UTF-8 keeps code point order) but compares with ``memcmp``.
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from typing import Any

__all__ = ["InsertKey", "SortKeyColumns", "sort_order", "stored_key"]


def stored_key(value: Any) -> Any:
    """A sort key as the columns keep it: missing → ``None``, text → UTF-8 bytes."""
    if value is None or value == "" or value == b"":
        return None
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return value


class SortKeyColumns:
    """Each column's sort keys in arrival order (``columns[c][i]``: row ``i``'s key in column ``c``)."""

    def __init__(self) -> None:
        self._columns: list[list[tuple[Any, ...]]] = []
        """Per column, one tuple of keys per page."""
        self._starts: list[int] = []
        """The first row of each page (the same pages in every column)."""
        self._rows = 0
        self._flat: tuple[int, int, list[Any]] | None = None
        """(column, how many of its chunks, their keys as one list) for the column last asked for."""

    def __len__(self) -> int:
        """How many rows' keys are kept."""
        return self._rows

    def __getitem__(self, column: int) -> list[Any]:
        """Column ``column``'s keys as one list (do not modify it)."""
        chunks = self._columns[column]
        flat = self._flat
        if flat is None or flat[0] != column:
            flat = (column, 0, [])
        _, done, keys = flat
        for chunk in chunks[done:]:  # pages that arrived since it was flattened
            keys.extend(chunk)
        self._flat = (column, len(chunks), keys)
        return keys

    def reset(self, width: int, rows: Iterable[Sequence[Any]]) -> None:
        """Keep ``width`` columns of keys for ``rows`` (each row's sort keys: a new set of
        columns or of rows)."""
        self._columns = [[] for _ in range(width)]
        self._starts = []
        self._rows = 0
        self._flat = None
        self.extend(rows)

    def set_row(self, index: int, keys: Sequence[Any]) -> None:
        """Row ``index``'s keys changed (an edit): only its page's tuple is built again."""
        width = len(self._columns)
        if not 0 <= index < self._rows or not width:
            return
        keys = (tuple(keys) + (None,) * width)[:width]
        chunk = bisect_right(self._starts, index) - 1
        offset = index - self._starts[chunk]
        for column, key in zip(self._columns, keys, strict=True):
            old = column[chunk]
            column[chunk] = (*old[:offset], stored_key(key), *old[offset + 1:])
        flat = self._flat
        if flat is not None and index < len(flat[2]):
            flat[2][index] = stored_key(keys[flat[0]])

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        """Add the sort keys of rows that arrived after those already kept."""
        page = list(rows)
        if not page:
            return
        width = len(self._columns)
        if any(len(keys) != width for keys in page):  # pad or cut rows that do not fit
            page = [(tuple(keys) + (None,) * width)[:width] for keys in page]
        for column, keys in zip(self._columns, zip(*page, strict=True), strict=True):
            column.append(tuple(map(stored_key, keys)))
        self._starts.append(self._rows)
        self._rows += len(page)


def normalized(value: Any) -> tuple[int, str, Any]:
    """A key that orders values of mixed types: numbers, then text, then others by type."""
    if isinstance(value, int | float):
        return (0, "", value)
    if isinstance(value, bytes):
        return (1, "", value)
    return (2, type(value).__name__, value)


def sort_order(keys: list[Any], reverse: bool, previous: Sequence[int] | None = None) -> tuple[list[int], bool]:
    """Arrival indices ordered by ``keys``, and whether the keys had to be normalized.

    Stable (equal keys stay in arrival order, in both directions); missing keys last in both
    directions, in arrival order. ``previous``, the order of the same keys in either direction,
    is re-sorted instead of arrival order: already (reverse-)sorted, that takes about n
    comparisons instead of n log n, and its ties are in arrival order, so stability holds.
    """
    present = list(map(operator.is_not, keys, repeat(None)))
    count = range(len(keys))
    missing = list(compress(count, map(operator.not_, present)))
    if previous is not None and len(previous) == len(keys):
        order = list(previous[: len(keys) - len(missing)])
    else:
        order = list(compress(count, present))
    normalize = False
    try:
        order.sort(key=keys.__getitem__, reverse=reverse)
    except TypeError:  # mixed types in one column
        normalize = True
        normal = [normalized(key) for key in keys]
        order.sort(key=normal.__getitem__, reverse=reverse)
    order.extend(missing)
    return order, normalize


class InsertKey:
    """Orders one row the way `sort_order` does, for ``bisect`` (missing values last both ways)."""

    __slots__ = ("missing", "reverse", "value")

    def __init__(self, value: Any, reverse: bool, normalize: bool) -> None:
        self.missing = value is None
        self.reverse = reverse
        self.value = normalized(value) if normalize and not self.missing else value

    def __lt__(self, other: InsertKey) -> bool:
        if self.missing:
            return False
        if other.missing:
            return True
        result: bool = other.value < self.value if self.reverse else self.value < other.value
        return result
