"""Slow and offline: with 2 s of latency on every request, keys are handled at once while loads
are in flight and every load says it is loading; with Affinity down at start, the app opens and
explains, and ``R`` recovers everything, the header too, without a restart.

A key's handling time is measured from the moment it is sent to the app to the moment its
effect is there (a screen opened or closed, a mode switched), polling every millisecond; keys
come 50 ms apart at the least, a fast typist's pace.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.pilot import Pilot

from affinity_tui.emulator import Emulator, EmulatorConfig, TenantStore
from affinity_tui.screens.board import BoardScreen
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.help import HelpScreen
from affinity_tui.screens.lists import ListsScreen
from affinity_tui.widgets.lazy_table import LazyTable
from affinity_tui.widgets.prompt import TextPrompt

from ..conftest import NOW
from ..screens.helpers import settle
from .figures import BOARD
from .harness import SIZE, Rig, rig, screen_text, wait_for

LATENCY_MS = 2_000
KEY_BUDGET = 0.100


class Keys:
    """Keys sent while loads are in flight, and how long each took to be handled."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.times: dict[str, float] = {}

    async def press(self, key: str, done: Callable[[], object], what: str) -> None:
        app = self.pilot.app
        driver = app._driver
        assert driver is not None
        await self.pilot.pause(0.05)  # a fast typist's pace: the previous key's screen is drawn
        char = key if len(key) == 1 else None
        started = time.perf_counter()
        driver.send_message(events.Key(key, char))
        deadline = started + 2
        while not done() and time.perf_counter() < deadline:
            await self.pilot.pause(0.001)
        self.times[what] = time.perf_counter() - started
        assert done(), f"{what}: not handled"

    @property
    def worst(self) -> tuple[str, float]:
        return max(self.times.items(), key=lambda item: item[1])


def loading(r: Rig) -> bool:
    """Whether the screen says something is loading."""
    text = screen_text(r.app)
    return "Loading" in text or "loading…" in text


async def test_keys_are_handled_at_once_while_slow_loads_are_in_flight(demo_tenant: TenantStore) -> None:
    emulator = Emulator(EmulatorConfig(now=NOW, latency_ms=LATENCY_MS), store=demo_tenant)
    r = rig(emulator)
    app = r.app
    shown: dict[str, bool] = {}
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        keys = Keys(pilot)
        await pilot.pause(0.1)
        shown["lists"] = loading(r)
        await keys.press("question_mark", lambda: isinstance(app.screen, HelpScreen), "? opens help")
        await keys.press("escape", lambda: isinstance(app.screen, ListsScreen), "escape closes it")
        await keys.press("2", lambda: isinstance(app.screen, EntitiesScreen), "2 switches to People")
        await pilot.pause(0.1)
        shown["people"] = loading(r)
        await keys.press("1", lambda: isinstance(app.screen, ListsScreen), "1 switches back")
        await wait_for(pilot, lambda: len(app.screen.query_one("#table", LazyTable).loaded_rows) == 4, 10)
        await keys.press("enter", lambda: isinstance(app.screen, ListEntriesScreen), "enter opens a list")
        await pilot.pause(0.1)
        shown["a list"] = loading(r)
        await keys.press("f", lambda: isinstance(app.screen, TextPrompt), "f opens find")
        await keys.press("escape", lambda: isinstance(app.screen, ListEntriesScreen), "escape closes find")
        await keys.press("b", lambda: isinstance(app.screen, BoardScreen), "b opens the board")
        await pilot.pause(0.1)
        shown["the board"] = loading(r)
        await keys.press("escape", lambda: isinstance(app.screen, ListEntriesScreen), "escape leaves the board")
        table = app.screen.query_one("#table", LazyTable)
        await wait_for(pilot, lambda: len(table.loaded_rows) >= 100, 10)
        await keys.press("enter", lambda: isinstance(app.screen, DetailScreen), "enter opens a deal")
        await pilot.pause(0.1)
        shown["a detail"] = loading(r)
        await keys.press("escape", lambda: isinstance(app.screen, ListEntriesScreen), "escape leaves it")
        await wait_for(pilot, lambda: not table.loading_more, 10)
        await keys.press("G", lambda: table.loading_more, "G asks for the next page")
        shown["the next page"] = "Loading more…" in screen_text(app)
        await keys.press("k", lambda: table.cursor_row < len(table.rows) - 1, "k moves the cursor meanwhile")
    name, worst = keys.worst
    BOARD.figure("Slow and offline (2 s a request)", "key handled while loads are in flight, worst",
                 f"{worst * 1000:.0f} ms", f"< {KEY_BUDGET * 1000:.0f} ms", worst < KEY_BUDGET)
    BOARD.figure("Slow and offline (2 s a request)", "loads that show progress",
                 f"{sum(shown.values())}/{len(shown)}", "all", all(shown.values()))
    assert worst < KEY_BUDGET, f"{name}: {worst * 1000:.0f} ms ({keys.times})"
    assert all(shown.values()), shown


async def test_affinity_down_at_start_then_back(demo_tenant: TenantStore) -> None:
    emulator = Emulator(EmulatorConfig(now=NOW), store=demo_tenant)
    emulator.faults.update({"down": True})
    r = rig(emulator)
    app = r.app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        opened = app.is_running and isinstance(app.screen, ListsScreen)
        # The failed load and its notification arrive as messages after the workers end: on a
        # busy machine a settle can return between the two, so the explanation is waited for.
        explained = await wait_for(pilot, lambda: any("Cannot reach Affinity" in s for s in r.said())
                                   and "Could not load the lists" in screen_text(app), 5)
        said, text = r.said(), screen_text(app)
        assert app.sub_title == "not connected"
        emulator.faults.update({"down": False})
        await pilot.press("R")
        recovered = await wait_for(pilot, lambda: len(app.screen.query_one("#table", LazyTable).loaded_rows) == 4
                                   and app.sub_title.startswith("Morgan Reyes"), 10)
        title = app.title
    ok = opened and explained and recovered
    BOARD.figure("Slow and offline (2 s a request)", "Affinity down at start: opens, explains, R recovers",
                 "yes" if ok else f"opened {opened}, explained {explained}, recovered {recovered}",
                 "yes, header too", ok)
    assert opened and explained, (said, text)
    assert recovered, app.sub_title
    assert title == "Harbor Peak Ventures"
