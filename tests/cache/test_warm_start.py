"""A second start paints what the first one showed from the cache, before sending anything, then
asks Affinity again in the background."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from affinity_tui.app import AffinityApp
from affinity_tui.data.resume import DetailPlace, Place
from affinity_tui.emulator import Emulator
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.lists import ListsScreen
from affinity_tui.widgets.lazy_table import LazyTable

from ..screens.helpers import DEAL_PIPELINE, SIZE, open_list, settle, status_text, table_of, until
from .conftest import CachedSession

ENTRIES_PATH = f"/v2/lists/{DEAL_PIPELINE}/list-entries"


class Timeline:
    """Requests (as the emulator sees them) and the first paint of a table row, in order."""

    def __init__(self, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[str] = []
        log_add = emulator.log.add

        def add(method: str, path: str, query: str, status: int, body: Any = None) -> Any:
            self.events.append(f"request {method} {path}")
            return log_add(method, path, query, status, body)

        monkeypatch.setattr(emulator.log, "add", add)
        render_line = LazyTable.render_line

        def render(table: LazyTable, y: int) -> Any:
            strip = render_line(table, y)
            if y > 0 and y - 1 < len(table.rows) and "painted" not in self.events:
                self.events.append("painted")
            return strip

        monkeypatch.setattr(LazyTable, "render_line", render)

    def before_paint(self) -> list[str]:
        return self.events[: self.events.index("painted")] if "painted" in self.events else self.events


async def browse_deal_pipeline(session: Any) -> list[str]:
    """A first session: lists, then the Deal Pipeline; the first rows' names."""
    app = AffinityApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        names = [row.cells[0] for row in table_of(app).loaded_rows]
    return names


async def test_a_warm_start_paints_the_last_list_before_any_request(
        cached_session: CachedSession, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    first = await browse_deal_pipeline(cached_session())
    timeline = Timeline(emulator, monkeypatch)
    app = AffinityApp(cached_session(), start=Place(mode="lists", list_id=DEAL_PIPELINE))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen) and len(table_of(app).rows) > 0,
                    what="the Deal Pipeline's rows")
        assert [row.cells[0] for row in table_of(app).loaded_rows][:100] == first[:100]
        await settle(pilot)
        assert app.title == "Harbor Peak Ventures"  # the header came from the cache too
        after = [e for e in timeline.events if e != "painted"]
    assert timeline.before_paint() == []
    # Afterwards: whoami (is the key still good, is Affinity up?) and the rows in view; lists,
    # views, owners and fields are younger than the metadata time.
    assert sorted(set(after)) == ["request GET /v2/auth/whoami", f"request GET {ENTRIES_PATH}"], after
    assert len(after) <= 3


async def test_revalidated_rows_lose_their_age_mark(cached_session: CachedSession) -> None:
    await browse_deal_pipeline(cached_session())
    clock_offset = 3600.0
    import time

    app = AffinityApp(cached_session(clock=lambda: time.time() + clock_offset),
                      start=Place(mode="lists", list_id=DEAL_PIPELINE))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen) and len(table_of(app).rows) > 0)
        assert "as of 1 h ago" in status_text(app) or "as of 60 min ago" in status_text(app)
        await settle(pilot)
        assert "as of" not in status_text(app)


async def test_rows_seen_moments_ago_are_not_asked_again(cached_session: CachedSession, emulator: Emulator) -> None:
    await browse_deal_pipeline(cached_session())
    emulator.log.clear()
    app = AffinityApp(cached_session(data_seconds=60), start=Place(mode="lists", list_id=DEAL_PIPELINE))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen) and len(table_of(app).rows) > 0)
        await settle(pilot)
        assert "as of" not in status_text(app)
    assert [e.path for e in emulator.log.entries] == ["/v2/auth/whoami"]


async def test_a_record_opens_from_the_cache_then_from_affinity(cached_session: CachedSession, emulator: Emulator,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from affinity_tui.data.sources.detail import DetailSource
    from affinity_tui.screens.detail import DetailScreen

    first = AffinityApp(cached_session())
    async with first.run_test(size=SIZE) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(first.screen, DetailScreen))
        await settle(pilot)
        row = first.screen_stack[-2].query_one("#table", LazyTable).current_row
        assert row is not None
    entry = next(e for e in emulator.store.list_entries(DEAL_PIPELINE) if e.id == row.key)
    emulator.store.opportunities[entry.entity_id].name = "Renamed while you were away"
    shown: list[tuple[str, bool, int]] = []  # (name, from the cache, requests sent by then)
    versions = DetailSource.profile_versions

    async def recorded(source: DetailSource) -> Any:
        async for profile in versions(source):
            shown.append((profile.name, "profile" in source.stale, len(emulator.log.entries)))
            yield profile

    monkeypatch.setattr(DetailSource, "profile_versions", recorded)
    before = len(emulator.log.entries)
    app = AffinityApp(cached_session(), start=Place(mode="lists", list_id=DEAL_PIPELINE, detail=DetailPlace(
        row.entity_type, row.entity_id, row.cells[0], DEAL_PIPELINE, row.key)))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, DetailScreen))
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DetailScreen)
            assert screen.entity_title == "Renamed while you were away"
            assert "as of" not in screen.query_one("#status").message
    finally:
        emulator.store.opportunities[entry.entity_id].name = row.cells[0]
    assert shown == [(row.cells[0], True, before), ("Renamed while you were away", False, shown[1][2])]
    assert shown[1][2] > before


async def test_a_resumed_filter_sends_only_its_search(
        cached_session: CachedSession, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """The list's fields and the Status options were read by the session before (and kept): the
    filter's first page is one round trip, with no field or option read chained before it (the
    SDK's filter planner is handed what the session knows)."""
    place = Place(mode="lists", list_id=DEAL_PIPELINE, filter_text='Status = "Diligence"')
    first = AffinityApp(cached_session(), start=place)
    async with first.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(first.screen, ListEntriesScreen) and len(table_of(first).rows) > 0,
                    what="the filtered rows")
        await settle(pilot)
        shown = [row.cells[0] for row in table_of(first).loaded_rows]
    timeline = Timeline(emulator, monkeypatch)
    again = AffinityApp(cached_session(), start=place)
    async with again.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(again.screen, ListEntriesScreen) and len(table_of(again).rows) > 0,
                    what="the filtered rows, again")
        await settle(pilot)
        assert [row.cells[0] for row in table_of(again).loaded_rows] == shown
        assert all(row.cells[1] == "Diligence" for row in table_of(again).loaded_rows)
    reads = [e for e in timeline.events if e != "painted"]
    assert not [e for e in reads if "/fields" in e], reads
    assert f"request POST {ENTRIES_PATH}/search" in reads


async def test_the_lists_under_a_resumed_list_are_made_after_its_rows_are_painted(
        cached_session: CachedSession, monkeypatch: pytest.MonkeyPatch, emulator: Emulator) -> None:
    await browse_deal_pipeline(cached_session())
    tables_under: list[int] = []
    render_line = LazyTable.render_line

    def render(table: LazyTable, y: int) -> Any:
        if not tables_under and table.rows and isinstance(table.screen, ListEntriesScreen):
            tables_under.append(len(table.app.screen_stack[0].query(LazyTable)))
        return render_line(table, y)

    monkeypatch.setattr(LazyTable, "render_line", render)
    app = AffinityApp(cached_session(), start=Place(mode="lists", list_id=DEAL_PIPELINE))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: tables_under, what="the Deal Pipeline's rows")
        assert tables_under == [0]  # nothing of the lists screen was made before that frame
        await settle(pilot)
        assert app._start_screens == []  # handed to the screen stack, not kept beside it
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ListsScreen) and table_of(app).current_row is not None)
        assert table_of(app).current_row.key == DEAL_PIPELINE  # type: ignore[union-attr]
        assert app.focused is table_of(app)
    assert [e.path for e in emulator.log.entries].count("/lists") <= 2  # the first session's read, and this one's


async def test_leaving_a_resumed_list_before_it_paints_shows_the_lists_at_once(
        cached_session: CachedSession, emulator: Emulator) -> None:
    """Affinity is slow and nothing is cached: escape at once goes back to a lists screen that
    is made there and then (no waiting for a paint that will not come)."""
    emulator.faults.latency_ms = 400
    app = AffinityApp(cached_session(), start=Place(mode="lists", list_id=DEAL_PIPELINE))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ListEntriesScreen))
        await pilot.press("escape")
        started = asyncio.get_running_loop().time()
        await until(pilot, lambda: isinstance(app.screen, ListsScreen) and len(table_of(app).rows) == 4,
                    what="the lists")
        assert asyncio.get_running_loop().time() - started < 2.0  # two slow reads at the most, not the 3 s bound
