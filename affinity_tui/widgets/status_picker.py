"""Pick one of a few dozen choices by typing part of it: the Status picker (options in rank
order, in their colours, the current one marked) and the list picker of "add to a list".

Typing filters the choices (every word must appear, any case); ``↑``/``↓`` move, ``enter``
chooses, ``escape`` cancels. Labels are CRM data: plain ``Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from .cell_text import clean

CURRENT_MARK = "●"


@dataclass(frozen=True, slots=True)
class Choice:
    """One choice: what it returns, how it reads, its colour, and whether it is the current one."""

    value: str
    label: str
    style: str | None = None
    current: bool = False
    note: str = ""
    """Dim text after the label ("already on it", "12 entries")."""


class FilterPicker(ModalScreen[str | None]):
    """Dismisses with the chosen ``Choice.value``, or None on escape."""

    KEY_SECTION = "Dialogs"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="filter-picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="filter-picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="filter-picker.up"),
        Binding("enter", "choose", "Choose", priority=True, id="filter-picker.choose"),
    ]

    def __init__(self, title: str, choices: Sequence[Choice], *, hint: str = "", placeholder: str = "type to filter",
                 id: str | None = None) -> None:  # noqa: A002 - Textual's own parameter name
        super().__init__(id=id)
        self._title = title
        self._choices = list(choices)
        self._hint = hint
        self._placeholder = placeholder
        self._shown: list[Choice] = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker filter-picker"):
            yield Static(clean(self._title), classes="picker-title", markup=False)
            yield Input(placeholder=self._placeholder, id="filter-picker-input")
            yield OptionList(id="filter-picker-options")
            if self._hint:
                yield Static(self._hint, classes="picker-hint", markup=False)

    def on_mount(self) -> None:
        self._show("")
        options = self.query_one(OptionList)
        current = next((i for i, c in enumerate(self._shown) if c.current), 0)
        if self._shown:
            options.highlighted = current
        self.query_one(Input).focus()

    @property
    def shown(self) -> list[Choice]:
        """The choices the filter leaves, in order."""
        return list(self._shown)

    def _show(self, text: str) -> None:
        words = text.casefold().split()
        self._shown = [c for c in self._choices if all(w in c.label.casefold() for w in words)]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(_label(c), id=c.value) for c in self._shown])
        if self._shown:
            options.highlighted = 0
        else:
            typed = clean(text if len(text) <= 60 else text[:59] + "…")
            options.add_option(Option(Text(f"Nothing matches “{typed}”.", style="dim"), disabled=True))

    @on(Input.Changed, "#filter-picker-input")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self._shown:
            return
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(len(self._shown) - 1, current + step))

    def action_choose(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None or not 0 <= index < len(self._shown):
            return
        self.dismiss(self._shown[index].value)

    @on(OptionList.OptionSelected, "#filter-picker-options")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StatusPicker(FilterPicker):
    """The Status options of a list in rank order, each in its colour, the current one marked."""


def _label(choice: Choice) -> Text:
    text = Text(f"{CURRENT_MARK} " if choice.current else "  ", style="bold")
    text.append(clean(choice.label), style=choice.style or "")
    if choice.current:
        text.append("  (now)", style="dim")
    if choice.note:
        text.append(f"  {choice.note}", style="dim")
    return text
