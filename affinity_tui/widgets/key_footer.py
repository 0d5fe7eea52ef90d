"""The footer: Textual's, with the keys a newcomer needs first, so a narrow terminal cuts the others.

Textual lists the keys of the focused widget, then its screen's, then the app's, and a footer
wider than the terminal loses its end: at 80 columns that was ``/`` (filter, search) and ``?``
(help), the two keys that lead to every other. Those come first here, after the key that opens
what is under the cursor; the rest keep Textual's order.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST_ACTIONS = ("select_row", "activate", "query", "help", "back")
"""Actions whose keys lead the footer, in this order."""


def _rank(widget: Widget) -> int:
    action = getattr(widget, "action", None) if isinstance(widget, FooterKey) else None
    if isinstance(widget, FooterKey) and widget.has_class("-command-palette"):
        return len(FIRST_ACTIONS) + 1  # stays at the far right
    return FIRST_ACTIONS.index(action) if action in FIRST_ACTIONS else len(FIRST_ACTIONS)


class KeyFooter(Footer):
    """``Footer`` with ``FIRST_ACTIONS`` first."""

    def compose(self) -> ComposeResult:
        widgets: Iterable[Widget] = super().compose()
        yield from sorted(widgets, key=_rank)  # sorted is stable: the rest keep their order
