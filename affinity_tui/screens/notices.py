"""How a failed load reaches the user: an error notification that says what to do.

Workers catch everything and come here, so no exception escapes to Textual's crash screen
(which would print local variables, the API key among them).
"""

from __future__ import annotations

import time
from weakref import WeakKeyDictionary

from textual.app import App
from textual.dom import DOMNode

from ..data import UserFacingError
from ..data.connectivity import UnreachableError

ERROR_SECONDS = 12.0
_shown: WeakKeyDictionary[App[object], dict[tuple[str, str], float]] = WeakKeyDictionary()


def notify_failure(node: DOMNode, error: BaseException) -> None:
    """Show ``error`` as an error notification; unexpected errors are logged, not shown raw.

    The same failure reported by several loads at once (a refused key fails every request)
    is shown once while its notification is still on screen; and while the app is offline, it
    has said so once, so a read that could not reach Affinity says nothing more.
    """
    if isinstance(error, UnreachableError) and getattr(getattr(node.app, "session", None), "offline", False):
        return
    if isinstance(error, UserFacingError):
        title, message = error.title, error.what_to_do
    else:  # a bug in affinity-tui itself; its message is not shown: it could quote anything
        node.log.error(f"unexpected {type(error).__name__} in {node!r}")
        title = f"Something went wrong in affinity-tui ({type(error).__name__})"
        message = "The rest of the app still works. Please report this with the steps that led to it."
    recent = _shown.setdefault(node.app, {})
    now = time.monotonic()
    if now - recent.get((title, message), -ERROR_SECONDS) < ERROR_SECONDS:
        return
    recent[(title, message)] = now
    node.app.notify(message, title=title, severity="error", timeout=ERROR_SECONDS, markup=False)


NOTICE_CHARS = 320
"""Longest notification text shown (a pasted page would otherwise fill the screen)."""
NOTICE_LINES = 6
NOTICE_LINE_CHARS = 160


def cut_for_notice(text: str, *, chars: int = NOTICE_CHARS, lines: int = NOTICE_LINES,
                   line_chars: int = NOTICE_LINE_CHARS) -> str:
    """``text`` short enough for a notification: at most ``lines`` lines of ``line_chars``
    characters, ``chars`` in all, each cut marked with an ellipsis."""
    kept = []
    for line in text.splitlines()[:lines]:
        kept.append(line if len(line) <= line_chars else line[: line_chars - 1] + "…")
    if len(text.splitlines()) > lines:
        kept[-1] = kept[-1].rstrip("…") + "…"
    out = "\n".join(kept)
    return out if len(out) <= chars else out[: chars - 1] + "…"
