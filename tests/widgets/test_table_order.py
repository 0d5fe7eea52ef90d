"""The table's column store of sort keys and the sort orders built from it."""

from __future__ import annotations

import random
from bisect import bisect_right
from typing import Any

import pytest

from affinity_tui.widgets.table_order import InsertKey, SortKeyColumns, sort_order, stored_key


def keyed(key: int, *sort_keys: Any) -> tuple[Any, ...]:
    """One row's sort keys (what the table hands the columns)."""
    return tuple(sort_keys)


def reference(values: list[Any], reverse: bool) -> list[int]:
    """What a user expects: stable by value, missing (None or "") last in arrival order."""
    present = [i for i, v in enumerate(values) if v not in (None, "")]
    missing = [i for i, v in enumerate(values) if v in (None, "")]
    return sorted(present, key=values.__getitem__, reverse=reverse) + missing


def test_stored_keys_are_ready_to_compare() -> None:
    assert stored_key(None) is None and stored_key("") is None and stored_key(b"") is None
    assert stored_key("zoë") == "zoë".encode()
    assert stored_key(0) == 0 and stored_key(0.0) == 0.0 and stored_key((1.0, 2.0)) == (1.0, 2.0)


def test_text_as_bytes_keeps_pythons_order() -> None:
    words = ["zoë", "zoe", "Ωmega", "émile", "e\u0301mile", "a—b", "a-b", "😀", "\ud800x", "abc", "ab"]
    stored = [stored_key(w) for w in words]
    order, normalize = sort_order(stored, reverse=False)
    assert order == sorted(range(len(words)), key=words.__getitem__) and not normalize


def test_columns_follow_appended_pages_and_pad_short_rows() -> None:
    columns = SortKeyColumns()
    columns.reset(3, [keyed(1, "b", 2, None), keyed(2, "", 1, "x")])
    columns.extend([keyed(3, "a"), keyed(4, "c", 5, "y", "ignored")])
    assert len(columns) == 4
    assert columns[0] == [b"b", None, b"a", b"c"]
    assert columns[1] == [2, 1, None, 5]
    assert columns[2] == [None, b"x", None, b"y"]
    columns.reset(1, [keyed(9, "z")])
    assert len(columns) == 1 and columns[0] == [b"z"]


@pytest.mark.parametrize("seed", range(20))
def test_sort_order_matches_a_stable_sort_and_resorting_keeps_it(seed: int) -> None:
    rng = random.Random(seed)
    values: list[Any] = [rng.choice([None, "", *range(rng.randint(1, 30))]) for _ in range(rng.randint(0, 300))]
    keys = [stored_key(v) for v in values]
    for reverse in (False, True):
        order, _ = sort_order(keys, reverse)
        assert order == reference(values, reverse)
        # Re-sorting the previous order of the same column, in either direction, is the same.
        for again in (False, True):
            assert sort_order(keys, again, previous=order)[0] == reference(values, again)


def test_mixed_types_are_normalized_numbers_first() -> None:
    keys = [stored_key(v) for v in ["b", 3, None, 1.5, "a", (1,)]]
    order, normalize = sort_order(keys, reverse=False)
    assert normalize and order == [3, 1, 4, 0, 5, 2]


def test_insert_keys_place_rows_where_a_full_sort_would() -> None:
    rng = random.Random(7)
    values: list[Any] = [rng.choice([None, *range(10)]) for _ in range(200)]
    for reverse in (False, True):
        order, normalize = sort_order(values[:100], reverse)
        for arrival in range(100, 200):
            def key(i: int) -> InsertKey:
                return InsertKey(values[i], reverse, normalize)
            order.insert(bisect_right(order, key(arrival), key=key), arrival)
        assert order == reference(values, reverse)


def test_a_flattened_column_follows_later_pages_and_other_columns_stay_right() -> None:
    columns = SortKeyColumns()
    columns.reset(2, [keyed(1, "b", 2), keyed(2, "a", 1)])
    first = columns[0]
    assert first == [b"b", b"a"]
    columns.extend([keyed(3, "c", 3)])
    assert columns[0] == [b"b", b"a", b"c"]  # the same list, grown by the new page
    assert columns[1] == [2, 1, 3]
    columns.extend([keyed(4, "d", 4), keyed(5, None, None)])
    assert columns[0] == [b"b", b"a", b"c", b"d", None] and columns[1] == [2, 1, 3, 4, None]


def test_set_row_changes_one_rows_keys_in_its_page_and_in_a_flattened_column() -> None:
    keys = SortKeyColumns()
    keys.reset(2, [("a", 1), ("b", 2)])
    keys.extend([("c", 3), ("d", 4), ("e", 5)])
    assert keys[1] == [1, 2, 3, 4, 5]  # column 1 is now kept flat
    keys.set_row(3, ("z", None))
    keys.set_row(0, ("y",))  # a short row is padded
    keys.set_row(9, ("x", 9))  # no such row: nothing changes
    assert keys[1] == [None, 2, 3, None, 5]
    assert keys[0] == [b"y", b"b", b"c", b"z", b"e"]
    keys.extend([("f", 6)])
    assert keys[0] == [b"y", b"b", b"c", b"z", b"e", b"f"] and len(keys) == 6
