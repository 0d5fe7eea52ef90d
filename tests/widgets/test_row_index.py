"""RowIndex without an app: pages, sort, quick filter, sorted inserts and the cursor's row."""

from __future__ import annotations

from typing import Any

import pytest

from affinity_tui.data.rows import SEARCH_SEPARATOR, Row
from affinity_tui.widgets import row_index
from affinity_tui.widgets.row_index import RowIndex, filter_words, narrows

WIDTH = 3  # name, amount, owner
NAME, AMOUNT, OWNER = range(WIDTH)


def row(key: int, name: str | None = None, amount: Any = None, owner: str = "Ada", *,
        indexed: bool = True) -> Row:
    """A row; ``indexed`` builds its search text as the data layer does (else the index makes it)."""
    name = f"Company {key}" if name is None else name
    cells = (name, "" if amount is None else str(amount), owner)
    return Row(key, "company", 1000 + key, cells, (None,) * WIDTH, (name.casefold(), amount, owner.casefold()),
               search_text=SEARCH_SEPARATOR.join(cells).casefold() if indexed else "")


def keys(index: RowIndex) -> list[int]:
    return [r.key for r in index.displayed]


def loaded(*rows: Row) -> RowIndex:
    index = RowIndex(WIDTH)
    index.replace(rows, 0)
    return index


def test_pages_append_in_arrival_order_behind_live_views() -> None:
    index = RowIndex(WIDTH)
    displayed, every = index.displayed, index.loaded
    assert len(index) == 0 and index.get(0) is None and list(displayed) == []
    assert index.append([row(1), row(2)], 0) == 0
    assert index.append([row(3)], 1) == 1
    assert index.append([], 1) == 1
    assert keys(index) == [1, 2, 3] and [r.key for r in every] == [1, 2, 3]
    assert displayed[-1] == row(3) and [r.key for r in displayed[1:]] == [2, 3]
    with pytest.raises(IndexError):
        displayed[3]
    index.replace([row(7)], 0)  # the views read the index, never a copy
    assert [r.key for r in displayed] == [7] and len(every) == 1


def test_sort_is_stable_puts_missing_keys_last_and_follows_the_cursor() -> None:
    index = loaded(row(1, amount=300), row(2, amount=None), row(3, amount=100), row(4, amount=200),
                   row(5, amount=100), row(6, amount=""))
    cursor = index.sort_by(AMOUNT, False, 2)  # the cursor is on key 3
    assert keys(index) == [3, 5, 4, 1, 2, 6] and cursor == 0
    assert index.sorted and index.sort_column == AMOUNT and not index.sort_reverse
    cursor = index.sort_by(AMOUNT, True, cursor)
    assert keys(index) == [1, 4, 3, 5, 2, 6] and cursor == 2  # ties stay in arrival order
    cursor = index.sort_by(None, True, cursor)
    assert keys(index) == [1, 2, 3, 4, 5, 6] and cursor == 2 and not index.sort_reverse
    with pytest.raises(IndexError):
        index.sort_by(WIDTH, False, 0)


def test_quick_filter_needs_every_word_each_in_any_cell() -> None:
    index = loaded(row(1, "Acme Corp", owner="Fintech"), row(2, "Acme Labs"), row(3, "Globex", owner="acme"),
                   row(4, "Acme Co", owner="rp"), row(5, "Straße 5", owner="Fintech", indexed=False))
    index.filter("acme fintech", 0)
    assert keys(index) == [1] and index.filtering and index.filter_text == "acme fintech"
    index.filter("FINTECH  Corp acme", 0)  # any order, any case, cells in any order
    assert keys(index) == [1]
    index.filter("corp", 0)
    assert keys(index) == [1]  # "co" + "rp" in two cells is not "corp": a word never spans cells
    index.filter("strasse fin", 0)  # case-folded; rows without a search text get one
    assert keys(index) == [5]
    index.filter("acme", 0)
    assert keys(index) == [1, 2, 3, 4]
    index.filter("   ", 0)
    assert keys(index) == [1, 2, 3, 4, 5] and not index.filtering


def test_narrowing_filter_tests_only_the_rows_still_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    assert filter_words("acme  ACME ac rock") == ("acme", "rock")  # longest first, nothing redundant
    assert filter_words("  ") == ()
    assert narrows(("acme",), ("acme", "rock")) and narrows(("ac",), ("acme",))
    assert not narrows(("acme",), ("rock",)) and not narrows((), ("acme",))
    rows = [row(k, name, owner=owner) for k, (name, owner) in
            enumerate([("Acme Rockets", "Ada"), ("Acme Labs", "Rocky"), ("Globex", "Acme"), ("Rock", "Zed")])]
    index = loaded(*rows)
    index.filter("ac", 0)
    assert keys(index) == [0, 1, 2]
    tested: list[str] = []
    original = row_index.haystack

    def haystack(packed: Any) -> str:
        tested.append(packed[3][0])
        return original(packed)

    monkeypatch.setattr(row_index, "haystack", haystack)
    index.filter("acme ro", 0)
    assert keys(index) == [0, 1] and set(tested) == {"Acme Labs", "Acme Rockets", "Globex"}
    tested.clear()
    index.filter("acme rock", 0)  # only "rock" is new
    assert keys(index) == [0, 1] and tested == ["Acme Rockets", "Acme Labs"]
    monkeypatch.undo()
    index.filter("acme rockets", 0)
    assert keys(index) == [0]
    index.filter("rock", 0)  # wider again: every row is tested
    assert keys(index) == [0, 1, 3]


def test_cursor_stays_on_its_row_or_goes_to_the_top() -> None:
    index = loaded(row(1, "acme"), row(2, "globex"), row(3, "acme two"))
    assert index.filter("acme", 2) == 1  # key 3 is now the second row shown
    assert index.filter("acme two", 1) == 0
    assert index.filter("globex", 0) == 0 and keys(index) == [2]  # key 3 hidden: the top
    assert index.filter("", 0) == 1  # key 2 again, in arrival order
    assert index.replace([row(0), row(2), row(9)], 1) == 1  # a refresh keeps the row key
    assert index.replace([row(5)], 0) == 0  # gone: the top


def test_pages_arriving_while_sorted_and_filtered_are_inserted_in_place() -> None:
    index = loaded(row(1, "acme", 10), row(2, "acme", 30), row(3, "acme", None), row(4, "other", 20))
    cursor = index.sort_by(AMOUNT, False, 1)  # on key 2 (30)
    assert keys(index) == [1, 4, 2, 3] and cursor == 2
    cursor = index.append([row(5, amount=20), row(6, amount=None), row(7, amount=5), row(8, amount=30)], cursor)
    assert keys(index) == [7, 1, 4, 5, 2, 8, 3, 6]  # ties after the rows already there
    assert index.displayed[cursor].key == 2
    cursor = index.filter("acme", cursor)
    assert keys(index) == [1, 2, 3] and cursor == 1
    cursor = index.append([row(9, "acme", 1), row(10, "nope", 2), row(11, "acme", 40)], cursor)
    assert keys(index) == [9, 1, 2, 11, 3] and index.displayed[cursor].key == 2
    assert [r.key for r in index.loaded] == list(range(1, 12))


def test_first_page_into_an_empty_sorted_index_keeps_the_cursor_at_the_top() -> None:
    index = RowIndex(WIDTH)
    index.sort_by(AMOUNT, True, 0)
    assert index.append([row(1, amount=1), row(2, amount=2)], 0) == 0
    assert keys(index) == [2, 1]


def test_a_page_with_a_new_type_of_key_falls_back_to_a_full_sort() -> None:
    index = loaded(row(1, amount=10), row(2, amount=5))
    cursor = index.sort_by(AMOUNT, False, 0)  # on key 1
    cursor = index.append([row(3, amount="text"), row(4, amount=1)], cursor)
    assert keys(index) == [4, 2, 1, 3]  # numbers before text
    assert index.displayed[cursor].key == 1


def test_new_columns_drop_the_sort_and_gather_their_keys() -> None:
    index = loaded(row(1, "b", 2), row(2, "a", 1))
    cursor = index.sort_by(NAME, False, 0)
    assert keys(index) == [2, 1] and cursor == 1
    cursor = index.set_width(2, cursor)
    assert keys(index) == [1, 2] and cursor == 0 and index.sort_column is None
    index.sort_by(1, False, 0)  # sort keys beyond the new width are dropped
    assert keys(index) == [2, 1]


def test_update_changes_rows_in_place_without_moving_them() -> None:
    index = loaded(row(1, "Alpha", 30), row(2, "Beta", 10), row(3, "Gamma", 20))
    index.sort_by(1, False, 0)  # by amount: Beta 10, Gamma 20, Alpha 30
    assert keys(index) == [2, 3, 1]
    changed = index.update([row(2, "Beta", 99)])
    assert changed == [0]  # displayed where it was
    assert keys(index) == [2, 3, 1] and index.displayed[0].cells[1] == "99"
    index.sort_by(1, False, 0)  # the next sort uses the new key
    assert keys(index) == [3, 1, 2]


def test_update_keeps_a_row_that_no_longer_matches_the_find_until_the_next_find() -> None:
    index = loaded(row(1, "Alpha"), row(2, "Beta"), row(3, "Alpine"))
    index.filter("alp", 0)
    assert keys(index) == [1, 3]
    assert index.update([row(3, "Gamma")]) == [1]
    assert keys(index) == [1, 3]  # still shown: it must not vanish from under the cursor
    index.filter("alp", 0)
    assert keys(index) == [1]
    assert index.update([row(9, "Unknown")]) == []


def test_remove_keeps_sort_and_filter_and_says_where_the_cursor_goes() -> None:
    index = loaded(row(1, "Alpha", 30), row(2, "Beta", 10), row(3, "Gamma", 20), row(4, "Alpine", 5))
    index.sort_by(AMOUNT, False, 0)  # Alpine 5, Beta 10, Gamma 20, Alpha 30
    assert index.remove({9}, 0) is None
    cursor = index.remove({2}, 1)  # the cursor's row (Beta) goes: the next one, Gamma
    assert keys(index) == [4, 3, 1] and cursor == 1 and len(index.loaded) == 3
    index.filter("alp", 0)
    assert keys(index) == [4, 1]
    assert index.remove({1}, 1) == 0  # the last displayed row went: the one before it
    assert keys(index) == [4] and index.find(3) is not None and index.find(1) is None
    assert [r.key for r in index.with_keys({3, 4, 7})] == [3, 4] and index.with_keys(set()) == []


def test_update_finds_rows_of_later_pages_and_after_a_removal() -> None:
    index = loaded(row(1, "Alpha", 30), row(2, "Beta", 10))
    assert index.find(2) is not None and index.find(3) is None  # the lookup is built here
    index.append([row(3, "Gamma", 20), row(4, "Delta", 40)], 0)
    assert index.update([row(4, "Delta", 5)]) == [3]
    index.remove({1}, 0)
    assert index.update([row(3, "Gamma", 50)]) == [1] and index.find(1) is None
    index.sort_by(AMOUNT, False, 0)
    assert keys(index) == [4, 2, 3]  # 5, 10, 50: the edited keys are the ones sorted by
