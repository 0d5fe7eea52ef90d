"""`RouteHost`: what the v1 and v2 routes need from the emulator that serves them.

The routes are typed against this protocol, not against `Emulator`, so they import nothing of
``app.py`` (which imports them) and a test can serve them from any object with these members.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol, TypeVar

from starlette.requests import Request

from .limits import RateLimits
from .store import SavedView, TenantStore
from .writes import Writes

T = TypeVar("T")


class RouteHost(Protocol):
    @property
    def store(self) -> TenantStore:
        """The tenant the routes read (writes go through `writes`)."""

    @property
    def writes(self) -> Writes:
        """The only way a route changes the tenant."""

    @property
    def limits(self) -> RateLimits:
        """The rate-limit budgets, for ``GET /rate-limit``."""

    def now(self) -> datetime:
        """The emulator's clock: fixed in tests, else the wall clock."""

    def now_iso(self) -> str:
        """`now` as ``YYYY-MM-DDTHH:MM:SSZ``."""

    def view_cache(self, view: SavedView, compute: Callable[[], T]) -> T:
        """A saved view's matching entries, recomputed only after a write."""

    def key_of(self, request: Request) -> str:
        """The API key a request authenticated with."""
