"""A crash report that cannot leak the API key.

Textual prints an unhandled exception with ``show_locals=True``; the SDK's middleware frames
hold the key in their locals (``config``, request headers). This report drops locals and also
scrubs the key from exception messages, in case a server echoed it back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .config import Secret

if TYPE_CHECKING:  # rich.traceback costs ~25 ms to import: only a crash pays for it
    from rich.traceback import Trace, Traceback


def redacted_traceback(error: BaseException, secrets: Iterable[Secret]) -> Traceback:
    """A rich traceback of ``error`` (and its chain) without locals and without secrets."""
    import affinity
    import httpx
    import rich
    import textual
    from rich.traceback import Traceback

    # Frames in these libraries are listed without source: highlighting a 4,000-line SDK
    # module for each frame takes seconds, and the bug is almost always in our own frames.
    libraries = [affinity, httpx, rich, textual]
    trace = Traceback.extract(type(error), error, error.__traceback__, show_locals=False)
    _scrub(trace, tuple(secrets))
    return Traceback(trace, show_locals=False, width=None, suppress=libraries)


def _scrub(trace: Trace, secrets: tuple[Secret, ...]) -> None:
    def clean(text: str) -> str:
        for secret in secrets:
            text = secret.scrub(text)
        return text

    for stack in trace.stacks:
        stack.exc_value = clean(stack.exc_value)
        stack.notes = [clean(note) for note in stack.notes]
        if stack.syntax_error is not None:
            stack.syntax_error.line = clean(stack.syntax_error.line)
            stack.syntax_error.msg = clean(stack.syntax_error.msg)
        for frame in stack.frames:
            frame.locals = None
            frame.line = clean(frame.line)
        for group in stack.exceptions:
            _scrub(group, secrets)
