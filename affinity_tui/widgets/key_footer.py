"""``KeyFooter``: Textual's compact footer, fitted to the terminal's width by leaving out the keys
a person needs least, so ``?`` (every key), ``/`` and the lock stay in view at 80 columns.

A screen's keys come in the order Textual collects them (the focused widget's, the screen's, the
app's last), so a narrow terminal would cut ``?`` off first. This footer drops keys instead, in
``DROPPED_FIRST`` order, then from the end, never the ones in ``ALWAYS_SHOWN``; the help screen
(``?``) and the command palette still list every key.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

DROPPED_FIRST = ("quit", "export", "sort", "find", "columns", "back", "select_row", "toggle_empty", "activate",
                 "open", "more", "saved_view", "open_view", "new_reminder", "new_note")
"""Actions whose keys leave a narrow footer first, in this order."""
ALWAYS_SHOWN = frozenset({"help", "toggle_lock", "undo", "query"})
"""Actions whose keys stay however narrow the footer is: ``?``, ``w``, ``u`` while an undo is
offered, and ``/``."""
PALETTE_CELLS = 12
"""The command palette's key, docked at the right edge with its border."""


class KeyFooter(Footer):
    """A compact ``Footer`` that shows the keys that fit, the most needed ones first to stay."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's own parameter name
        super().__init__(id=id, compact=True)
        self._fitted_to = 0
        self._shown: tuple[object, ...] | None = None
        """What the keys were composed from (``_keys_now``), to skip composing the same again."""

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        self._fitted_to = self.app.size.width
        self._shown = self._keys_now() if self._bindings_ready else None
        return fit(keys, self._fitted_to - (PALETTE_CELLS if self.show_command_palette else 0))

    def _keys_now(self) -> tuple[object, ...]:
        """The keys the footer would show now, and how wide it is."""
        return (self.app.size.width, *((b.key, b.description, b.action, enabled)
                                       for _, b, enabled, _ in self.screen.active_bindings.values() if b.show))

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Compose again only when the keys to show changed: a dialog closing, or a write's
        refresh of the keys, most often leaves them as they were, and composing the footer
        again lays out the whole screen in the frame the user is waiting for."""
        if self.is_attached and screen is self.screen and self._shown is not None and self._bindings_ready \
                and self._keys_now() == self._shown:
            return
        super().bindings_changed(screen)

    def on_resize(self, event: events.Resize) -> None:
        if self.app.size.width != self._fitted_to and self._bindings_ready:
            self.call_after_refresh(self.recompose)


def cells(key: Widget) -> int:
    """Cells a compact footer key takes: its key, a space, its description, a space."""
    description = str(getattr(key, "description", ""))
    width = cell_len(str(getattr(key, "key_display", ""))) + 1
    return width + cell_len(description) + 1 if description else width


def fit(keys: list[Widget], width: int) -> list[Widget]:
    """The footer keys to show in ``width`` cells, in their order: while they do not fit, the
    key whose action comes first in ``DROPPED_FIRST`` goes, then the last one not in
    ``ALWAYS_SHOWN``. The command palette's key (docked apart) always stays."""
    docked = [k for k in keys if k.has_class("-command-palette")]
    shown = [k for k in keys if not k.has_class("-command-palette")]
    rank = {action: index for index, action in enumerate(DROPPED_FIRST)}

    def action(key: Widget) -> str:
        return str(getattr(key, "action", "")).rpartition(".")[2].split("(")[0]

    while shown and sum(map(cells, shown)) > width:
        droppable = [k for k in shown if action(k) not in ALWAYS_SHOWN]
        if not droppable:
            break
        ranked = [k for k in droppable if action(k) in rank]
        victim = min(ranked, key=lambda k: rank[action(k)]) if ranked else droppable[-1]
        shown.remove(victim)
    return shown + docked
