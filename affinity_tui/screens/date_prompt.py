"""Ask for a date the way people type it, showing the day it means before it is used.

``z`` (snooze) asks with this: ``1d``, ``1w``, ``next monday``, ``2026-12-03`` (``data/dates``).
The resolved day is shown under the input as it is typed; ``enter`` on text that is not a date
says why and keeps the prompt open, so nothing is done on a misunderstanding.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..data.dates import FORMS, DateProblem, When, parse_when


class DatePrompt(ModalScreen[When | None]):
    """Dismisses with the resolved moment on enter, or None on escape."""

    KEY_SECTION = "Dialogs"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="date-prompt.cancel")]

    def __init__(self, title: str, now: Callable[[], datetime], *, value: str = "", hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._now = now
        self._value = value
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker", id="date-prompt"):
            yield Static(self._title, classes="picker-title", markup=False)
            yield Input(value=self._value, placeholder=FORMS, id="date-prompt-input")
            yield Static(id="date-prompt-when", classes="picker-hint", markup=False)
            if self._hint:
                yield Static(self._hint, classes="picker-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._show()

    def resolved(self) -> When | DateProblem:
        return parse_when(self.query_one(Input).value, self._now())

    @on(Input.Changed)
    def _show(self) -> None:
        found = self.resolved()
        when = self.query_one("#date-prompt-when", Static)
        if isinstance(found, DateProblem):
            when.update(Text(found.message, style="bold red" if self.query_one(Input).value.strip() else "dim"))
        else:
            when.update(Text(f"→ {found.describe(self._now())}", style="green"))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        found = self.resolved()
        if isinstance(found, When):
            self.dismiss(found)
        else:
            self._show()

    def action_cancel(self) -> None:
        self.dismiss(None)
