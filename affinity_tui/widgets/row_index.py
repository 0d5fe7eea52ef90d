"""The table's rows apart from the table: the loaded rows, their sort order, which of them match
the quick filter, and the displayed rows over them. No Textual here, so all of it is tested
without an app; ``LazyTable`` only draws what this holds.

Rows are stored as plain tuples (``packed_rows.Packed``: a ``Row``'s fields in order), not
``Row`` objects: Python's garbage collector stops tracking a tuple of strings and numbers, so
100,000 loaded rows cost a full collection almost nothing, while ``Row`` objects (like any class
instance) stay tracked and every full collection walks them all. A ``Row`` is rebuilt on demand
(``RowsView``).

The index keeps ``_all`` (rows in arrival order), ``_keys`` (each column's sort keys in arrival
order, see ``table_order``) and, only while needed, ``_order`` (arrival indices in sort order),
``_match`` (per arrival index: does the row match the quick filter) and ``_view`` (the arrival
indices displayed when filtered). Working on integer indices with C-level ``map``/``compress``
keeps a sort or a filter of 100,000 rows well under 100 ms; iterating row objects in sorted
order costs far more (cache misses). Rows appended while sorted or filtered are inserted into
place, so pages that arrive later are sorted and filtered too.

The quick filter keeps a row when every word of the filter text appears in it, case-insensitive,
each word in any one cell (``Row.search_text`` joins the cells with a separator no cell holds).

The cursor is the table's, but the operations that reorder rows take its displayed index and
return where that row is afterwards (the top when it is no longer displayed), so the cursor
stays on its row through a sort, a filter, a refresh or a page inserted above it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import compress
from typing import overload

from affinity_tui.data.rows import Row
from affinity_tui.widgets.packed_rows import KEY, SORT_KEYS, Packed, haystack, pack, unpack
from affinity_tui.widgets.table_order import InsertKey, SortKeyColumns, sort_order

__all__ = ["RowIndex", "RowsView", "filter_words", "narrows"]


def filter_words(text: str) -> tuple[str, ...]:
    """The words a row must all contain: case-folded, longest first (the longest rules out the
    most rows on its own), without words another word already contains."""
    words = sorted(set(text.casefold().split()), key=lambda word: (-len(word), word))
    kept: list[str] = []
    for word in words:
        if not any(word in longer for longer in kept):
            kept.append(word)
    return tuple(kept)


def narrows(old: Sequence[str], new: Sequence[str]) -> bool:
    """Every row matching ``new`` words also matches ``old`` ones (each old word is inside a
    new one), so only the rows ``old`` kept need testing."""
    return bool(old) and all(any(word in longer for longer in new) for word in old)


class RowsView(Sequence[Row]):
    """Rows as ``Row`` objects, live and read-only: each is rebuilt when asked for (no copy)."""

    __slots__ = ("_count", "_packed")

    def __init__(self, count: Callable[[], int], packed: Callable[[int], Packed]) -> None:
        self._count = count
        self._packed = packed

    def __len__(self) -> int:
        return self._count()

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return tuple(map(unpack, map(self._packed, range(*index.indices(len(self))))))
        length = len(self)
        if index < 0:
            index += length
        if not 0 <= index < length:
            raise IndexError("row index out of range")
        return unpack(self._packed(index))

    def __iter__(self) -> Iterator[Row]:
        return map(unpack, map(self._packed, range(len(self))))


class RowIndex:
    """Loaded rows, sorted and quick-filtered; ``len()`` and ``packed(i)`` are the displayed rows."""

    def __init__(self, width: int = 0) -> None:
        self._all: list[Packed] = []
        self._width = width
        self._keys = SortKeyColumns()
        self._keys.reset(width, ())
        self._order: list[int] | None = None
        self._match: list[bool] | None = None
        self._view: list[int] | None = None
        self._sort_column: int | None = None
        self._sort_reverse = False
        self._sort_normalize = False
        self._filter_text = ""
        self._words: tuple[str, ...] = ()
        self._stale_view = False
        """An updated row no longer matches (or now matches) but is still where it was."""
        self._positions: dict[int, int] | None = None
        """``Row.key`` → arrival index, built the first time a row is looked up by key (an
        edit), then kept up to date as pages arrive; rebuilt after rows are replaced or removed."""
        self.displayed = RowsView(self.__len__, self.packed)
        """The displayed rows (sorted and quick-filtered)."""
        self.loaded = RowsView(self._all.__len__, self._all.__getitem__)
        """Every loaded row in arrival order."""

    # ---- reading

    def __len__(self) -> int:
        """How many rows are displayed."""
        return len(self._all) if self._view is None else len(self._view)

    def packed(self, index: int) -> Packed:
        """The displayed row at ``index`` (0 <= index < len), as stored."""
        if self._view is not None:
            return self._all[self._view[index]]
        if self._order is not None:
            return self._all[self._order[index]]
        return self._all[index]

    def get(self, index: int) -> Packed | None:
        """The displayed row at ``index``, or ``None`` when there is none there."""
        return self.packed(index) if 0 <= index < len(self) else None

    @property
    def loaded_count(self) -> int:
        return len(self._all)

    def find(self, key: int) -> Row | None:
        """The loaded row with this ``Row.key`` (displayed or not), or ``None``."""
        arrival = self._where().get(key)
        return None if arrival is None else unpack(self._all[arrival])

    def _where(self) -> dict[int, int]:
        """``Row.key`` → arrival index (the first row with that key)."""
        if self._positions is None:
            positions: dict[int, int] = {}
            for arrival, row in enumerate(self._all):
                positions.setdefault(row[KEY], arrival)
            self._positions = positions
        return self._positions

    def with_keys(self, keys: Collection[int]) -> list[Row]:
        """The loaded rows whose key is in ``keys``, in arrival order (only those are unpacked)."""
        return [unpack(row) for row in self._all if row[KEY] in keys] if keys else []

    @property
    def sort_column(self) -> int | None:
        """The column the rows are sorted by (``None``: arrival order)."""
        return self._sort_column

    @property
    def sort_reverse(self) -> bool:
        return self._sort_reverse

    @property
    def sorted(self) -> bool:
        return self._order is not None

    @property
    def filter_text(self) -> str:
        """The quick filter as typed."""
        return self._filter_text

    @property
    def filtering(self) -> bool:
        """A quick filter with at least one word hides rows that lack it."""
        return bool(self._words)

    # ---- changing

    def set_width(self, width: int, cursor: int) -> int:
        """A new set of ``width`` columns: their sort keys are gathered again and the sort is
        dropped. Returns the cursor's new index."""
        keep = self._arrival(cursor)
        self._width = width
        self._keys.reset(width, (row[SORT_KEYS] for row in self._all))
        if self._sort_column is not None:
            self._sort_column = None
            self._sort_reverse = False
            self._order = None
            self._refilter()
        return self._index_of(keep)

    def replace(self, rows: Iterable[Row], cursor: int) -> int:
        """Every row replaced; the sort and the filter stay. Returns the index of the row with the
        cursor's row key, if it is still displayed."""
        current = self.get(cursor)
        all_rows = self._all
        all_rows[:] = map(pack, rows)  # in place: ``loaded`` reads this list
        self._positions = None
        self._keys.reset(self._width, (row[SORT_KEYS] for row in all_rows))
        keep = None
        if current is not None:
            key = current[KEY]
            keep = next((i for i, row in enumerate(all_rows) if row[KEY] == key), None)
        self._rebuild_order()
        self._rebuild_filter()
        return self._index_of(keep)

    def remove(self, keys: Collection[int], cursor: int) -> int | None:
        """The rows with these keys taken out; the sort and the filter stay. Returns the cursor's
        new index (its row, or when that went, the next displayed row that stays, else the one
        before), or ``None`` when no loaded row has one of the keys (nothing changed)."""
        if not any(row[KEY] in keys for row in self._all):
            return None
        count = len(self)
        stays = [i for i in range(cursor, count) if self.packed(i)[KEY] not in keys][:1] or \
            [i for i in range(min(cursor, count - 1), -1, -1) if self.packed(i)[KEY] not in keys][:1]
        follow = self.packed(stays[0])[KEY] if stays else None
        all_rows = self._all
        all_rows[:] = [row for row in all_rows if row[KEY] not in keys]  # in place: ``loaded`` reads it
        self._positions = None
        self._keys.reset(self._width, (row[SORT_KEYS] for row in all_rows))
        keep = next((i for i, row in enumerate(all_rows) if row[KEY] == follow), None)
        self._rebuild_order()
        self._rebuild_filter()
        return self._index_of(keep)

    def update(self, rows: Iterable[Row]) -> list[int]:
        """Rows changed in place, matched to loaded rows by key; returns their displayed indices.

        Nothing moves: a changed row keeps its place in the sort and in the quick filter's view
        until the next sort or filter (a row must not jump from under the cursor because of an
        edit); its sort keys and its filter match are brought up to date for that next time."""
        by_key = {row.key: pack(row) for row in rows}
        if not by_key:
            return []
        all_rows, where = self._all, self._where()
        changed: list[int] = []
        for key, new in by_key.items():
            arrival = where.get(key)
            if arrival is not None:
                all_rows[arrival] = new
                self._keys.set_row(arrival, new[SORT_KEYS])
                changed.append(arrival)
        if not changed:
            return []
        if self._match is not None:
            for arrival, ok in zip(changed, self._matches([all_rows[i] for i in changed]), strict=True):
                self._stale_view |= self._match[arrival] != ok
                self._match[arrival] = ok
        shown = (self._displayed_at(arrival) for arrival in changed)
        return sorted(index for index in shown if index is not None)

    def _displayed_at(self, arrival: int) -> int | None:
        """Where the row with that arrival index is displayed; None when it is not."""
        indices = self._view if self._view is not None else self._order
        if indices is None:
            return arrival
        try:
            return indices.index(arrival)
        except ValueError:
            return None

    def append(self, rows: Iterable[Row], cursor: int) -> int:
        """A page of rows after the others: O(page) unsorted, O(page · log n) inserts while
        sorted. Returns the cursor's new index (rows sorted in above it move it down)."""
        page = list(map(pack, rows))
        if not page:
            return cursor
        start = len(self._all)
        self._all.extend(page)
        if self._positions is not None:
            for arrival, row in enumerate(page, start):
                self._positions.setdefault(row[KEY], arrival)
        self._keys.extend(row[SORT_KEYS] for row in page)
        new = range(start, start + len(page))
        if self._match is not None:
            self._match.extend(self._matches(page))
        if self._order is not None:
            return self._insert_sorted(new, cursor)
        if self._view is not None and self._match is not None:
            self._view.extend(compress(new, self._match[start:]))
        return cursor

    def sort_by(self, column: int | None, reverse: bool, cursor: int) -> int:
        """Sort by a column's sort keys (``None``: arrival order); returns the cursor's new index.

        Stable; rows whose key is ``None`` or ``""`` go last in both directions."""
        if column is not None and not 0 <= column < self._width:
            raise IndexError(f"no column {column}")
        keep = self._arrival(cursor)
        previous = self._order if column == self._sort_column else None
        self._sort_column = column
        self._sort_reverse = reverse and column is not None
        self._rebuild_order(previous)
        self._refilter()
        return self._index_of(keep)

    def filter(self, text: str, cursor: int) -> int:
        """Display only rows holding every word of ``text`` (``""``: all); returns the cursor's
        new index (the top when its row is filtered out)."""
        keep = self._arrival(cursor)
        words = filter_words(text)
        old = self._words
        self._filter_text = text
        self._words = words
        if narrows(old, words) and not self._stale_view:
            self._narrow([word for word in words if word not in old])  # the rows shown have the old ones
        else:
            self._rebuild_filter()
        self._stale_view = False
        return self._index_of(keep)

    # ---- the cursor's row

    def _arrival(self, index: int) -> int | None:
        """Arrival index of the displayed row at ``index``."""
        if not 0 <= index < len(self):
            return None
        if self._view is not None:
            return self._view[index]
        if self._order is not None:
            return self._order[index]
        return index

    def _index_of(self, arrival: int | None) -> int:
        """Displayed index of the row with that arrival index; 0 when it is not displayed."""
        shown = None if arrival is None else self._displayed_at(arrival)
        return 0 if shown is None else shown

    # ---- ordering and filtering

    def _matches(self, rows: Sequence[Packed], words: Sequence[str] | None = None) -> list[bool]:
        """Per row: does it hold every word (by default the filter's; the first, the longest,
        is looked for in every row, the others only in the rows still in)."""
        if words is None:
            words = self._words
        if not words:
            return [True] * len(rows)
        first, *rest = words
        match = [first in haystack(row) for row in rows]
        for word in rest:
            for i in compress(range(len(match)), match):
                if word not in haystack(rows[i]):
                    match[i] = False
        return match

    def _rebuild_order(self, previous: list[int] | None = None) -> None:
        """Sort the arrival indices by the sort column (``previous``: its order, re-sorted fast)."""
        if self._sort_column is None:
            self._order = None
            return
        self._order, self._sort_normalize = sort_order(self._keys[self._sort_column], self._sort_reverse, previous)

    def _rebuild_filter(self) -> None:
        """Recompute which loaded rows match the quick filter, then the displayed rows."""
        if not self._words:
            self._match = None
            self._view = None
            return
        # Arrival order visits rows in memory order: three times faster than sorted order.
        self._match = self._matches(self._all)
        self._refilter()

    def _narrow(self, words: Sequence[str]) -> None:
        """Keep the displayed rows that also hold ``words``."""
        if self._view is None:
            self._rebuild_filter()
            return
        rows = self._all
        view = list(compress(self._view, self._matches(list(map(rows.__getitem__, self._view)), words)))
        match = [False] * len(rows)
        for i in view:
            match[i] = True
        self._match = match
        self._view = view

    def _refilter(self) -> None:
        """Recompute the displayed rows from ``_match`` after the order changed."""
        match = self._match
        if match is None:
            self._view = None
        elif self._order is None:
            self._view = list(compress(range(len(match)), match))
        else:
            self._view = list(compress(self._order, map(match.__getitem__, self._order)))

    def _insert_key(self) -> Callable[[int], InsertKey]:
        column, reverse, normalize = self._sort_column, self._sort_reverse, self._sort_normalize
        assert column is not None
        keys = self._keys[column]

        def key(arrival: int) -> InsertKey:
            return InsertKey(keys[arrival], reverse, normalize)

        return key

    def _insert_sorted(self, new: range, cursor: int) -> int:
        """Insert new arrival indices into the sorted (and filtered) lists; returns the cursor's
        new index."""
        order, view, match = self._order, self._view, self._match
        assert order is not None
        key = self._insert_key()
        had_rows = len(view if view is not None else order) > 0
        keep = self._arrival(cursor) if had_rows else None  # before any insert moves it
        try:
            for arrival in new:
                arrival_key = key(arrival)
                position = bisect_right(order, arrival_key, key=key)
                order.insert(position, arrival)
                if view is not None and match is not None:
                    if not match[arrival]:
                        continue
                    position = bisect_right(view, arrival_key, key=key)
                    view.insert(position, arrival)
                if had_rows and position <= cursor:
                    cursor += 1
        except TypeError:  # a value of a new type: fall back to a full, normalized sort
            self._rebuild_order()
            self._refilter()
            return self._index_of(keep)
        return cursor
