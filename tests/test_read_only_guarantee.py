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
from affinity_tui.screens.board import BoardScreen
from affinity_tui.screens.composer import NoteComposer
from affinity_tui.screens.detail import DetailScreen
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.screens.entries import ListEntriesScreen
from affinity_tui.screens.field_editor import FieldEditor
from affinity_tui.screens.lists import ListsScreen
from affinity_tui.screens.progress import ProgressScreen
from affinity_tui.screens.reminders import RemindersScreen
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


async def pipeline(pilot: Pilot[None]) -> None:
    """Back to the Deal Pipeline's table, however the sweep left the app."""
    app = pilot.app
    for _ in range(4):  # a dialog first: inside an editor, 1 would be typed, not switch modes
        if not isinstance(app.screen, ModalScreen):
            break
        await pilot.press("escape")
        await settle(pilot)
    await pilot.press("1")
    await settle(pilot)
    for _ in range(8):
        if isinstance(app.screen, ListEntriesScreen):
            return
        if isinstance(app.screen, ListsScreen):
            await pilot.press("g", "enter")
        else:
            await pilot.press("escape")
        await settle(pilot)
    raise AssertionError(f"could not get back to the Deal Pipeline from {app.screen!r}")


class Sweep:
    def __init__(self, pilot: Pilot[None]) -> None:
        self.pilot = pilot
        self.visited: set[type] = set()
        self.swept_dialogs: set[type] = set(EXEMPT)
        """The unlock question is never answered here: a write key that asks it is answered no."""

    async def back_to(self, base: type, depth: int) -> None:
        app = self.pilot.app
        for _ in range(6):
            if isinstance(app.screen, ModalScreen) or (not isinstance(app.screen, base)
                                                       or len(app.screen_stack) > depth):
                before = (app.screen, len(app.screen_stack))
                await self.pilot.press("escape")
                await settle(self.pilot)
                if (app.screen, len(app.screen_stack)) == before:
                    break  # escape goes nowhere from here (another mode's first screen)
                continue
            break
        bars = app.screen.query(FilterBar)
        if bars and bars.first().display:
            await self.pilot.press("escape")
            await settle(self.pilot)

    async def press_in_composer(self) -> None:
        """Every key typed in the note composer (``n`` on the row), ``ctrl+s`` (save) last but one
        and ``escape`` (close) last, so every other key reaches the composer itself."""
        app = self.pilot.app
        await self.pilot.press("n")
        await settle(self.pilot)
        assert isinstance(app.screen, NoteComposer)
        composer, depth = app.screen, len(app.screen_stack)
        for key in [k for k in sweep_keys() if k not in ("escape", "ctrl+s")] + ["ctrl+s"]:
            if app.screen is not composer:
                await self.back_to(NoteComposer, depth)
            await self.pilot.press(key)
            await settle(self.pilot)
            self.visited.add(type(app.screen))
            if isinstance(app.screen, ModalScreen) and type(app.screen) not in self.swept_dialogs:
                await self.press_inside(app.screen)
        assert type(app.screen) is ConfirmScreen, "ctrl+s in the composer should ask to unlock"
        await self.back_to(NoteComposer, depth)
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

    async def press_inside(self, modal: Screen[object], keys: list[str] | None = None) -> None:
        """Every key inside a dialog, until one closes it or opens another (the unlock question
        that a save asks while locked is then answered no by ``back_to``)."""
        app = self.pilot.app
        self.swept_dialogs.add(type(modal))
        for inner in sweep_keys() if keys is None else keys:
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
        await pipeline(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("e")  # the field editor of the first field line (or why not)
        await settle(pilot)
        sweep.visited.add(type(app.screen))
        await pipeline(pilot)
        await pilot.press("b")  # the board
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await sweep.press_everything(BoardScreen)
        await pipeline(pilot)
        await pilot.press("E")  # choose a field, then its editor
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FieldEditor)
        sweep.visited.add(FieldEditor)
        # Every key typed into the editor (not the palette's, nor escape), until enter saves
        # what is chosen: locked, saving only asks to unlock, which back_to answers no.
        await sweep.press_inside(app.screen, [k for k in sweep_keys() if k not in ("ctrl+p", "escape")])
        assert type(app.screen) is ConfirmScreen, f"saving in the editor should ask to unlock, not {app.screen!r}"
        await sweep.back_to(ListEntriesScreen, 2)  # the mode keys are text inside an editor: close it first
        assert isinstance(app.screen, ListEntriesScreen)
        for mode in ("2", "3", "4"):
            await pilot.press(mode)
            await settle(pilot)
            assert isinstance(app.screen, EntitiesScreen)
            await sweep.press_everything(EntitiesScreen)
        await sweep.press_in_composer()
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, RemindersScreen)
        await sweep.press_everything(RemindersScreen)
        # Loading all (G twice at the end of what is loaded) shows its progress while Affinity is slow.
        await pilot.press("1")
        await sweep.back_to(ListsScreen, 1)
        lists = app.screen
        assert isinstance(lists, ListsScreen)
        deals = app.session.lists.get(12001)
        assert deals is not None
        lists.open_list(deals)  # the Deal Pipeline, wherever the sweep left the cursor and sort
        await settle(pilot)
        emulator.faults.update({"latency_ms": 300})
        await pilot.press("G", "G")
        await pilot.pause(0.1)
        assert isinstance(app.screen, ProgressScreen)
        sweep.visited.add(ProgressScreen)
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
