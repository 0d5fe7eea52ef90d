"""The lists screen with 30% of requests answered by a server error: one failed side request
(a list's saved views, the owners' names) costs only its own cells ("—", read again on R), a
failed read of the lists says so, and the empty state ("This Affinity user cannot see any
lists yet") never stands in for an error. Twenty starts, each with its own random draw."""

from __future__ import annotations

import pytest

from affinity_tui.emulator import Emulator, EmulatorConfig, TenantStore
from affinity_tui.widgets.lazy_table import LazyTable

from ..conftest import NOW
from ..screens.helpers import settle
from .figures import BOARD
from .harness import SIZE, rig, screen_text, wait_for

STARTS = 20
ERROR_RATE = 0.3


@pytest.mark.usefixtures("fast_timeouts")
async def test_the_lists_screen_with_30_percent_server_errors(demo_tenant: TenantStore) -> None:
    opened = dashes = lies = unexplained = recovered = 0
    for seed in range(STARTS):
        emulator = Emulator(EmulatorConfig(now=NOW, error_rate=ERROR_RATE, seed=seed), store=demo_tenant)
        r = rig(emulator)
        async with r.app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            table = r.app.screen.query_one("#table", LazyTable)
            text = screen_text(r.app)
            lies += "cannot see any lists" in text
            if len(table.loaded_rows) == 4:
                opened += 1
                dashes += sum(cell == "—" for row in table.loaded_rows for cell in row.cells)
            elif "Could not load the lists" not in text or not r.said.problems_since(0):
                unexplained += 1
            emulator.faults.update({"error_rate": 0.0})
            await pilot.press("R")
            recovered += await wait_for(pilot, lambda: len(table.loaded_rows) == 4 and not any(
                cell in ("—", "…") for row in table.loaded_rows for cell in row.cells), 5)
    ok = lies == 0 and unexplained == 0 and recovered == STARTS
    BOARD.figure("30% server errors, lists screen", "opened on the first try",
                 f"{opened}/{STARTS} ({dashes} cells “—”)", "≥ 75%", opened >= 0.75 * STARTS)
    BOARD.figure("30% server errors, lists screen", "false empty states / errors not said",
                 f"{lies} / {unexplained}", "0 / 0", lies == 0 and unexplained == 0)
    BOARD.figure("30% server errors, lists screen", "every cell filled after R", f"{recovered}/{STARTS}", "all",
                 recovered == STARTS)
    assert ok, (lies, unexplained, recovered)
    assert opened >= 0.75 * STARTS
