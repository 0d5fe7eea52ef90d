"""The bottom status line: what the screen is doing, the live API budget, and the lock.

Three facts a person needs at a glance and never has to ask for: how much of the current
view is loaded (or what a filter scanned), how much of Affinity's rate limit is left (per
minute and per month, turning to a warning colour when low, with the wait when rate limited),
and whether the app can write (🔒 read-only by default).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
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
        if hasattr(self.app, "write_mode"):
            self.watch(self.app, "write_mode", self._lock_changed, init=True)

    def on_unmount(self) -> None:
        if callable(self._unsubscribe):
            self._unsubscribe()

    def _budget_changed(self, status: RateLimitStatus) -> None:
        # Called from inside SDK requests: schedule, don't touch widgets directly.
        self.call_later(self._set_budget, status)

    def _set_budget(self, status: RateLimitStatus) -> None:
        if self.is_mounted:
            self.budget = status

    def _lock_changed(self, write_mode: bool) -> None:
        self.write_mode = write_mode

    def _tick(self) -> None:
        """Countdowns (a rate-limit wait) move even when no response arrives."""
        if self.budget.wait_until is not None:
            self._show_budget()

    def watch_message(self, message: str) -> None:
        self.query_one("#status-message", Static).update(Text(message, no_wrap=True, overflow="ellipsis"))

    def watch_budget(self) -> None:
        self._show_budget()

    def watch_write_mode(self) -> None:
        self._show_lock()

    def _show_budget(self) -> None:
        widget = self.query_one("#status-budget", Static)
        widget.update(Text(self.budget.describe(), no_wrap=True))
        level = self.budget.level
        widget.set_class(level == "low", "-low")
        widget.set_class(level == "exhausted", "-exhausted")

    def _show_lock(self) -> None:
        widget = self.query_one("#status-lock", Static)
        widget.update("✎ WRITE MODE" if self.write_mode else "🔒 read-only")
        widget.set_class(self.write_mode, "-unlocked")
