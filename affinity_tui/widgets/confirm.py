"""A yes/no question that must be answered before anything risky happens."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True only on an explicit yes (``y`` or the button); anything else is no."""

    KEY_SECTION = "Dialogs"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, question: str, *, yes: str = "Yes", no: str = "Cancel",
                 details: Sequence[str] = ()) -> None:
        super().__init__()
        self._title = title
        self._question = question
        self._details = tuple(details)
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self._title, id="confirm-title", markup=False)
            yield Static(self._question, id="confirm-question", markup=False)
            if self._details:
                with VerticalScroll(id="confirm-details"):
                    for line in self._details:
                        yield Static(line, classes="confirm-detail", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self._yes} (y)", id="confirm-yes", variant="warning")
                yield Button(f"{self._no} (n)", id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ConfirmWriteScreen(ConfirmScreen):
    """Shows what a write will change, line by line, and sends nothing until ``y``."""

    def __init__(self, title: str, lines: Sequence[str], *, requests: int = 1, verb: str = "Save") -> None:
        sent = "1 write request" if requests == 1 else f"{requests:,} write requests"
        super().__init__(title, f"This sends {sent} to Affinity:", yes=verb, no="Cancel", details=lines)
