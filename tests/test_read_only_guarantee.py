"""Read-only is a guarantee, not a setting: with the app locked, no key anywhere sends a write.

Every key of the key registry (``affinity_tui.keys``) is pressed on every screen, in locked
mode, and inside every dialog those keys open; the emulator's request log (which sees everything
that leaves the process) must hold no write. The sweep must reach every screen and dialog the
registry knows, so a screen added tomorrow fails this test until the sweep visits it.
The session's read client is also shown to refuse writes before they reach the network.
"""

from __future__ import annotations

import pytest
from affinity.exceptions import WriteNotAllowedError
from affinity.models.secondary import NoteCreate
from affinity.types import PersonId
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession, UserFacingError
from affinity_tui.emulator import Emulator
from affinity_tui.keys import every_key, key_sections
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.lists import ListsScreen
from affinity_tui.screens.progress import ProgressScreen
from affinity_tui.widgets.confirm import ConfirmScreen
from affinity_tui.widgets.filter_bar import FilterBar

NEVER = {"q", "w", "ctrl+q", "ctrl+c"}
"""Quitting ends the sweep; ``w`` is the lock itself (tested on its own below)."""
EXEMPT: dict[type, str] = {ConfirmScreen: "opened by w, which test_declining_the_unlock_keeps_it_locked covers"}


def sweep_keys() -> list[str]:
    return [k for k in every_key() if k not in NEVER] + ["space", "tab", "enter"]


async def settle(pilot: Pilot[None]) -> None:
    """Let the key's work finish: its workers, and the messages they post (a short pause, not
    ``pause()``, which waits for the CPU to go idle after every key)."""
    await pilot.pause(0.002)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.002)


class Sweep:
    def __init__(self, pilot: Pilot[None]) -> None:
        self.pilot = pilot
        self.visited: set[type] = set()
        self.swept_dialogs: set[type] = set()

    async def back_to(self, base: type, depth: int) -> None:
        app = self.pilot.app
        for _ in range(6):
            if isinstance(app.screen, ModalScreen) or (not isinstance(app.screen, base)
                                                       or len(app.screen_stack) > depth):
                await self.pilot.press("escape")
                await settle(self.pilot)
                continue
            break
        bars = app.screen.query(FilterBar)
        if bars and bars.first().display:
            await self.pilot.press("escape")
            await settle(self.pilot)

    async def press_everything(self, base: type) -> None:
        """Press each key on the screen, and every key inside each kind of dialog the first time a
        key opens one; then close whatever opened so the next key hits the same screen."""
        app = self.pilot.app
        depth = len(app.screen_stack)
        self.visited.add(type(app.screen))
        for key in sweep_keys():
            if key == "enter":
                continue  # enter opens the row: covered by the caller visiting each screen
            await self.pilot.press(key)
            await settle(self.pilot)
            self.visited.add(type(app.screen))
            if isinstance(app.screen, ModalScreen) and type(app.screen) not in self.swept_dialogs:
                await self.press_inside(app.screen)
            await self.back_to(base, depth)

    async def press_inside(self, modal: Screen[object]) -> None:
        """Every key inside an open dialog, until it closes."""
        app = self.pilot.app
        self.visited.add(type(modal))
        self.swept_dialogs.add(type(modal))
        for inner in sweep_keys():
            if app.screen is not modal:
                break
            await self.pilot.press(inner)
            await settle(self.pilot)
            self.visited.add(type(app.screen))


async def test_no_key_sends_a_write_while_locked(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        sweep = Sweep(pilot)
        await settle(pilot)
        assert not app.write_mode
        await sweep.press_everything(ListsScreen)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("enter")  # Deal Pipeline
        await settle(pilot)
        assert isinstance(app.screen, ListEntriesScreen)
        await sweep.press_everything(ListEntriesScreen)
        await pilot.press("enter")  # an entry's detail
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await sweep.press_everything(DetailScreen)
        for mode in ("2", "3", "4"):
            await pilot.press(mode)
            await settle(pilot)
            assert isinstance(app.screen, EntitiesScreen)
            await sweep.press_everything(EntitiesScreen)
        # Loading all (G twice at the end of what is loaded) shows its progress while Affinity is slow.
        await pilot.press("1")
        await sweep.back_to(ListsScreen, 1)
        lists = app.screen
        assert isinstance(lists, ListsScreen)
        pipeline = app.session.lists.get(12001)
        assert pipeline is not None
        lists.open_list(pipeline)  # the Deal Pipeline, wherever the sweep left the cursor and sort
        await settle(pilot)
        emulator.faults.update({"latency_ms": 300})
        await pilot.press("G", "G")
        await pilot.pause(0.1)
        assert isinstance(app.screen, ProgressScreen)
        await sweep.press_inside(app.screen)
        emulator.faults.update({"latency_ms": 0})
        assert not app.write_mode
    reads = [r for r in emulator.log.entries if not r.write]
    assert len(reads) > 20, "the sweep should have exercised real loads"
    assert emulator.log.writes == []
    screens = {owner.owner for owner in key_sections()
               if isinstance(owner.owner, type) and issubclass(owner.owner, Screen)}
    missed = {cls.__qualname__ for cls in screens
              if cls not in EXEMPT and not any(issubclass(seen, cls) for seen in sweep.visited)}
    assert not missed, f"the sweep never reached {sorted(missed)}: add them to the sweep"


async def test_declining_the_unlock_keeps_it_locked(app: AffinityApp, emulator: Emulator) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for answer in ("n", "escape"):
            await pilot.press("w")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
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
