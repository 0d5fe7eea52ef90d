"""A long read in progress (loading all entries, exporting all): a bar, a count, and ``escape``
to stop. Stopping keeps what was read; the page being fetched is kept for the next read."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static


class ProgressScreen(ModalScreen[bool]):
    """Dismissed with True when the work finishes (``finish``), False when the user stops it."""

    KEY_SECTION = "Dialogs"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "stop", "Stop", id="progress.stop")]

    DEFAULT_CSS = """
    ProgressScreen { align: center middle; }
    ProgressScreen > Vertical { width: 64; height: auto; padding: 1 2; border: round $accent; background: $panel; }
    ProgressScreen #progress-bar { margin: 1 0; }
    """

    def __init__(self, title: str, total: int | None, *, unit: str = "entries",
                 when_stopped: str = "what is read so far stays") -> None:
        super().__init__()
        self._title = title
        self._total = total
        self._unit = unit
        self._when_stopped = when_stopped
        self.done = 0
        self._work_done = False
        self._dismissing = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="picker-title", markup=False)
            yield ProgressBar(total=self._total, show_eta=False, id="progress-bar")
            yield Static(self._text(), id="progress-text", markup=False)

    def _text(self) -> str:
        of = f" of {self._total:,}" if self._total is not None else ""
        return f"{self.done:,}{of} {self._unit} · escape stops ({self._when_stopped})"

    def show(self, done: int, total: int | None = None) -> None:
        """``done`` so far (and the total, once known)."""
        self.done = done
        if total is not None:
            self._total = total
        if not self.is_mounted:
            return
        bar = self.query_one("#progress-bar", ProgressBar)
        bar.update(total=self._total, progress=done)
        self.query_one("#progress-text", Static).update(self._text())

    def on_mount(self) -> None:
        self.set_interval(0.05, self._close_when_finished)

    def finish(self) -> None:
        """The work is done: the dialog closes itself (from its own timer: the work may end
        before the dialog is even shown, and a screen is dismissed from its own handlers)."""
        self._work_done = True

    def _close_when_finished(self) -> None:
        if self._work_done and not self._dismissing and self.app.screen is self:
            self._dismissing = True
            self.dismiss(True)

    def action_stop(self) -> None:
        if not self._dismissing:
            self._dismissing = True
            self.dismiss(False)
