"""Rate limits: the app paces itself from the ``X-Ratelimit-*`` headers every answer carries.

With a per-minute budget of 60, scrolling a long list to its end and loading a whole board
cost far more than 60 requests, yet Affinity refuses at most one of them: once the budget an
answer reports is spent, the next request waits for the reset instead of being sent. A user
action waits at most a bounded time, then says so and that it goes on by itself; the status
line counts the wait down; no request leaves during it; everything resumes by itself.

The emulator's window is shortened from 60 seconds (``window_seconds``) so a test sees several
windows in seconds; the app only ever sees "remaining" and "reset", as from Affinity.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from textual.pilot import Pilot

from affinity_tui.data.transport import RateWait
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.screens.board import BoardScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.widgets.confirm import ConfirmScreen
from affinity_tui.widgets.lazy_table import LazyTable

from ..conftest import NOW
from ..screens.helpers import settle
from .figures import BOARD
from .harness import SIZE, Rig, rig, wait_for

PIPELINE = 12001
PER_MINUTE = 60
WINDOW = 4.0
SCROLL_WINDOW = 10.0
"""Scrolling asks for a page at the pace keys load them (about ten a second): a 10-second
window holds more than the budget."""
LONG = 13_000
"""Entries of the long Deal Pipeline: 130 pages, more than twice the budget."""


class Watch:
    """When the app waited (the transport's waits) and when it sent (the wire): no request may
    leave during a wait."""

    def __init__(self, r: Rig) -> None:
        self.r = r
        self.waits: list[tuple[float, float]] = []
        self.sent_at: list[float] = []
        self.countdowns: set[str] = set()
        session = r.session
        tracker = session.rate

        def blocked(until: float | None) -> None:
            if until is not None:
                self.waits.append((time.monotonic(), until))
            tracker.blocked(until)

        session.wait = RateWait(on_blocked=blocked)
        wire = r.wire
        inner = wire.handle_async_request

        async def sending(request: Any) -> Any:
            self.sent_at.append(time.monotonic())
            return await inner(request)

        wire.handle_async_request = sending  # type: ignore[method-assign]

    def look(self) -> None:
        """Note what the status line says while a wait lasts."""
        if self.r.session.wait.seconds > 0.5:
            budget = self.r.app.screen.query_one("#status-budget")
            self.countdowns.add(str(budget.render()))

    @property
    def sent_while_waiting(self) -> int:
        return sum(1 for at in self.sent_at for start, until in self.waits if start + 0.05 < at < until - 0.05)

    @property
    def refused(self) -> int:
        return sum(1 for e in self.r.emulator.log.entries if e.status == 429)


def long_list(window: float = WINDOW) -> Emulator:
    emulator = Emulator(EmulatorConfig(now=NOW, scale=LONG, per_minute=PER_MINUTE))
    emulator.limits.configure(window_seconds=window)
    return emulator


async def open_pipeline(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ListEntriesScreen))
    await settle(pilot)


async def test_scrolling_a_long_list_is_refused_at_most_once() -> None:
    r = rig(long_list(SCROLL_WINDOW))
    watch = Watch(r)
    async with r.app.run_test(size=SIZE, notifications=True) as pilot:
        await open_pipeline(pilot)
        table = r.app.screen.query_one("#table", LazyTable)
        deadline = time.monotonic() + 90
        while len(table.loaded_rows) < LONG and time.monotonic() < deadline:
            await pilot.press("pagedown")  # scrolling down: a page is asked for near the end
            await pilot.pause(0.005)
            watch.look()
        loaded = len(table.loaded_rows)
    requests = len(r.emulator.log.entries)
    ok = loaded == LONG and watch.refused <= 1 and watch.sent_while_waiting == 0 and len(watch.waits) >= 2
    BOARD.figure("Rate limits (60 a minute)", "429s while scrolling 13,000 rows",
                 f"{watch.refused} in {requests} requests", "≤ 1", ok)
    assert loaded == LONG, f"only {loaded} of {LONG} rows loaded"
    assert watch.refused <= 1
    assert len(watch.waits) >= 2, "the budget should have been spent (and waited for) at least twice"
    assert watch.sent_while_waiting == 0
    assert any("rate limited: waiting" in text for text in watch.countdowns), watch.countdowns


async def test_loading_a_whole_board_is_refused_at_most_once() -> None:
    r = rig(long_list())
    watch = Watch(r)
    async with r.app.run_test(size=SIZE, notifications=True) as pilot:
        await open_pipeline(pilot)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(r.app.screen, BoardScreen) and r.app.screen.source.loaded > 0)
        board = r.app.screen
        assert isinstance(board, BoardScreen)
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(r.app.screen, ConfirmScreen))
        await pilot.press("y")
        deadline = time.monotonic() + 90
        while not board.source.exhausted and time.monotonic() < deadline:
            await pilot.pause(0.05)
            watch.look()
        loaded = board.source.loaded
    ok = loaded == LONG and watch.refused <= 1 and watch.sent_while_waiting == 0
    BOARD.figure("Rate limits (60 a minute)", "429s while loading a 13,000-card board",
                 f"{watch.refused} in {len(r.emulator.log.entries)} requests", "≤ 1", ok)
    assert loaded == LONG
    assert watch.refused <= 1
    assert watch.sent_while_waiting == 0


@pytest.mark.usefixtures("fast_timeouts")
async def test_a_user_action_waits_a_bounded_time_says_so_and_resumes_by_itself(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import affinity_tui.data.transport as transport

    monkeypatch.setattr(transport, "SDK_WAIT_LIMIT", 1)  # the bound a user action waits, shortened
    emulator = Emulator(EmulatorConfig(now=NOW, per_minute=PER_MINUTE))
    emulator.limits.configure(window_seconds=8)
    r = rig(emulator)
    watch = Watch(r)
    async with r.app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        # Another client of the same key spends the budget: the app learns it from the next answer.
        key = emulator.api_key
        while emulator.limits.snapshot(key)["per_minute"]["remaining"] > 1:
            emulator.limits.check(key, "/elsewhere")
        await pilot.press("enter")  # open the Deal Pipeline: its first answers say "0 left"
        await wait_for(pilot, lambda: isinstance(r.app.screen, ListEntriesScreen))
        table = r.app.screen.query_one("#table", LazyTable)
        started = time.monotonic()
        told = await wait_for(pilot, lambda: any("continues by itself" in s for s in r.said()), 10)
        waited = time.monotonic() - started
        while r.session.wait.seconds > 0.5:
            watch.look()
            await pilot.pause(0.1)
        resumed = await wait_for(pilot, lambda: len(table.loaded_rows) >= 100, 10)
    said = [s for s in r.said() if "rate limit" in s]
    ok = told and waited < 3 and resumed and watch.sent_while_waiting == 0 and watch.refused <= 1
    BOARD.figure("Rate limits (60 a minute)", "a user action waits, then is told",
                 f"{waited:.1f} s", "< bound + 2 s (bound 1 s here, 10 s live)", ok)
    BOARD.figure("Rate limits (60 a minute)", "requests sent during a wait", watch.sent_while_waiting, "0",
                 watch.sent_while_waiting == 0)
    assert told, r.said()
    assert waited < 3
    assert said and "nothing is sent meanwhile" in said[0].casefold()
    assert any("rate limited: waiting" in text for text in watch.countdowns), watch.countdowns
    assert resumed, "the list did not load by itself after the wait"
    assert watch.sent_while_waiting == 0
    assert watch.refused <= 1
