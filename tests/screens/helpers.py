"""Shared helpers for the Pilot tests of the screens: waiting, reading what is on screen, and
brute-force answers computed straight from the emulator's store."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.segment import Segment
from textual import events
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets._header import HeaderTitle
from textual.widgets._toast import Toast
from textual.worker import WorkerState

from affinity_tui.emulator import Emulator
from affinity_tui.emulator.store import FieldDef, ListEntry
from affinity_tui.screens.table_screen import TableScreen
from affinity_tui.widgets.lazy_table import LazyTable

SIZE = (120, 40)
DEAL_PIPELINE, PORTFOLIO, FOUNDERS, CO_INVESTORS = 12001, 12002, 12003, 12004
LIST_ROW = {DEAL_PIPELINE: 0, PORTFOLIO: 1, FOUNDERS: 2, CO_INVESTORS: 3}
"""Where each demo list sits on the lists screen (Affinity's order)."""


async def until(pilot: Pilot[Any], predicate: Callable[[], object], timeout: float = 5.0,
                what: str = "") -> None:
    """Let the app run until ``predicate()`` is true; fail after ``timeout`` seconds.

    Polls with ``pause(delay)``, which waits for the screen to process its pending messages:
    ``pause()`` without a delay also waits for the CPU to go idle (20 ms at the very least),
    which would make polling slow for nothing.
    """
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause(0.005)
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")


def _busy(app: App[Any]) -> bool:
    return any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)


async def settle(pilot: Pilot[Any], timeout: float = 5.0) -> None:
    """Wait until no worker runs and no table is loading, twice in a row (a finished load may
    start another: the table asks for the next page when the cursor is near the end)."""
    app = pilot.app
    quiet = 0
    deadline = time.monotonic() + timeout
    while quiet < 2:
        await app.workers.wait_for_complete()
        await pilot.pause(0.005)
        tables = app.screen.query(LazyTable)
        if not _busy(app) and not any(t.loading_more for t in tables):
            quiet += 1
        else:
            quiet = 0
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not settle within {timeout}s")


def table_of(app: App[Any]) -> LazyTable:
    return app.screen.query_one("#table", LazyTable)


def table_screen(app: App[Any]) -> TableScreen:
    screen = app.screen
    assert isinstance(screen, TableScreen), f"expected a table screen, got {screen!r}"
    return screen


def status_text(app: App[Any]) -> str:
    return table_screen(app).status.message


def toasts(app: App[Any]) -> list[str]:
    """The text of every notification on screen (needs ``run_test(notifications=True)``)."""
    return [toast.render().plain for toast in app.screen.query(Toast)]


def error_toasts(app: App[Any]) -> list[str]:
    """The text of every error notification on screen."""
    return [toast.render().plain for toast in app.screen.query(Toast) if toast.has_class("-error")]


def widget_text(widget: Widget) -> str:
    """What ``widget`` draws, as plain text lines (works for parts scrolled out of view)."""
    width, height = widget.size
    return "\n".join(strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height)))


def widget_segments(widget: Widget) -> list[Segment]:
    """The styled pieces of text ``widget`` draws."""
    width, height = widget.size
    return [segment for strip in widget.render_lines(Region(0, 0, width, height)) for segment in strip]


def header_text(app: App[Any]) -> str:
    """The header's title and subtitle, as drawn."""
    return widget_text(app.screen.query_one(HeaderTitle))


def normalized(text: str) -> str:
    """Whitespace collapsed, so wrapped lines compare with the unwrapped original."""
    return " ".join(text.split())


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Paste ``text`` into the focused widget, as a terminal's bracketed paste would (much
    faster than ``press`` per character, which waits for idle after every key)."""
    focused = pilot.app.focused
    assert focused is not None, "nothing has the focus to paste into"
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def pick(pilot: Pilot[Any], label: str) -> None:
    """Choose ``label`` in the open PickOne modal with the arrow keys and enter."""
    options = pilot.app.screen.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    assert label in labels, f"{label!r} not offered; the picker offers {labels}"
    target = labels.index(label)
    current = options.highlighted or 0
    keys = ["down"] * (target - current) if target >= current else ["up"] * (current - target)
    await pilot.press(*keys, "enter")


async def open_list(pilot: Pilot[Any], list_id: int) -> None:
    """From the lists screen (loaded), highlight ``list_id`` and open it; wait for its entries."""
    await settle(pilot)
    await pilot.press(*["j"] * LIST_ROW[list_id], "enter")
    await until(pilot, lambda: int(getattr(getattr(pilot.app.screen, "lst", None), "id", 0) or 0) == list_id,
                what=f"the entries screen of list {list_id}")
    await settle(pilot)


# ---- brute force from the store -----------------------------------------------------------------
def field_named(emulator: Emulator, list_id: int, name: str) -> FieldDef:
    matches = [f for f in emulator.store.list_fields(list_id) if f.name == name]
    assert len(matches) == 1, f"{len(matches)} fields named {name!r} on list {list_id}"
    return matches[0]


def entries(emulator: Emulator, list_id: int, keep: Callable[[ListEntry], bool] = lambda e: True) -> list[ListEntry]:
    return [e for e in emulator.store.list_entries(list_id) if keep(e)]


def entity_name(emulator: Emulator, entry: ListEntry) -> str:
    return emulator.store.entity_name(entry.entity_type, entry.entity_id)
