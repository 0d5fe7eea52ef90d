"""Requests a screen needs at once, sent at once, and given up together.

``asyncio.gather`` leaves the other requests running when one fails; the screen has already
shown the failure, so they would only spend the user's rate-limit budget (and their retries)
for nothing. ``together`` cancels them instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

A = TypeVar("A")
B = TypeVar("B")


async def together(first: Awaitable[A], second: Awaitable[B]) -> tuple[A, B]:
    """Await both concurrently; if either raises, cancel the other and raise the first error."""
    tasks: list[asyncio.Future[Any]] = [asyncio.ensure_future(first), asyncio.ensure_future(second)]
    try:
        a, b = await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return a, b
