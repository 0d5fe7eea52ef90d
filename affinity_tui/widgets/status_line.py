"""The bottom status line: what the screen is doing, the live API budget, and the lock.

Three facts a person needs at a glance and never has to ask for: how much of the current
view is loaded (or what a filter scanned), how much of Affinity's rate limit is left (per
minute and per month, turning to a warning colour when low, with the wait when rate limited),
and whether the app can write (🔒 read-only by default).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from ..data.ratelimits import RateLimitStatus, RateLimitTracker


class StatusLine(Horizontal):
    """Screen status on the left; API budget and the lock on the right."""

    message: reactive[str] = reactive("")
    budget: reactive[RateLimitStatus] = reactive(RateLimitStatus, always_update=True)
    write_mode: reactive[bool] = reactive(False)

    def __init__(self, rate: RateLimitTracker | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rate = rate
        self._unsubscribe: object = None
        self._widths: dict[str, int] = {}
        self._latest: RateLimitStatus | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="status-message", markup=False)
        yield Static(id="status-budget", markup=False)
        yield Static(id="status-lock", markup=False)

    def on_mount(self) -> None:
        """Follow the session's budget and the app's lock for as long as this line is shown."""
        self._show_budget()
        self._show_lock()
        self.set_interval(1.0, self._tick)
        if self._rate is not None:
            self._unsubscribe = self._rate.subscribe(self._budget_changed)
            self.app.screen_change_signal.subscribe(self, self._screen_changed)
        if hasattr(self.app, "write_mode"):
            self.watch(self.app, "write_mode", self._lock_changed, init=True)

    def on_unmount(self) -> None:
        if callable(self._unsubscribe):
            self._unsubscribe()

    def _budget_changed(self, status: RateLimitStatus) -> None:
        # Called from inside SDK requests: schedule, don't touch widgets directly.
        self.call_later(self._set_budget, status)

    def _set_budget(self, status: RateLimitStatus) -> None:
        if not self.is_mounted:
            return
        self._latest = status
        # Only the line on the screen in view changes. A screen underneath that repaints makes
        # Textual repaint the whole top screen (every page of a list being browsed on top of
        # the lists screen would be a full-screen frame); it catches up when it is shown again.
        if self._in_view():
            self.budget = status

    def _in_view(self) -> bool:
        # Not `Screen.is_current`, which is also true of the screen just beneath the top one.
        return self.screen is self.app.screen

    def _screen_changed(self, screen: Screen[Any]) -> None:
        if screen is self.screen and self._latest is not None and self._latest is not self.budget:
            self.budget = self._latest

    def _lock_changed(self, write_mode: bool) -> None:
        self.write_mode = write_mode

    def _tick(self) -> None:
        """Countdowns (a rate-limit wait) move even when no response arrives."""
        if self.budget.wait_until is not None and self._in_view():
            self._show_budget()

    def watch_message(self, message: str) -> None:
        self._put("#status-message", Text(message, no_wrap=True, overflow="ellipsis"), fills_line=True)
        if self.is_mounted and self._widths.get("#status-budget") != cell_len(self._budget_text()):
            self._show_budget()

    def _put(self, selector: str, text: Text, *, fills_line: bool = False) -> Static:
        """Show `text`; lay the screen out again only if the text's width changed.

        `Static.update` lays out the whole screen by default. The budget changes with every
        response and the message with every page, so that would be a full layout pass in the way of
        the frames the keys wait for; "loaded 4,700 of 100,000" and "881/900" keep their width
        most of the time (and the message's width is the line's, whatever it says)."""
        width = text.cell_len
        layout = not fills_line and self._widths.get(selector) != width
        self._widths[selector] = width
        widget = self.query_one(selector, Static)
        widget.update(text, layout=layout)
        return widget

    def watch_budget(self) -> None:
        self._show_budget()

    def watch_write_mode(self) -> None:
        self._show_lock()

    def _budget_text(self) -> str:
        """The budget as briefly as needed for the message to stay whole ("loaded 100 of
        100,000" must never lose its end to the budget on a narrow terminal)."""
        width = self.size.width
        text = self.budget.describe()
        if not width:
            return text
        room = width - cell_len(self.message) - 2 - cell_len("🔒 read-only ✎") - 4
        for brevity in (1, 2):
            if cell_len(text) <= room:
                break
            text = self.budget.describe(brevity)
        return text

    def on_resize(self) -> None:
        self._show_budget()

    def _show_budget(self) -> None:
        widget = self._put("#status-budget", Text(self._budget_text(), no_wrap=True))
        level = self.budget.level
        widget.set_class(level == "low", "-low")
        widget.set_class(level == "exhausted", "-exhausted")

    def _show_lock(self) -> None:
        widget = self._put("#status-lock", Text("✎ WRITE MODE" if self.write_mode else "🔒 read-only"))
        widget.set_class(self.write_mode, "-unlocked")
