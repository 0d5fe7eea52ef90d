"""At 80×24 the table, the status line and the footer stay readable: money is never clipped,
"loaded X of Y" stays whole, and the footer keeps ``/`` and ``?``."""

from __future__ import annotations

import re

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator, EmulatorConfig

from ..conftest import NOW
from .helpers import DEAL_PIPELINE, field_named, open_list, settle

NARROW = (80, 24)


def screen_lines(app: AffinityApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_at_80x24_money_status_and_footer_stay_readable() -> None:
    emulator = Emulator(EmulatorConfig(now=NOW, scale=20_000))
    app = AffinityApp(AffinitySession.for_emulator(emulator))
    amount = field_named(emulator, DEAL_PIPELINE, "Amount")
    async with app.run_test(size=NARROW) as pilot:
        await open_list(pilot, DEAL_PIPELINE)
        lines = screen_lines(app)
        status, footer = lines[-2], lines[-1]
        assert re.search(r"loaded [\d,]+ of 20,000", status), status
        assert "/ Filter" in footer and "? Help" in footer, footer
        # Every Amount on screen is whole: the rows' amounts appear exactly, never cut to "$2".
        entries = emulator.store.list_entries(DEAL_PIPELINE)
        shown = [f"${entries[i].values[amount.id]:,}" for i in range(15) if amount.id in entries[i].values]
        body = "\n".join(lines[2:18])
        assert all(money in body for money in shown)
        assert not re.search(r"\$[\d,]*…", body)
        await pilot.press("2")  # People
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert "/ Search" in footer and "? Help" in footer, footer
