"""A detail part refused by Affinity's rate limit: it says so, counts the wait down in place, and
loads again by itself when the wait is over — as the tables do (``TableScreen.failed``).

A longer wait than ``AUTO_RESUME_SECONDS`` is only said (with how long); ``R`` loads again.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.timer import Timer

from .notices import AUTO_RESUME_SECONDS


def rate_limit_wait(error: BaseException) -> float | None:
    """Seconds Affinity asked to wait, when ``error`` is a refusal by its rate limit."""
    wait = getattr(error, "retry_after", None)
    status = getattr(error, "status", None)
    if isinstance(wait, int | float) and wait > 0 and (status == 429 or "rate limit" in str(error)):
        return float(wait)
    return None


def waiting_text(title: str, seconds: float) -> Text:
    """``Notes  rate limited: loads again in 42s`` (a section's heading while it waits)."""
    return Text.assemble((title, "bold underline"),
                         (f"  rate limited by Affinity: loads again in {max(0, round(seconds))}s", "yellow"))


def wait_then_reload(screen: Screen[Any], seconds: float, show: Callable[[float], Awaitable[None]],
                     reload: Callable[[], object]) -> Timer:
    """Show the wait (``show(seconds_left)``) every second, then ``reload()``; returns the timer
    (stop it to give up, e.g. when ``R`` loads everything again)."""
    until = time.monotonic() + seconds

    async def tick() -> None:
        left = until - time.monotonic()
        if left <= 0:
            timer.stop()
            reload()
            return
        await show(left)

    timer = screen.set_interval(1.0, tick)
    return timer


__all__ = ["AUTO_RESUME_SECONDS", "rate_limit_wait", "wait_then_reload", "waiting_text"]
