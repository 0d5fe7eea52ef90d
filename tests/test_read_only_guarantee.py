"""Read-only is a guarantee, not a setting: with the app locked, no key anywhere sends a write.

Every key bound anywhere in the app is pressed on every screen, in locked mode, and the
emulator's request log (which sees everything that leaves the process) must hold no write.
The session's read client is also shown to refuse writes before they reach the network.
"""

from __future__ import annotations

import pytest
from affinity.exceptions import WriteNotAllowedError
from affinity.models.secondary import NoteCreate
from affinity.types import PersonId
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import ModalScreen

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession, UserFacingError
from affinity_tui.emulator import Emulator
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.lists import ListsScreen
from affinity_tui.screens.table_screen import TableScreen
from affinity_tui.widgets.filter_bar import FilterBar
from affinity_tui.widgets.lazy_table import LazyTable

NEVER = {"q", "w", "ctrl+q", "ctrl+c"}
"""Quitting ends the sweep; ``w`` is the lock itself (tested on its own below)."""


def every_key() -> list[str]:
    keys: list[str] = []
    for owner in (AffinityApp, TableScreen, ListsScreen, ListEntriesScreen, EntitiesScreen, DetailScreen,
                  LazyTable, FilterBar):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            for key in binding.key.split(","):
                key = key.strip()
                if key not in NEVER and key not in keys:
                    keys.append(key)
    return keys + ["ctrl+p", "space", "tab"]


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press_everything(pilot: Pilot[None], base: type) -> None:
    """Press each key, then close whatever it opened so the next key hits the same screen."""
    app = pilot.app
    for key in every_key():
        await pilot.press(key)
        await settle(pilot)
        for _ in range(4):
            if isinstance(app.screen, ModalScreen) or not isinstance(app.screen, base):
                if isinstance(app.screen, ModalScreen) or len(app.screen_stack) > 1:
                    await pilot.press("escape")
                    await settle(pilot)
                    continue
            break
        filter_bar = app.screen.query(FilterBar)
        if filter_bar and filter_bar.first().display:
            await pilot.press("escape")
            await settle(pilot)


async def test_no_key_sends_a_write_while_locked(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.write_mode
        await press_everything(pilot, ListsScreen)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("enter")  # Deal Pipeline
        await settle(pilot)
        assert isinstance(app.screen, ListEntriesScreen)
        await press_everything(pilot, ListEntriesScreen)
        await pilot.press("enter")  # an entry's detail
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await press_everything(pilot, DetailScreen)
        for mode in ("2", "3", "4"):
            await pilot.press(mode)
            await settle(pilot)
            assert isinstance(app.screen, EntitiesScreen)
            await press_everything(pilot, EntitiesScreen)
        assert not app.write_mode
    reads = [r for r in emulator.log.entries if not r.write]
    assert len(reads) > 20, "the sweep should have exercised real loads"
    assert emulator.log.writes == []


async def test_declining_the_unlock_keeps_it_locked(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for answer in ("n", "escape"):
            await pilot.press("w")
            await settle(pilot)
            await pilot.press(answer)
            await settle(pilot)
            assert not app.write_mode and not app.session.write_mode
    assert emulator.log.writes == []


async def test_the_read_client_cannot_write_and_the_writer_is_refused_while_locked(
        session: AffinitySession, emulator: Emulator) -> None:
    async with session.reading() as client:
        with pytest.raises(WriteNotAllowedError):
            await client.notes.create(NoteCreate(content="x", person_ids=[PersonId(50010)]))
    with pytest.raises(UserFacingError):
        async with session.writer():
            pass
    await session.unlock()
    await session.lock()
    with pytest.raises(UserFacingError):
        async with session.writer():
            pass
    assert emulator.log.writes == []
