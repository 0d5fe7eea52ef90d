"""Revalidation after a paint from the cache changes only what changed in Affinity meanwhile."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from affinity_tui.app import AffinityApp
from affinity_tui.data.resume import Place
from affinity_tui.emulator import Emulator
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.widgets.lazy_table import LazyTable

from ..screens.helpers import DEAL_PIPELINE, SIZE, settle, table_of, until
from .conftest import CachedSession
from .test_warm_start import browse_deal_pipeline

AMOUNT = "field-3012"


class TableCalls:
    """Every ``replace_rows`` and ``set_rows`` a table receives after its first rows."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.replaced: list[list[int]] = []
        self.reset: list[int] = []
        replace_rows, set_rows = LazyTable.replace_rows, LazyTable.set_rows

        def replacing(table: LazyTable, rows: Any) -> None:
            rows = list(rows)
            self.replaced.append([r.key for r in rows])
            replace_rows(table, rows)

        def setting(table: LazyTable, rows: Any) -> None:
            rows = list(rows)
            if table.loaded_rows:
                self.reset.append(len(rows))
            set_rows(table, rows)

        monkeypatch.setattr(LazyTable, "replace_rows", replacing)
        monkeypatch.setattr(LazyTable, "set_rows", setting)


async def warm_start(session: Any) -> tuple[AffinityApp, Any]:
    return AffinityApp(session, start=Place(mode="lists", list_id=DEAL_PIPELINE)), None


async def test_a_changed_cell_is_redrawn_in_place_and_nothing_else(
        cached_session: CachedSession, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    await browse_deal_pipeline(cached_session())
    entry = emulator.store.list_entries(DEAL_PIPELINE)[3]
    entry.values[AMOUNT] = 123_456_789  # a colleague changed one deal's amount meanwhile
    calls = TableCalls(monkeypatch)
    app = AffinityApp(cached_session(), start=Place(mode="lists", list_id=DEAL_PIPELINE))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen) and len(table_of(app).rows) > 0)
        table = table_of(app)
        before = list(table.loaded_rows)
        column = next(i for i, c in enumerate(table.columns) if c.key == AMOUNT)
        assert "123,456,789" not in before[3].cells[column]
        await settle(pilot)
        after = list(table.loaded_rows)
    assert calls.replaced == [[entry.id]]  # one row redrawn, in place
    assert calls.reset == []  # no row came or went
    assert "123,456,789" in after[3].cells[column]
    after = after[: len(before)]  # (the read-ahead page may have come from the cache meanwhile)
    assert [r.key for r in after] == [r.key for r in before]
    assert [r for i, r in enumerate(after) if i != 3] == [r for i, r in enumerate(before) if i != 3]


async def test_rows_that_came_or_went_are_spliced_in_and_the_cursor_stays(
        cached_session: CachedSession, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    await browse_deal_pipeline(cached_session())
    entries = emulator.store.list_entries(DEAL_PIPELINE)
    gone = entries[5]
    emulator.store.remove_entry(gone)  # deleted meanwhile: the rows after it move up a place
    cursor_key = entries[10].id
    calls = TableCalls(monkeypatch)
    app = AffinityApp(cached_session(), start=Place(mode="lists", list_id=DEAL_PIPELINE, row_key=cursor_key))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen) and len(table_of(app).rows) > 0)
            table = table_of(app)
            assert table.cursor_key == cursor_key
            assert gone.id in [r.key for r in table.loaded_rows]
            await settle(pilot)
            keys = [r.key for r in table.loaded_rows]
            assert table.cursor_key == cursor_key
    finally:
        emulator.store.add_entry(gone)
    assert gone.id not in keys
    assert len(keys) == len(set(keys))  # the row that moved up from page 2 is there once
    assert keys[:199] == [e.id for e in emulator.store.list_entries(DEAL_PIPELINE) if e.id != gone.id][:199]
    assert calls.reset  # spliced with set_rows, which keeps the cursor on its row
