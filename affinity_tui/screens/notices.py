"""How a failed load reaches the user: an error notification that says what to do.

Workers catch everything and come here, so no exception escapes to Textual's crash screen
(which would print local variables, the API key among them).
"""

from __future__ import annotations

import time
from weakref import WeakKeyDictionary

from textual.app import App
from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from ..data import UserFacingError
from ..data.connectivity import UnreachableError

ERROR_SECONDS = 12.0
AUTO_RESUME_SECONDS = 120
"""A load refused by Affinity's rate limit starts again by itself after a wait this short; after
a longer one the notification says how long, and R starts it."""
_shown: WeakKeyDictionary[App[object], dict[tuple[str, str], float]] = WeakKeyDictionary()


def resume_delay(error: BaseException, limit: float) -> float | None:
    """Seconds after which a load refused by Affinity's rate limit may start again by itself:
    the wait Affinity asked for, when it is no longer than ``limit``; else None."""
    wait = getattr(error, "retry_after", None)
    if isinstance(wait, int | float) and not isinstance(wait, bool) and 0 < wait <= limit:
        return float(wait)
    return None


def notify_failure(node: DOMNode, error: BaseException, *, resumes_in: float | None = None) -> None:
    """Show ``error`` as an error notification; unexpected errors are logged, not shown raw.
    ``resumes_in``: the load starts again by itself after that many seconds, and the
    notification says so instead of asking for R.

    The same failure reported by several loads at once (a refused key fails every request)
    is shown once while its notification is still on screen; and while the app is offline, it
    has said so once, so a read that could not reach Affinity says nothing more.
    """
    if isinstance(error, UnreachableError) and getattr(getattr(node.app, "session", None), "offline", False):
        return
    if isinstance(error, UserFacingError) and resumes_in is not None:
        title = error.title
        message = (f"Nothing is sent meanwhile: it continues by itself in {_seconds(resumes_in)} "
                   "(the status line counts down; R tries sooner).")
    elif isinstance(error, UserFacingError):
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


def say_worker_failure(node: DOMNode, event: Worker.StateChanged) -> None:
    """A worker of ``node`` that died of an error its own code did not catch (a bug) is said,
    never silent: a notification naming the kind of error only (its message could quote
    anything). Workers started with ``exit_on_error`` end the app instead, with a crash report
    that holds no key."""
    worker = event.worker
    if event.state is WorkerState.ERROR and worker.error is not None and not worker.exit_on_error:
        notify_failure(node, worker.error)


def _seconds(seconds: float) -> str:
    whole = max(1, round(seconds))
    return "1 second" if whole == 1 else f"{whole} seconds"


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
