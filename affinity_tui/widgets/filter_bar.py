"""The filter bar (``/``): one line of the SDK's filter language, with field-name completion,
recent filters, and a clear message under it when the expression is wrong.

The bar never decides what a filter means: it hands the text to its screen
(``FilterBar.Submitted``) and shows whatever problem the screen reports back, with a caret
under the column where the expression goes wrong. What the user typed is never lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static


class FieldNameSuggester(Suggester):
    """Completes the word under the cursor from the list's field names (and recent filters).

    Textual draws a suggestion as the part after what is typed, so only a completion that
    extends the text is offered as one; a completion that rewrites it (``Close`` → ``"Close
    Date"``, quoted) goes to ``on_completion`` instead, for the bar to show and ``→`` to take.
    """

    def __init__(self, complete: Callable[[str], list[str]],
                 on_completion: Callable[[str, str | None], None] | None = None) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._complete = complete
        self._on_completion = on_completion

    async def get_suggestion(self, value: str) -> str | None:
        found = self._complete(value)
        first = found[0] if found else None
        extends = first is not None and first.startswith(value)
        if self._on_completion is not None:
            self._on_completion(value, None if extends or first == value else first)
        return first if extends else None


class FilterInput(Input):
    """The bar's input: ``→`` at the end also takes a completion that rewrites the text."""

    def __init__(self, *, rewrite_for: Callable[[str], str | None], **options: Any) -> None:
        super().__init__(**options)
        self._rewrite_for = rewrite_for

    def action_cursor_right(self, select: bool = False) -> None:
        rewrite = self._rewrite_for(self.value) if self.cursor_at_end and not select else None
        if rewrite is not None and not self._suggestion:
            self.value = rewrite
            self.cursor_position = len(rewrite)
            return
        super().action_cursor_right(select)


class FilterBar(Vertical):
    """Hidden until shown; ``enter`` submits, ``escape`` hides, ``up`` recalls recent filters."""

    KEY_SECTION = "Filter bar"
    BINDINGS = [
        Binding("escape", "dismiss", "Close filter", id="filter.close"),
        Binding("up", "recall(1)", "Older filter", show=False, id="filter.older"),
        Binding("down", "recall(-1)", "Newer filter", show=False, id="filter.newer"),
    ]

    class Submitted(Message):
        def __init__(self, bar: FilterBar, text: str) -> None:
            super().__init__()
            self.bar = bar
            self.text = text

        @property
        def control(self) -> FilterBar:
            return self.bar

    class Dismissed(Message):
        def __init__(self, bar: FilterBar) -> None:
            super().__init__()
            self.bar = bar

        @property
        def control(self) -> FilterBar:
            return self.bar

    def __init__(self, *, placeholder: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self._placeholder = placeholder
        self._recent: list[str] = []
        self._recall_index = -1
        self._complete: Callable[[str], list[str]] = lambda _text: []
        self._rewrite: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder=self._placeholder, id="filter-input", rewrite_for=self._rewrite_for,
                          suggester=FieldNameSuggester(lambda text: self._complete(text), self._completed))
        yield Static(id="filter-hint", markup=False)
        yield Static(id="filter-problem", markup=False)

    def _completed(self, text: str, rewrite: str | None) -> None:
        """A completion that rewrites ``text`` (shown under the bar; ``→`` takes it), or none."""
        self._rewrite = (text, rewrite) if rewrite is not None else None
        hint = self.query_one("#filter-hint", Static)
        hint.update(Text.assemble(("  → ", "bold"), (rewrite, ""), ("  (→ completes)", "dim"))
                    if rewrite is not None else "")
        hint.display = rewrite is not None

    def _rewrite_for(self, text: str) -> str | None:
        pending = self._rewrite
        return pending[1] if pending is not None and pending[0] == text else None

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    def configure(self, *, complete: Callable[[str], list[str]] | None = None,
                  recent: Sequence[str] | None = None) -> None:
        if complete is not None:
            self._complete = complete
        if recent is not None:
            self._recent = list(recent)
            self._recall_index = -1

    def open(self, text: str | None = None) -> None:
        self.display = True
        if text is not None:
            self.input.value = text
            self.input.cursor_position = len(text)
        self.input.focus()

    def show_problem(self, message: str, position: int | None = None) -> None:
        """Show what is wrong; a caret marks ``position`` (0-based) under the input text."""
        problem = self.query_one("#filter-problem", Static)
        text = Text()
        if position is not None:
            # The input's text starts after its 1-cell border and 1-cell padding, and may be
            # scrolled horizontally: keep the caret under the offending character.
            offset = position - int(self.input.scroll_offset.x)
            text.append(" " * (max(0, offset) + 2) + "^ ", style="bold red")
        text.append(message, style="red")
        problem.update(text)
        problem.display = True
        self.input.add_class("-invalid")

    def clear_problem(self) -> None:
        problem = self.query_one("#filter-problem", Static)
        problem.update("")
        problem.display = False
        self.input.remove_class("-invalid")

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self, event.value.strip()))

    @on(Input.Changed, "#filter-input")
    def _changed(self) -> None:
        self.clear_problem()

    def action_dismiss(self) -> None:
        self.clear_problem()
        self.display = False
        self.post_message(self.Dismissed(self))

    def action_recall(self, step: int) -> None:
        if not self._recent:
            return
        self._recall_index = max(-1, min(len(self._recent) - 1, self._recall_index + step))
        value = "" if self._recall_index < 0 else self._recent[self._recall_index]
        self.input.value = value
        self.input.cursor_position = len(value)
