"""Small modal pickers: choose one thing (a sort column, a saved view, a list) or several
(the columns to show). Labels are CRM data, so they are rendered as plain text, control
characters replaced."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.widgets.selection_list import Selection

from .cell_text import clean


class PickOne(ModalScreen[str | None]):
    """Dismisses with the chosen value, or None on escape."""

    KEY_SECTION = "Dialogs"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], *, current: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._choices = list(choices)
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Static(clean(self._title), classes="picker-title", markup=False)
            yield OptionList(*(Option(Text(clean(label)), id=value) for label, value in self._choices),
                             id="picker-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current is not None:
            for index, (_, value) in enumerate(self._choices):
                if value == self._current:
                    options.highlighted = index
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CheckList(SelectionList[str]):
    """A ``SelectionList`` whose boxes say ✓ or nothing: chosen and not chosen look different in
    every theme, not only by a colour that some themes make nearly the same."""

    CHECKED = "✓"

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if len(segments) < 3:
            return strip
        mark = self.CHECKED if selection.value in self.selected else " "
        segments[1] = Segment(mark, segments[1].style)
        return Strip(segments, strip.cell_length)


class PickMany(ModalScreen[list[str] | None]):
    """Toggle items with space; enter confirms, escape cancels."""

    KEY_SECTION = "Dialogs"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("enter", "confirm", "Apply", id="picker.apply", priority=True),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str, bool]], *, hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._choices = list(choices)
        self._hint = hint or "space toggles · enter applies · escape cancels"

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Static(clean(self._title), classes="picker-title", markup=False)
            yield CheckList(*(Selection(Text(clean(label)), value, chosen) for label, value, chosen in self._choices),
                            id="picker-selection")
            yield Static(self._hint, classes="picker-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_confirm(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)
