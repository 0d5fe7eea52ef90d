"""A property: while locked, no sequence of keys on any screen or dialog, the board and every
picker included, sends a write. Random key sequences from the key registry (plus typing) are
pressed from each starting screen; the only answer never given is yes to the unlock question.
Bounded examples keep it fast."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator, EmulatorConfig, TenantStore, build_demo_tenant
from affinity_tui.keys import every_key
from affinity_tui.widgets.confirm import ConfirmScreen

from ..conftest import NOW

NEVER = {"q", "w", "ctrl+q", "ctrl+c"}
KEYS = sorted({k for k in every_key() if k not in NEVER} | {"space", "enter", "tab", "escape", "a", "i", "1", "5"})
STARTS = ("lists", "entries", "detail", "board", "people", "companies")
_TENANT: list[TenantStore] = []


def tenant() -> TenantStore:
    if not _TENANT:
        _TENANT.append(build_demo_tenant(now=NOW))
    return _TENANT[0]


async def run(start: str, keys: list[str]) -> Emulator:
    emulator = Emulator(EmulatorConfig(now=NOW), store=tenant())
    app = AffinityApp(AffinitySession.for_emulator(emulator))
    async with app.run_test(size=(120, 40)) as pilot:
        async def settle() -> None:
            await pilot.pause(0.002)
            await app.workers.wait_for_complete()
            await pilot.pause(0.002)

        await settle()
        if start in ("entries", "detail", "board"):
            await pilot.press("enter")
            await settle()
            if start == "detail":
                await pilot.press("enter")
            elif start == "board":
                await pilot.press("b")
            await settle()
        elif start in ("people", "companies"):
            await pilot.press("2" if start == "people" else "3")
            await settle()
        for key in keys:
            if type(app.screen) is ConfirmScreen:
                key = "n"  # the unlock question: locked means never yes
            await pilot.press(key)
            await settle()
        assert not app.write_mode
    return emulator


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(STARTS), st.lists(st.sampled_from(KEYS), min_size=4, max_size=14))
def test_random_keys_while_locked_send_no_write(start: str, keys: list[str]) -> None:
    emulator = asyncio.run(run(start, keys))
    assert emulator.log.writes == []
    assert emulator.writes.revision == 0
