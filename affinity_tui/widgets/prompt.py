"""A one-line question (e.g. "find in the loaded rows"), answered with enter or escaped."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class TextPrompt(ModalScreen[str | None]):
    """Dismisses with the typed text on enter (possibly ""), or None on escape."""

    KEY_SECTION = "Dialogs"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, *, value: str = "", placeholder: str = "", hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._placeholder = placeholder
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Static(self._title, classes="picker-title", markup=False)
            yield Input(value=self._value, placeholder=self._placeholder, id="prompt-input")
            if self._hint:
                yield Static(self._hint, classes="picker-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
