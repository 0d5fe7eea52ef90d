"""Keep the SDK's page classes alive, so pydantic does not rebuild one for every page.

The SDK returns ``PaginatedResponse[ListEntryWithEntity]`` (and the like), parametrizing the
generic model inside its methods. Pydantic caches parametrized classes in a
``WeakValueDictionary``: once a page is dropped (the table keeps rows, not SDK models), its
class dies and the next page builds it again, ~3 ms per page on the event loop (measured while
streaming the Deal Pipeline; the class is created anew every time). Holding one reference per
class makes every later page a cache hit. Nothing is built ahead of use, so start-up pays
nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = ["kept"]

P = TypeVar("P")

_KEPT: set[type[Any]] = set()


def kept(page: P) -> P:
    """``page``, its class now referenced for the life of the process."""
    _KEPT.add(type(page))
    return page
