"""Walks shared by the notes and reminders tests."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from affinity_tui.app import AffinityApp
from affinity_tui.emulator import Emulator
from affinity_tui.screens.composer import NoteComposer
from affinity_tui.screens.entities import EntitiesScreen
from affinity_tui.widgets.confirm import ConfirmScreen, ConfirmWriteScreen

from ..screens.helpers import SIZE, settle, table_of, toasts, until, widget_text

__all__ = ["SIZE", "settle", "toasts", "until", "widget_text", "table_of"]

ME = 50001


async def people(pilot: Pilot[Any], row: int = 0) -> None:
    """The People screen, loaded, the cursor on ``row``."""
    await settle(pilot)
    await pilot.press("2")
    await until(pilot, lambda: isinstance(pilot.app.screen, EntitiesScreen) and table_of(pilot.app).rows,
                what="people")
    await settle(pilot)
    if row:
        table_of(pilot.app).move_cursor(row)
        await pilot.pause()


async def unlock(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, AffinityApp)
    await pilot.press("w")
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await until(pilot, lambda: app.write_mode, what="write mode")


async def open_composer(pilot: Pilot[Any]) -> NoteComposer:
    await pilot.press("n")
    await until(pilot, lambda: isinstance(pilot.app.screen, NoteComposer), what="the composer")
    screen = pilot.app.screen
    assert isinstance(screen, NoteComposer)
    await ready_to_type(pilot, screen)
    return screen


async def ready_to_type(pilot: Pilot[Any], composer: NoteComposer) -> None:
    """The composer's text area has the focus, its cursor at the end of the text."""
    await until(pilot, lambda: composer.is_mounted and pilot.app.focused is composer.editor
                and composer.editor.cursor_location == composer.editor.document.end, what="the editor focused")


async def confirm_write(pilot: Pilot[Any]) -> list[str]:
    """Wait for the write confirmation, answer yes; returns its lines."""
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmWriteScreen)
                and bool(pilot.app.screen.query("#confirm-buttons")), what="the confirmation")
    lines = [str(s.render()) for s in pilot.app.screen.query(".confirm-detail").results(Static)]
    await pilot.press("y")
    return lines


def composer_status(screen: NoteComposer) -> str:
    return str(screen.query_one("#composer-status", Static).render())


def only_write(emulator: Emulator) -> Any:
    writes = emulator.log.writes
    assert len(writes) == 1, f"expected exactly one write, got {[(w.method, w.path, w.status) for w in writes]}"
    return writes[0]


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` key by key (newlines as enter)."""
    keys = ["enter" if ch == "\n" else ("space" if ch == " " else ch) for ch in text]
    await pilot.press(*keys)
